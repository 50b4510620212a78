"""Functions with a known answer, run through the same runner as the model (`evaluator=linear` or
`evaluator=ishigami`), so the tests check the wiring of a study (sampling, jobs, store, averaging over
seeds, analysis, tables) rather than SALib itself.

- `linear`: y = x1 + 2 x2 + 3 x3 on [0, 1]^3; first-order Sobol indices (1, 4, 9) / 14, no
  interactions, so total = first order.
- `ishigami`: SALib's Ishigami function on [-pi, pi]^3 (S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244).
The seed is ignored: these functions have no noise, so replicates agree exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.explore.runner import Job
from sim.explore.space import Uncertainty

LINEAR_WEIGHTS = (1.0, 2.0, 3.0)
LINEAR_S1 = tuple(w**2 / sum(x**2 for x in LINEAR_WEIGHTS) for w in LINEAR_WEIGHTS)
ISHIGAMI_S1 = (0.3139, 0.4424, 0.0)
ISHIGAMI_ST = (0.5576, 0.4424, 0.2437)


def linear(values: Mapping[str, float]) -> dict[str, float]:
    x = np.array([values["x1"], values["x2"], values["x3"]])
    return {"y": float(np.dot(LINEAR_WEIGHTS, x))}


def ishigami(values: Mapping[str, float]) -> dict[str, float]:
    from SALib.test_functions import Ishigami

    x = np.array([[values["x1"], values["x2"], values["x3"]]])
    return {"y": float(Ishigami.evaluate(x)[0])}


def _space(low: float, high: float) -> list[Uncertainty]:
    return [Uncertainty(f"x{i}", (low + high) / 2, low, high, "test function", "known answer") for i in (1, 2, 3)]


@dataclass
class FunctionEvaluator:
    """A test function in the place of the model: same jobs, store and analysis."""

    name: str
    function: Callable[[Mapping[str, float]], dict[str, float]]
    bounds: tuple[float, float]
    outcomes: tuple[str, ...] = ("y",)

    def space(self, settings: Mapping) -> list[Uncertainty]:
        return _space(*self.bounds)

    def identity(self, mix: str) -> str:
        return self.name

    def task(self, job: Job) -> tuple[Callable, tuple]:
        return self.function, (dict(job.values),)


FUNCTIONS = {
    "linear": FunctionEvaluator("linear", linear, (0.0, 1.0)),
    "ishigami": FunctionEvaluator("ishigami", ishigami, (-np.pi, np.pi)),
}
