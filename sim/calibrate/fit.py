"""The search: Optuna's CMA-ES sampler over the fitted parameters' bounds, in a resumable SQLite study.

Why CMA-ES: the parameters are continuous and bounded, and with common random numbers (the same seeds
in every trial) the objective is a deterministic but rugged function (counts of people jump as a
parameter moves who is where). CMA-ES needs no gradients, uses only the ranking of the trials in a
generation (so jumps and leftover seed noise do not mislead it), adapts its search to correlated
parameters, and starts from the assumed values. Tried on the pilot: it reached every target within
tolerance in a few hundred trials, where TPE (`optimiser.sampler=tpe`, also offered) was still well
short after as many. Every trial stores its targets' simulated means, so the trials that met every
target are known afterwards; the study lives in a SQLite file and an interrupted calibration resumes
where it stopped. `uncertainty` then measures how well the targets pin each parameter down.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import optuna

from sim.calibrate.objective import Evaluator, seed_mean

log = logging.getLogger(__name__)


@dataclass
class Bounds:
    name: str
    low: float
    high: float
    log: bool
    targets: list[str]

    def unit(self, value: float) -> float:
        """Position of `value` within the bounds, 0..1 (on the log scale for log parameters)."""
        if self.log:
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def from_unit(self, u: float) -> float:
        if self.log:
            return math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        return self.low + u * (self.high - self.low)


def fingerprint(*parts) -> str:
    """Short hash of what makes two studies comparable (targets, scenarios, seeds, bounds)."""
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:10]


def run_study(
    evaluator: Evaluator,
    params: list[Bounds],
    start: dict[str, float],
    trials: int,
    storage: Path | None,
    study_name: str,
    seed: int,
    startup_trials: int,
    timeout_minutes: float,
    progress_every: int,
    prior_weight: float = 0.0,
    sampler_name: str = "cmaes",
    popsize: int | None = None,
) -> optuna.Study:
    """Run (or resume) the study until it holds `trials` finished trials or the time is up.

    The value of a trial is the objective plus `prior_weight` times the mean squared distance of the
    parameters from `start`, in units of their bounds: too weak to trade against a target, but along a
    direction the targets cannot tell apart it keeps a parameter near its assumed starting value."""
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    start = {p.name: min(max(start[p.name], p.low), p.high) for p in params}
    sampler = make_sampler(sampler_name, start, seed, startup_trials, popsize)
    url = None
    if storage is not None:
        storage.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{storage}"
    study = optuna.create_study(study_name=study_name, storage=url, sampler=sampler, load_if_exists=True)
    done = len([t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE])
    if done == 0:
        study.enqueue_trial(start)
    remaining = trials - done
    if done:
        log.info(f"resuming study {study_name!r}: {done} trials done, {max(remaining, 0)} to go")
    if remaining <= 0:
        return study
    t0 = time.perf_counter()

    def objective(trial: optuna.Trial) -> float:
        values = {p.name: trial.suggest_float(p.name, p.low, p.high, log=p.log) for p in params}
        simulated = evaluator.simulate(values)
        trial.set_user_attr("means", [None if not np.isfinite(x) else float(x) for x in seed_mean(simulated)])
        prior = np.mean([(p.unit(values[p.name]) - p.unit(start[p.name])) ** 2 for p in params])
        return evaluator.objective(simulated) + prior_weight * float(prior)

    def progress(study: optuna.Study, trial: optuna.trial.FrozenTrial) -> None:
        n = trial.number + 1 - done
        if n % progress_every and n != remaining:
            return
        elapsed = time.perf_counter() - t0
        eta = elapsed / n * (remaining - n)
        log.info(
            f"trial {done + n}/{trials}: objective {trial.value:.3f}, best {study.best_value:.3f} "
            f"(trial {study.best_trial.number}); {elapsed:.0f} s elapsed, ~{eta:.0f} s to go"
        )

    study.optimize(objective, n_trials=remaining, timeout=timeout_minutes * 60, callbacks=[progress])
    return study


def make_sampler(name: str, start: dict[str, float], seed: int, startup_trials: int, popsize: int | None):
    """CMA-ES from the starting values (default; initial step a sixth of each parameter's bounds) or
    TPE (`tpe`), seeded."""
    with warnings.catch_warnings():  # `multivariate` is experimental; `x0` is deprecated (removal planned in v6)
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.simplefilter("ignore", FutureWarning)
        if name == "cmaes":
            return optuna.samplers.CmaEsSampler(x0=start, seed=seed, n_startup_trials=1, popsize=popsize)
        if name == "tpe":
            return optuna.samplers.TPESampler(seed=seed, multivariate=True, n_startup_trials=startup_trials)
    raise ValueError(f"optimiser.sampler = {name!r}: choose cmaes or tpe")


@dataclass
class Uncertainty:
    """How well the targets pin a parameter down, in the parameter's own units."""

    fitted: bool  # False: an assumed parameter, only checked for identification
    near_best: tuple[float, float] | None  # 10-90% range over the near-best trials (fitted only)
    n_near_best: int
    near_best_rule: str
    sd_interval: tuple[float, float]  # value -/+ one joint standard deviation (linearised, see `uncertainty`)
    sd_unit: float  # that standard deviation as a share of the bounds (log bounds for log parameters)
    sd_unit_all_free: float  # the same if the checked assumed parameters were fitted too
    conditional_sd_unit: float  # the same with every other parameter held
    identified: bool
    trades_off_with: str  # the parameter it is most correlated with, if |correlation| > 0.7
    correlation: float


def near_best_trials(study: optuna.Study, evaluator: Evaluator, minimum: int) -> tuple[list, str]:
    """Trials whose every calibration target was within its tolerance (on the seeds' mean); if fewer
    than `minimum`, the best `minimum` trials."""
    trials = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE and "means" in t.user_attrs]
    fit = [j for j, t in enumerate(evaluator.targets) if t.role == "calibrate"]

    def within(trial) -> bool:
        means = np.array([np.nan if x is None else x for x in trial.user_attrs["means"]], float)
        return all(evaluator.targets[j].within(means[j]) for j in fit)

    good = [t for t in trials if within(t)]
    if len(good) >= minimum:
        return good, "trials with every calibration target within tolerance"
    ranked = sorted(trials, key=lambda t: t.value)[:minimum]
    return ranked, f"the {len(ranked)} best trials (fewer than {minimum} had every target within tolerance)"


