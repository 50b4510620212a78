"""The command line end to end: `python -m sim key=value ...` in a temporary directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from omegaconf import OmegaConf

OUTPUT_FILES = ("monthly.parquet", "summary.json", "left_behind.csv", "config.yaml", "overview.png", "run.json")
MONTHS = 12


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m sim args...` with `cwd` as working directory."""
    env = {**os.environ, "HYDRA_FULL_ERROR": "0", "MPLBACKEND": "Agg"}
    return subprocess.run(
        [sys.executable, "-m", "sim", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    """One successful small run and its output directory."""
    tmp = tmp_path_factory.mktemp("cli")
    out = tmp / "run"
    result = run_cli(tmp, "scale=0.02", f"months={MONTHS}", "seed=5", "policy=full_mix", f"hydra.run.dir={out}")
    return result, out


def test_run_succeeds_and_writes_every_file(finished_run):
    """A small run exits 0, names its output directory and writes every output file."""
    result, out = finished_run
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stdout
    for name in OUTPUT_FILES:
        assert (out / name).is_file(), name
        assert (out / name).stat().st_size > 0, name
    assert not list(out.glob(".tmp.*")), "temporary files left behind"


def test_monthly_table_has_one_row_per_month_and_run_identity(finished_run):
    """The parquet table has months + 1 rows (month 0 included) and the run's seed, policy and region."""
    _, out = finished_run
    rows = pd.read_parquet(out / "monthly.parquet")
    assert len(rows) == MONTHS + 1
    assert list(rows["month"]) == list(range(MONTHS + 1))
    assert {"seed", "policy", "region", "overrides"} <= set(rows.columns)
    assert (rows["seed"] == 5).all()
    assert (rows["policy"] == "full_mix").all()
    assert (rows["region"] == "yunxi").all()
    assert "seed=5" in rows["overrides"].iloc[0]


def test_summary_config_and_marker_are_readable(finished_run):
    """summary.json, run.json and config.yaml parse and describe this run."""
    _, out = finished_run
    summary = json.loads((out / "summary.json").read_text())
    assert summary["months"] == MONTHS
    assert summary["seed"] == 5 and summary["policy"] == "full_mix"
    assert 0 <= summary["poor_people_end"] <= summary["people"]
    assert summary["spending_total_yuan"] == pytest.approx(sum(summary["spending_by_item_yuan"].values()))
    assert json.loads((out / "run.json").read_text())["status"] == "complete"
    config = OmegaConf.load(out / "config.yaml")
    assert config["seed"] == 5 and config["months"] == MONTHS and config["scale"] == pytest.approx(0.02)
    left_behind = pd.read_csv(out / "left_behind.csv")
    assert {"dimension", "group", "labourers"} <= set(left_behind.columns)


def test_bad_value_exits_2_and_writes_nothing(tmp_path):
    """An out-of-range value exits with code 2, names the key on stderr and creates no output directory."""
    out = tmp_path / "run"
    result = run_cli(
        tmp_path,
        "scale=0.02",
        "months=2",
        "policy.labour_cooperation.transport_subsidy_share=1.5",
        f"hydra.run.dir={out}",
    )
    assert result.returncode == 2, result.stderr
    assert "policy.labour_cooperation.transport_subsidy_share" in result.stderr
    assert "1.5" in result.stderr
    assert not out.exists()
    assert not (tmp_path / "outputs").exists()


def test_key_typo_exits_2_with_suggestion(tmp_path):
    """A misspelt key exits with code 2 and a 'did you mean' message, creating nothing."""
    out = tmp_path / "run"
    result = run_cli(tmp_path, "scale=0.02", "months=2", "policy.workshops.award_per_wrker=3", f"hydra.run.dir={out}")
    assert result.returncode == 2, result.stderr
    assert "did you mean award_per_worker" in result.stderr
    assert not out.exists()


def test_wrong_type_fails_naming_the_key(tmp_path):
    """A value of the wrong type fails with exit 2, names the key and creates no output directory."""
    out = tmp_path / "run"
    result = run_cli(tmp_path, "scale=0.02", "months=abc", f"hydra.run.dir={out}")
    assert result.returncode == 2
    assert "months = 'abc': must be a whole number" in result.stderr
    assert not out.exists()


def test_rerun_into_the_same_folder_says_it_skipped(finished_run, tmp_path):
    """A single run whose folder already holds its complete results says so, and runs nothing."""
    _, out = finished_run
    result = run_cli(tmp_path, "scale=0.02", f"months={MONTHS}", "seed=5", "policy=full_mix", f"hydra.run.dir={out}")
    assert result.returncode == 0, result.stderr
    assert "skipped: complete results of the same config and model version" in result.stdout


def test_config_dir_of_a_saved_run_reproduces_it_with_either_spelling(finished_run, tmp_path):
    """`--config-dir RUN` and `--config-dir=RUN` (with --config-name config) use the saved run's config
    (seed 5), never the project's own (seed 0), and give the same table."""
    _, saved = finished_run
    for i, flags in enumerate(([f"--config-dir={saved}"], ["--config-dir", str(saved)])):
        out = tmp_path / f"again{i}"
        result = run_cli(tmp_path, *flags, "--config-name", "config", f"hydra.run.dir={out}")
        assert result.returncode == 0, result.stderr
        assert "seed 5" in result.stdout
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / "monthly.parquet").drop(columns="overrides"),
            pd.read_parquet(saved / "monthly.parquet").drop(columns="overrides"),
        )


def test_reproduce_command_checks_the_saved_table(finished_run, tmp_path):
    """`python -m sim.reproduce RUN_DIR` re-runs a saved run and finds the same table (exit 0); a
    saved table changed by hand is reported as not reproduced (exit 1); a folder that is no run, exit 2."""
    _, saved = finished_run
    cmd = [sys.executable, "-m", "sim.reproduce"]
    ok = subprocess.run([*cmd, str(saved)], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "reproduced" in ok.stdout
    copy = tmp_path / "changed"
    import shutil

    shutil.copytree(saved, copy)
    table = pd.read_parquet(copy / "monthly.parquet")
    table.loc[3, "poor_people"] += 1
    table.to_parquet(copy / "monthly.parquet", index=False)
    changed = subprocess.run([*cmd, str(copy)], capture_output=True, text=True, timeout=120)
    assert changed.returncode == 1 and "poor_people: differs in 1 of" in changed.stderr
    none = subprocess.run([*cmd, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert none.returncode == 2 and "no config.yaml" in none.stderr and "Traceback" not in none.stderr


def test_user_mistakes_get_no_traceback_unless_asked(tmp_path):
    """Grammar errors, typos and broken values get a message (exit 2), not a traceback; --debug is accepted."""
    for args in (["seed=range(0,"], ["+sede=3"], ["region.busy_months=[]"], ["-m", "policy=none,"]):
        result = run_cli(tmp_path, *args, f"hydra.run.dir={tmp_path / 'x'}")
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr and "error: invalid configuration" in result.stderr
    result = run_cli(tmp_path, "--debug", "+sede=3", f"hydra.run.dir={tmp_path / 'x'}")
    assert result.returncode == 2 and "did you mean seed" in result.stderr
    assert not (tmp_path / "x").exists()
