"""The calibration objective: run each usable scenario over replicate seeds with a set of behavioural
parameters, compute the targets' statistics, and average the weighted distance to the reported values.

Distance of target k in one run: w_k * ((simulated - reported) / tolerance_k)^2, so a target exactly at
the edge of its tolerance costs its weight. The objective is the mean over seeds of the sum over
calibration targets, divided by the sum of their weights. All trials use the same seeds (common random
numbers), so the objective is a deterministic function of the parameters and differences between
trials are the parameters' doing; the fit report re-simulates on fresh seeds.
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass

import numpy as np
from hydra.core.global_hydra import GlobalHydra
from joblib import Parallel, delayed
from omegaconf import DictConfig, OmegaConf

from sim.calibrate.statistics import make_statistic, simulate
from sim.calibrate.targets import Scenario, Target, parse, scenario_problem, target_problem
from sim.config import CONF_DIR, compose_config, register_schema
from sim.model import PovertyModel
from sim.population import Population, build_population
from sim.schema import BehaviourConfig, RunConfig
from sim.validate import to_run_config

# loky restarts a worker whose memory grew (the populations it keeps), and says so; nothing is lost.
warnings.filterwarnings("ignore", message="A worker stopped while some jobs were given to the executor")

MISSING_PENALTY = 25.0  # distance of a statistic a run could not compute (e.g. an empty cohort)


def compose_model(overrides: list[str]) -> DictConfig:
    """The model's composed config for `overrides`, inside a Hydra app or from plain Python."""
    if GlobalHydra.instance().is_initialized():
        from hydra import compose

        register_schema()
        return compose(config_name="config", overrides=overrides)
    return compose_config(overrides)


def scenario_config(scenario: Scenario, behaviour: DictConfig | dict, extra: list[str], scale: float) -> RunConfig:
    """The validated run config of `scenario` with the calibration's `behaviour` node."""
    composed = OmegaConf.to_container(compose_model([*extra, *scenario.overrides, f"scale={scale}"]), resolve=True)
    composed["behaviour"] = OmegaConf.to_container(behaviour) if isinstance(behaviour, DictConfig) else behaviour
    return to_run_config(composed)


@dataclass
class Setup:
    """What the objective runs: usable scenarios with their configs, and every target with the
    reason it is not usable (None when it is)."""

    configs: dict[str, RunConfig]
    targets: list[Target]
    problems: dict[str, str | None]

    @property
    def usable(self) -> list[Target]:
        return [t for t in self.targets if self.problems[t.name] is None]

    def role(self, role: str) -> list[Target]:
        return [t for t in self.usable if t.role == role]


def prepare(
    scenarios: dict[str, Scenario],
    targets: list[Target],
    behaviour: DictConfig | dict,
    extra: list[str] = (),
    scale_factor: float = 1.0,
    scale: float | None = None,
) -> Setup:
    """Compose each scenario's config (at its scale, times `scale_factor`, or at `scale` if given)
    and find which targets can be computed now."""
    configs, problems = {}, {}
    for name, scenario in scenarios.items():
        problem = scenario_problem(scenario, CONF_DIR)
        columns: set[str] = set()
        if problem is None:
            run = scenario_config(scenario, behaviour, list(extra), scale or scenario.scale * scale_factor)
            off = [p for p in scenario.programmes if not getattr(run.policy, p).enabled]
            if off:
                problem = f"the scenario's mix does not switch on {', '.join(off)}"
            else:
                configs[name] = run
                columns = set(_month_zero_columns(run))
        for t in targets:
            if t.scenario == name:
                problems[t.name] = problem or target_problem(t, columns, configs[name].months if name in configs else 0)
    return Setup(configs, targets, problems)


def setup_from(cfg: DictConfig, behaviour: dict | None = None) -> Setup:
    """The `Setup` of a composed calibration config (`behaviour` replaces its behaviour node)."""
    behaviour = behaviour if behaviour is not None else OmegaConf.to_container(cfg.behaviour, resolve=True)
    scenarios, targets = parse(OmegaConf.to_container(cfg.targets, resolve=True))
    return prepare(scenarios, targets, behaviour, list(cfg.model_overrides), cfg.scale_factor)


def _month_zero_columns(run: RunConfig) -> list[str]:
    """Columns of the monthly table, from a tiny build of the scenario (no step)."""
    tiny = dataclasses.replace(run, scale=min(run.scale, 0.01))
    return list(PovertyModel(tiny, agents=False).latest)


_POPULATIONS: dict[tuple, Population] = {}


