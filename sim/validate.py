"""Checks a composed config before anything runs; every message names the key, the value and what
is allowed. All problems are reported at once, so a user fixes a config in one pass."""

from __future__ import annotations

import dataclasses
import difflib
import math
import typing
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

from sim import schema
from sim.schema import RunConfig

MISSING_VALUE = "missing value (set it in its config file under conf/, or choose an option of its config group)"


class ConfigError(ValueError):
    """A config that must not run. `problems` lists one line per bad key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))


def to_run_config(cfg: DictConfig | dict) -> RunConfig:
    """Turn a composed config into a validated `RunConfig`, or raise `ConfigError`."""
    try:
        if not isinstance(cfg, DictConfig):
            cfg = OmegaConf.create(cfg)
        merged = OmegaConf.merge(OmegaConf.structured(schema.build_schema()), cfg)
        missing = sorted(OmegaConf.missing_keys(merged))
        if missing:  # the schema has no values of its own: every one must come from the config files
            raise ConfigError([f"{key}: {MISSING_VALUE}" for key in missing])
        run = OmegaConf.to_object(merged)
    except OmegaConfBaseException as exc:
        raise ConfigError([_omegaconf_message(exc)]) from None
    problems = list(_range_problems(run, ""))
    problems += _cross_field_problems(run)
    if problems:
        raise ConfigError(problems)
    return run


def _omegaconf_message(exc: OmegaConfBaseException) -> str:
    key = getattr(exc, "full_key", None) or "?"
    first = str(exc).splitlines()[0]
    if "MissingMandatoryValue" in type(exc).__name__:
        return f"{key}: {MISSING_VALUE}"
    return f"{key}: {first}"


def _range_problems(obj: Any, prefix: str):
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(value):
            yield from _range_problems(value, key + ".")
        elif isinstance(value, dict):
            for k, v in value.items():
                if dataclasses.is_dataclass(v):
                    yield from _range_problems(v, f"{key}.{k}.")
        problem = _check_value(value, f.metadata)
        if problem:
            yield f"{key} = {value!r}: {problem}"


def _check_value(value: Any, meta: dict) -> str | None:
    unit = meta.get("unit", "")
    choices = meta.get("choices")
    if choices is not None and value not in choices:
        return f"must be one of {choices}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return f"must be a finite number ({unit})"
    lo, hi = meta.get("ge"), meta.get("le")
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        allowed = f"from {lo} to {hi}" if hi is not None else f"at least {lo}"
        if lo is None:
            allowed = f"at most {hi}"
        return f"out of range, allowed {allowed} ({unit})"
    return None


def _shape_problem(key: str, values: list[float], length: int | None = None) -> list[str]:
    if length is not None and len(values) != length:
        return [f"{key} = {values}: needs {length} entries"]
    if any(v < 0 for v in values) or abs(sum(values) - 1.0) > 1e-6:
        return [f"{key} = {values}: shares must be non-negative and sum to 1 (they sum to {sum(values):g})"]
    return []


def _cross_field_problems(run: RunConfig) -> list[str]:
    r, p = run.region, run.policy
    out: list[str] = []
    for name in ("labourers_shape", "children_shape", "elders_shape"):
        out += _shape_problem(f"region.{name}", getattr(r, name))
    edges = r.labourer_age_edges
    if edges != sorted(edges) or edges[0] != 16 or edges[-1] != 65:
        out.append(f"region.labourer_age_edges = {edges}: must rise from 16 to 65 (working age)")
    out += _shape_problem("region.labourer_age_shares", r.labourer_age_shares, len(edges) - 1)
    if len(r.skill_shares_by_age_band) != len(edges) - 1:
        out.append(f"region.skill_shares_by_age_band: needs one row per age band ({len(edges) - 1})")
    for i, row in enumerate(r.skill_shares_by_age_band):
        out += _shape_problem(f"region.skill_shares_by_age_band[{i}]", row, 4)
    out += _shape_problem("region.labourer_health_shares", r.labourer_health_shares, 3)
    out += _shape_problem("region.elder_health_shares", r.elder_health_shares, 3)
    bad_months = [m for m in r.busy_months if not 1 <= m <= 12]
    if bad_months or len(set(r.busy_months)) != len(r.busy_months) or len(r.busy_months) >= 12:
        out.append(f"region.busy_months = {r.busy_months}: distinct calendar months 1-12, fewer than 12")
    if r.labourers > r.people:
        out.append(f"region.labourers = {r.labourers}: cannot exceed region.people = {r.people}")
    if not r.destinations:
        out.append("region.destinations: at least one destination is needed")
    known = sorted(r.destinations)
    lc = p.labour_cooperation
    if lc.fair_destination not in r.destinations:
        out.append(f"policy.labour_cooperation.fair_destination = {lc.fair_destination!r}: must be one of {known}")
    for d in lc.placement_destinations:
        if d not in r.destinations:
            out.append(f"policy.labour_cooperation.placement_destinations: {d!r} is not one of {known}")
    if not run.poverty_line or any(v <= 0 for v in run.poverty_line.values()):
        out.append(f"poverty_line = {dict(run.poverty_line)}: needs at least one year with a positive line")
    return out


def override_problems(overrides: list[str]) -> list[str]:
    """Problems with command-line overrides: keys the schema does not have (with the closest known
    keys) and values of the wrong type. Group choices (`policy=none`), `+`/`~` overrides and
    `hydra.*` are left to Hydra, which names the available options itself; sweeps (`a,b`,
    `range(..)`) are checked job by job."""
    problems = []
    for item in overrides:
        key, sep, value = item.partition("=")
        if not sep or key[:1] in "+~" or key.startswith("hydra") or "/" in key or "@" in key:
            continue
        problem = _override_problem(key, value)
        if problem:
            problems.append(problem)
    return problems


def _override_problem(key: str, value: str) -> str | None:
    """Walk `key` down the schema; name the first part that is not a field, with close matches,
    or a value that cannot be the leaf field's type."""
    parent_type, parts = schema.build_schema(), key.split(".")
    depth, field = 0, None
    while depth < len(parts) and dataclasses.is_dataclass(parent_type):
        fields = {f.name: f for f in dataclasses.fields(parent_type)}
        part = parts[depth]
        if part not in fields:
            where = ".".join(parts[:depth]) or "the top level"
            close = difflib.get_close_matches(part, fields, n=3)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            return f"{key}: unknown key '{part}' under {where}{hint} Known keys: {', '.join(sorted(fields))}"
        field = fields[part]
        parent_type = typing.get_type_hints(parent_type)[part]
        depth += 1
        if typing.get_origin(parent_type) is dict:
            parent_type = typing.get_args(parent_type)[1]  # the dict's own key (e.g. a destination) is free
            depth += 1
    if depth == len(parts) and parent_type in (int, float, bool) and not _is_sweep(value):
        return _type_problem(key, value, parent_type, field.metadata.get("unit", "") if field else "")
    return None


def _is_sweep(value: str) -> bool:
    return "," in value or "(" in value or value.startswith("${")


def _type_problem(key: str, value: str, kind: type, unit: str) -> str | None:
    try:
        parsed = yaml.safe_load(value) if value else None
    except yaml.YAMLError:
        parsed = value
    ok = {
        bool: isinstance(parsed, bool),
        int: isinstance(parsed, int) and not isinstance(parsed, bool),
        float: isinstance(parsed, (int, float)) and not isinstance(parsed, bool),
    }[kind]
    if ok or (kind is float and str(parsed).lower() in ("nan", "inf", "-inf", ".nan", ".inf")):
        return None
    names = {bool: "true or false", int: "a whole number", float: "a number"}
    return f"{key} = {value!r}: must be {names[kind]}" + (f" ({unit})" if unit else "")
