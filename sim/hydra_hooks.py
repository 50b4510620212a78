"""Hydra callbacks. `ValidateConfig` checks the composed config before Hydra creates the run's
output directory, so a bad value or a typo fails with a clear message and writes nothing."""

from __future__ import annotations

import sys
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.validate import ConfigError, to_run_config


def check(config: DictConfig) -> None:
    """Validate the task part of a Hydra config (everything but `hydra`); exit 2 on problems."""
    task = OmegaConf.masked_copy(config, [k for k in config if k != "hydra"])
    try:
        to_run_config(task)
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


class ValidateConfig(Callback):
    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        check(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        check(config)
