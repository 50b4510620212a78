"""`python -m sim.explore COMMAND [overrides]`: COMMAND is space, sensitivity, robust, search or
equal_cost; overrides are Hydra's, on conf/explore/config.yaml (e.g. `mix=workshops seeds=[0,1,2]
sensitivity.method=morris model=[scale=0.05,months=24]`). A bad setting, range or model override
stops the study before anything runs, with a message naming the key (exit 2); a study stopped by
`max_new_jobs` exits 3 and continues when the same command is run again."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.global_hydra import GlobalHydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.explore.settings import COMMANDS, problems
from sim.validate import ConfigError


def model_configs(mixes: list[str], overrides: list[str]) -> dict:
    """Each mix's validated run config, composed by the model's own Hydra config (outside this app's)."""
    from sim.config import load

    hydra_state = GlobalHydra.instance().hydra
    GlobalHydra.instance().clear()
    try:
        return {mix: load([*overrides, f"policy={mix}"]) for mix in mixes}
    finally:
        GlobalHydra.instance().hydra = hydra_state


def model_overrides(s: dict) -> list[str]:
    from sim.explore.space import nested_overrides

    return nested_overrides(s["model"])


def evaluator_for(s: dict, mixes: list[str]):
    if s["evaluator"] == "model":
        from sim.explore.runner import ModelEvaluator

        return ModelEvaluator(model_configs(mixes, model_overrides(s)))
    from sim.explore.functions import FUNCTIONS

    return FUNCTIONS[s["evaluator"]]


def run_command(s: dict, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from sim.explore import plots
    from sim.explore.runner import Parallelism

    par = Parallelism(s["n_jobs"], s["backend"], s["max_new_jobs"], s["progress"])
    command = s["command"]
    mixes = list(s["mixes"]) if command in ("robust", "equal_cost") else [s["mix"]]
    if command == "equal_cost" and s["equal_cost"]["reference"] not in mixes:
        mixes.append(s["equal_cost"]["reference"])
    evaluator = evaluator_for(s, mixes)
    if command == "space":
        from sim.explore.space import levers, table

        table(evaluator.space(s["uncertainties"])).to_csv(folder / "space.csv", index=False)
        if s["evaluator"] == "model":
            import pandas as pd

            rows = [vars(lv) for cfg in evaluator.configs.values() for lv in levers(cfg)]
            pd.DataFrame(rows).drop_duplicates("key").to_csv(folder / "levers.csv", index=False)
        print(f"space: {folder / 'space.csv'}")
    elif command == "sensitivity":
        from sim.explore import sensitivity

        out = sensitivity.run(evaluator, s, folder, par)
        if len(out["indices"]):
            plots.sensitivity(out["indices"], folder / "indices.png")
        for note in out["notes"]:
            print(f"note: {note}")
        print(f"sensitivity indices: {folder / 'indices.csv'}")
    elif command == "robust":
        import pandas as pd

        from sim.explore import robust

        out = robust.run(evaluator, s, folder, par)
        plots.robust(out, pd.read_csv(folder / "space.csv"), folder / "robust.png")
        print(out["regret"].to_string(index=False))
        for line in out["sentences"]:
            print(line)
        print(f"robust comparison: {folder}")
    elif command == "search":
        from sim.explore import search

        trials = search.pareto(evaluator, s, folder, par)
        plots.front(trials, s["search"]["objective"], folder / "front.png")
        print(f"Pareto front ({int(trials['on_front'].sum())} of {len(trials)} trials): {folder / 'front.csv'}")
    elif command == "equal_cost":
        from sim.explore import search

        s = {**s, "mixes": [m for m in s["mixes"]]}
        table = search.equal_cost(evaluator, s, folder, par)
        plots.equal_cost(table, s["equal_cost"]["outcome"], folder / "equal_cost.png")
        print(table[["mix", "factor", "spending_yuan", s["equal_cost"]["outcome"], "note"]].to_string(index=False))
        print(f"equal cost: {folder / 'equal_cost.csv'}")


@hydra.main(version_base="1.3", config_path="../../conf/explore", config_name="config")
def main(cfg: DictConfig) -> None:
    from sim.explore.runner import Stopped

    s = OmegaConf.to_container(cfg, resolve=True)
    found = problems(s)
    if found:
        print("error: invalid study settings:\n  " + "\n  ".join(found), file=sys.stderr)
        sys.exit(2)
    folder = Path(HydraConfig.get().runtime.output_dir)
    try:
        run_command(s, folder)
    except ConfigError as err:
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)
    except Stopped as stop:
        print(str(stop), file=sys.stderr)
        sys.exit(3)


def cli(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m sim.explore {{{','.join(COMMANDS)}}} [overrides]", file=sys.stderr)
        sys.exit(2)
    sys.argv = [sys.argv[0], *argv[1:], f"command={argv[0]}"]
    main()


if __name__ == "__main__":
    cli()
