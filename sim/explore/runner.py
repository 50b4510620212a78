"""Running the jobs of a study: one (sample, mix, seed) each, stored as it finishes, skipped when done.

Every study (sensitivity, robust comparison, policy search, equal cost) turns its design into jobs and
hands them to `run_jobs`, so the wiring is the same whatever the evaluator: the model (`ModelEvaluator`)
or a function with a known answer (`sim.explore.functions`) used to test that wiring. All samples of a
study use the same seeds (common random numbers: each seed fixes the population and every draw a
setting does not change), and `mean_over_seeds` averages the replicates.

Results go to one SQLite file per study folder (`jobs.sqlite`), a row per job keyed by a hash of what
the job computes (the evaluator, the mix's base config, the values, the seed and the model's code
version), written by the main process as each job returns: an interrupted study keeps what finished,
and re-running it computes only the missing jobs.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from tqdm.auto import tqdm

from sim.explore.space import Uncertainty, uncertainties, with_values
from sim.schema import RunConfig
from sim.version import code_version

OUTCOMES_VERSION = "1"  # bump when an outcome's definition changes, so stored results are not reused


@dataclass(frozen=True)
class Job:
    sample: int
    mix: str
    seed: int
    values: tuple[tuple[str, float], ...] = ()

    @staticmethod
    def of(sample: int, mix: str, seed: int, values: Mapping[str, float]) -> Job:
        return Job(int(sample), mix, int(seed), tuple((k, float(v)) for k, v in values.items()))


# ------------------------------------------------------------------------------------------ outcomes
def model_outcomes(model) -> dict[str, float]:
    """A finished run's outcomes for the county (counts and amounts divided by the simulated share):
    people in households the yearly assessment exited through work and through transfers, exited
    households, people below the line at the end, spending, and the share of labourers left behind
    (farm only, in a poor household) among bound carers and among the others."""
    from sim.summary import left_behind

    t = model.datacollector.get_model_vars_dataframe()
    last, scale = t.iloc[-1], model.cfg.scale
    lb = left_behind(model)
    care = lb[lb["dimension"] == "caring_duty"].set_index("group")["share_left_behind"]
    return {
        "exited_people_through_work": float(last["exited_people_through_work"]) / scale,
        "exited_people_through_transfers": float(last["exited_people_through_transfers"]) / scale,
        "exited_households": float(last["exited_households"]) / scale,
        "poor_people_end": float(last["poor_people"]) / scale,
        "spending_yuan": float(t["spend_total"].sum()) / scale,
        "left_behind_bound_carers": float(care.get("bound carer", np.nan)),
        "left_behind_others": float(care.get("no binding duty", np.nan)),
    }


def derive(table: pd.DataFrame) -> pd.DataFrame:
    """Outcomes that are ratios or differences of others, computed after any averaging: cost per
    exited household (spending / exited households; NaN without exits) and the left-behind gap
    between bound carers and the others."""
    out = table.copy()
    if {"spending_yuan", "exited_households"} <= set(out):
        exits = out["exited_households"].where(out["exited_households"] > 0)
        out["cost_per_exit_yuan"] = out["spending_yuan"] / exits
    if {"left_behind_bound_carers", "left_behind_others"} <= set(out):
        out["left_behind_gap"] = out["left_behind_bound_carers"] - out["left_behind_others"]
    return out


MODEL_OUTCOMES = (
    "exited_people_through_work", "exited_people_through_transfers", "exited_households", "poor_people_end",
    "spending_yuan", "cost_per_exit_yuan", "left_behind_bound_carers", "left_behind_others", "left_behind_gap",
)  # fmt: skip


# ---------------------------------------------------------------------------------------- evaluators
@dataclass
class ModelEvaluator:
    """Runs the model: the mix's validated base config with the job's values and seed."""

    configs: dict[str, RunConfig]  # mix -> base config (composed once, in the main process)
    name: str = "model"
    outcomes: tuple[str, ...] = MODEL_OUTCOMES

    def space(self, settings: Mapping) -> list[Uncertainty]:
        return uncertainties(list(self.configs.values()), settings)

    def identity(self, mix: str) -> str:
        from sim.outputs import config_yaml

        return f"{code_version()}:{config_yaml(self.configs[mix])}"

    def task(self, job: Job) -> tuple[Callable, tuple]:
        return _run_model, (self.configs[job.mix], job)


def _run_model(base: RunConfig, job: Job) -> dict[str, float]:
    from sim.model import PovertyModel

    cfg = with_values(base, dict(job.values))
    cfg.seed = job.seed
    model = PovertyModel(cfg, agents=False)
    model.run()
    return model_outcomes(model)


# --------------------------------------------------------------------------------------------- store
class Store:
    """One row per finished job in `<folder>/jobs.sqlite`."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "jobs.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")  # a commit is cheap, and readers never see half a row
        self.last_commit = time.monotonic()
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS jobs (key TEXT PRIMARY KEY, sample INTEGER, mix TEXT, seed INTEGER,"
            " job_values TEXT, outcomes TEXT, seconds REAL)"
        )

    def done(self, keys: Iterable[str]) -> set[str]:
        have = {row[0] for row in self.db.execute("SELECT key FROM jobs")}
        return have & set(keys)

    def put(self, key: str, job: Job, outcomes: Mapping[str, float], seconds: float) -> None:
        row = (key, job.sample, job.mix, job.seed, json.dumps(job.values), json.dumps(dict(outcomes)), seconds)
        self.db.execute("INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?)", row)
        if time.monotonic() - self.last_commit > 1.0:  # at most a second of work is lost to a crash
            self.commit()

    def commit(self) -> None:
        self.db.commit()
        self.last_commit = time.monotonic()

    def outcomes(self, keys: list[str]) -> list[dict]:
        rows = {}
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            query = f"SELECT key, outcomes, seconds FROM jobs WHERE key IN ({','.join('?' * len(chunk))})"
            rows |= {k: (json.loads(o), s) for k, o, s in self.db.execute(query, chunk)}
        return [rows[k][0] | {"seconds": rows[k][1]} for k in keys]


