"""Writing a run's results and deciding whether earlier results can be reused.

- Every file is written to a temporary name unique to its writer (`.<name>.<pid>-<random>.tmp<ext>`)
  and moved into place; `run.json` (status complete) comes last, with the model version, the config's
  fingerprint and the size and hash of every file written, so a reader never takes a half-written,
  truncated or stale run for a whole one (`check_results`).
- A job folder is written only under its lock (`job_lock`, a `.lock` file held with `flock` and
  released by the system if the process dies), so two sweeps into one folder never run a job twice,
  and a writer never removes files of another writer.
- Before a run writes, its folder is cleared of every result file (`clear_results`), so no file of
  an earlier run with other settings (another table format, plots) is left beside the new ones.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import platform
import time
import traceback
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.schema import RunConfig
from sim.version import code_version, config_hash, file_digest, run_fingerprint

COMPLETE_MARKER = "run.json"
ERROR_FILE = "error.json"
LOCK_FILE = ".lock"
TABLES = ("monthly.parquet", "monthly.csv")
RESULT_FILES = (*TABLES, "summary.json", "left_behind.csv", "config.yaml", "overview.png", ERROR_FILE)


def config_yaml(cfg: RunConfig) -> str:
    """The resolved config as saved beside the results; rerunning from it reproduces the run."""
    return OmegaConf.to_yaml(OmegaConf.structured(asdict(cfg)))


def expected_files(cfg: RunConfig) -> list[str]:
    """The files a complete run with `cfg` writes besides run.json."""
    table = "monthly.parquet" if cfg.output.table_format == "parquet" else "monthly.csv"
    return [table, "summary.json", "left_behind.csv", "config.yaml", *(["overview.png"] if cfg.output.plot else [])]


def run_table(model, overrides: list[str]) -> pd.DataFrame:
    """The tidy monthly table with the run's identity as columns."""
    cfg = model.cfg
    table = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    table.insert(0, "seed", cfg.seed)
    table.insert(0, "policy", cfg.policy.name)
    table.insert(0, "region", cfg.region.name)
    table["overrides"] = " ".join(overrides)
    return table


def _temporary(path: Path) -> Path:
    """A temporary name next to `path`, unique to this writer, keeping the extension (writers look at it)."""
    return path.with_name(f".{path.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}.tmp{path.suffix}")


def _atomic(path: Path, write) -> None:
    tmp = _temporary(path)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_text(path: Path, text: str) -> None:
    _atomic(path, lambda tmp: tmp.write_text(text))


@contextlib.contextmanager
def job_lock(out_dir: Path) -> Iterator[None]:
    """Hold the job folder's lock: one writer at a time; a second waits, then finds the results."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(out_dir / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def clear_results(out_dir: Path) -> list[str]:
    """Remove every result file of an earlier run (run.json first) and temporary files left by a
    writer that died; call only under the job's lock. Returns the names removed."""
    removed = []
    for name in (COMPLETE_MARKER, *RESULT_FILES):
        path = out_dir / name
        if path.exists():
            path.unlink()
            removed.append(name)
    for tmp in out_dir.glob(".*.tmp*"):
        tmp.unlink(missing_ok=True)
    return removed


def write_run(model, out_dir: Path, overrides: list[str], seconds: float, rerun_reason: str | None = None) -> dict:
    """Write table, summary, left-behind table, resolved config and overview plot of a finished run,
    then run.json with the model version and every file's size and hash. Call under `job_lock`."""
    from sim.plots import overview
    from sim.summary import left_behind, summarise

    out_dir.mkdir(parents=True, exist_ok=True)
    clear_results(out_dir)
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
    text = config_yaml(cfg)
    _write_text(out_dir / "config.yaml", text)
    if cfg.output.plot:
        title = f"{cfg.region.name.capitalize()} county, policy mix '{cfg.policy.name}', seed {cfg.seed}"
        _atomic(out_dir / "overview.png", lambda tmp: overview(table, tmp, title, cfg.start_year))
    files = {
        name: {"bytes": (out_dir / name).stat().st_size, "sha256": file_digest(out_dir / name)}
        for name in expected_files(cfg)
    }
    marker = {
        "status": "complete",
        "seconds": round(seconds, 3),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "python": platform.python_version(),
        "overrides": overrides,
        "model_version": code_version(),
        "config_sha256": config_hash(text),
        "fingerprint": run_fingerprint(text),
        "files": files,
        "rerun_reason": rerun_reason,
        "pid": os.getpid(),
    }
    _write_text(out_dir / COMPLETE_MARKER, json.dumps(marker, indent=2))
    return summary


