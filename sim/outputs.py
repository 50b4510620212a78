"""Writing a run's results: every file is written to a temporary name and moved into place, and
`run.json` (status complete) comes last, so a reader never takes a half-written run for a whole one."""

from __future__ import annotations

import json
import os
import platform
import time
import traceback
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.model import PovertyModel
from sim.plots import overview
from sim.schema import RunConfig
from sim.summary import left_behind, summarise

COMPLETE_MARKER = "run.json"
ERROR_FILE = "error.json"


def config_yaml(cfg: RunConfig) -> str:
    """The resolved config as saved beside the results; rerunning from it reproduces the run."""
    return OmegaConf.to_yaml(OmegaConf.structured(asdict(cfg)))


def run_table(model: PovertyModel, overrides: list[str]) -> pd.DataFrame:
    """The tidy monthly table with the run's identity as columns."""
    cfg = model.cfg
    table = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    table.insert(0, "seed", cfg.seed)
    table.insert(0, "policy", cfg.policy.name)
    table.insert(0, "region", cfg.region.name)
    table["overrides"] = " ".join(overrides)
    return table


def _atomic(path: Path, write) -> None:
    tmp = path.with_name(f".tmp.{path.name}")  # keeps the extension, which writers look at
    write(tmp)
    os.replace(tmp, path)


def _write_text(path: Path, text: str) -> None:
    _atomic(path, lambda tmp: tmp.write_text(text))


def write_run(model: PovertyModel, out_dir: Path, overrides: list[str], seconds: float) -> dict:
    """Write table, summary, left-behind table, resolved config and overview plot of a finished run."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / COMPLETE_MARKER).unlink(missing_ok=True)
    (out_dir / ERROR_FILE).unlink(missing_ok=True)
    cfg: RunConfig = model.cfg
    table = run_table(model, overrides)
    if cfg.output.table_format == "parquet":
        _atomic(out_dir / "monthly.parquet", lambda tmp: table.to_parquet(tmp, index=False))
    else:
        _atomic(out_dir / "monthly.csv", lambda tmp: table.to_csv(tmp, index=False))
    summary = summarise(model, table)
    summary.update(region=cfg.region.name, policy=cfg.policy.name, seed=cfg.seed, overrides=overrides)
    _write_text(out_dir / "summary.json", json.dumps(summary, indent=2))
    _atomic(out_dir / "left_behind.csv", lambda tmp: left_behind(model).to_csv(tmp, index=False))
    _write_text(out_dir / "config.yaml", config_yaml(cfg))
    if cfg.output.plot:
        title = f"{cfg.region.name.capitalize()} county, policy mix '{cfg.policy.name}', seed {cfg.seed}"
        _atomic(out_dir / "overview.png", lambda tmp: overview(table, tmp, title, cfg.start_year))
    marker = {
        "status": "complete",
        "seconds": round(seconds, 3),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "overrides": overrides,
    }
    _write_text(out_dir / COMPLETE_MARKER, json.dumps(marker, indent=2))
    return summary


def is_complete(out_dir: Path) -> bool:
    marker = out_dir / COMPLETE_MARKER
    if not marker.is_file():
        return False
    try:
        return json.loads(marker.read_text()).get("status") == "complete"
    except (json.JSONDecodeError, OSError):
        return False


def existing_summary(out_dir: Path, cfg: RunConfig) -> dict | None:
    """The summary of complete results in `out_dir` for this very config, or None (must run)."""
    if not is_complete(out_dir):
        return None
    saved = out_dir / "config.yaml"
    if not saved.is_file() or saved.read_text() != config_yaml(cfg):
        return None
    return json.loads((out_dir / "summary.json").read_text())


def write_error(out_dir: Path, overrides: list[str], exc: BaseException) -> None:
    """Record a failed job: what was asked, what went wrong, where."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / COMPLETE_MARKER).unlink(missing_ok=True)
    record = {
        "status": "failed",
        "overrides": overrides,
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(exc)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    _write_text(out_dir / ERROR_FILE, json.dumps(record, indent=2))
