"""Provenance: every quoted value names a figure of data/figures.yaml and that figure's report; every
fitted value names its calibration targets; every other parameter in the config files is stated as an
assumption with a reason. Every calibration target (conf/targets/) names figures and their report."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
import yaml

from sim.calibrate.statistics import make_statistic
from sim.calibrate.targets import evaluate_formula
from sim.config import CONF_DIR, load
from sim.schema import RunConfig

ROOT = Path(__file__).resolve().parent.parent
FIGURES = yaml.safe_load((ROOT / "data" / "figures.yaml").read_text())
REPORT_FILES = {key: text.split(" — ")[0] for key, text in FIGURES["sources"].items()}
NOT_PARAMETERS = {"name", "quoted", "assumed", "fitted", "enabled", "defaults"}


def config_files() -> list:
    """(file, config node its keys are relative to) for every file that holds parameter values."""
    groups = {"region": "region", "behaviour": "behaviour", "policy": "policy"}
    groups |= {f"programme/{d.name}": f"policy.{d.name}" for d in sorted((CONF_DIR / "programme").iterdir())}
    return [
        pytest.param(path, node, id=f"{group}/{path.stem}")
        for group, node in groups.items()
        for path in sorted((CONF_DIR / group).glob("*.yaml"))
    ]


def leaf_keys(data: dict, prefix: str = "") -> list[str]:
    keys = []
    for k, v in (data or {}).items():
        if prefix == "" and k in NOT_PARAMETERS:
            continue
        if isinstance(v, dict):
            keys += leaf_keys(v, f"{prefix}{k}.")
        elif k != "enabled":
            keys.append(f"{prefix}{k}")
    return keys


def schema_field(node: str, key: str):
    """The dataclass field behind `<node>.<key>` (None for keys inside a dict of dataclasses)."""
    cls = RunConfig
    field = None
    parts = [*node.split("."), *key.split(".")]
    i = 0
    while i < len(parts):
        fields = {f.name: f for f in dataclasses.fields(cls)}
        assert parts[i] in fields, f"{node}.{key}: no such field"
        field = fields[parts[i]]
        cls = typing.get_type_hints(cls)[parts[i]]
        if typing.get_origin(cls) is dict:
            cls, i = typing.get_args(cls)[1], i + 1
            field = None
        i += 1
    return field


@pytest.mark.parametrize(("path", "node"), config_files())
def test_quoted_values_name_a_figure_and_its_report(path, node):
    """Each quoted entry resolves to a figure whose source is the report file it names."""
    data = yaml.safe_load(path.read_text()) or {}
    for key, ref in (data.get("quoted") or {}).items():
        assert ref["figure"] in FIGURES["figures"], f"{path.name}: {key} cites unknown figure {ref['figure']}"
        figure = FIGURES["figures"][ref["figure"]]
        assert ref["source"] == REPORT_FILES[figure["source"]], f"{path.name}: {key} names the wrong report"
        field = schema_field(node, key)
        assert field is None or field.metadata.get("unit"), f"{node}.{key} has no unit in the schema"


@pytest.mark.parametrize(("path", "node"), config_files())
def test_every_parameter_is_quoted_or_assumed(path, node):
    """No value in a config file is left without a source, a fit or a stated reason."""
    data = yaml.safe_load(path.read_text()) or {}
    documented = set(data.get("quoted") or {}) | set(data.get("assumed") or {}) | set(data.get("fitted") or {})
    for key in leaf_keys(data):
        parts = key.split(".")
        covered = any(".".join(parts[:n]) in documented for n in range(1, len(parts) + 1))
        assert covered, f"{path.name}: {key} is neither quoted nor assumed"
    for key in documented:
        schema_field(node, key)  # documented keys exist


MIXES = sorted(path.stem for path in (CONF_DIR / "policy").glob("*.yaml"))


@pytest.mark.parametrize("mix", MIXES)
def test_quoted_numbers_equal_their_figure(mix):
    """A quoted value that is a figure's number as it stands is the same number in the run config,
    under every policy mix (a mix may choose other programme option files and set its own values)."""
    cfg = load([f"policy={mix}"])
    sections = [cfg.region, cfg.policy]
    sections += [
        getattr(cfg.policy, f.name)
        for f in dataclasses.fields(cfg.policy)
        if hasattr(getattr(cfg.policy, f.name), "quoted")
    ]
    for section in sections:
        for key, ref in section.quoted.items():
            value = FIGURES["figures"][ref.figure]["value"]
            if ref.note or not isinstance(value, (int, float)):
                continue  # derived from the figure, as the note says
            actual = section
            for part in key.split("."):
                actual = getattr(actual, part)
            assert actual == pytest.approx(value), f"{key} = {actual}, figure {ref.figure} = {value}"


def test_figures_copy_matches_shared():
    """data/figures.yaml is the shared figures file, unchanged."""
    shared = ROOT.parent / "shared" / "domain" / "figures.yaml"
    if not shared.is_file():
        pytest.skip("no shared/ beside the repository")
    assert (ROOT / "data" / "figures.yaml").read_text() == shared.read_text()


# ------------------------------------------------------------------ calibration targets and fitted values
TARGET_FILES = sorted((CONF_DIR / "targets").glob("*.yaml"))


def calibration_targets() -> list:
    out = []
    for path in TARGET_FILES:
        for key, target in (yaml.safe_load(path.read_text()).get("targets") or {}).items():
            out.append(pytest.param(path.stem, key, target, id=f"{path.stem}.{key}"))
    return out


@pytest.mark.parametrize(("scenario", "key", "target"), calibration_targets())
def test_targets_name_figures_and_their_report(scenario, key, target):
    """A target's figures exist, come from the report it names, and give its reported value."""
    assert target["role"] in ("calibrate", "validation"), f"{scenario}.{key}: role {target['role']!r}"
    assert target["source"] in REPORT_FILES.values(), f"{scenario}.{key}: {target['source']} is no report"
    assert target["figures"], f"{scenario}.{key} names no figure"
    for name in target["figures"]:
        assert name in FIGURES["figures"], f"{scenario}.{key} cites unknown figure {name}"
        figure = FIGURES["figures"][name]
        assert REPORT_FILES[figure["source"]] == target["source"], (
            f"{scenario}.{key}: {name} is not from {target['source']}"
        )
    value = evaluate_formula(target["formula"], {k: FIGURES["figures"][k] for k in target["figures"]})
    assert target["reported"] == pytest.approx(value, rel=1e-3), f"{scenario}.{key}: {target['formula']} = {value}"
    assert target["tolerance"] > 0 and target["weight"] > 0 and target["tolerance_reason"]
    make_statistic(target["statistic"])  # a known kind with valid settings


