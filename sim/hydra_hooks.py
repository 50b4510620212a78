"""Hydra callbacks. `ValidateConfig` checks the composed config before Hydra creates the run's
output directory, and a sweep job by job before its first job starts: a bad value anywhere refuses
the whole sweep, with every problem listed. It also says which jobs earlier results are reused for,
which are re-run and why, and after the sweep counts this sweep's jobs only."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hydra.experimental.callback import Callback
from omegaconf import DictConfig, OmegaConf

from sim.outputs import COMPLETE_MARKER, ERROR_FILE, check_results, is_complete
from sim.validate import ConfigError, to_run_config


@dataclass
class Job:
    overrides: list[str]
    folder: Path
    reusable: bool  # complete results of the same config and model version are there
    reason: str | None  # why earlier results there are not reusable (None: none, or reusable)


current_jobs: list[Job] = []  # the jobs of the sweep this process drives (empty for other sweepers)
sweep_started: float = 0.0


def _task(config: DictConfig) -> DictConfig:
    return OmegaConf.masked_copy(config, [k for k in config if k != "hydra"])


def check(config: DictConfig) -> None:
    """Validate the task part of a Hydra config (everything but `hydra`); exit 2 on problems."""
    try:
        to_run_config(_task(config), list(config.hydra.overrides.task))
    except ConfigError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


def sweep_overrides(config: DictConfig) -> list[str]:
    """The sweep as the basic sweeper reads it: `hydra.sweeper.params` first, then the command line."""
    items = [f"{k}={v}" for k, v in (config.hydra.sweeper.get("params") or {}).items()]
    return items + list(config.hydra.overrides.task)


def job_overrides(config: DictConfig) -> list[list[str]] | None:
    """Each job's overrides, in the basic sweeper's order; None for another sweeper."""
    from hydra._internal.core_plugins.basic_sweeper import BasicSweeper
    from hydra.core.override_parser.overrides_parser import OverridesParser

    if "BasicSweeper" not in str(config.hydra.sweeper.get("_target_", "")):
        return None
    parsed = OverridesParser.create().parse_overrides(sweep_overrides(config))
    return [list(job) for batch in BasicSweeper.split_arguments(parsed, None) for job in batch]


def plan_sweep(config: DictConfig) -> tuple[list[Job], list[str]]:
    """Compose and validate every job of the sweep; the jobs, and every problem found (a problem
    shared by several jobs is listed once, with how many jobs it concerns and the first of them)."""
    from hydra.core.global_hydra import GlobalHydra

    from sim.config import composition_message

    loader = GlobalHydra.instance().hydra.config_loader
    sweep_dir = Path(config.hydra.sweep.dir).resolve()
    jobs, problems = [], {}
    for overrides in job_overrides(config) or []:
        label = " ".join(overrides) or "(no overrides)"
        try:
            job_cfg = loader.load_sweep_config(config, overrides)
            folder = (Path(job_cfg.hydra.sweep.dir) / str(job_cfg.hydra.sweep.subdir)).resolve()
        except Exception as exc:
            problems.setdefault(composition_message(exc), []).append(label)
            continue
        if not folder.is_relative_to(sweep_dir):
            problems.setdefault(f"the job folder {folder} would be outside the sweep folder {sweep_dir}", []).append(
                label
            )
            continue
        try:
            run_cfg = to_run_config(_task(job_cfg), overrides)
        except ConfigError as err:
            for line in err.problems:
                problems.setdefault(line, []).append(label)
            continue
        done, reason = check_results(folder, run_cfg)
        jobs.append(Job(overrides, folder, done is not None, reason))
    lines = []
    for line, labels in problems.items():
        where = f"job {labels[0]}" if len(labels) == 1 else f"{len(labels)} jobs, e.g. {labels[0]}"
        lines.append(f"{line}  [{where}]")
    return jobs, lines


def job_state(job: Job) -> str:
    """'complete', 'failed' or 'missing' as the job's folder says now."""
    if is_complete(job.folder):
        return "complete"
    return "failed" if (job.folder / ERROR_FILE).is_file() else "missing"


