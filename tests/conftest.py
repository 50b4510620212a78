"""Shared helpers: small configs, model builders and programme look-up.

Tests use a small share of the county (`scale=0.05`, about 2500 households) and few months so the
whole suite stays fast; tests that only read a model share it through module-scoped fixtures.
"""

from __future__ import annotations

import copy
import functools
from types import SimpleNamespace

import numpy as np
import pytest

from sim.config import load
from sim.model import PovertyModel
from sim.programmes.base import Programme
from sim.schema import RunConfig
from sim.state import Labour
from sim.validate import ConfigError

# Labour states that are not work: a person helped into any other state has found a job.
NOT_WORK = (Labour.NONE, Labour.FARM, Labour.TRAINING, Labour.TECH_SCHOOL)

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


def in_work(state: np.ndarray) -> np.ndarray:
    """Whether each labour state code in `state` is work (a job, not farming, training or school)."""
    return ~np.isin(state, NOT_WORK)


def household_sum(model: PovertyModel, values: np.ndarray) -> np.ndarray:
    """Sum of a per-person array over each household (written without `np.bincount`, so it does not
    repeat the model's own arithmetic)."""
    out = np.zeros(model.households.n)
    np.add.at(out, model.people.hh, values)
    return out


def spy_on_search_and_bonus(prog, months: list[dict]) -> None:
    """Wrap a programme's `adjust_search` and `job_bonus` hooks so that each month (the last dict in
    `months`) records the search rates before and after, the searchers and the bonus it added."""
    search_fn, bonus_fn = prog.adjust_search, prog.job_bonus

    def adjust_search(rate):
        before = rate.copy()
        search_fn(rate)
        months[-1]["rate_before"], months[-1]["rate"] = before, rate.copy()

    def job_bonus(searchers, bonus):
        before = bonus.copy()
        bonus_fn(searchers, bonus)
        months[-1]["searchers"], months[-1]["bonus"] = searchers.copy(), bonus - before

    prog.adjust_search, prog.job_bonus = adjust_search, job_bonus


def hand_made_household(*members):
    """A hand-made population for `care.update_care`: each member is (household, role, age, female,
    health, frail, state)."""
    cols = list(zip(*members, strict=True))
    hh = np.array(cols[0])
    p = SimpleNamespace(
        hh=hh,
        role=np.array(cols[1], np.int8),
        age=np.array(cols[2]),
        female=np.array(cols[3], bool),
        health=np.array(cols[4], np.int8),
        frail=np.array(cols[5], bool),
        state=np.array(cols[6], np.int8),
        bound_carer=np.zeros(hh.size, bool),
    )
    h = SimpleNamespace(n=int(hh.max()) + 1, care_load=None, care_need=None, elder_cover=None)
    return p, h


def assert_refused(overrides, expected, base=SMALL) -> None:
    """Loading `base` (the small county) with `overrides` is refused with one problem naming every
    `expected` text, and no traceback."""
    with pytest.raises(ConfigError) as err:
        load([*base, *overrides])
    problems = err.value.problems
    assert len(problems) == 1, problems
    for text in expected:
        assert text in problems[0], problems[0]
    assert "Traceback" not in str(err.value)
