"""Employment services: rounds of job offers, spread over the year, to labourers of identified
households without work; each one who weighs a round's offers is served and paid for."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import in_work, make_model, programme, spy_on_search_and_bonus, table

from sim.state import Labour

# Workshops at the top of their ranges, so places are there for the rounds to fill.
JOBS = (
    "policy=none",
    "policy.workshops.enabled=true",
    "policy.workshops.factory.initial_per_labourer=0.0009",
    "policy.workshops.home.initial_per_labourer=0.0006",
    "policy.labour_cooperation.enabled=true",
    "seed=6",
)
SERVICES = (*JOBS, "policy.employment_services.enabled=true")


def run_states(*overrides: str, months: int):
    model = make_model(*overrides, f"months={months}")
    states = [model.people.state.copy()]
    for _ in range(months):
        model.step()
        states.append(model.people.state.copy())
    return model, states


def test_rounds_bring_more_labourers_into_work():
    """Same seed, services on and off: nothing differs before the first round (April); in the round
    month many more labourers without work take a job."""
    on, on_states = run_states(*SERVICES, months=4)
    off, off_states = run_states(*JOBS, months=4)
    pd.testing.assert_frame_equal(table(on).iloc[:4], table(off).iloc[:4], check_like=True)
    farm_before = off_states[3] == Labour.FARM
    hired_on = (farm_before & in_work(on_states[4])).sum()
    hired_off = (farm_before & in_work(off_states[4])).sum()
    # Places bind (organised placements, workshop seats): not every extra searcher can be hired.
    assert hired_on > 1.5 * hired_off, (hired_on, hired_off)


@pytest.fixture(scope="module")
def half_identified():
    """A run in which the ledger knows only every other household; spies on the searchers the
    services see each month."""
    model = make_model(*SERVICES, "months=24")
    model.households.identified[1::2] = False
    es = programme(model, "employment_services")
    months = []
    spy_on_search_and_bonus(es, months)
    for _ in range(24):
        months.append({"state_before": model.people.state.copy()})
        model.step()
        months[-1].update(
            t=model.t, calendar_month=model.calendar_month, counts=dict(es.flows), spend=es.flows["service"]
        )
    return model, months


def test_three_rounds_a_year_spread_over_the_months(half_identified):
    _, months = half_identified
    rounds = [m["calendar_month"] for m in months if m["counts"]["rounds"]]
    assert rounds == [4, 8, 12, 4, 8, 12]


def test_only_identified_labourers_without_work_are_reached_and_served(half_identified):
    """In a round month identified labourers without work search at least at the round's rate and
    see the matching bonus; nobody else is touched, and outside rounds nothing changes."""
    model, months = half_identified
    cfg, b = model.cfg.policy.employment_services, model.cfg.behaviour
    p = model.people
    known = model.households.identified[p.hh]
    for m in months:
        reached = known & (m["state_before"] == Labour.FARM)
        if m["counts"]["rounds"]:
            assert (m["rate"][reached] >= cfg.round_search_rate).all()
            np.testing.assert_array_equal(m["rate"][~reached], m["rate_before"][~reached])
            served = known[m["searchers"]]
            np.testing.assert_allclose(m["bonus"], b.service_matching_bonus * served)  # 5 offers: the stated bonus
            assert m["counts"]["served"] == served.sum() > 0
            assert m["spend"] == pytest.approx(cfg.cost_per_round * served.sum())
        else:
            np.testing.assert_array_equal(m["rate"], m["rate_before"])
            assert m["counts"]["served"] == 0 and m["spend"] == 0


def test_more_offers_a_bigger_bonus():
    """The bonus grows with the offers per round (the best of more draws), none without offers."""
    bonus = {
        n: programme(
            make_model(*SERVICES, f"policy.employment_services.offers_per_round={n}"), "employment_services"
        ).bonus
        for n in (0, 5, 10)
    }
    assert bonus[0] == 0 < bonus[5] < bonus[10]


def test_without_rounds_services_change_nothing():
    on = make_model(*SERVICES, "policy.employment_services.offer_rounds_per_year=0", "months=14", agents=False)
    off = make_model(*JOBS, "months=14", agents=False)
    on.run()
    off.run()
    pd.testing.assert_frame_equal(table(on), table(off))
    cols = [c for c in table(off).columns if "employment_services" in c]
    assert cols and (table(off)[cols] == 0).all().all()
