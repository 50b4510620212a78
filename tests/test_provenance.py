"""Provenance: every quoted value names a figure of data/figures.yaml and that figure's report; every
fitted value names its calibration targets; a value no report pins down is `uncertain:` with a range
that holds it (and, where figures give the bounds, names them); every other parameter in the config
files is stated as an assumption with a reason. Every calibration target (conf/targets/) names figures
and their report."""

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
FIGURES_TEXT = (ROOT / "data" / "figures.yaml").read_text()
FIGURES = yaml.safe_load(FIGURES_TEXT)
REPORT_FILES = {key: text.split(" — ")[0] for key, text in FIGURES["sources"].items()}
NOT_PARAMETERS = {"name", "quoted", "assumed", "fitted", "uncertain", "enabled", "defaults", "hydra"}
BOOKKEEPING = {"quoted", "assumed", "fitted", "uncertain"}  # the only schema fields with values of their own

# Figures from outside the reports, in their own sections of figures.yaml (not under `figures:`): the
# source a quoted entry names (as figures.yaml's heading of the section says) and the value.
OUTSIDE_REPORTS = {"poverty_line": ("national statistics", FIGURES["poverty_line"]["yuan_per_person_year"])}
# Yearly levels quoted from national statistics (NBS) and held in the economy config itself (conf/economy/),
# not in figures.yaml (the shared copy): the entry's figure is the series it quotes, its source names the
# NBS publication, and its note says how it was read (recalled, to be checked).
NATIONAL_STATISTICS = "national statistics: NBS "


def figure_value(name: str):
    return OUTSIDE_REPORTS[name][1] if name in OUTSIDE_REPORTS else FIGURES["figures"][name]["value"]