def job_key(evaluator, job: Job, identities: dict[str, str]) -> str:
    if job.mix not in identities:
        identities[job.mix] = evaluator.identity(job.mix)
    text = json.dumps([OUTCOMES_VERSION, evaluator.name, identities[job.mix], asdict(job)], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _timed(key: str, fn: Callable, args: tuple) -> tuple[str, dict, float]:
    start = time.perf_counter()
    return key, fn(*args), time.perf_counter() - start


@dataclass
class Parallelism:
    n_jobs: int = 1
    backend: str = "loky"  # or "ray" (joblib on a Ray cluster: RAY_ADDRESS, `pip install -e .[cluster]`)
    max_new_jobs: int | None = None  # stop after this many new jobs (a study run in parts); None: all
    progress: bool = True
    log: list[str] = field(default_factory=list)


class Stopped(Exception):
    """The study ran its `max_new_jobs` and stopped before every job was done (re-run to continue)."""


def run_jobs(
    evaluator, jobs: list[Job], folder: Path, par: Parallelism, label: str = "jobs", verbose: bool = True
) -> pd.DataFrame:
    """Every job's outcomes (one row each, with sample, mix and seed), running only those not stored
    yet in `folder` (`verbose`: say how many are done and run). Raises `Stopped` when
    `par.max_new_jobs` ends the run early."""
    store = Store(folder)
    identities: dict[str, str] = {}
    keys = [job_key(evaluator, j, identities) for j in jobs]
    done = store.done(keys)
    todo = list({k: j for k, j in zip(keys, jobs, strict=True) if k not in done}.items())
    line = f"{label}: {len(jobs)} jobs, {len(jobs) - len(todo)} already done, running {len(todo)}"
    if par.max_new_jobs is not None and len(todo) > par.max_new_jobs:
        todo = todo[: par.max_new_jobs]
        line += f" (only {len(todo)} now: max_new_jobs)"
    if verbose:
        par.log.append(line)
        print(line, flush=True)
    if par.backend == "ray":
        from ray.util.joblib import register_ray

        register_ray()
    with parallel_config(backend=par.backend, n_jobs=par.n_jobs):
        tasks = [delayed(_timed)(key, *evaluator.task(job)) for key, job in todo]
        results = Parallel(return_as="generator_unordered")(tasks) if todo else []
        bar = tqdm(total=len(todo), desc=label, disable=not par.progress or not todo, mininterval=1)
        by_key = dict(todo)
        try:
            for key, outcomes, seconds in results:
                store.put(key, by_key[key], outcomes, seconds)
                bar.update()
        finally:  # also on Ctrl-C or a failed job: what finished is kept
            store.commit()
            bar.close()
    if len(store.done(keys)) < len(set(keys)):
        raise Stopped(f"{label}: stopped after {len(todo)} new jobs (max_new_jobs); re-run the same command to go on")
    rows = store.outcomes(keys)
    ids = pd.DataFrame([{"sample": j.sample, "mix": j.mix, "seed": j.seed} for j in jobs])
    return pd.concat([ids, pd.DataFrame(rows)], axis=1)


def mean_over_seeds(results: pd.DataFrame, outcomes: Iterable[str]) -> pd.DataFrame:
    """One row per (sample, mix): the mean of every outcome over the replicate seeds, then the
    derived outcomes (ratios of means, not means of ratios)."""
    measured = [c for c in results if c not in ("sample", "mix", "seed", "seconds")]
    means = results.groupby(["sample", "mix"], sort=True)[measured].mean().reset_index()
    out = derive(means)
    return out[["sample", "mix", *[o for o in outcomes if o in out]]]
