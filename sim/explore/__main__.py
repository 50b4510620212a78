"""`python -m sim.explore COMMAND [overrides]`: COMMAND is space, sensitivity, robust, search or
equal_cost; overrides are Hydra's, on conf/explore/config.yaml (e.g. `mix=workshops seeds=[0,1,2]
sensitivity.method=morris model.scale=0.05 model.months=24`). A bad setting, range or model override
stops the study before anything runs, with a message naming the key (exit 2); a study stopped by
`max_new_jobs` exits 3 and continues when the same command is run again."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig, OmegaConf

from sim.explore.settings import COMMANDS, problems
from sim.explore.study import run_command
from sim.validate import ConfigError


@hydra.main(version_base="1.3", config_path="../../conf/explore", config_name="config")
def main(cfg: DictConfig) -> None:
    import matplotlib

    from sim.explore.runner import Stopped

    matplotlib.use("Agg")  # figures go to files
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
    problem = override_problem(argv[0], [a for a in argv[1:] if not a.lstrip("+~").startswith(("hydra", "-"))])
    if problem:
        print(f"error: invalid study settings:\n  {problem}", file=sys.stderr)
        sys.exit(2)
    sys.argv = [sys.argv[0], *argv[1:], f"command={argv[0]}"]
    main()


def override_problem(command: str, overrides: list[str]) -> str | None:
    """Hydra's composition error in the project's words (a key not in the settings gets the keys that
    are there, with close matches), before Hydra prints its own."""
    from hydra.errors import HydraException

    from sim.config import composition_message
    from sim.explore.study import compose_settings

    try:
        compose_settings(command, overrides)
    except HydraException as exc:

        def retry(key: str):
            return compose_settings(command, [o for o in overrides if o.lstrip("+~").partition("=")[0] != key])

        message = composition_message(exc, retry)
        if "unknown key" in message:
            message += " (a key the settings do not have is added with a leading +, e.g. +uncertainties.ranges=...)"
        return message
    return None


if __name__ == "__main__":
    cli()
