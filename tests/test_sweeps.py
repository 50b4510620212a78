"""Sweeps end to end: multirun, resume, failure records, aggregation, re-plotting from tables, and
identical results across launchers."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SMALL = ["scale=0.02", "months=12"]


def sweep(sweep_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}
    cmd = [sys.executable, "-m", "sim", "-m", *args, *SMALL, f"hydra.sweep.dir={sweep_dir}"]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env, timeout=600)


def compare(sweep_dir: Path, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sim.compare", str(sweep_dir)]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=600)


def job_dirs(sweep_dir: Path) -> list[Path]:
    return sorted(p.parent for p in sweep_dir.glob("*/run.json"))


# 2 mixes x 2 seeds, plus one value that fails validation in every job it appears in.
SWEEP = ("policy=none,full_mix", "seed=0,1", "policy.labour_cooperation.transport_subsidy_share=0.5,1.5")


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    out = root / "sw"
    result = sweep(out, *SWEEP, "hydra.launcher.n_jobs=2", cwd=root)
    assert result.returncode == 1, result.stderr  # failed jobs make the sweep exit 1 ...
    assert "4 job(s) complete, 4 failed" in result.stdout  # ... after all the others ran
    return out


def test_failed_jobs_leave_the_others_intact_and_are_recorded(small_sweep):
    """Jobs with an invalid value write error.json naming the key; valid jobs complete."""
    assert len(job_dirs(small_sweep)) == 4
    errors = sorted(small_sweep.glob("*/error.json"))
    assert len(errors) == 4
    for e in errors:
        record = json.loads(e.read_text())
        assert record["status"] == "failed"
        assert "transport_subsidy_share = 1.5" in record["error"]
        assert not (e.parent / "run.json").exists()


def test_compare_builds_tables_and_plots(small_sweep, tmp_path):
    """One row per job and month with overrides as columns; per-job table; plots; failures listed."""
    result = compare(small_sweep, tmp_path)
    assert result.returncode == 0, result.stderr
    out = small_sweep / "compare"
    monthly = pd.read_parquet(out / "sweep_monthly.parquet")
    assert len(monthly) == 4 * 13
    assert {"job", "policy", "seed", "month", "poor_people", "spend_total"} <= set(monthly.columns)
    assert monthly.groupby(["policy", "seed"]).size().eq(13).all()
    jobs = pd.read_parquet(out / "sweep_jobs.parquet")
    assert len(jobs) == 4
    assert set(jobs["policy"]) == {"none", "full_mix"}
    paired = pd.read_csv(out / "paired_vs_none.csv")
    assert len(paired) == 2 and set(paired["policy"]) == {"full_mix"}
    failed = pd.read_csv(out / "failed_jobs.csv")
    assert len(failed) == 4 and failed["error"].str.contains("transport_subsidy_share").all()
    for name in ("headcount_by_mix", "exits_by_channel", "left_behind", "cost_vs_reduction"):
        assert (out / f"{name}.png").stat().st_size > 10_000
    summary = (out / "summary.md").read_text()
    assert "paired by seed" in summary and "Failed or unfinished jobs" in summary


def test_resume_runs_only_missing_jobs(small_sweep, tmp_path):
    """Deleting one job's results and re-running the sweep recomputes that job only."""
    copy = tmp_path / "sw"
    shutil.copytree(small_sweep, copy, ignore=shutil.ignore_patterns("compare"))
    jobs = job_dirs(copy)
    before = {j: (j / "run.json").stat().st_mtime_ns for j in jobs}
    victim = jobs[0]
    for f in ("run.json", "monthly.parquet", "summary.json"):
        (victim / f).unlink()
    result = sweep(copy, *SWEEP, "hydra.launcher.n_jobs=2", cwd=tmp_path)
    assert "4 job(s) complete, 4 failed" in result.stdout, result.stdout + result.stderr
    for job in jobs:
        changed = (job / "run.json").stat().st_mtime_ns != before[job]
        assert changed == (job == victim), job.name


def test_incomplete_job_is_not_read_as_complete(small_sweep, tmp_path):
    """A job with a table but no completion marker is listed as unfinished, not aggregated."""
    copy = tmp_path / "sw"
    shutil.copytree(small_sweep, copy, ignore=shutil.ignore_patterns("compare"))
    (job_dirs(copy)[0] / "run.json").unlink()
    from sim.aggregate import collect

    swept = collect(copy)
    assert len(swept.jobs) == 3
    assert swept.failed["error"].str.contains("interrupted").sum() == 1


def test_replot_needs_only_the_tables(small_sweep, tmp_path):
    """Comparison plots are drawn from the saved tables alone: no model import is needed."""
    code = (
        "import sys; sys.modules['sim.model'] = None\n"  # importing the model would now fail
        "import pandas as pd\n"
        "from pathlib import Path\n"
        "from sim import compare_plots as cp\n"
        f"d = Path({str(small_sweep / 'compare')!r})\n"
        f"o = Path({str(tmp_path)!r})\n"
        "m = pd.read_parquet(d / 'sweep_monthly.parquet')\n"
        "cp.headcount(m, o / 'h.png', 2016)\n"
        "cp.exits_by_channel(pd.read_parquet(d / 'sweep_jobs.parquet'), o / 'e.png')\n"
        "cp.left_behind(pd.read_parquet(d / 'sweep_left_behind.parquet'), o / 'l.png')\n"
    )
    if not (small_sweep / "compare").exists():
        assert compare(small_sweep, tmp_path).returncode == 0
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert all((tmp_path / f).stat().st_size > 10_000 for f in ("h.png", "e.png", "l.png"))


def test_numeric_sweep_plots_outcome_against_value(tmp_path):
    """A numeric sweep gets an outcome-versus-value plot with bands over seeds."""
    out = tmp_path / "award"
    result = sweep(out, "policy=workshops", "policy.workshops.award_per_worker=0,4000", "seed=0,1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert compare(out, tmp_path).returncode == 0
    assert (out / "compare" / "outcome_vs_policy_workshops_award_per_worker.png").stat().st_size > 10_000


def _tables(sweep_dir: Path) -> pd.DataFrame:
    frames = [pd.read_parquet(j / "monthly.parquet") for j in job_dirs(sweep_dir)]
    return pd.concat(frames).sort_values(["policy", "seed", "month"]).reset_index(drop=True)


@pytest.mark.slow
def test_ray_launcher_gives_the_same_results_as_joblib(tmp_path):
    """The same sweep on a local Ray instance and on joblib yields identical tables."""
    pytest.importorskip("hydra_plugins.hydra_ray_launcher")
    args = ("policy=none,full_mix", "seed=0,1")
    joblib_run = sweep(tmp_path / "joblib", *args, cwd=tmp_path)
    assert joblib_run.returncode == 0, joblib_run.stderr
    ray_run = sweep(
        tmp_path / "ray", *args, "hydra/launcher=ray_local", "+hydra.launcher.ray.init.num_cpus=2", cwd=tmp_path
    )
    assert ray_run.returncode == 0, ray_run.stderr
    pd.testing.assert_frame_equal(_tables(tmp_path / "joblib"), _tables(tmp_path / "ray"))
