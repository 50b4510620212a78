"""Collect a sweep's jobs into tables: one row per job and month, one row per job, left-behind rows,
and the jobs that failed or never finished. Reads only files the jobs wrote.

Every count and amount in these tables is at county level: a job's table and summary hold them at
simulation scale, and are divided here by the job's `scale` (as its measures declare)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from sim.measures import county_level
from sim.outputs import COMPLETE_MARKER, ERROR_FILE, read_marker, verify_files

IDENTITY = ("region", "policy", "seed")


@dataclass
class Sweep:
    monthly: pd.DataFrame  # one row per job and month
    jobs: pd.DataFrame  # one row per complete job: identity, swept values, outcomes
    left_behind: pd.DataFrame  # one row per job and group
    failed: pd.DataFrame  # job, overrides, error
    swept: list[str]  # override keys whose values differ between jobs, besides region, policy and seed


def job_dirs(sweep_dir: Path) -> list[Path]:
    """Every directory under `sweep_dir` that Hydra ran a job in (it holds .hydra/overrides.yaml)."""
    return sorted(p.parent.parent for p in sweep_dir.rglob(".hydra/overrides.yaml"))


def parse_overrides(overrides: list[str]) -> dict[str, object]:
    out: dict[str, object] = {}
    for item in overrides:
        key, _, value = item.lstrip("+~").partition("=")
        out[key] = yaml.safe_load(value) if value else None
    return out


def collect(sweep_dir: Path) -> Sweep:
    """Every job under `sweep_dir`: complete jobs into the tables; failed, unfinished and unreadable
    ones (a file missing, truncated, changed since written or not parseable) into `failed`, with the
    file and the reason, so the rest are still aggregated."""
    sweep_dir = Path(sweep_dir)
    tables, rows, left, failed = [], [], [], []
    param_keys: set[str] = set()
    for job in job_dirs(sweep_dir):
        name = str(job.relative_to(sweep_dir))
        try:
            overrides = yaml.safe_load((job / ".hydra" / "overrides.yaml").read_text()) or []
            params = parse_overrides(overrides)
        except Exception as exc:
            failed.append({"job": name, "overrides": "?", "error": f".hydra/overrides.yaml: unreadable ({exc})"})
            continue
        record, problem = read_marker(job)
        if record is not None:
            try:
                table, summary, lb = _read_job(job, record)
            except JobUnreadable as exc:
                failed.append({"job": name, "overrides": " ".join(overrides), "error": str(exc)})
                continue
            param_keys.update(params)
            table = table.copy()
            table.insert(0, "job", name)
            tables.append(table)
            rows.append({"job": name, **county_summary(flatten_summary(summary)), **params})
            lb.insert(0, "job", name)
            left.append(lb)
        elif problem:
            failed.append({"job": name, "overrides": " ".join(overrides), "error": problem})
        elif (job / ERROR_FILE).is_file():
            try:
                err = json.loads((job / ERROR_FILE).read_text()).get("error", "?")
            except Exception as exc:
                err = f"{ERROR_FILE}: unreadable ({type(exc).__name__})"
            failed.append({"job": name, "overrides": " ".join(overrides), "error": err})
        else:
            reason = f"no {COMPLETE_MARKER} or {ERROR_FILE}: interrupted or still running"
            failed.append({"job": name, "overrides": " ".join(overrides), "error": reason})
    jobs = pd.DataFrame(rows)
    swept = sorted(k for k in param_keys - {"experiment", *IDENTITY} if k in jobs and jobs[k].nunique() > 1)
    monthly = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    if not monthly.empty:
        monthly = monthly.merge(jobs[["job", *swept]], on="job", how="left")
    left_behind = pd.concat(left, ignore_index=True) if left else pd.DataFrame()
    if not left_behind.empty:
        left_behind = left_behind.merge(jobs[["job", *IDENTITY, *swept]], on="job", how="left")
    return Sweep(monthly, jobs, left_behind, pd.DataFrame(failed, columns=["job", "overrides", "error"]), swept)


class JobUnreadable(Exception):
    """A job that says it completed, but whose files cannot be used: names the file and the reason."""


def _read_job(job: Path, record: dict) -> tuple[pd.DataFrame, dict, pd.DataFrame]:
    """A complete job's table, summary and left-behind rows, checked against run.json (sizes and
    hashes, when recorded) and against each other (the table's run is the summary's run)."""
    if "files" in record:
        problem = verify_files(job, record)
        if problem:
            raise JobUnreadable(problem)
    name = "monthly.parquet" if (job / "monthly.parquet").is_file() else "monthly.csv"
    try:
        table = county_level(_read_table(job))
    except Exception as exc:
        raise JobUnreadable(f"{name}: unreadable ({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from None
    try:
        summary = json.loads((job / "summary.json").read_text())
        if not isinstance(summary, dict):
            raise ValueError("not a JSON object")
    except Exception as exc:
        raise JobUnreadable(f"summary.json: unreadable ({type(exc).__name__}: {exc})") from None
    try:
        lb = pd.read_csv(job / "left_behind.csv")
    except Exception as exc:
        raise JobUnreadable(f"left_behind.csv: unreadable ({type(exc).__name__}: {exc})") from None
    for key in IDENTITY:
        if key in table and key in summary and set(table[key].unique()) != {summary[key]}:
            found = sorted(map(str, table[key].unique()))
            raise JobUnreadable(f"{name}: {key} {found} but summary.json says {summary[key]!r} (files of two runs)")
    return table, summary, lb


def _read_table(job: Path) -> pd.DataFrame:
    parquet = job / "monthly.parquet"
    return pd.read_parquet(parquet) if parquet.is_file() else pd.read_csv(job / "monthly.csv")


# Summary entries that are not counts or amounts of the simulated households.
NOT_SCALED = ("months", "scale", "seed", "cost_per_net_exit_yuan")


def county_summary(flat: dict) -> dict:
    """A flat summary with its counts and amounts divided by its scale."""
    scale = flat.get("scale", 1.0)
    return {
        k: v / scale if isinstance(v, (int, float)) and not isinstance(v, bool) and k not in NOT_SCALED else v
        for k, v in flat.items()
    }


def flatten_summary(summary: dict) -> dict:
    """A run summary as flat columns: nested dicts become `<key>_<subkey>`."""
    flat: dict[str, object] = {}
    for key, value in summary.items():
        if key == "overrides":
            continue
        if isinstance(value, dict):
            for sub, v in value.items():
                flat[f"{key}_{sub}"] = v
        else:
            flat[key] = value
    return flat
