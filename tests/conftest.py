"""Shared helpers: small configs, model builders and programme look-up.

Tests use a small share of the county (`scale=0.05`, about 2500 households) and few months so the
whole suite stays fast; tests that only read a model share it through module-scoped fixtures.
"""

from __future__ import annotations

import copy
import functools

import numpy as np

from sim.config import load
from sim.model import PovertyModel
from sim.programmes.base import Programme
from sim.schema import RunConfig

SMALL = ("scale=0.05",)


def config(*overrides: str) -> RunConfig:
    """A validated config: the small county plus `overrides` (later overrides win). A fresh copy each
    call, so a test may change it."""
    return copy.deepcopy(_load(tuple(overrides)))


@functools.cache
def _load(overrides: tuple[str, ...]) -> RunConfig:
    return load([*SMALL, *overrides])  # composing through Hydra takes a fifth of a second: do it once


def make_model(*overrides: str, agents: bool = True) -> PovertyModel:
    """A freshly built model of the small county with `overrides`."""
    return PovertyModel(config(*overrides), agents=agents)


def programme(model: PovertyModel, name: str) -> Programme | None:
    """The running programme called `name`, or None when the policy mix leaves it off."""
    return next((p for p in model.programmes if p.name == name), None)


def table(model: PovertyModel):
    """The monthly table (one row per month, month 0 first)."""
    return model.datacollector.get_model_vars_dataframe().reset_index(drop=True)


def household_sum(model: PovertyModel, values: np.ndarray) -> np.ndarray:
    """Sum of a per-person array over each household (written without `np.bincount`, so it does not
    repeat the model's own arithmetic)."""
    out = np.zeros(model.households.n)
    np.add.at(out, model.people.hh, values)
    return out
