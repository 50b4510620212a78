"""One validation for every entry point: the command line, the config files, sweeps job by job, the
Python API and `PovertyModel` itself. Every message names the key, the value and what is allowed (with
a "did you mean" for near misses); all problems are reported at once, so a user fixes a config in one
pass.

What is checked, and where:
- keys: unknown keys anywhere (`key=`, `+key=`, `++key=`, in a config file) with the closest known keys;
- types: booleans only as `true`/`false` (never `2`), whole numbers, numbers, text, lists, sections;
  numbers finite; checked on the overrides (`override_problems`), on the raw config files (`file_problems`,
  which also reports YAML that does not parse, with file and line), and on the composed config;
- ranges: each field's `ge`/`le`/`choices` (`sim.params.param`);
- schedules (values by year, e.g. `poverty_line`, `policy.social_security.dibao_line`, the `economy`
  series): an override replaces the schedule of the config files instead of being merged into it
  (`replace_schedules`), and every schedule needs at least one year and finite positive values; a line
  may not fall (an economy series may), and every economy series needs a level in `economy.base_year`;
- cross-field conditions a run would otherwise crash on (`_cross_field_problems`);
- names that become folder names (`region.name`, `policy.name`, `behaviour.name`, destinations) hold only
  letters, digits, `_` and `-`.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
import re
import typing
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from sim import schema

MISSING_VALUE = "missing value (set it in its config file under conf/, or choose an option of its config group)"
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
SAFE_NAME_RULE = "letters, digits, '_' and '-' only (up to 64, starting with a letter or digit): it names folders"
# Config groups whose files hold run settings, and the package each file's keys live in.
RUN_GROUPS = {"region": "region", "economy": "economy", "policy": "policy", "behaviour": "behaviour", "experiment": ""}


class ConfigError(ValueError):
    """A config that must not run. `problems` lists one line per bad key."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid configuration:\n  " + "\n  ".join(problems))

    def __reduce__(self):  # rebuilt from its problems when it crosses processes (joblib workers)
        return type(self), (self.problems,)


# ----------------------------------------------------------------------------------------- the schema
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _fields(cls: type) -> dict[str, dataclasses.Field]:
    return {f.name: f for f in dataclasses.fields(cls)}


