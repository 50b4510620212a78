"""Levers and uncertainties, declared in one place (EMA Workbench's split).

A *lever* is what a policy maker sets: every setting under `policy.` (switches, capacities, awards,
pay). An *uncertainty* is what nobody knows, with a range to sample: the fitted behavioural
parameters (the calibration's interval), the assumed ones (`conf/explore/uncertainties.yaml`, each
with its reason) and every capacity a config marks `uncertain:` (`sim.uncertainty.ranged_settings`).
Ranges are checked against the schema (`sim.validate.field_type`), so a typo or a range outside what
a run accepts is refused before anything runs, naming the key.
"""

from __future__ import annotations

import copy
import dataclasses
import fnmatch
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from scipy.stats import qmc

from sim.schema import RunConfig
from sim.uncertainty import ranged_settings
from sim.validate import ConfigError, field_type

DOC_SECTIONS = ("name", "quoted", "assumed", "uncertain", "fitted")
INTERVALS = ("near_best", "sd_interval", "bounds")


@dataclass(frozen=True)
class Uncertainty:
    key: str  # dotted key of the run config, e.g. "behaviour.care_penalty"
    value: float  # the value a run uses when nothing is sampled
    low: float
    high: float
    source: str  # fitted:near_best, assumed, capacity, or ranges (the user's)
    reason: str
    integer: bool = False

    @property
    def inside(self) -> bool:
        return self.low <= self.value <= self.high


@dataclass(frozen=True)
class Lever:
    key: str
    value: float | bool
    unit: str
    low: float | None
    high: float | None


def _schema(key: str) -> tuple[type, dict] | str:
    found = field_type(key)
    if isinstance(found, str):
        return found
    typ, meta = found
    if typ not in (int, float):
        return f"{key}: not a number setting ({getattr(typ, '__name__', typ)}), it cannot be given a range"
    return typ, meta


def range_problems(key: str, low, high, where: str = "uncertainties.ranges") -> list[str]:
    """Why `[low, high]` is not a usable range for `key` (empty when it is)."""
    found = _schema(key)
    if isinstance(found, str):
        return [f"{where}: {found}"]
    _, meta = found
    try:
        low, high = float(low), float(high)
    except (TypeError, ValueError):
        return [f"{where}.{key}: low and high must be numbers, got {low!r} and {high!r}"]
    if not (math.isfinite(low) and math.isfinite(high)):
        return [f"{where}.{key}: low and high must be finite, got {low} and {high}"]
    if low > high:
        return [f"{where}.{key}: low {low} is above high {high}"]
    ge, le, unit = meta.get("ge"), meta.get("le"), meta.get("unit", "")
    if (ge is not None and low < ge) or (le is not None and high > le):
        allowed = f"from {ge} to {le}" if le is not None else f"at least {ge}"
        return [f"{where}.{key}: range [{low}, {high}] leaves what a run allows, {allowed} ({unit})"]
    return []


def get(cfg, key: str):
    for part in key.split("."):
        cfg = getattr(cfg, part)
    return cfg


def flat_keys(ranges: Mapping, prefix: str = "") -> dict[str, Mapping]:
    """`{behaviour: {care_penalty: {low, high}}}` (as a Hydra override `+a.b.c={...}` nests it) and
    `{behaviour.care_penalty: {low, high}}` alike, by dotted key."""
    out = {}
    for k, v in ranges.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping) and not ({"low", "high", "choices"} & set(v)):
            out |= flat_keys(v, key + ".")
        else:
            out[key] = v
    return out


def _runs_programme(cfgs: list[RunConfig], key: str) -> bool:
    parts = key.split(".")
    if parts[0] != "policy" or len(parts) < 3:
        return True
    return any(getattr(getattr(c.policy, parts[1]), "enabled", True) for c in cfgs)


