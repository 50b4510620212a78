"""Determinism and common random numbers: a seed fixes the run, and the population does not depend on
the policy mix."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_model, table

from sim.model import PovertyModel

POPULATION_FIELDS = ("hh", "age", "female", "skill", "health", "role", "frail", "village", "farm_potential")
# Month-0 state that comes from the population and the seed alone, never from the policy.
HOUSEHOLD_START = ("size", "farm_potential", "village", "slots", "elders", "care_need", "elder_cover", "poor")
PEOPLE_START = ("state", "dest", "bound_carer", "productivity", "tenure")
MIXES = ("none", "workshops", "labour_cooperation", "welfare_posts", "full_mix")


def run_table(*overrides: str) -> pd.DataFrame:
    model = make_model(*overrides, "months=24", agents=False)
    model.run()
    return table(model)


@pytest.mark.parametrize("mix", ["none", "full_mix"])
def test_same_config_and_seed_give_identical_table(mix):
    """Two runs of one config and seed give identical monthly tables."""
    overrides = (f"policy={mix}", "seed=11", "behaviour.search_rate=0.2")
    pd.testing.assert_frame_equal(run_table(*overrides), run_table(*overrides))


def test_agents_do_not_change_the_run():
    """Building the Mesa household agents or not gives the same monthly table."""
    with_agents = make_model("seed=5", "months=12")
    without = make_model("seed=5", "months=12", agents=False)
    with_agents.run()
    without.run()
    pd.testing.assert_frame_equal(table(with_agents), table(without))


def test_different_seeds_give_different_tables():
    """Different seeds give different monthly tables."""
    a, b = run_table("seed=1"), run_table("seed=2")
    assert not a.equals(b)
    assert (a["poor_people"] != b["poor_people"]).any()


@pytest.fixture(scope="module")
def models_by_mix() -> dict[str, PovertyModel]:
    """One model per policy mix, all with seed 8, at month 0."""
    return {mix: make_model(f"policy={mix}", "seed=8", agents=False) for mix in MIXES}


@pytest.mark.parametrize("mix", MIXES[1:])
def test_population_identical_across_policy_mixes(models_by_mix, mix):
    """With one seed, every policy mix starts from the identical population arrays."""
    a, b = models_by_mix["none"].population, models_by_mix[mix].population
    assert a.n_villages == b.n_villages
    for name in POPULATION_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)


@pytest.mark.parametrize("mix", MIXES[1:])
def test_month_zero_state_identical_across_policy_mixes(models_by_mix, mix):
    """With one seed, every policy mix starts from the same households, carers, migrants and poverty."""
    a, b = models_by_mix["none"], models_by_mix[mix]
    for name in HOUSEHOLD_START:
        np.testing.assert_array_equal(getattr(a.households, name), getattr(b.households, name), err_msg=name)
    for name in PEOPLE_START:
        np.testing.assert_array_equal(getattr(a.people, name), getattr(b.people, name), err_msg=name)
    np.testing.assert_allclose(a.income_per_capita, b.income_per_capita)
    row_a, row_b = table(a).iloc[0], table(b).iloc[0]
    for column in ("poor_people", "poor_households", "labourers", "n_farm", "n_migrant_self", "income_pc_mean"):
        assert row_a[column] == row_b[column], column


def test_common_random_numbers_until_programmes_act():
    """Two mixes with one seed share their history until a programme changes someone's state: with
    welfare posts closed to everyone, the posts mix runs exactly like no programme."""
    none = run_table("policy=none", "seed=3")
    closed = run_table("policy=welfare_posts", "seed=3", "policy.welfare_posts.posts_per_labourer=0")
    programme_columns = [c for c in none.columns if c.startswith(("welfare_posts_", "spend_"))]
    pd.testing.assert_frame_equal(none.drop(columns=programme_columns), closed.drop(columns=programme_columns))