def _population(region, seed: int, scale: float) -> Population:
    """The population depends only on region, seed and scale: build it once per worker process."""
    key = (repr(region), seed, scale)
    if key not in _POPULATIONS:
        if len(_POPULATIONS) >= 64:
            _POPULATIONS.clear()
        _POPULATIONS[key] = build_population(region, seed, scale)
    return _POPULATIONS[key]


def run_scenario(run: RunConfig, specs: list[dict], seed: int) -> list[float]:
    """Statistic values of one run of `run` with `seed` (in a worker process: populations cached)."""
    run = dataclasses.replace(run, seed=seed)
    population = _population(run.region, seed, run.scale)
    model = PovertyModel(run, population=population, agents=False)
    return simulate(model, [make_statistic(s) for s in specs])


def seed_mean(values: np.ndarray) -> np.ndarray:
    """Mean over seeds of each target, NaN where no seed could compute it."""
    finite = np.isfinite(values)
    total = np.where(finite, values, 0.0).sum(axis=0)
    count = finite.sum(axis=0)
    return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def with_params(behaviour: BehaviourConfig, params: dict[str, float]) -> BehaviourConfig:
    return dataclasses.replace(behaviour, **{k: float(v) for k, v in params.items()})


class Evaluator:
    """Simulates the usable targets for a parameter set over seeds, in parallel over (scenario, seed)."""

    def __init__(
        self,
        setup: Setup,
        seeds: list[int],
        n_jobs: int = 1,
        targets: list[Target] | None = None,
        fixed: dict[str, float] | None = None,
    ):
        self.setup = setup
        self.fixed = dict(fixed or {})  # parameter values set before this search (earlier stages)
        self.seeds = list(seeds)
        self.n_jobs = n_jobs
        self.targets = setup.usable if targets is None else targets
        self.by_scenario = {s: [t for t in self.targets if t.scenario == s] for s in setup.configs}
        self.by_scenario = {s: ts for s, ts in self.by_scenario.items() if ts}

    def simulate(self, params: dict[str, float], seeds: list[int] | None = None) -> np.ndarray:
        """Values, shape (seeds, targets) in `self.targets` order."""
        seeds = self.seeds if seeds is None else list(seeds)
        jobs = []
        for name, ts in self.by_scenario.items():
            run = self.setup.configs[name]
            run = dataclasses.replace(run, behaviour=with_params(run.behaviour, {**self.fixed, **params}))
            jobs += [(name, seed, run, [t.statistic for t in ts]) for seed in seeds]
        if self.n_jobs == 1 or len(jobs) == 1:
            results = [run_scenario(run, specs, seed) for _, seed, run, specs in jobs]
        else:
            results = Parallel(n_jobs=self.n_jobs)(
                delayed(run_scenario)(run, specs, seed) for _, seed, run, specs in jobs
            )
        out = np.full((len(seeds), len(self.targets)), np.nan)
        column = {t.name: j for j, t in enumerate(self.targets)}
        for (name, seed, _, _), values in zip(jobs, results, strict=True):
            for t, v in zip(self.by_scenario[name], values, strict=True):
                out[seeds.index(seed), column[t.name]] = v
        return out

    def distances(self, values: np.ndarray) -> np.ndarray:
        """Weighted squared distance in tolerances, per seed and target (missing values penalised)."""
        reported = np.array([t.reported for t in self.targets])
        tol = np.array([t.tolerance for t in self.targets])
        weight = np.array([t.weight for t in self.targets])
        miss = values - reported
        lower = np.array([t.bound == "lower" for t in self.targets])
        miss = np.where(lower, np.minimum(miss, 0.0), miss)  # a lower bound costs only a shortfall
        d = weight * (miss / tol) ** 2
        return np.where(np.isfinite(d), d, MISSING_PENALTY * weight)

    def objective(self, values: np.ndarray) -> float:
        """Mean over seeds of the weighted distance summed over the calibration targets, per unit weight."""
        fit = np.array([t.role == "calibrate" for t in self.targets])
        weight = np.array([t.weight for t in self.targets])
        return float(self.distances(values)[:, fit].sum(axis=1).mean() / weight[fit].sum())

    def chi2(self, values: np.ndarray) -> float:
        """Sum over calibration targets of w * ((mean over seeds - reported) / tolerance)^2."""
        fit = np.array([t.role == "calibrate" for t in self.targets])
        return float(self.distances(seed_mean(values)[None, :])[0, fit].sum())

    def __call__(self, params: dict[str, float]) -> float:
        return self.objective(self.simulate(params))