def uncertainties(cfgs: RunConfig | list[RunConfig], settings: Mapping) -> list[Uncertainty]:
    """Every uncertainty for runs of `cfgs` (one config per mix: a capacity counts when some mix runs
    its programme), after the user's `ranges`, `include` and `exclude`. Raises `ConfigError` listing
    every bad key or range."""
    cfgs = cfgs if isinstance(cfgs, list) else [cfgs]
    behaviour = cfgs[0].behaviour
    interval = settings.get("fitted_interval", "near_best")
    problems = [] if interval in INTERVALS else [f"uncertainties.fitted_interval: {interval!r}, one of {INTERVALS}"]
    found: dict[str, Uncertainty] = {}
    for name, fit in behaviour.fitted.items():
        order = INTERVALS[INTERVALS.index(interval) :] if interval in INTERVALS else INTERVALS
        source, bounds = next(((s, getattr(fit, s)) for s in order if len(getattr(fit, s)) == 2), ("", []))
        if bounds:
            why = f"fitted to {', '.join(fit.targets)}" + ("" if fit.identified else " (not identified)")
            found[f"behaviour.{name}"] = Uncertainty(
                f"behaviour.{name}", 0.0, *map(float, bounds), f"fitted:{source}", why
            )
    for key, entry in settings.get("assumed", {}).items():
        found.setdefault(
            key, Uncertainty(key, 0.0, float(entry["low"]), float(entry["high"]), "assumed", entry["reason"])
        )
    for s in ranged_settings(cfgs[0]):
        if _runs_programme(cfgs, s.key):
            found.setdefault(s.key, Uncertainty(s.key, s.value, s.low, s.high, "capacity", s.reason))
    for key, entry in flat_keys(settings.get("ranges") or {}).items():
        if not isinstance(entry, Mapping) or not {"low", "high"} <= set(entry):
            problems.append(f"uncertainties.ranges.{key}: give low and high, e.g. {{low: 0.1, high: 0.3}}")
            continue
        reason = str(entry.get("reason", "set by the user"))
        found[key] = Uncertainty(key, 0.0, entry["low"], entry["high"], "ranges", reason)
    for key in [*settings.get("include", []), *settings.get("exclude", [])]:
        if not any(fnmatch.fnmatchcase(k, key) for k in found):
            problems.append(f"uncertainties: include/exclude pattern {key!r} matches no uncertainty")
    out = []
    for u in found.values():
        where = "uncertainties.ranges" if u.source == "ranges" else f"uncertainties ({u.source})"
        bad = range_problems(u.key, u.low, u.high, where)
        if bad:
            problems += bad
            continue
        typ, _ = _schema(u.key)
        u = dataclasses.replace(u, value=float(get(cfgs[0], u.key)), low=float(u.low), high=float(u.high))
        out.append(dataclasses.replace(u, integer=typ is int))
    if problems:
        raise ConfigError(problems)
    include, exclude = settings.get("include", []), settings.get("exclude", [])
    keep = [u for u in out if not include or any(fnmatch.fnmatchcase(u.key, p) for p in include)]
    return [u for u in keep if not any(fnmatch.fnmatchcase(u.key, p) for p in exclude)]


def levers(cfg: RunConfig) -> list[Lever]:
    """Every policy setting of `cfg` (numbers and switches), with its unit and allowed range."""
    out = []

    def walk(section, prefix: str) -> None:
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if f.name in DOC_SECTIONS:
                continue
            if dataclasses.is_dataclass(value):
                walk(value, f"{prefix}{f.name}.")
            elif isinstance(value, bool | int | float):
                m = f.metadata
                out.append(Lever(f"{prefix}{f.name}", value, m.get("unit", ""), m.get("ge"), m.get("le")))

    walk(cfg.policy, "policy.")
    return out


def table(space: Iterable[Uncertainty]) -> pd.DataFrame:
    return pd.DataFrame([dataclasses.asdict(u) | {"inside": u.inside} for u in space])


def problem(space: list[Uncertainty]) -> dict:
    """The space as SALib's problem dict."""
    return {"num_vars": len(space), "names": [u.key for u in space], "bounds": [[u.low, u.high] for u in space]}


def latin_hypercube(space: list[Uncertainty], n: int, seed: int) -> pd.DataFrame:
    """`n` points of a Latin hypercube over the space (scipy.stats.qmc), one column per key."""
    unit = qmc.LatinHypercube(d=len(space), seed=seed).random(n)
    values = qmc.scale(unit, [u.low for u in space], [u.high for u in space]) if space else unit
    return pd.DataFrame(values, columns=[u.key for u in space])


def with_values(cfg: RunConfig, values: Mapping[str, float]) -> RunConfig:
    """A copy of `cfg` with each dotted key set (whole-number settings rounded). `PovertyModel` checks
    the result again, so a value a run does not accept is refused there."""
    out = copy.deepcopy(cfg)
    for key, value in values.items():
        *path, last = key.split(".")
        section = get(out, ".".join(path)) if path else out
        current = getattr(section, last)
        if isinstance(current, bool):
            value = bool(value)
        elif isinstance(current, int):
            value = round(value)
        setattr(section, last, value)
    return out


def as_overrides(values: Mapping[str, float]) -> list[str]:
    """The command-line overrides that set the same values (`python -m sim ...`)."""
    return [f"{k}={str(v).lower() if isinstance(v, bool) else repr(float(v)) if isinstance(v, float) else v}"
            for k, v in values.items()]  # fmt: skip


def nested_overrides(settings: Mapping, prefix: str = "") -> list[str]:
    """`{scale: 0.05, output: {plot: false}}` as the overrides `scale=0.05 output.plot=false`."""
    out = []
    for k, v in settings.items():
        out += nested_overrides(v, f"{prefix}{k}.") if isinstance(v, Mapping) else as_overrides({f"{prefix}{k}": v})
    return out


def scaled_levels(cfg: RunConfig, factor: float, patterns: Iterable[str]) -> dict[str, float]:
    """The budget lever: every level (capacity per labourer) of the programmes `cfg` runs whose key
    matches `patterns`, times `factor`, held within the range the setting allows (a share cannot pass
    1): past it, spending stops growing with the factor and the budget may stay out of reach."""
    out = {}
    for lever in levers(cfg):
        if isinstance(lever.value, bool) or not any(fnmatch.fnmatchcase(lever.key, p) for p in patterns):
            continue
        if _runs_programme([cfg], lever.key):
            low = -math.inf if lever.low is None else lever.low
            high = math.inf if lever.high is None else lever.high
            out[lever.key] = min(max(lever.value * factor, low), high)
    return out