def config_files() -> list:
    """(file, config node its keys are relative to) for every file that holds parameter values."""
    groups = {"region": "region", "economy": "economy", "behaviour": "behaviour", "policy": "policy"}
    groups |= {f"programme/{d.name}": f"policy.{d.name}" for d in sorted((CONF_DIR / "programme").iterdir())}
    top = [pytest.param(CONF_DIR / "config.yaml", "", id="config")]  # seed, months, poverty line, output
    return top + [
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
    parts = [*(node.split(".") if node else []), *key.split(".")]
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
        if ref["source"].startswith(NATIONAL_STATISTICS):
            from sim.economy import SERIES

            assert node == "economy", f"{path.name}: {key} quotes national statistics outside conf/economy/"
            assert ref["figure"] == key and key in SERIES, f"{path.name}: {key} must quote its own series"
            assert isinstance(data[key], dict) and data[key], f"{path.name}: {key} holds no levels by year"
            assert ref.get("note"), f"{path.name}: {key} needs a note saying what the levels are"
        elif ref["figure"] in OUTSIDE_REPORTS:
            source = OUTSIDE_REPORTS[ref["figure"]][0]
            assert ref["source"] == source and f"({source})" in FIGURES_TEXT, (
                f"{path.name}: {key} names the wrong source"
            )
        else:
            assert ref["figure"] in FIGURES["figures"], f"{path.name}: {key} cites unknown figure {ref['figure']}"
            figure = FIGURES["figures"][ref["figure"]]
            assert ref["source"] == REPORT_FILES[figure["source"]], f"{path.name}: {key} names the wrong report"
        field = schema_field(node, key)
        assert field is None or field.metadata.get("unit"), f"{node}.{key} has no unit in the schema"


@pytest.mark.parametrize(("path", "node"), config_files())
def test_every_parameter_is_quoted_or_assumed(path, node):
    """No value in a config file is left without a source, a fit, a range or a stated reason."""
    data = yaml.safe_load(path.read_text()) or {}
    documented = {k for kind in ("quoted", "assumed", "fitted", "uncertain") for k in data.get(kind) or {}}
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
    sections = [cfg, cfg.region, cfg.policy]
    sections += [
        getattr(cfg.policy, f.name)
        for f in dataclasses.fields(cfg.policy)
        if hasattr(getattr(cfg.policy, f.name), "quoted")
    ]
    for section in sections:
        for key, ref in section.quoted.items():
            value = figure_value(ref.figure)
            if ref.note or not isinstance(value, (int, float, dict)):
                continue  # derived from the figure, as the note says
            actual = section
            for part in key.split("."):
                actual = getattr(actual, part)
            assert actual == pytest.approx(value), f"{key} = {actual}, figure {ref.figure} = {value}"


def sections_of(obj, prefix: str = "") -> dict[str, object]:
    """Every documented section of a run config (a node with `quoted` and `assumed`), by its dotted
    path ("" for the top level): the top level, region, behaviour, policy and each policy.<programme>."""
    out = {prefix.rstrip("."): obj} if hasattr(obj, "quoted") and hasattr(obj, "assumed") else {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out |= sections_of(value, f"{prefix}{f.name}.")
    return out


def schema_leaves(obj, prefix: str = "") -> list[str]:
    """Dotted keys of every value of a run config (destinations by name), without bookkeeping."""
    keys = []
    for f in dataclasses.fields(obj):
        if f.name in {"name", "enabled", *BOOKKEEPING}:
            continue
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            keys += schema_leaves(value, f"{prefix}{f.name}.")
        elif isinstance(value, dict) and value and all(dataclasses.is_dataclass(v) for v in value.values()):
            for k, v in value.items():
                keys += schema_leaves(v, f"{prefix}{f.name}.{k}.")
        else:
            keys.append(f"{prefix}{f.name}")
    return keys


def documented(section) -> set[str]:
    return (
        set(section.quoted)
        | set(section.assumed)
        | set(getattr(section, "fitted", {}))
        | set(getattr(section, "uncertain", {}))
    )


ALL_FIGURES = FIGURES["figures"] | FIGURES["more_figures"]


def file_value(data: dict, key: str):
    """The value a config file sets for a dotted key, or None if the file leaves it to another."""
    for part in key.split("."):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


@pytest.mark.parametrize(("path", "node"), config_files())
def test_uncertain_values_have_a_range_that_holds_them(path, node):
    """Each `uncertain:` entry: low < high, a reason, the file's value (if it sets one) within
    [low, high], not also quoted; the figures it names exist and its source is one of their reports."""
    data = yaml.safe_load(path.read_text()) or {}
    for key, entry in (data.get("uncertain") or {}).items():
        schema_field(node, key)  # the key exists
        low, high = entry["low"], entry["high"]
        assert low < high, f"{path.name}: {key} has low {low} >= high {high}"
        assert str(entry.get("reason", "")).strip(), f"{path.name}: {key} gives no reason for its range"
        assert key not in (data.get("quoted") or {}), f"{path.name}: {key} is both quoted and uncertain"
        value = file_value(data, key)
        if value is not None:
            assert low <= value <= high, f"{path.name}: {key} = {value} outside [{low}, {high}]"
        figures = entry.get("figures") or []
        for name in figures:
            assert name in ALL_FIGURES, f"{path.name}: {key} cites unknown figure {name}"
        if figures:
            reports = {REPORT_FILES[ALL_FIGURES[n]["source"]] for n in figures}
            assert entry.get("source") in reports, (
                f"{path.name}: {key} names {entry.get('source')}, not a report of its figures"
            )
            assert entry.get("note"), f"{path.name}: {key} names figures but gives no arithmetic (note)"


@pytest.mark.parametrize("mix", MIXES)
def test_uncertain_values_of_a_run_lie_in_their_ranges(mix):
    """Under every policy mix, each ranged setting's value in the run config lies in its range."""
    from sim.uncertainty import ranged_settings

    settings = ranged_settings(load([f"policy={mix}"]))
    assert len(settings) >= 20
    outside = [f"{s.key} = {s.value} not in [{s.low}, {s.high}]" for s in settings if not s.inside]
    assert not outside, outside


@pytest.mark.parametrize(
    "overrides", [[], ["behaviour=default"], *[[f"policy={m}"] for m in MIXES]], ids=lambda o: " ".join(o) or "default"
)
def test_every_value_of_a_run_is_documented(overrides):
    """Every value the composed run config holds is quoted, assumed or fitted in its section (the
    nearest node with `quoted`/`assumed`): a key, or a dotted prefix of it, relative to the section.
    A programme's values may also be covered by the policy mix's own entries (`policy.<programme>...`)."""
    cfg = load(overrides)
    sections = sections_of(cfg)
    assert {"", "region", "behaviour", "policy", "policy.workshops"} <= set(sections)
    undocumented = []
    for key in schema_leaves(cfg):
        nearest = max((s for s in sections if s == "" or key.startswith(s + ".")), key=len)
        candidates = [nearest] + (["policy"] if nearest.startswith("policy.") else [])
        covered = False
        for name in candidates:
            parts = key.removeprefix(name + ".").split(".") if name else key.split(".")
            entries = documented(sections[name])
            covered |= any(".".join(parts[:n]) in entries for n in range(1, len(parts) + 1))
        if not covered:
            undocumented.append(f"{key} (in {nearest or 'the top level'})")
    assert len(schema_leaves(cfg)) > 200
    assert not undocumented, f"neither quoted, assumed nor fitted: {undocumented}"


def schema_classes(cls=RunConfig, seen: list | None = None) -> list[type]:
    """RunConfig and every dataclass under it: sections, programme settings (sim/settings), and the
    value types of dict fields (Destination); not the provenance records of the bookkeeping fields."""
    seen = [] if seen is None else seen
    if cls in seen:
        return seen
    seen.append(cls)
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.name in BOOKKEEPING:
            continue
        kind = hints[f.name]
        if typing.get_origin(kind) is dict:
            kind = typing.get_args(kind)[1]
        if dataclasses.is_dataclass(kind):
            schema_classes(kind, seen)
    return seen


def test_schema_gives_no_values_of_its_own():
    """No schema field has a value of its own: the config files are the one source of a run's values.
    Only the bookkeeping dicts default to empty, and a nested section to its class (whose fields have
    no values either)."""
    from omegaconf import MISSING

    from sim.schema import Destination
    from sim.settings import CourseConfig, WorkshopType

    classes = schema_classes()
    assert {Destination, CourseConfig, WorkshopType} <= set(classes)
    with_values = []
    hints = {cls: typing.get_type_hints(cls) for cls in classes}
    for cls in classes:
        for f in dataclasses.fields(cls):
            if f.name in BOOKKEEPING:
                assert f.default_factory is dict, f"{cls.__name__}.{f.name}"
            elif f.default_factory is not dataclasses.MISSING:
                nested = hints[cls][f.name]
                if not (dataclasses.is_dataclass(nested) and f.default_factory is nested):
                    with_values.append(f"{cls.__name__}.{f.name}")
            elif f.default is not MISSING:
                with_values.append(f"{cls.__name__}.{f.name} = {f.default!r}")
    assert not with_values, f"schema fields with a value of their own (put it in conf/): {with_values}"


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
