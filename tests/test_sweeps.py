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


# 2 mixes x 2 seeds.
SWEEP = ("policy=none,full_mix", "seed=0,1")
FAILED_JOB = "policy=crashed"  # a job folder that failed while running (written by the fixture)


@pytest.fixture(scope="module")
def small_sweep(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    out = root / "sw"
    result = sweep(out, *SWEEP, "hydra.launcher.n_jobs=2", cwd=root)
    assert result.returncode == 0, result.stderr
    assert "4 job(s) complete (0 reused, 4 run now), 0 failed" in result.stdout
    failed = out / FAILED_JOB
    (failed / ".hydra").mkdir(parents=True)
    (failed / ".hydra" / "overrides.yaml").write_text("- policy=crashed\n")
    (failed / "error.json").write_text(json.dumps({"status": "failed", "error": "RuntimeError: it broke"}))
    return out


def test_a_sweep_with_a_bad_value_is_refused_whole_before_any_job(tmp_path):
    """One invalid value in a sweep refuses the whole sweep up front (exit 2), naming the key, the
    value, the allowed range and the jobs concerned; no job runs and no folder is written."""
    out = tmp_path / "bad"
    result = sweep(out, *SWEEP, "policy.labour_cooperation.transport_subsidy_share=0.5,1.5", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "invalid sweep: nothing was run" in result.stderr
    assert "policy.labour_cooperation.transport_subsidy_share = 1.5: out of range, allowed from 0 to 1" in result.stderr
    assert "4 jobs, e.g." in result.stderr
    assert not out.exists()


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
    assert list(failed["job"]) == [FAILED_JOB] and "it broke" in failed["error"].iloc[0]
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
    shutil.rmtree(copy / FAILED_JOB)
    result = sweep(copy, *SWEEP, "hydra.launcher.n_jobs=2", cwd=tmp_path)
    assert "4 job(s) complete (3 reused, 1 run now), 0 failed" in result.stdout, result.stdout + result.stderr
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
    assert len(swept.failed) == 2  # and the job that failed


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


TINY = ("scale=0.01", "months=3", "hydra.launcher.n_jobs=1")
GRID = ("policy=none,workshops", "seed=0,1")


def _popen(sweep_dir: Path, cwd: Path, *args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "sim", "-m", *GRID, *args, *TINY, f"hydra.sweep.dir={sweep_dir}"]
    return subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )


def _aggregate(sweep_dir: Path) -> pd.DataFrame:
    from sim.aggregate import collect

    result = collect(sweep_dir)
    assert result.failed.empty, result.failed.to_dict("records")
    return result.monthly.sort_values(["job", "month"]).reset_index(drop=True)


@pytest.mark.slow
def test_killed_and_corrupted_sweep_resumes_to_the_complete_correct_aggregate(tmp_path):
    """Kill a sweep after its first job, corrupt a finished job (truncated table) and fake results of
    older model code in another; re-running re-runs exactly those (saying why) and ends with the same
    aggregate as an uninterrupted sweep."""
    import signal
    import time

    reference = _popen(tmp_path / "ref", tmp_path)
    killed = _popen(tmp_path / "sw", tmp_path)
    deadline = time.time() + 120
    while time.time() < deadline and len(list((tmp_path / "sw").glob("*/run.json"))) < 1:
        time.sleep(0.2)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    assert reference.wait(timeout=300) == 0, reference.stderr.read()
    done = job_dirs(tmp_path / "sw")
    assert 1 <= len(done) < 4
    # one complete job corrupted, and one more made to look computed by another model version
    first = done[0]
    table = first / "monthly.parquet"
    table.write_bytes(table.read_bytes()[:200])
    resumed = _popen(tmp_path / "sw", tmp_path)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert f"re-run {first.name}: monthly.parquet has 200 bytes" in out
    assert "4 job(s) complete" in out
    for job in job_dirs(tmp_path / "sw"):
        assert not list(job.glob(".*.tmp*")), job
    # a result of older model code is re-run too, and says so
    marker = json.loads((first / "run.json").read_text())
    marker["model_version"] = "0123456789abcdef"
    (first / "run.json").write_text(json.dumps(marker))
    again = _popen(tmp_path / "sw", tmp_path)
    out, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"re-run {first.name}: the model code changed" in out
    assert "(3 reused, 1 run now)" in out
    ref, resumed_table = _aggregate(tmp_path / "ref"), _aggregate(tmp_path / "sw")
    pd.testing.assert_frame_equal(ref, resumed_table)


@pytest.mark.slow
def test_two_concurrent_sweeps_into_one_folder_lose_and_duplicate_nothing(tmp_path):
    """Two sweeps of the same grid into one folder at once: both exit 0, every job ran exactly once
    (the other sweep waited for its lock, then reused it), and every result is complete; a job folder
    of an older sweep in the same folder is not counted in either summary."""
    old = tmp_path / "sw" / "policy=old"
    (old / ".hydra").mkdir(parents=True)
    (old / ".hydra" / "overrides.yaml").write_text("- policy=old\n")
    (old / "error.json").write_text("{}")
    a, b = _popen(tmp_path / "sw", tmp_path), _popen(tmp_path / "sw", tmp_path)
    (out_a, err_a), (out_b, err_b) = a.communicate(timeout=300), b.communicate(timeout=300)
    assert a.returncode == 0, err_a
    assert b.returncode == 0, err_b
    for out in (out_a, out_b):
        assert "sweep finished: 4 job(s) complete" in out and "0 failed" in out
    jobs = job_dirs(tmp_path / "sw")
    assert len(jobs) == 4
    for job in jobs:
        log = "".join(p.read_text() for p in job.glob("*.log"))
        assert log.count("ran: ") == 1, (job.name, log)
        assert not list(job.glob(".*.tmp*"))
    assert len(_aggregate_without(tmp_path / "sw", "policy=old")) == 4 * 4


def _aggregate_without(sweep_dir: Path, skip: str) -> pd.DataFrame:
    from sim.aggregate import collect

    result = collect(sweep_dir)
    assert list(result.failed["job"]) == [skip]
    return result.monthly