def test_every_calibrate_figure_is_a_target_or_explained():
    """Each figure meant for calibration (`use: calibrate`) is used by a target, or is a quoted input."""
    used = {
        f
        for path in TARGET_FILES
        for t in (yaml.safe_load(path.read_text())["targets"] or {}).values()
        for f in t["figures"]
    }
    inputs = {"yunxi_poor_households", "yunxi_poor_people", "yunxi_poor_labourers"}  # the region's quoted counts
    unused = {k for k, f in FIGURES["figures"].items() if f.get("use") == "calibrate"} - used - inputs
    # Figures of programmes or regions the model does not represent as targets, each said in the README.
    readme = (ROOT / "experiments" / "calibration" / "README.md").read_text()
    missing = sorted(k for k in unused if k not in readme)
    assert not missing, f"calibration figures neither targets nor explained in the calibration README: {missing}"


def test_fitted_values_name_their_targets():
    """Every fitted value equals its entry, lies within its bounds and names calibration targets that
    exist; no value is both fitted and assumed."""
    targets = {
        f"{path.stem}.{k}": t for path in TARGET_FILES for k, t in yaml.safe_load(path.read_text())["targets"].items()
    }
    found = False
    for path in sorted((CONF_DIR / "behaviour").glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        for key, entry in (data.get("fitted") or {}).items():
            found = True
            schema_field("behaviour", key)
            assert key not in (data.get("assumed") or {}), f"{path.name}: {key} is both fitted and assumed"
            assert data[key] == pytest.approx(entry["value"]), f"{path.name}: {key} differs from its fitted value"
            low, high = entry["bounds"]
            assert low <= entry["value"] <= high, f"{path.name}: {key} outside its bounds"
            assert entry["targets"], f"{path.name}: {key} names no target"
            for t in entry["targets"]:
                assert t in targets and targets[t]["role"] == "calibrate", f"{path.name}: {key} cites {t}"
    if not found:
        pytest.skip("no fitted behaviour config")
