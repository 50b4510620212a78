"""The calibration settings (conf/calibrate.yaml and its overrides), typed and range-checked before
anything runs, with every problem named at once; quick mode never overrides a value given explicitly."""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

from omegaconf import DictConfig, OmegaConf

from sim.validate import ConfigError

TOP = {
    "quick",
    "model_overrides",
    "scale_factor",
    "seeds",
    "report_seeds",
    "n_jobs",
    "optimiser",
    "stages",
    "uncertainty",
    "output",
    "parameters",
    "quick_settings",
    "behaviour",
    "targets",
}
SECTIONS = {
    "optimiser": {
        "sampler",
        "popsize",
        "startup_trials",
        "seed",
        "study_name",
        "max_trials_per_stage",
        "prior_weight",
        "progress_every",
    },
    "uncertainty": {"step", "seeds", "minimum_near_best", "identified_sd"},
    "output": {"behaviour_file", "report_dir", "storage"},
}


def settings(cfg: DictConfig, explicit: Iterable[str] = ()) -> DictConfig:
    """The calibration settings, with `quick_settings` merged over them in quick mode, except for the
    keys given `explicit`ly (on the command line), which keep their value."""
    if not cfg.quick:
        return cfg
    merged = OmegaConf.merge(cfg, cfg.quick_settings)
    for key in explicit:
        value = OmegaConf.select(cfg, key, default=None)
        if value is not None or OmegaConf.select(cfg, key, default="?") is None:
            OmegaConf.update(merged, key, value, merge=False, force_add=True)
    return merged


