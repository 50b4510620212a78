"""The public Python API, for notebooks and scripts: configs, single runs and sweeps, the same way
the command line does them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from sim.aggregate import Sweep, collect
from sim.config import load
from sim.model import PovertyModel
from sim.paired import paired_differences
from sim.schema import RunConfig

__all__ = ["PovertyModel", "RunConfig", "Sweep", "load", "load_sweep", "paired", "run", "run_sweep"]


def run(overrides: Sequence[str] = (), agents: bool = True) -> PovertyModel:
    """Build and run one model, e.g. `run(["policy=none", "seed=2", "scale=0.1"])`."""
    model = PovertyModel(load(list(overrides)), agents=agents)
    model.run()
    return model


def table(model: PovertyModel) -> pd.DataFrame:
    """The model's monthly table (one row per month, month 0 the initial state)."""
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def run_sweep(
    sweep_dir: str | Path,
    grid: Mapping[str, Sequence] | None = None,
    overrides: Sequence[str] = (),
    experiment: str | None = None,
    n_jobs: int = 2,
    quiet: bool = True,
) -> Path:
    """Run a sweep through Hydra's multirun, exactly as `python -m sim -m ...` would, into
    `sweep_dir` (re-running resumes). `grid` maps keys to the values to sweep, e.g.
    `{"policy": ["none", "full_mix"], "seed": range(3)}`. Failed jobs are recorded, not raised."""
    sweep_dir = Path(sweep_dir).resolve()
    args = [sys.executable, "-m", "sim", "-m"]
    if experiment:
        args.append(f"+experiment={experiment}")
    for key, values in (grid or {}).items():
        args.append(f"{key}={','.join(str(v) for v in values)}")
    args += [*overrides, f"hydra.sweep.dir={sweep_dir}", f"hydra.launcher.n_jobs={n_jobs}"]
    result = subprocess.run(args, capture_output=quiet, text=True)
    if result.returncode not in (0, 1):  # 1: some jobs failed, recorded in their folders
        raise RuntimeError(f"sweep failed to run ({result.returncode}):\n{result.stderr}")
    return sweep_dir


def load_sweep(sweep_dir: str | Path) -> Sweep:
    """All complete jobs of a sweep as tables (monthly, per job, left behind) plus failures."""
    return collect(Path(sweep_dir))


def paired(sweep: Sweep) -> pd.DataFrame:
    """Per job, differences against the `none` mix run with the same seed."""
    return paired_differences(sweep.jobs, sweep.swept)
