"""Mixes compared at equal cost, and a search of the levers for the cost-exits front.

`equal_cost`: the budget lever multiplies every programme level (capacities per labourer, matched by
`equal_cost.levels`) of a mix; for each mix the factor that makes its spending equal to the budget is
found with scipy's secant root finder on log spending, so mixes are read at the same spending.
`pareto`: Optuna's NSGA-II sampler searches the levers of `search.levers` for the Pareto front of exits
through work (maximised) against spending (minimised), at the shipped parameters or, with
`search.robust_samples`, as means over a Latin hypercube sample of the uncertainties. The study lives
in Optuna's SQLite storage, so a re-run continues it; each point of the front is written as the
override list of `python -m sim` that runs it.
"""

from __future__ import annotations

import hashlib
import json
import math
import warnings
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.explore.runner import Job, Parallelism, mean_over_seeds, run_jobs
from sim.explore.space import as_overrides, flat_keys, latin_hypercube, nested_overrides, scaled_levels


def _command(s: Mapping, mix: str, values: Mapping) -> str:
    return " ".join(["python -m sim", f"policy={mix}", *nested_overrides(s["model"]), *as_overrides(values)])


# ---------------------------------------------------------------------------------------- equal cost
MAX_LOG_FACTOR = math.log(1000.0)


def equal_cost(evaluator, s: Mapping, folder: Path, par: Parallelism) -> pd.DataFrame:
    """Per mix: the factor on its programme levels that spends the budget, and its outcomes there."""
    from scipy.optimize import root_scalar

    eq = s["equal_cost"]
    outcomes = list(evaluator.outcomes)
    quiet = Parallelism(par.n_jobs, par.backend, par.max_new_jobs, False, par.log)
    calls: dict[tuple[str, float], pd.Series] = {}

    def at(mix: str, factor: float) -> pd.Series:
        if (mix, factor) not in calls:
            values = scaled_levels(evaluator.configs[mix], factor, eq["levels"])
            jobs = [Job.of(0, mix, seed, values) for seed in s["seeds"]]
            res = run_jobs(evaluator, jobs, folder, quiet, label=f"{mix} x {factor:.4g}", verbose=False)
            calls[(mix, factor)] = pd.concat([mean_over_seeds(res, outcomes).iloc[0], pd.Series({"factor": factor})])
        return calls[(mix, factor)]

    budget = eq["budget"] or float(at(eq["reference"], 1.0)["spending_yuan"])
    rows = []
    for mix in s["mixes"]:
        shipped = at(mix, 1.0)
        levels = scaled_levels(evaluator.configs[mix], 1.0, eq["levels"])
        spent = float(shipped["spending_yuan"])
        note, best = "", shipped
        if not levels or spent <= 0:
            note = "no programme level to scale" if not levels else "spends nothing"
        elif abs(spent / budget - 1) > eq["tolerance"]:

            def gap(log_factor: float, mix=mix) -> float:
                # a mix whose spending hardly moves sends the secant far out: hold it to 1/1000..1000 times
                factor = float(np.exp(np.clip(log_factor, -MAX_LOG_FACTOR, MAX_LOG_FACTOR)))
                spend = float(at(mix, factor)["spending_yuan"])
                return math.log(max(spend, 1e-9) / budget)

            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # the flag below says whether it converged
                    found = root_scalar(gap, method="secant", x0=0.0, x1=math.log(budget / spent),
                                        xtol=eq["tolerance"] / 4, maxiter=eq["max_iterations"])  # fmt: skip
                tried = [v for (m, _), v in calls.items() if m == mix]
                best = min(tried, key=lambda r: abs(math.log(max(r["spending_yuan"], 1e-9) / budget)))
                if abs(best["spending_yuan"] / budget - 1) > eq["tolerance"]:
                    most = max(r["spending_yuan"] for r in tried)
                    note = (f"budget not reached within {eq['tolerance']:.0%}: spending moves little with the "
                            f"levels (at most {most:.3g} yuan tried; {found.flag})")  # fmt: skip
            except (ValueError, OverflowError, ZeroDivisionError) as exc:
                note = f"no factor found: {exc}"
        values = scaled_levels(evaluator.configs[mix], float(best["factor"]), eq["levels"])
        runs = sum(1 for m, _ in calls if m == mix) * len(s["seeds"])
        line = f"{mix}: levels x {best['factor']:.3g}, spending {best['spending_yuan']:.4g} yuan ({runs} runs) {note}"
        par.log.append(line.strip())
        print(line.strip(), flush=True)
        rows.append({"mix": mix, "budget_yuan": budget, "factor": float(best["factor"]),
                     **{o: float(best[o]) for o in outcomes}, "shipped_spending_yuan": spent,
                     "spending_gap_share": float(best["spending_yuan"]) / budget - 1, "note": note,
                     "command": _command(s, mix, values)})  # fmt: skip
    out = pd.DataFrame(rows)
    out.to_csv(folder / "equal_cost.csv", index=False)
    (folder / "notes.txt").write_text("\n".join(par.log) + "\n")
    return out