def explicit_keys(overrides: Iterable[str]) -> list[str]:
    return [o.lstrip("+~").partition("=")[0] for o in overrides if "=" in o]


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def problems(cfg: DictConfig) -> list[str]:
    """Every problem of the (merged) calibration settings, one line each: key, value, what is allowed."""
    c = OmegaConf.to_container(cfg, resolve=False)
    out: list[str] = []

    def unknown(where: str, keys: Iterable, known: set[str]) -> None:
        for k in keys:
            if k not in known:
                close = difflib.get_close_matches(str(k), sorted(known), n=2)
                hint = f"; did you mean {' or '.join(close)}?" if close else ""
                out.append(f"{where}{k}: unknown calibration setting{hint} Known: {', '.join(sorted(known))}")

    def need(key: str, ok: bool, allowed: str) -> None:
        if not ok:
            value = OmegaConf.select(cfg, key, default=None, throw_on_resolution_failure=False)
            out.append(f"{key} = {value!r}: must be {allowed}")

    unknown("", [k for k in c if k != "hydra"], TOP)
    for section, known in SECTIONS.items():
        if isinstance(c.get(section), dict):
            unknown(f"{section}.", c[section], known)
    need("quick", isinstance(c.get("quick"), bool), "true or false")
    need("n_jobs", _int(c.get("n_jobs")) and c["n_jobs"] >= 1, "a whole number of processes, at least 1")
    need(
        "scale_factor",
        _num(c.get("scale_factor")) and 0 < c["scale_factor"] <= 1,
        "a number above 0 and at most 1 (multiplies each scenario's scale)",
    )
    for key in ("seeds", "report_seeds"):
        v = c.get(key)
        need(key, isinstance(v, list) and v and all(_int(s) and s >= 0 for s in v), "a non-empty list of seeds >= 0")
    mo = c.get("model_overrides")
    need("model_overrides", isinstance(mo, list) and all(isinstance(s, str) for s in mo), "a list of key=value")
    o = c.get("optimiser") or {}
    need("optimiser.sampler", o.get("sampler") in ("cmaes", "tpe"), "cmaes or tpe")
    pop = o.get("popsize")
    need("optimiser.popsize", pop is None or (_int(pop) and pop >= 2), "null or a whole number, at least 2")
    need("optimiser.startup_trials", _int(o.get("startup_trials")) and o["startup_trials"] >= 1, "a whole number >= 1")
    need("optimiser.seed", _int(o.get("seed")) and o["seed"] >= 0, "a whole number >= 0")
    cap = o.get("max_trials_per_stage")
    need("optimiser.max_trials_per_stage", cap is None or (_int(cap) and cap >= 1), "null or a whole number >= 1")
    need(
        "optimiser.prior_weight",
        _num(o.get("prior_weight")) and o["prior_weight"] >= 0,
        "a finite number >= 0 (the pull toward the starting values)",
    )
    need("optimiser.progress_every", _int(o.get("progress_every")) and o["progress_every"] >= 1, "a whole number >= 1")
    need("optimiser.study_name", isinstance(o.get("study_name"), str) and o["study_name"], "a name")
    u = c.get("uncertainty") or {}
    need(
        "uncertainty.step",
        _num(u.get("step")) and 0 < u["step"] <= 0.5,
        "a share of each parameter's bounds above 0 and at most 0.5",
    )
    s = u.get("seeds")
    need("uncertainty.seeds", isinstance(s, list) and s and all(_int(x) and x >= 0 for x in s), "a list of seeds")
    need(
        "uncertainty.minimum_near_best",
        _int(u.get("minimum_near_best")) and u["minimum_near_best"] >= 1,
        "a whole number >= 1",
    )
    need(
        "uncertainty.identified_sd",
        _num(u.get("identified_sd")) and u["identified_sd"] > 0,
        "a number above 0 (a share of the bounds)",
    )
    for key in ("behaviour_file", "report_dir"):
        v = (c.get("output") or {}).get(key)
        need(f"output.{key}", isinstance(v, str) and v.strip(), "a path")
    st = (c.get("output") or {}).get("storage")
    need("output.storage", st is None or (isinstance(st, str) and st.strip()), "null or a path")
    params = c.get("parameters") or {}
    behaviour = c.get("behaviour") or {}
    for name, p in params.items():
        key = f"parameters.{name}"
        if name not in behaviour:
            close = difflib.get_close_matches(str(name), [k for k in behaviour if k != "name"], n=2)
            hint = f"; did you mean {' or '.join(close)}?" if close else ""
            out.append(f"{key}: not a behaviour parameter{hint}")
        if not isinstance(p, dict):
            out.append(f"{key} = {p!r}: must be a section {{low, high, log, targets}}")
            continue
        unknown(f"{key}.", p, {"low", "high", "log", "targets"})
        lo, hi = p.get("low"), p.get("high")
        need(f"{key}.low", _num(lo), "a finite number")
        need(f"{key}.high", _num(hi), "a finite number")
        if _num(lo) and _num(hi) and not lo < hi:
            out.append(f"{key}: bounds low = {lo} and high = {hi}: low must be below high")
        need(f"{key}.log", isinstance(p.get("log"), bool), "true or false")
        if p.get("log") is True and _num(lo) and lo <= 0:
            out.append(f"{key}.low = {lo}: must be above 0 on a log scale (log: true)")
        t = p.get("targets")
        need(f"{key}.targets", isinstance(t, list) and t and all(isinstance(x, str) for x in t), "a list of targets")
    stages = c.get("stages") or {}
    if not isinstance(stages, dict) or not stages:
        out.append(f"stages = {stages!r}: must name at least one stage")
        stages = {}
    staged: list[str] = []
    for name, stage in stages.items():
        key = f"stages.{name}"
        if not isinstance(stage, dict):
            out.append(f"{key} = {stage!r}: must be a section {{parameters, check, trials, timeout_minutes}}")
            continue
        unknown(f"{key}.", stage, {"parameters", "check", "trials", "timeout_minutes"})
        names = [*(stage.get("parameters") or []), *(stage.get("check") or [])]
        staged += names
        for n in names:
            if n not in params:
                out.append(f"{key}: {n!r} is not one of parameters ({', '.join(params)})")
        need(f"{key}.trials", _int(stage.get("trials")) and stage["trials"] >= 1, "a whole number >= 1")
        tm = stage.get("timeout_minutes")
        need(f"{key}.timeout_minutes", tm is None or (_num(tm) and tm > 0), "null or a number of minutes above 0")
    for name in params:
        if stages and staged.count(name) != 1:
            out.append(f"parameters.{name}: must be in exactly one of the stages {list(stages)}")
    for scenario, block in (c.get("targets") or {}).items():
        for key, t in ((block or {}).get("targets") or {}).items():
            bound = (t or {}).get("bound", "two-sided")
            if bound not in ("two-sided", "lower"):
                out.append(f"targets.{scenario}.{key}.bound = {bound!r}: allowed are 'two-sided' and 'lower'")
    return out


def check(cfg: DictConfig) -> None:
    found = problems(cfg)
    if found:
        raise ConfigError(found)
