"""Provenance: every quoted value names a figure of data/figures.yaml and that figure's report; every
other parameter in the config files is stated as an assumption with a reason."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

import pytest
import yaml

from sim.config import CONF_DIR, load
from sim.schema import RunConfig

ROOT = Path(__file__).resolve().parent.parent
FIGURES = yaml.safe_load((ROOT / "data" / "figures.yaml").read_text())
REPORT_FILES = {key: text.split(" — ")[0] for key, text in FIGURES["sources"].items()}
NOT_PARAMETERS = {"name", "quoted", "assumed", "enabled", "defaults"}


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
    """No value in a config file is left without a source or a stated reason."""
    data = yaml.safe_load(path.read_text()) or {}
    documented = set(data.get("quoted") or {}) | set(data.get("assumed") or {})
    for key in leaf_keys(data):
        parts = key.split(".")
        covered = any(".".join(parts[:n]) in documented for n in range(1, len(parts) + 1))
        assert covered, f"{path.name}: {key} is neither quoted nor assumed"
    for key in documented:
        schema_field(node, key)  # documented keys exist


def test_quoted_numbers_equal_their_figure():
    """A quoted value that is a figure's number as it stands is the same number in the run config."""
    cfg = load([])
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
