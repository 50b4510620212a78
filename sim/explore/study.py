"""One study from its settings: the command line (`sim.explore.__main__`) and Python (`run`, for
notebooks) both come here, so a notebook's study is the command's study.

    from sim.explore.study import run
    out = run("robust", ["mixes=[none,floor]", "robust.samples=8", "model.scale=0.02"], "outputs/explore/nb")
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.global_hydra import GlobalHydra
from omegaconf import OmegaConf

from sim.config import CONF_DIR
from sim.explore.settings import problems
from sim.validate import ConfigError

_CONFIGS: dict[tuple[str, ...], object] = {}


def model_configs(mixes: list[str], overrides: list[str]) -> dict:
    """Each mix's validated run config, composed by the model's own Hydra config (outside the app's
    Hydra, which is set aside meanwhile); remembered, as composing takes most of a second."""
    from sim.config import load

    hydra_state = GlobalHydra.instance().hydra
    GlobalHydra.instance().clear()
    try:
        out = {}
        for mix in mixes:
            key = (*overrides, f"policy={mix}")
            if key not in _CONFIGS:
                _CONFIGS[key] = load(list(key))
            out[mix] = copy.deepcopy(_CONFIGS[key])
        return out
    finally:
        GlobalHydra.instance().hydra = hydra_state


def evaluator_for(s: dict, mixes: list[str]):
    if s["evaluator"] == "model":
        from sim.explore.runner import ModelEvaluator
        from sim.explore.space import nested_overrides

        return ModelEvaluator(model_configs(mixes, nested_overrides(s["model"])))
    from sim.explore.functions import FUNCTIONS

    return FUNCTIONS[s["evaluator"]]


def run_command(s: dict, folder: Path, show: bool = True) -> dict:
    """Run the study `s["command"]` into `folder` and return its tables (and figure)."""
    from sim.explore import plots
    from sim.explore.runner import Parallelism

    par = Parallelism(s["n_jobs"], s["backend"], s["max_new_jobs"], s["progress"])
    command = s["command"]
    mixes = list(s["mixes"]) if command in ("robust", "equal_cost") else [s["mix"]]
    if command == "equal_cost" and s["equal_cost"]["reference"] not in mixes:
        mixes.append(s["equal_cost"]["reference"])
    evaluator = evaluator_for(s, mixes)
    out: dict = {}
    if command == "space":
        import pandas as pd

        from sim.explore.space import levers, table

        out["space"] = table(evaluator.space(s["uncertainties"]))
        out["space"].to_csv(folder / "space.csv", index=False)
        if s["evaluator"] == "model":
            rows = [vars(lv) for cfg in evaluator.configs.values() for lv in levers(cfg)]
            out["levers"] = pd.DataFrame(rows).drop_duplicates("key")
            out["levers"].to_csv(folder / "levers.csv", index=False)
        lines = [f"{len(out['space'])} uncertainties: {folder / 'space.csv'}"]
    elif command == "sensitivity":
        from sim.explore import sensitivity

        out = sensitivity.run(evaluator, s, folder, par)
        if len(out["indices"]):
            out["figure"] = plots.sensitivity(out["indices"], folder / "indices.png")
        lines = [*(f"note: {n}" for n in out["notes"]), f"sensitivity indices: {folder / 'indices.csv'}"]
    elif command == "robust":
        import pandas as pd

        from sim.explore import robust

        out = robust.run(evaluator, s, folder, par)
        out["figure"] = plots.robust(out, pd.read_csv(folder / "space.csv"), folder / "robust.png")
        lines = [out["regret"].to_string(index=False), *out["sentences"], f"robust comparison: {folder}"]
    elif command == "search":
        from sim.explore import search

        out["trials"] = trials = search.pareto(evaluator, s, folder, par)
        out["figure"] = plots.front(trials, s["search"]["objective"], folder / "front.png")
        lines = [f"Pareto front ({int(trials['on_front'].sum())} of {len(trials)} trials): {folder / 'front.csv'}"]
    else:
        from sim.explore import search

        out["table"] = table = search.equal_cost(evaluator, s, folder, par)
        outcome = s["equal_cost"]["outcome"]
        out["figure"] = plots.equal_cost(table, outcome, folder / "equal_cost.png")
        columns = ["mix", "factor", "spending_yuan", outcome, "note"]
        lines = [table[columns].to_string(index=False), f"equal cost: {folder / 'equal_cost.csv'}"]
    if show:
        print("\n".join(lines))
    return out


def compose_settings(command: str, overrides: Sequence[str] = ()):
    """conf/explore/config.yaml with the overrides, composed as the command line does."""
    with initialize_config_dir(config_dir=str(CONF_DIR / "explore"), version_base="1.3", job_name="explore"):
        return compose(config_name="config", overrides=[*overrides, f"command={command}"])


def settings(command: str, overrides: Sequence[str] = ()) -> dict:
    """The study's settings as the command line composes them (conf/explore/config.yaml), checked."""
    s = OmegaConf.to_container(compose_settings(command, overrides), resolve=True)
    s.pop("hydra", None)
    found = problems(s)
    if found:
        raise ConfigError(found)
    return s


def run(command: str, overrides: Sequence[str] = (), folder: str | Path = "outputs/explore/python") -> dict:
    """Run a study from Python; re-running into the same `folder` resumes it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return run_command(settings(command, overrides), folder)