class ValidateConfig(Callback):
    """Validates before anything is written; after a sweep, reports this sweep's jobs and exits 1
    when any failed or did not finish."""

    def on_run_start(self, config: DictConfig, **kwargs: Any) -> None:
        check(config)

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        global current_jobs, sweep_started
        sweep_started = time.time()
        if job_overrides(config) is None:
            check(config)
            return
        jobs, problems = plan_sweep(config)
        if problems:
            print(
                f"error: invalid sweep: nothing was run; {len(problems)} problem(s):\n  " + "\n  ".join(problems),
                file=sys.stderr,
            )
            sys.exit(2)
        current_jobs = jobs
        reused = [j for j in jobs if j.reusable]
        rerun = [j for j in jobs if not j.reusable and j.reason]
        print(
            f"sweep of {len(jobs)} job(s) into {config.hydra.sweep.dir}: {len(reused)} complete from an earlier "
            f"run (reused), {len(jobs) - len(reused)} to run" + (f", of which {len(rerun)} re-run:" if rerun else "")
        )
        for job in rerun:
            print(f"  re-run {job.folder.name}: {job.reason}")

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        if not current_jobs:  # another sweeper: count what is in the folder
            failed = sorted(p.parent for p in sweep_dir.rglob(ERROR_FILE))
            done = sum(1 for _ in sweep_dir.rglob(COMPLETE_MARKER))
            print(f"sweep finished: {done} job(s) complete, {len(failed)} failed, in {sweep_dir}")
            if failed:
                sys.exit(1)
            return
        states = {id(j): job_state(j) for j in current_jobs}
        done = [j for j in current_jobs if states[id(j)] == "complete"]
        bad = [j for j in current_jobs if states[id(j)] != "complete"]
        reused = sum(1 for j in done if j.reusable)
        print(
            f"sweep finished: {len(done)} job(s) complete ({reused} reused, {len(done) - reused} run now), "
            f"{len(bad)} failed, in {sweep_dir}"
        )
        for job in bad:
            where = job.folder / ERROR_FILE if states[id(job)] == "failed" else "no results written"
            print(f"  failed: {job.folder.name} (see {where})", file=sys.stderr)
        if bad:
            sys.exit(1)


def sweep_size(config: DictConfig) -> int:
    """How many jobs the basic sweeper will launch: the product of every swept value list."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    total = 1
    for override in OverridesParser.create().parse_overrides(sweep_overrides(config)):
        if override.is_sweep_override():
            total *= len(list(override.sweep_string_iterator()))
    return total


def _finished(job: Job) -> bool:
    """Done in this sweep: results reused, or run.json / error.json written since the sweep began."""
    if job.reusable:
        return True
    for name in (COMPLETE_MARKER, ERROR_FILE):
        try:
            if (job.folder / name).stat().st_mtime >= sweep_started:
                return True
        except OSError:
            pass
    return False


class SweepProgress(Callback):
    """A progress bar for a sweep, counting this sweep's jobs whose results (or errors) are on disk."""

    def __getstate__(self) -> dict:
        return {}  # Hydra ships callbacks to the job processes; the bar's thread stays here

    def on_multirun_start(self, config: DictConfig, **kwargs: Any) -> None:
        import threading

        from tqdm import tqdm

        sweep_dir = Path(config.hydra.sweep.dir)
        self._stop = threading.Event()
        bar = tqdm(total=sweep_size(config), desc="sweep jobs", unit="job", file=sys.stderr, dynamic_ncols=True)

        def count() -> int:
            if current_jobs:
                return sum(_finished(j) for j in current_jobs)
            return sum(1 for _ in sweep_dir.rglob(COMPLETE_MARKER)) + sum(1 for _ in sweep_dir.rglob(ERROR_FILE))

        def poll() -> None:
            while True:
                stopping = self._stop.wait(1.0)
                bar.update(min(count(), bar.total) - bar.n)
                if stopping:
                    break
            bar.close()

        self._thread = threading.Thread(target=poll, daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig, **kwargs: Any) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
