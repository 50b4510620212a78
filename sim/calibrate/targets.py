"""Calibration targets and the scenarios they hold under (`conf/targets/*.yaml`).

A targets file describes one scenario (the model config under which the reported numbers hold) and
its targets: each names its report and figures of `data/figures.yaml`, the reported value (a formula
over those figures, so a test can recompute it), the statistic in model terms, a tolerance, a weight
and a role (`calibrate`: fitted to; `validation`: never fitted to, reported beside).

A scenario is usable only when what it needs exists: its policy mix file, its programmes implemented
(not placeholders), and every monthly-table column its statistics read. Targets of an unusable
scenario are reported as "not yet usable" with the reason, and switch on by themselves when the
missing piece lands.
"""

from __future__ import annotations

import ast
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hydra import compose, initialize_config_dir
from omegaconf import DictConfig

from sim.calibrate.statistics import last_month, make_statistic
from sim.programmes import PROGRAMMES
from sim.programmes.base import Programme

ROOT = Path(__file__).resolve().parents[2]
FIGURES_FILE = ROOT / "data" / "figures.yaml"
ROLES = ("calibrate", "validation")
# The programme interface: a class that overrides none of these is a placeholder.
INTERFACE = (
    "options",
    "admit",
    "assign",
    "supply",
    "pay",
    "separate",
    "new_year",
    "search_factor",
    "job_bonus",
    "quit_factor",
    "record",
)


@dataclass
class Scenario:
    name: str
    description: str
    overrides: list[str]
    scale: float
    scale_reason: str
    programmes: list[str] = field(default_factory=list)  # must be implemented and switched on


@dataclass
class Target:
    name: str  # "<scenario>.<target>"
    scenario: str
    role: str
    description: str  # the statistic in the reports' words
    figures: list[str]
    source: str  # report file of data/figures.yaml's `sources`
    formula: str  # the reported value from the figures, e.g. "yunxi_fair_intents / yunxi_fair_attendees"
    reported: float
    unit: str
    statistic: dict[str, Any]
    tolerance: float  # within tolerance: |simulated mean - reported| <= tolerance
    tolerance_reason: str
    weight: float = 1.0
    note: str = ""
    bound: str = (
        "two-sided"  # "lower": the figure counts only part of what is simulated (within: >= reported - tolerance)
    )

    def __post_init__(self):
        if self.bound not in ("two-sided", "lower"):
            raise ValueError(f"targets.{self.name}.bound = {self.bound!r}: allowed are 'two-sided' and 'lower'")

    def within(self, simulated: float) -> bool:
        if self.bound == "lower":
            return bool(simulated >= self.reported - self.tolerance)
        return bool(abs(simulated - self.reported) <= self.tolerance)

    @property
    def months(self) -> int:
        return last_month(self.statistic)


def compose_calibration(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """conf/calibrate.yaml composed with `overrides`, as `python -m sim.calibrate` sees it (from Python:
    tests, notebooks)."""
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3", job_name="calibrate"):
        return compose(config_name="calibrate", overrides=list(overrides))


def figures() -> dict[str, Any]:
    return yaml.safe_load(FIGURES_FILE.read_text())


def report_files() -> dict[str, str]:
    """Source key -> report file name, e.g. S2016_pilot -> 004_825ac42c24fd85dc.txt."""
    return {key: text.split(" — ")[0] for key, text in figures()["sources"].items()}


_OPS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


def evaluate_formula(formula: str, values: dict[str, Any]) -> float:
    """The value of `formula`: figure keys (optionally indexed, `hainan_reward_paid[0]`), numbers,
    + - * / and brackets."""

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
            return _OPS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
            return node.value
        if isinstance(node, ast.Name):
            return values[node.id]["value"]
        if isinstance(node, ast.Subscript):
            key = node.slice.id if isinstance(node.slice, ast.Name) else ev(node.slice)  # dict figures by key
            return ev(node.value)[key]
        raise ValueError(f"unsupported expression in {formula!r}: {ast.dump(node)}")

    return float(ev(ast.parse(formula, mode="eval")))


def parse(targets_cfg: dict[str, Any]) -> tuple[dict[str, Scenario], list[Target]]:
    """Scenarios and targets from the composed `targets` node (one entry per targets file)."""
    scenarios, targets = {}, []
    for scenario_name, block in targets_cfg.items():
        s = dict(block["scenario"])
        scenarios[scenario_name] = Scenario(name=scenario_name, **s)
        for key, t in (block.get("targets") or {}).items():
            targets.append(Target(name=f"{scenario_name}.{key}", scenario=scenario_name, **dict(t)))
    return scenarios, targets


def implemented(name: str) -> bool:
    """True when the programme `policy.<name>` has a module that does something (not a placeholder)."""
    cls = PROGRAMMES.get(name)
    if cls is None:
        return False
    own = [c for c in cls.__mro__ if c not in (Programme, object)]
    return any(method in vars(c) for c in own for method in INTERFACE)


def scenario_problem(scenario: Scenario, conf_dir: Path) -> str | None:
    """Why the scenario cannot run yet (None when it can)."""
    for override in scenario.overrides:
        key, _, value = override.partition("=")
        if key == "policy" and not (conf_dir / "policy" / f"{value}.yaml").is_file():
            return f"policy mix conf/policy/{value}.yaml does not exist yet"
    missing = [name for name in scenario.programmes if not implemented(name)]
    if missing:
        return f"programme(s) not implemented yet: {', '.join(missing)}"
    return None


def target_problem(target: Target, columns: set[str], months: int) -> str | None:
    """Why a target of a runnable scenario cannot be computed (None when it can)."""
    absent = [c for c in make_statistic(target.statistic).columns() if c not in columns]
    if absent:
        return f"the model records no column {', '.join(absent)} yet"
    if target.months > months:
        return f"its statistic reads month {target.months} but the scenario runs {months} months"
    return None