def unknown_key(key: str, part: str, where: str, known: Iterable[str]) -> str:
    known = sorted(str(k) for k in known)
    close = difflib.get_close_matches(str(part), known, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return f"{key}: unknown key '{part}' under {where or 'the top level'}{hint} Known keys: {', '.join(known)}"


def field_type(key: str) -> tuple[Any, dict] | str:
    """The schema type and field metadata at the dotted `key`, or a message naming the first unknown
    part (with close matches). Dict entries (a destination's name, a year) are free keys."""
    typ: Any = schema.build_schema()
    meta: dict = {}
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if dataclasses.is_dataclass(typ):
            fields = _fields(typ)
            if part not in fields:
                return unknown_key(key, part, ".".join(parts[:depth]), fields)
            meta = dict(fields[part].metadata)
            typ = _hints(typ)[part]
        elif typing.get_origin(typ) is dict:
            typ = typing.get_args(typ)[1]
        elif typing.get_origin(typ) is list:
            typ = typing.get_args(typ)[0]
        else:
            return f"{key}: '{'.'.join(parts[:depth])}' holds a single value, it has no key '{part}'"
    return typ, meta


def schedule_keys() -> list[str]:
    """Dotted keys of every schedule (a `dict[int, float]`: values by year) in the schema."""
    out: list[str] = []

    def walk(cls: type, prefix: str) -> None:
        for name, typ in _hints(cls).items():
            if typing.get_origin(typ) is dict and typing.get_args(typ) == (int, float):
                out.append(prefix + name)
            elif dataclasses.is_dataclass(typ):
                walk(typ, f"{prefix}{name}.")

    walk(schema.build_schema(), "")
    return out


# ------------------------------------------------------------------------------------- values by type
def _unit(meta: dict) -> str:
    unit = meta.get("unit", "")
    return f" ({unit})" if unit else ""


def value_problems(value: Any, typ: Any, key: str, meta: dict | None = None) -> Iterator[str]:
    """Problems of a raw value (as a YAML file or an override gives it) against the schema type: unknown
    keys in sections, booleans only as booleans, whole numbers, finite numbers, lists and sections."""
    meta = meta or {}
    if value is None or (isinstance(value, str) and (value == "???" or value.startswith("${"))):
        return  # missing values are reported once, by name; interpolations are resolved by Hydra
    origin = typing.get_origin(typ)
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        typ = next(t for t in typing.get_args(typ) if t is not type(None))
        origin = typing.get_origin(typ)
    if dataclasses.is_dataclass(typ):
        if not isinstance(value, dict):
            yield f"{key} = {value!r}: must be a section of keys ({', '.join(_fields(typ))})"
            return
        fields, hints = _fields(typ), _hints(typ)
        for k, v in value.items():
            sub = f"{key}.{k}" if key else str(k)
            if k not in fields:
                yield unknown_key(sub, k, key, fields)
            else:
                yield from value_problems(v, hints[k], sub, dict(fields[k].metadata))
    elif origin is dict:
        key_type, item_type = typing.get_args(typ)
        if not isinstance(value, dict):
            yield f"{key} = {value!r}: must be a section of entries" + _unit(meta)
            return
        for k, v in value.items():
            if key_type is int and (isinstance(k, bool) or not isinstance(k, int)):
                yield f"{key}: entry {k!r} must be keyed by a whole number (a year)" + _unit(meta)
            else:
                yield from value_problems(v, item_type, f"{key}.{k}", meta)
    elif origin is list:
        if not isinstance(value, (list, tuple)):
            yield f"{key} = {value!r}: must be a list, e.g. [a,b]" + _unit(meta)
            return
        for i, v in enumerate(value):
            yield from value_problems(v, typing.get_args(typ)[0], f"{key}[{i}]", meta)
    elif typ is bool:
        if not isinstance(value, bool):
            yield f"{key} = {value!r}: must be true or false" + _unit(meta)
    elif typ is int:
        if isinstance(value, bool) or not isinstance(value, int):
            yield f"{key} = {value!r}: must be a whole number" + _unit(meta)
    elif typ is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield f"{key} = {value!r}: must be a number" + _unit(meta)
        elif not math.isfinite(value):
            yield f"{key} = {value!r}: must be a finite number" + _unit(meta)
    elif typ is str and not isinstance(value, str):
        yield f"{key} = {value!r}: must be text" + _unit(meta)


# --------------------------------------------------------------------------------- the config files
def config_file_package(path: Path, root: Path) -> str | None:
    """Where a config file's keys go in the run config ('' the top level), or None when the file is
    not a run setting (calibration, targets, Hydra's own groups)."""
    rel = path.relative_to(root)
    text = path.read_text(encoding="utf-8", errors="replace")
    header = re.match(r"\s*#\s*@package\s+(\S+)", text)
    if len(rel.parts) == 1:
        return "" if rel.stem == "config" else None
    group = rel.parts[0]
    if group == "programme":
        default = f"policy.{rel.parts[1]}"
    elif group in RUN_GROUPS:
        default = RUN_GROUPS[group]
    else:
        return None
    package = header.group(1) if header else default
    return "" if package == "_global_" else package


def file_problems(conf_dirs: Iterable[Path]) -> list[str]:
    """Problems of the config files under `conf_dirs` (see `_file_problems`), remembered while no
    file changes."""
    conf_dirs = [Path(d) for d in conf_dirs]
    stamp = []
    for root in conf_dirs:
        for path in sorted(Path(root).rglob("*.yaml")):
            st = path.stat()
            stamp.append((str(path), st.st_mtime_ns, st.st_size))
    key = (tuple(str(d) for d in conf_dirs), tuple(stamp), schema.build_schema())
    if key not in _FILE_PROBLEMS:
        _FILE_PROBLEMS[key] = _file_problems(conf_dirs)
    return list(_FILE_PROBLEMS[key])


_FILE_PROBLEMS: dict = {}


def _file_problems(conf_dirs: Iterable[Path]) -> list[str]:
    """Problems of the config files themselves: YAML that does not parse (with file and line), and in
    the files that hold run settings, unknown keys (did you mean) and values of the wrong type. Checked
    before Hydra composes, because composing turns `enabled: 2` into true and a typo into 'not in struct'."""
    problems: list[str] = []
    run_type = schema.build_schema()
    for root in conf_dirs:
        root = Path(root)
        for path in sorted(root.rglob("*.yaml")):
            shown = path if not path.is_relative_to(Path.cwd()) else path.relative_to(Path.cwd())
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
                what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                problems.append(f"{shown}:{where}: not valid YAML ({what})")
                continue
            except (OSError, UnicodeDecodeError) as exc:
                problems.append(f"{shown}: cannot be read ({exc})")
                continue
            package = config_file_package(path, root)
            if package is None or data is None:
                continue
            if not isinstance(data, dict):
                problems.append(f"{shown}: must hold keys and values, not {type(data).__name__}")
                continue
            body = {k: v for k, v in data.items() if k not in ("defaults", "hydra")}
            if not body:
                continue
            typ = field_type(package) if package else (run_type, {})
            if isinstance(typ, str):
                continue  # a package outside the run schema (e.g. a plugin's own section)
            for line in value_problems(body, typ[0], package):
                problems.append(f"{shown}: {line}")
    return problems


# ------------------------------------------------------------------------------------- the overrides
def _parse(item: str):
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import OverrideParseException

    try:
        return OverridesParser.create().parse_overrides([item])[0], None
    except OverrideParseException as exc:
        reason = " ".join(str(exc).split())
        reason = re.split(r"See https| expecting ", reason)[0].strip()
        return None, (
            f"{item}: cannot be read as an override ({reason}). Write key=value, a sweep key=a,b or "
            "key=range(start,stop), lists as [a,b], schedules as {2016:3000,2020:4000}; quote the whole "
            "override in the shell if it has spaces or brackets"
        )


def is_group(key: str, conf_dirs: Iterable[Path]) -> bool:
    """Whether `key` chooses an option of a config group (`policy=none`, `+experiment=policy_mix`)."""
    if "/" in key or "@" in key:
        return True
    return any((Path(d) / key.replace(".", "/")).is_dir() for d in conf_dirs)


def override_problems(overrides: list[str], conf_dirs: Iterable[Path] | None = None) -> list[str]:
    """Problems with command-line overrides, before Hydra sees them: grammar (naming the override),
    keys the schema does not have (also with `+`, `++` and `~`; with the closest known keys) and
    values of the wrong type (every value of a sweep). Group choices and `hydra.*` are left to Hydra,
    which names the available options itself; ranges are checked on the composed config, job by job."""
    from sim.config import CONF_DIR

    conf_dirs = [CONF_DIR, *(conf_dirs or [])]
    problems = []
    for item in overrides:
        if item.startswith("-"):
            continue  # a flag of the command line, not an override
        override, problem = _parse(item)
        if problem:
            problems.append(problem)
            continue
        key = override.key_or_group
        if key.startswith("hydra") or override.package is not None or is_group(key, conf_dirs):
            continue
        found = field_type(key)
        if isinstance(found, str):
            problems.append(found)
            continue
        if override.is_delete() or getattr(override.value_type, "name", "") == "GLOB_CHOICE_SWEEP":
            continue
        typ, meta = found
        values = list(override.sweep_iterator()) if override.is_sweep_override() else [override.value()]
        seen = set()
        for value in values:
            for line in value_problems(value, typ, key, meta):
                if line not in seen:
                    seen.add(line)
                    problems.append(line)
    return problems


def for_hydra(overrides: list[str]) -> list[str]:
    """The overrides as Hydra should get them: a schedule given as `key=...` becomes `++key=...`, so
    that Hydra accepts new years (it refuses keys not in the files); `replace_schedules` then replaces
    the files' schedule with exactly the one given."""
    schedules = set(schedule_keys())
    out = []
    for item in overrides:
        key, sep, _ = item.partition("=")
        out.append(f"++{item}" if sep and key in schedules else item)
    return out


def replace_schedules(cfg: DictConfig, overrides: Iterable[str]) -> DictConfig:
    """Replace each schedule given by an override (Hydra merged it into the files' years) with the
    override's own years and values. Sweeps are left alone: each job gets its own value."""
    schedules = set(schedule_keys())
    for item in overrides:
        if item.lstrip("+").partition("=")[0] not in schedules:
            continue
        override, problem = _parse(item)
        if problem or override.is_delete() or override.is_sweep_override():
            continue
        value = override.value()
        with open_dict(cfg):
            OmegaConf.update(cfg, override.key_or_group, value, merge=False, force_add=True)
    return cfg


# ------------------------------------------------------------------------------- the composed config
def to_run_config(cfg: DictConfig | dict, overrides: Iterable[str] = ()) -> Any:
    """Turn a composed config into a validated `RunConfig`, or raise `ConfigError`. `overrides` are the
    run's command-line overrides: a schedule among them replaces the files' schedule."""
    run_type = schema.build_schema()
    try:
        if not isinstance(cfg, DictConfig):
            cfg = OmegaConf.create(cfg)
        if overrides:
            cfg = replace_schedules(cfg, overrides)
        raw = OmegaConf.to_container(cfg, resolve=True, throw_on_missing=False)
    except OmegaConfBaseException as exc:
        raise ConfigError([_omegaconf_message(exc)]) from None
    raw = {k: v for k, v in raw.items() if k != "hydra"}
    problems = list(value_problems(raw, run_type, ""))
    if problems:
        raise ConfigError(problems)
    try:
        merged = OmegaConf.merge(OmegaConf.structured(run_type), raw)
        missing = sorted(OmegaConf.missing_keys(merged))
        if missing:  # the schema has no values of its own: every one must come from the config files
            raise ConfigError([f"{key}: {MISSING_VALUE}" for key in missing])
        run = OmegaConf.to_object(merged)
    except OmegaConfBaseException as exc:
        raise ConfigError([_omegaconf_message(exc)]) from None
    check_run(run)
    return run


def check_run(run: Any) -> None:
    """Validate a `RunConfig` object (as `PovertyModel` gets it, perhaps changed in Python after
    loading): types, ranges and cross-field conditions. Raises `ConfigError`."""
    if not dataclasses.is_dataclass(run):
        raise ConfigError([f"config: expected a RunConfig (from sim.config.load), got {type(run).__name__}"])
    problems = list(value_problems(asdict(run), type(run), ""))
    if not problems:
        problems = list(_range_problems(run, ""))
        problems += _cross_field_problems(run)
    if problems:
        raise ConfigError(problems)


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
    if not values:
        return [f"{key} = []: needs at least one share"]
    if any(v < 0 for v in values) or abs(sum(values) - 1.0) > 1e-6:
        return [f"{key} = {values}: shares must be non-negative and sum to 1 (they sum to {sum(values):g})"]
    return []


def _schedule_problems(key: str, line: dict[int, float], may_fall: bool = False) -> list[str]:
    shown = dict(line)
    if not line:
        return [f"{key} = {{}}: needs at least one year with a positive line, e.g. {{2016: 3000}}"]
    bad = {y: v for y, v in line.items() if not (math.isfinite(v) and v > 0)}
    if bad:
        return [f"{key} = {shown}: every value must be a positive finite number (not {bad})"]
    years = [y for y in line if not 1900 <= y <= 2200]
    if years:
        return [f"{key} = {shown}: years must be calendar years from 1900 to 2200 (not {years})"]
    if may_fall:
        return []
    ordered = sorted(line.items())
    falls = [f"{a}->{b}" for (a, x), (b, y) in itertools.pairwise(ordered) if y < x]
    if falls:
        return [f"{key} = {shown}: the line may not fall from one year to a later one (it falls {', '.join(falls)})"]
    return []


def _name_problem(key: str, value: str) -> list[str]:
    return [] if SAFE_NAME.match(value) else [f"{key} = {value!r}: {SAFE_NAME_RULE}"]


def _population_problems(r) -> list[str]:
    """Whether the household composition can reach the region's totals: the generator tilts the count
    distributions to the mean labourers and dependants per household, within what the shapes allow."""
    from sim.population import _mean, tilted

    out = []
    if r.households < 1:
        return []  # reported by its range
    if r.people < r.households:
        return [f"region.people = {r.people}: cannot be fewer than region.households = {r.households}"]
    if r.labourers > r.people:
        return [f"region.labourers = {r.labourers}: cannot exceed region.people = {r.people}"]
    for name, shape in (("labourers_shape", r.labourers_shape),):
        lo, hi = _mean(tilted(shape, -20.0)), _mean(tilted(shape, 20.0))
        per = r.labourers / r.households
        if not lo < per < hi:
            out.append(
                f"region.labourers = {r.labourers}: {per:.3g} labourers per household (of {r.households}), "
                f"but region.{name} allows only between {lo:.3g} and {hi:.3g}"
            )
    if not out:
        from sim.population import composition_distributions

        try:
            composition_distributions(r)
        except (ValueError, ZeroDivisionError, FloatingPointError):
            dep = (r.people - r.labourers) / r.households
            out.append(
                f"region.people = {r.people}: {dep:.3g} dependants (children and elders) per household "
                f"cannot be reached with region.children_shape and region.elders_shape"
            )
    return out


def _cross_field_problems(run: Any) -> list[str]:
    r, p = run.region, run.policy
    out: list[str] = []
    out += _name_problem("region.name", r.name)
    out += _name_problem("policy.name", p.name)
    out += _name_problem("behaviour.name", run.behaviour.name)
    for d in r.destinations:
        out += _name_problem(f"region.destinations.{d}", str(d))
    shapes_ok = True
    for name in ("labourers_shape", "children_shape", "elders_shape"):
        problems = _shape_problem(f"region.{name}", getattr(r, name))
        shapes_ok &= not problems
        out += problems
    if r.elders_shape and len(r.elders_shape) < 2:
        out.append(f"region.elders_shape = {r.elders_shape}: needs at least 2 entries (P(0 elders), P(1 elder), ...)")
        shapes_ok = False
    edges = r.labourer_age_edges
    if not edges or edges != sorted(set(edges)) or edges[0] != 16 or edges[-1] != 65:
        out.append(f"region.labourer_age_edges = {edges}: must rise from 16 to 65 (working age)")
    if len(edges) >= 2:  # with fewer there are no bands to check the shares against
        out += _shape_problem("region.labourer_age_shares", r.labourer_age_shares, len(edges) - 1)
        if len(r.skill_shares_by_age_band) != len(edges) - 1:
            out.append(f"region.skill_shares_by_age_band: needs one row per age band ({len(edges) - 1})")
    for i, row in enumerate(r.skill_shares_by_age_band):
        out += _shape_problem(f"region.skill_shares_by_age_band[{i}]", row, 4)
    out += _shape_problem("region.labourer_health_shares", r.labourer_health_shares, 3)
    out += _shape_problem("region.elder_health_shares", r.elder_health_shares, 3)
    bad_months = [m for m in r.busy_months if not 1 <= m <= 12]
    if not r.busy_months:
        out.append("region.busy_months = []: needs at least one farm-busy calendar month (1-12)")
    elif bad_months or len(set(r.busy_months)) != len(r.busy_months) or len(r.busy_months) >= 12:
        out.append(f"region.busy_months = {r.busy_months}: distinct calendar months 1-12, fewer than 12")
    if shapes_ok:
        out += _population_problems(r)
    if not r.destinations:
        out.append("region.destinations: at least one destination is needed")
    known = sorted(r.destinations)
    lc = p.labour_cooperation
    if lc.fair_destination not in r.destinations:
        out.append(f"policy.labour_cooperation.fair_destination = {lc.fair_destination!r}: must be one of {known}")
    for d in lc.placement_destinations:
        if d not in r.destinations:
            out.append(f"policy.labour_cooperation.placement_destinations: {d!r} is not one of {known}")
    for key in schedule_keys():
        out += _schedule_problems(key, _get(run, key), may_fall=key.startswith("economy."))
    out += _economy_problems(run.economy)
    return out


def _economy_problems(e: Any) -> list[str]:
    """Each series needs a level in the base year: an index is level(year) / level(base_year)."""
    from sim.economy import SERIES

    out = _name_problem("economy.name", e.name)
    for s in SERIES:
        years = sorted(getattr(e, s))
        if years and e.base_year not in years:
            out.append(
                f"economy.base_year = {e.base_year}: economy.{s} has no level for it (it has {years[0]}-{years[-1]}); "
                "every series needs its base-year level, the money amounts of the configs are of that year"
            )
    return out


def _get(obj: Any, key: str) -> Any:
    for part in key.split("."):
        obj = getattr(obj, part)
    return obj
