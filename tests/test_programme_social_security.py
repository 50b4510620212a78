"""The social-security floor (minimum living guarantee): who is on it, what it pays, what it changes.

The floor is checked on top of the `none` mix, where nothing else pays the household or reacts to its
income, so its effect is isolated: the same persons do the same things with and without it, and
only the incomes of households with nobody able to work differ.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import household_sum, make_model, programme, table

from sim import income
from sim.programmes import by_name
from sim.state import Health, Labour, Role
from sim.summary import left_behind

MONTHS = 27  # crosses two Januaries: yearly demography and a rising dibao line
SOCIAL_SECURITY = by_name("social_security").codes["SOCIAL_SECURITY"]  # its exit channel
FLOOR = ("policy=none", "policy.social_security.enabled=true", "seed=4")


def no_labour_capacity(model) -> np.ndarray:
    """Households none of whose labourers is able to work: none, or all disabled (a bound carer is
    able to work: a caring duty is no loss of labour capacity)."""
    p = model.people
    able = (p.role == Role.LABOURER) & (p.health != Health.DISABLED)
    return household_sum(model, able.astype(float)) == 0


def dibao_line(model) -> float:
    return income.poverty_line(model.cfg.policy.social_security.dibao_line, model.year)


@pytest.fixture(scope="module")
def floor_run():
    """Step the floor month by month; keep what each month's checks need."""
    model = make_model(*FLOOR, f"months={MONTHS}")
    h = model.households
    paid = []  # transfer per household, each month
    months = []
    for _ in range(MONTHS):
        trailing_before = h.trailing.copy()
        model.step()
        paid.append(h.transfer.copy())
        months.append(
            {
                "t": model.t,
                "trailing_before": trailing_before,
                "paid": paid[-1],
                "own_window": sum(paid[-13:-1], np.zeros(h.n)),  # paid in the 12 months before this one
                "no_capacity": no_labour_capacity(model),
                "line": dibao_line(model),
                "size": h.size.copy(),
                "on_floor": h.on_floor.copy(),
                "spend": programme(model, "social_security").flows["transfer"],
            }
        )
    return model, months


def test_pays_the_gap_to_the_dibao_line(floor_run):
    """Each household on the floor is paid, each month, the gap between the dibao line and its own
    income per person over the last 12 months (the guarantee left out), times its members, over 12."""
    model, months = floor_run
    takes_up = programme(model, "social_security").takes_up
    for m in months:
        size = np.maximum(m["size"], 1)
        own = (m["trailing_before"] - m["own_window"]) / size
        eligible = m["no_capacity"] & takes_up & (m["size"] > 0) & (own < m["line"])
        expected = np.where(eligible, (m["line"] - own) * size / 12, 0.0)
        np.testing.assert_allclose(m["paid"], expected, rtol=1e-9, atol=1e-6, err_msg=f"month {m['t']}")
        assert (m["on_floor"] == eligible).all(), f"month {m['t']}"
        assert m["spend"] == pytest.approx(m["paid"].sum()), f"month {m['t']}: spending is the transfers paid"
    assert sum(m["on_floor"].sum() for m in months) > 0


def test_only_households_without_labour_capacity_are_paid(floor_run):
    """Nobody with a labourer able to work (not disabled, whether a bound carer or not) gets the guarantee."""
    _, months = floor_run
    for m in months:
        assert not (m["on_floor"] & ~m["no_capacity"]).any(), f"month {m['t']}"


def test_take_up_share_and_stability(floor_run):
    """The take-up draw is one per household, the same in every mix; about `take_up` of the
    households that qualify take it up."""
    model, _ = floor_run
    takes_up = programme(model, "social_security").takes_up
    other = programme(make_model("policy=full_mix", "seed=4"), "social_security").takes_up
    assert (takes_up == other).all()
    share = model.cfg.policy.social_security.take_up
    n = takes_up.size
    assert abs(takes_up.mean() - share) < 4 * np.sqrt(share * (1 - share) / n)