# -------------------------------------------------------------------------------------------- pareto
def _suggest(trial, key: str, spec: Mapping):
    if "choices" in spec:
        return trial.suggest_categorical(key, list(spec["choices"]))
    return trial.suggest_float(key, float(spec["low"]), float(spec["high"]))


def pareto(evaluator, s: Mapping, folder: Path, par: Parallelism) -> pd.DataFrame:
    """Run (or continue) the NSGA-II study and return every trial, the front marked `on_front`."""
    import optuna

    search = s["search"]
    levers = {k: v for k, v in flat_keys(search["levers"]).items() if not search["use"] or k in search["use"]}
    objective_name = search["objective"]
    samples = pd.DataFrame(index=[0])
    if search["robust_samples"]:
        samples = latin_hypercube(evaluator.space(s["uncertainties"]), search["robust_samples"], search["seed"])
    identity = json.dumps([s["mix"], s["model"], list(s["seeds"]), levers, objective_name,
                           samples.round(12).to_dict("list")], sort_keys=True, default=str)  # fmt: skip
    name = "pareto-" + hashlib.sha256(identity.encode()).hexdigest()[:12]
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(
        study_name=name,
        storage=f"sqlite:///{folder / 'optuna.sqlite'}",
        directions=["maximize", "minimize"],
        sampler=optuna.samplers.NSGAIISampler(population_size=search["population"], seed=search["seed"]),
        load_if_exists=True,
    )
    quiet = Parallelism(par.n_jobs, par.backend, par.max_new_jobs, False, par.log)

    def objective(trial) -> tuple[float, float]:
        values = {k: _suggest(trial, k, spec) for k, spec in levers.items()}
        jobs = [Job.of(i, s["mix"], seed, values | row.dropna().to_dict()) for i, row in samples.iterrows()
                for seed in s["seeds"]]  # fmt: skip
        results = run_jobs(evaluator, jobs, folder, quiet, label=f"trial {trial.number}", verbose=False)
        means = mean_over_seeds(results, evaluator.outcomes)
        trial.set_user_attr("spending_yuan", float(means["spending_yuan"].mean()))
        trial.set_user_attr("command", _command(s, s["mix"], values))
        return float(means[objective_name].mean()), float(means["spending_yuan"].mean())

    done = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    remaining = max(search["trials"] - len(done), 0)
    line = f"search: {len(done)} trials done, running {remaining} more (study {name})"
    par.log.append(line)
    print(line, flush=True)
    study.optimize(objective, n_trials=remaining, show_progress_bar=par.progress and remaining > 0)
    front_ids = {t.number for t in study.best_trials}
    rows = []
    for t in study.trials:
        if t.state != optuna.trial.TrialState.COMPLETE:
            continue
        rows.append({"trial": t.number, objective_name: t.values[0], "spending_yuan": t.values[1],
                     "cost_per_exit_person_yuan": t.values[1] / t.values[0] if t.values[0] > 0 else np.nan,
                     "on_front": t.number in front_ids, **t.params, "command": t.user_attrs["command"]})  # fmt: skip
    trials = pd.DataFrame(rows)
    trials.to_csv(folder / "trials.csv", index=False)
    front = trials[trials["on_front"]].sort_values("spending_yuan").drop_duplicates("command")
    front.to_csv(folder / "front.csv", index=False)
    (folder / "front_commands.txt").write_text("\n".join(front["command"]) + "\n")
    (folder / "notes.txt").write_text("\n".join(par.log) + "\n")
    return trials
