"""Checks of a study's settings (conf/explore/config.yaml plus overrides) before anything runs: each
problem names the key, the value and what is allowed, and all are reported at once."""

from __future__ import annotations

import math
from collections.abc import Mapping

from sim.config import CONF_DIR
from sim.explore.runner import MODEL_OUTCOMES
from sim.explore.space import flat_keys, range_problems

COMMANDS = ("space", "sensitivity", "robust", "search", "equal_cost")
EVALUATORS = ("model", "linear", "ishigami")
METHODS = ("sobol", "morris")
BACKENDS = ("loky", "ray")


def _whole(value, key: str, least: int) -> list[str]:
    ok = isinstance(value, int) and not isinstance(value, bool) and value >= least
    return [] if ok else [f"{key} = {value!r}: a whole number of at least {least}"]


def _mixes() -> list[str]:
    return sorted(p.stem for p in (CONF_DIR / "policy").glob("*.yaml"))


def problems(s: Mapping) -> list[str]:
    out = []
    if s["command"] not in COMMANDS:
        out.append(f"command = {s['command']!r}: one of {', '.join(COMMANDS)}")
    if s["evaluator"] not in EVALUATORS:
        out.append(f"evaluator = {s['evaluator']!r}: one of {', '.join(EVALUATORS)}")
    known = _mixes()
    for key, mixes in (("mix", [s["mix"]]), ("mixes", list(s["mixes"]))):
        out += [f"{key}: no policy mix {m!r} in conf/policy/ (there are {', '.join(known)})" for m in mixes
                if m not in known]  # fmt: skip
    if len(set(s["mixes"])) != len(s["mixes"]) or (s["command"] == "robust" and len(s["mixes"]) < 2):
        out.append(f"mixes = {list(s['mixes'])}: two or more mixes, each once")
    seeds = list(s["seeds"])
    if not seeds or len(set(seeds)) != len(seeds) or any(_whole(x, "", 0) for x in seeds):
        out.append(f"seeds = {seeds}: one or more distinct whole numbers >= 0")
    if s["n_jobs"] != -1:
        out += _whole(s["n_jobs"], "n_jobs", 1)
    if s["backend"] not in BACKENDS:
        out.append(f"backend = {s['backend']!r}: one of {', '.join(BACKENDS)}")
    if s["max_new_jobs"] is not None:
        out += _whole(s["max_new_jobs"], "max_new_jobs", 1)
    outcomes = MODEL_OUTCOMES if s["evaluator"] == "model" else ("y",)
    sens = s["sensitivity"]
    if sens["method"] not in METHODS:
        out.append(f"sensitivity.method = {sens['method']!r}: one of {', '.join(METHODS)}")
    out += _whole(sens["samples"], "sensitivity.samples", 2) + _whole(sens["levels"], "sensitivity.levels", 2)
    if not 0 < sens["confidence"] < 1:
        out.append(f"sensitivity.confidence = {sens['confidence']!r}: between 0 and 1")
    asked = {"sensitivity": ("sensitivity.outcomes", list(sens["outcomes"])),
             "robust": ("robust.outcome", [s["robust"]["outcome"]]),
             "search": ("search.objective", [s["search"]["objective"]]),
             "equal_cost": ("equal_cost.outcome", [s["equal_cost"]["outcome"]])}  # fmt: skip
    if s["command"] in asked:  # the outcomes of the command run: a test function has only `y`
        key, names = asked[s["command"]]
        out += [f"{key}: unknown outcome {n!r}; known: {', '.join(outcomes)}" for n in names if n not in outcomes]
    if s["evaluator"] != "model" and s["command"] in ("search", "equal_cost"):
        out.append(f"evaluator = {s['evaluator']!r}: {s['command']} runs the model only (it needs spending)")
    out += _whole(s["robust"]["samples"], "robust.samples", 2)
    for key in ("peel_alpha", "mass_min"):
        if not 0 < s["robust"][key] < 1:
            out.append(f"robust.{key} = {s['robust'][key]!r}: between 0 and 1")
    search = s["search"]
    out += _whole(search["trials"], "search.trials", 1) + _whole(search["population"], "search.population", 2)
    out += _whole(search["robust_samples"], "search.robust_samples", 0)
    levers = flat_keys(search["levers"])
    out += [f"search.use: {k!r} is not in search.levers" for k in search["use"] if k not in levers]
    for key, spec in levers.items():
        if "choices" in spec:
            if not list(spec["choices"]):
                out.append(f"search.levers.{key}: choices must not be empty")
        elif not key.startswith("policy."):
            out.append(f"search.levers.{key}: a lever is a policy setting (policy.<programme>.<key>)")
        else:
            out += range_problems(key, spec.get("low"), spec.get("high"), "search.levers")
    eq = s["equal_cost"]
    budget = eq["budget"]
    if budget is not None and not (isinstance(budget, int | float) and math.isfinite(budget) and budget > 0):
        out.append(f"equal_cost.budget = {budget!r}: a positive amount of yuan, or null")
    if eq["reference"] not in known:
        out.append(f"equal_cost.reference: no policy mix {eq['reference']!r} in conf/policy/")
    if not 0 < eq["tolerance"] < 1:
        out.append(f"equal_cost.tolerance = {eq['tolerance']!r}: between 0 and 1")
    out += _whole(eq["max_iterations"], "equal_cost.max_iterations", 1)
    return out