def test_floor_lifts_households_to_the_line(floor_run):
    """A household a year on the floor whose own income did not fall (no death, no one retiring; it
    rises with the year's farm-income and transfer indices, sim/economy.py) has an income per person of
    at least the dibao line: the floor works as a floor. (Own income that falls during the year is met
    with a lag: the guarantee is assessed on last year's income.)"""
    model, months = floor_run
    last_year = months[-12:]
    on_all_year = np.logical_and.reduce([m["on_floor"] for m in last_year])
    own = np.array([(m["trailing_before"] - m["own_window"]) / np.maximum(m["size"], 1) for m in last_year])
    steady = on_all_year & (np.diff(own, axis=0) > -1e-6).all(axis=0)
    assert steady.sum() > 20
    lowest_line = min(m["line"] for m in last_year)
    assert (model.income_per_capita[steady] >= lowest_line - 1e-6).all()
    assert (model.income_per_capita[steady] > model.line).all(), "out of poverty"


def test_exits_on_the_floor_are_credited_to_social_security(floor_run):
    """Households that left poverty with the guarantee and nobody earning outside farming are credited
    to the SOCIAL_SECURITY channel, and only households on the floor are."""
    model, months = floor_run
    h = model.households
    credited = h.exit_channel == SOCIAL_SECURITY
    assert credited.sum() > 10
    ever_on_floor = np.logical_or.reduce([m["on_floor"] for m in months])
    assert (ever_on_floor[credited]).all()
    assert table(model)["exits_cum_social_security"].iloc[-1] >= credited.sum()  # some exit twice


def test_changes_only_the_incomes_of_households_on_the_floor(floor_run):
    """Against the same mix without the floor: every person does the same thing every month, and
    only households that were on the floor have different incomes or poverty status."""
    model, months = floor_run
    base = make_model("policy=none", "seed=4", f"months={MONTHS}")
    base.run()
    p, q = model.people, base.people
    for name in ("state", "dest", "tenure", "age", "role", "bound_carer", "health"):
        assert (getattr(p, name) == getattr(q, name)).all(), name
    ever_on_floor = np.logical_or.reduce([m["on_floor"] for m in months])
    same = ~ever_on_floor
    np.testing.assert_allclose(model.households.trailing[same], base.households.trailing[same])
    assert (model.households.poor[same] == base.households.poor[same]).all()
    assert model.households.poor.sum() < base.households.poor.sum()


def test_left_behind_separates_the_floor(floor_run):
    """The left behind split into those on the floor and those left behind by employment policy."""
    model, _ = floor_run
    lb = left_behind(model)
    total = lb["share_left_behind_on_floor"] + lb["share_left_behind_by_employment"]
    np.testing.assert_allclose(total, lb["share_left_behind"])
    carers = lb[(lb["dimension"] == "caring_duty") & (lb["group"] == "bound carer")].iloc[0]
    assert carers["share_farm_only_on_floor"] > 0
    healthy = lb[(lb["dimension"] == "health") & (lb["group"] == "healthy")].iloc[0]
    assert healthy["share_farm_only_on_floor"] <= carers["share_farm_only_on_floor"]


def test_switched_off_it_changes_nothing():
    """Off in the full mix: no transfer, nobody on the floor, no exit credited to it, zeros in its
    columns and in the left-behind split."""
    model = make_model("policy=full_mix", "policy.social_security.enabled=false", "seed=4", "months=14")
    assert programme(model, "social_security") is None
    for _ in range(14):
        model.step()
        assert not model.households.on_floor.any()
    tb = table(model)
    for col in ("spend_social_security_transfer", "social_security_households", "social_security_people"):
        assert (tb[col] == 0).all(), col
    assert (tb["exits_cum_social_security"] == 0).all()
    assert (model.households.exit_channel != SOCIAL_SECURITY).all()
    lb = left_behind(model)
    assert (lb["share_left_behind_on_floor"] == 0).all() and (lb["share_farm_only_on_floor"] == 0).all()


def test_no_payment_while_the_initial_year_is_filled():
    """The floor starts with the run: the households poor at the start are the same with or without it."""
    on = make_model(*FLOOR, agents=False)
    off = make_model("policy=none", "seed=4", agents=False)
    assert (on.households.initially_poor == off.households.initially_poor).all()
    np.testing.assert_array_equal(on.households.trailing, off.households.trailing)
    assert (on.people.state[on.people.role == Role.LABOURER] != Labour.NONE).all()