def read_marker(out_dir: Path) -> tuple[dict | None, str | None]:
    """run.json as a dict, or None with the reason it cannot be used (None, None: there is none)."""
    marker = out_dir / COMPLETE_MARKER
    if not marker.is_file():
        return None, None
    try:
        record = json.loads(marker.read_text())
    except (json.JSONDecodeError, OSError, UnicodeDecodeError) as exc:
        return None, f"{COMPLETE_MARKER} unreadable ({type(exc).__name__})"
    if not isinstance(record, dict) or record.get("status") != "complete":
        return None, f"{COMPLETE_MARKER} does not say the run completed"
    return record, None


def verify_files(out_dir: Path, record: dict, names: list[str] | None = None) -> str | None:
    """None if every file run.json lists (or `names`) is there with the size and hash recorded;
    otherwise which file and what is wrong with it."""
    files = record.get("files")
    if not isinstance(files, dict):
        return f"{COMPLETE_MARKER} has no file list (written by an older version)"
    for name in names if names is not None else list(files):
        path = out_dir / name
        if name not in files:
            return f"{name} is not among the files {COMPLETE_MARKER} lists"
        if not path.is_file():
            return f"{name} is missing"
        try:
            size = path.stat().st_size
            if size != files[name].get("bytes"):
                return f"{name} has {size} bytes, {files[name].get('bytes')} were written (truncated or replaced)"
            if file_digest(path) != files[name].get("sha256"):
                return f"{name} changed since it was written (its hash differs)"
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror or exc})"
    return None


def check_results(out_dir: Path, cfg: RunConfig) -> tuple[dict | None, str | None]:
    """Whether `out_dir` holds complete results of this very config and model version. Returns
    (summary, None) when they can be reused, or (None, reason) when the job must run; the reason is
    None when the folder holds no earlier run."""
    record, problem = read_marker(out_dir)
    if record is None:
        if problem:
            return None, problem
        error = out_dir / ERROR_FILE
        if error.is_file():
            try:
                why = json.loads(error.read_text()).get("error", "?")
            except (json.JSONDecodeError, OSError, UnicodeDecodeError):
                why = "error.json unreadable"
            return None, f"it failed before ({why})"
        if any((out_dir / name).exists() for name in RESULT_FILES):
            return None, f"an earlier run did not finish (no {COMPLETE_MARKER})"
        return None, None
    text = config_yaml(cfg)
    if record.get("model_version") != code_version():
        return None, f"the model code changed (results of version {record.get('model_version')}, now {code_version()})"
    if record.get("config_sha256") != config_hash(text) or record.get("fingerprint") != run_fingerprint(text):
        return None, f"the config differs from the one the results were computed with ({_config_diff(out_dir, cfg)})"
    problem = verify_files(out_dir, record, expected_files(cfg))
    if problem:
        return None, problem
    try:
        summary = json.loads((out_dir / "summary.json").read_text())
    except (json.JSONDecodeError, OSError, UnicodeDecodeError) as exc:
        return None, f"summary.json unreadable ({type(exc).__name__})"
    return summary, None


def _config_diff(out_dir: Path, cfg: RunConfig) -> str:
    try:
        saved = OmegaConf.to_container(OmegaConf.load(out_dir / "config.yaml"))
    except Exception:
        return "config.yaml unreadable"
    now = OmegaConf.to_container(OmegaConf.structured(asdict(cfg)))
    diffs = sorted(_differences(saved, now, ""))
    shown = ", ".join(diffs[:3]) + (f" and {len(diffs) - 3} more" if len(diffs) > 3 else "")
    return shown or "config.yaml differs"


def _differences(a, b, prefix: str):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in set(a) | set(b):
            yield from _differences(a.get(k), b.get(k), f"{prefix}{k}.")
    elif a != b:
        yield prefix.rstrip(".")


def is_complete(out_dir: Path) -> bool:
    """run.json says complete and every file it lists is intact."""
    record, _ = read_marker(out_dir)
    return record is not None and verify_files(out_dir, record) is None


def write_error(out_dir: Path, overrides: list[str], exc: BaseException) -> None:
    """Record a failed job: what was asked, what went wrong, where. Call under `job_lock`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / COMPLETE_MARKER).unlink(missing_ok=True)
    record = {
        "status": "failed",
        "overrides": overrides,
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": "".join(traceback.format_exception(exc)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "model_version": code_version(),
    }
    _write_text(out_dir / ERROR_FILE, json.dumps(record, indent=2))
