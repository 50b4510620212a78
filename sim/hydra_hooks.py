"""Hydra callbacks. `ValidateConfig` checks the composed config before Hydra creates the run's
output directory, so a bad value or a typo fails with a clear message and writes nothing."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.outputs import COMPLETE_MARKER, ERROR_FILE
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
    """Validates before anything is written; after a sweep, reports failed jobs and exits 1."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        check(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        check(config)

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        failed = sorted(p.parent for p in sweep_dir.rglob(ERROR_FILE))
        done = sum(1 for _ in sweep_dir.rglob(COMPLETE_MARKER))
        print(f"sweep finished: {done} job(s) complete, {len(failed)} failed, in {sweep_dir}")
        if failed:
            for job in failed:
                print(f"  failed: {job.name} (see {job / ERROR_FILE})", file=sys.stderr)
            sys.exit(1)


def sweep_size(config: DictConfig) -> int:
    """How many jobs the basic sweeper will launch: the product of every swept value list."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    items = list(config.hydra.overrides.task)
    items += [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
    total = 1
    for override in OverridesParser.create().parse_overrides(items):
        if override.is_sweep_override():
            total *= len(list(override.sweep_string_iterator()))
    return total


class SweepProgress(Callback):
    """A progress bar for a sweep, counting the jobs whose results (or errors) are on disk."""

    def __getstate__(self) -> dict:
        return {}  # Hydra ships callbacks to the job processes; the bar's thread stays here

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        import threading

        from tqdm import tqdm

        sweep_dir = Path(config.hydra.sweep.dir)
        self._stop = threading.Event()
        bar = tqdm(total=sweep_size(config), desc="sweep jobs", unit="job", file=sys.stderr, dynamic_ncols=True)

        def poll() -> None:
            while True:
                stopping = self._stop.wait(1.0)
                done = sum(1 for _ in sweep_dir.rglob(COMPLETE_MARKER)) + sum(1 for _ in sweep_dir.rglob(ERROR_FILE))
                bar.update(min(done, bar.total) - bar.n)
                if stopping:
                    break
            bar.close()

        self._thread = threading.Thread(target=poll, daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