def sensitivity(evaluator: Evaluator, params: list[Bounds], best: dict[str, float], step: float) -> np.ndarray:
    """Jacobian of the calibration targets' seed means, in tolerances, per unit of each parameter's
    bounds: central differences of `step` (one-sided at a bound), common random numbers throughout.
    A response no larger than three times its standard error over the seeds is seed noise (moving a
    parameter reshuffles who is where, and so whose random draws count) and is set to zero."""
    fit = [j for j, t in enumerate(evaluator.targets) if t.role == "calibrate"]
    scale = np.array([evaluator.targets[j].tolerance / np.sqrt(evaluator.targets[j].weight) for j in fit])
    jac = np.zeros((len(fit), len(params)))
    for k, p in enumerate(params):
        u = p.unit(best[p.name])
        lo, hi = max(u - step, 0.0), min(u + step, 1.0)
        below = evaluator.simulate({**best, p.name: p.from_unit(lo)})[:, fit]
        above = evaluator.simulate({**best, p.name: p.from_unit(hi)})[:, fit]
        per_seed = np.nan_to_num((above - below) / (hi - lo) / scale)
        mean = per_seed.mean(axis=0)
        if per_seed.shape[0] > 1:
            se = per_seed.std(axis=0, ddof=1) / np.sqrt(per_seed.shape[0])
            mean = np.where(np.abs(mean) > 3 * se, mean, 0.0)
        jac[:, k] = mean
    return jac


def uncertainty(
    study: optuna.Study,
    evaluator: Evaluator,
    params: list[Bounds],
    checked: list[Bounds],
    values: dict[str, float],
    step: float,
    minimum_near_best: int,
    identified_sd: float,
) -> dict[str, Uncertainty]:
    """Two views. The near-best trials: the spread of the values the search found that meet every
    target. The linearised fit: with J the targets' sensitivity in tolerances per unit of bounds, the
    parameters' covariance is (J'J + I)^-1 in those units (tolerances read as one standard deviation;
    the identity is a weak prior that caps an unconstrained parameter's standard deviation at its whole
    range). Where the targets respond to parameters only together, or are fewer than the parameters,
    a direction is left unconstrained and the joint standard deviation along it is large: a parameter
    whose joint standard deviation exceeds `identified_sd` of its bounds is not identified by the
    targets. `checked` are assumed parameters the same targets respond to: they are not fitted, but
    the analysis is repeated as if they were (`sd_unit_all_free`), to show whether the targets could
    have fitted them, and what freeing them would cost the fitted ones."""
    good, rule = near_best_trials(study, evaluator, minimum_near_best)
    every = [*params, *checked]
    jac = sensitivity(evaluator, every, values, step)
    n = len(params)
    info = jac.T @ jac
    cov_fitted = np.linalg.inv(info[:n, :n] + np.eye(n))
    cov_all = np.linalg.inv(info + np.eye(len(every)))
    sd_all = np.sqrt(np.diag(cov_all))
    out = {}
    for k, p in enumerate(every):
        fitted = k < n
        sd = float(np.sqrt(cov_fitted[k, k])) if fitted else float(sd_all[k])
        near = None
        if fitted:
            lo, hi = np.quantile([t.params[p.name] for t in good], [0.1, 0.9])
            near = (float(lo), float(hi))
        u = p.unit(values[p.name])
        cov = cov_fitted if fitted else cov_all  # a fitted parameter's partners among the fitted ones
        corr = cov / np.sqrt(np.outer(np.diag(cov), np.diag(cov)))
        others = [(abs(corr[k, m]), m) for m in range(len(cov)) if m != k]
        strongest, partner = max(others) if others else (0.0, k)
        out[p.name] = Uncertainty(
            fitted=fitted,
            near_best=near,
            n_near_best=len(good),
            near_best_rule=rule,
            sd_interval=(p.from_unit(max(u - sd, 0.0)), p.from_unit(min(u + sd, 1.0))),
            sd_unit=sd,
            sd_unit_all_free=float(sd_all[k]),
            conditional_sd_unit=float(1 / np.sqrt(info[k, k] + 1)),
            identified=bool(sd <= identified_sd),
            trades_off_with=every[partner].name if strongest > 0.7 else "",
            correlation=float(corr[k, partner]) if strongest > 0.7 else 0.0,
        )
    return out
