"""Income accounting: poverty line, trailing 12-month income, household size, farm income and transfers."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from conftest import household_sum, make_model, table

from sim import income
from sim.agents import Household
from sim.state import Labour, Role

LINE = {2014: 2800.0, 2020: 4000.0}


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2014, 2800.0), (2020, 4000.0), (2017, 3400.0), (2016, 3200.0), (2000, 2800.0), (2030, 4000.0)],
)
def test_poverty_line_interpolates_and_is_flat_beyond_ends(year, expected):
    """The line is linear between configured years and flat before the first and after the last."""
    assert income.poverty_line(LINE, year) == pytest.approx(expected)


def test_poverty_line_ignores_key_order_and_single_year():
    """Years may be given in any order; a single configured year gives a flat line."""
    assert income.poverty_line({2020: 4000.0, 2014: 2800.0}, 2017) == pytest.approx(3400.0)
    assert income.poverty_line({2016: 3000.0}, 2025) == pytest.approx(3000.0)


def test_model_line_follows_calendar_year():
    """Each month's recorded line is the configured line of that month's calendar year."""
    model = make_model("months=30", "policy=none")
    model.run()
    rows = table(model)
    expected = [income.poverty_line(model.cfg.poverty_line, y) for y in rows["year"]]
    np.testing.assert_allclose(rows["poverty_line"], expected)
    assert list(rows["year"].iloc[[1, 12, 13, 25]]) == [2016, 2016, 2017, 2018]


def test_trailing_sum_equals_ring_buffer_unit():
    """After any number of pushes the trailing sum is the sum of the ring, which holds the last 12
    months; the temporary part of income (one-off payments) is kept over the same 12 months."""
    rng = np.random.default_rng(0)
    n = 5
    h = SimpleNamespace(
        trailing=np.zeros(n),
        income_ring=np.zeros((12, n)),
        income=np.zeros(n),
        temporary=np.zeros(n),
        temporary_ring=np.zeros((12, n)),
        temporary_trailing=np.zeros(n),
    )
    pushed, temporary = [], []
    for month in range(1, 31):
        value = rng.normal(300.0, 100.0, n)
        h.temporary = np.where(rng.random(n) < 0.3, rng.uniform(0, 200, n), 0.0)
        income.push_income(h, value, month)
        pushed.append(value)
        temporary.append(h.temporary.copy())
        np.testing.assert_allclose(h.trailing, h.income_ring.sum(axis=0))
        np.testing.assert_array_equal(h.income, value)
        np.testing.assert_allclose(h.temporary_trailing, np.sum(temporary[-12:], axis=0), atol=1e-9)
    np.testing.assert_allclose(h.trailing, np.sum(pushed[-12:], axis=0))
    np.testing.assert_allclose(np.sort(h.income_ring, axis=0), np.sort(np.array(pushed[-12:]), axis=0))
    np.testing.assert_allclose(h.temporary_trailing, h.temporary_ring.sum(axis=0), atol=1e-9)


def test_trailing_sum_equals_ring_buffer_in_model():
    """In a running model, the trailing 12-month income is the sum of the last 12 monthly incomes."""
    model = make_model("months=30")
    h = model.households
    incomes = []
    for _ in range(30):
        model.step()
        incomes.append(h.income.copy())
        np.testing.assert_allclose(h.trailing, h.income_ring.sum(axis=0), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(h.trailing, np.sum(incomes[-12:], axis=0), rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(model.income_per_capita, h.trailing / np.maximum(h.size, 1))


@pytest.fixture(scope="module")
def after_deaths():
    """A model in which every elder dies in the first January demography (month 13)."""
    model = make_model("policy=none", "region.elder_death_rate=1", "region.frail_elder_death_rate=1", "months=14")
    model.run()
    return model


def test_household_size_counts_only_the_living(after_deaths):
    """Household size, elder count and members exclude deceased persons."""
    p, h = after_deaths.people, after_deaths.households
    dead = p.role == Role.DECEASED
    assert dead.any(), "the scenario should have deaths"
    np.testing.assert_array_equal(h.size, household_sum(after_deaths, (~dead).astype(float)).astype(int))
    np.testing.assert_array_equal(h.elders, 0)
    assert h.size.sum() < h.slots.sum()
    agents = list(after_deaths.agents_by_type[Household])
    for agent in agents[:200]:
        assert agent.size == agent.members.size
        assert (p.role[agent.members] != Role.DECEASED).all()


def test_deceased_are_out_of_the_labour_states(after_deaths):
    """Deceased persons hold no labour state, seat or destination and earn nothing."""
    p = after_deaths.people
    dead = p.role == Role.DECEASED
    assert (p.state[dead] == Labour.NONE).all()
    assert (p.dest[dead] == -1).all() and (p.seat[dead] == -1).all()
    assert (p.earnings[dead] == 0).all()


def test_transfers_count_only_the_living(after_deaths):
    """Pensions go to living elders and per-person transfers to living members."""
    h, region = after_deaths.households, after_deaths.cfg.region
    expected = region.pension_per_elder * h.elders + region.other_transfers_per_capita / 12 * h.size
    np.testing.assert_allclose(income.transfers(h, region), expected)


def test_season_weights_sum_to_one_and_favour_busy_months():
    """Farm income over the 12 calendar months adds up to the year, with more in busy months."""
    region = make_model("policy=none", agents=False).cfg.region
    w = income.season_weights(region)
    assert w[0] == 0
    assert w[1:].sum() == pytest.approx(1.0)
    busy = np.zeros(13, bool)
    busy[region.busy_months] = True
    assert w[busy].sum() == pytest.approx(region.busy_income_share)
    assert w[busy].min() > w[1:][~busy[1:]].max()


def test_farm_income_falls_as_labour_leaves_but_not_below_floor():
    """Sending every labourer away lowers farm income, down to no less than the floor share."""
    model = make_model("policy=none", agents=False)
    p, h, region = model.people, model.households, model.cfg.region
    weight = model.season[1]
    all_home = p.state.copy()
    all_home[p.role == Role.LABOURER] = Labour.FARM
    all_away = all_home.copy()
    all_away[p.role == Role.LABOURER] = Labour.MIGRANT_SELF
    p.state = all_home
    home, _ = income.farm_income(p, h, region, model.labour_weight, weight)
    p.state = all_away
    away, _ = income.farm_income(p, h, region, model.labour_weight, weight)
    has_lab = household_sum(model, (p.role == Role.LABOURER).astype(float)) > 0
    short_of_labour = has_lab & (h.elder_units < h.farm_need)
    assert short_of_labour.any()
    assert (away <= home + 1e-9).all()
    assert (away[short_of_labour] < home[short_of_labour]).all()
    assert (away >= region.farm_floor * h.farm_potential * weight - 1e-9).all()
    assert (home <= h.farm_potential * weight + 1e-9).all()
