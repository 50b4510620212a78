"""Return-home entrepreneurship: who starts, what a business employs and costs, and what its failure
undoes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_model, programme, table

from sim.state import Health, Labour

# Many returnees (a large initial migrant stock quitting early) and keen starters, so that a small
# county has businesses within a year.
ON = (
    "policy=none",
    "policy.entrepreneurship.enabled=true",
    "policy.entrepreneurship.start_rate=0.3",
    "policy.entrepreneurship.min_months_away=3",
    "behaviour.search_rate=0.3",
)


def run_with_checks(*overrides: str, months: int = 24):
    """Step a model with the programme on and check its rules after every month; returns the model."""
    model = make_model(*ON, *overrides, f"months={months}")
    ent = programme(model, "entrepreneurship")
    cfg = model.cfg.policy.entrepreneurship
    for _ in range(months):
        p = model.people
        state_before = p.state.copy()
        loan_before = ent.loan_left.copy()
        model.step()
        new = np.arange(loan_before.size, ent.open.size)  # businesses started this month
        starters = ent.owner[new]
        # Starters were on the farm, came home within the window after a long enough spell, and
        # now run the business they started.
        # (or away until January's care review called them home, before the month's starts)
        assert ((state_before[starters] == Labour.FARM) | (model.calendar_month == 1)).all()
        assert (model.t - p.returned_month[starters] <= cfg.returnee_window_months).all()
        assert (p.months_away[starters] >= cfg.min_months_away).all()
        assert (p.age[starters] <= cfg.max_age).all() and (p.health[starters] != Health.DISABLED).all()
        # Every entrepreneur owns one open business, and every open business's owner runs it.
        owners = np.flatnonzero(p.state == Labour.ENTREPRENEUR)
        assert ent.open[ent.business_of[owners]].all()
        np.testing.assert_array_equal(ent.owner[ent.business_of[owners]], owners)
        assert (p.state[ent.owner[ent.open]] == Labour.ENTREPRENEUR).all()
        np.testing.assert_allclose(p.earnings[owners], cfg.owner_income * model.pay_index["rural_wage_income"])
        # Workers sit at open businesses of their own village, within the jobs each business has.
        workers = np.flatnonzero(p.state == Labour.BUSINESS_WORKER)
        assert ent.open[p.seat[workers]].all()
        np.testing.assert_array_equal(ent.village[p.seat[workers]], model.households.village[p.hh[workers]])
        assert (np.bincount(p.seat[workers], minlength=ent.seats.size) <= ent.seats).all()
        # Spending: the start-up subsidy per start, the interest on each loan that ran this month.
        assert ent.flows["startup_subsidy"] == pytest.approx(cfg.startup_subsidy * new.size)
        before = np.concatenate([loan_before, np.full(new.size, cfg.loan_months)])
        ran = ent.open & (before > 0)
        assert ent.flows["interest_subsidy"] == pytest.approx(cfg.loan * cfg.interest_subsidy_rate / 12 * ran.sum())
        np.testing.assert_array_equal(ent.loan_left, np.where(ran, before - 1, np.where(ent.open, before, 0)))
    return model


def test_rules_hold_every_month():
    model = run_with_checks()
    rows = table(model)
    assert rows["entrepreneurship_opened"].sum() > 0
    assert rows["n_returnee_business"].max() > 0


def test_a_business_failure_removes_its_jobs():
    """When a business fails, its jobs go with it: its workers and its owner are back on the farm, its
    seats are no longer offered, the guarantee fund repays its share of the loan still running, and
    other businesses keep their workers."""
    model = run_with_checks(months=12)
    ent, p, cfg = programme(model, "entrepreneurship"), model.people, model.cfg.policy.entrepreneurship
    workers = ent.workers()
    staffed = np.bincount(p.seat[workers], minlength=ent.seats.size)
    failing = int(np.argmax(staffed))
    assert staffed[failing] > 0
    its_workers = workers[p.seat[workers] == failing]
    owner = ent.owner[failing]
    others = workers[p.seat[workers] != failing]
    outstanding = cfg.loan * ent.loan_left[failing] / cfg.loan_months
    ent.start_month()
    mask = np.zeros(ent.open.size, bool)
    mask[failing] = True
    ent.close(mask)
    assert not ent.open[failing]
    assert (p.state[its_workers] == Labour.FARM).all() and (p.seat[its_workers] == -1).all()
    assert p.state[owner] == Labour.FARM
    assert (p.state[others] == Labour.BUSINESS_WORKER).all()
    assert ent.flows["guarantee_loss"] == pytest.approx(cfg.default_share * outstanding)
    assert ent.free_seats()[failing] == 0
    ent.update_vacancies()
    village = ent.village[failing]
    others_free = ent.free_seats()[(ent.village == village) & ent.open].sum()
    assert ent.vacancies[0, village] == others_free


def test_failures_happen_at_the_yearly_hazard():
    """With a failure rate of 12 a year (every business fails within its first month), no business
    outlives a month: every worker and every owner is in a business started this month."""
    model = run_with_checks("policy.entrepreneurship.business.closure_rate=12", months=12)
    ent, p = programme(model, "entrepreneurship"), model.people
    rows = table(model)
    assert rows["entrepreneurship_closed"].sum() > 0
    assert (rows["entrepreneurship_closed"] == rows["entrepreneurship_opened"].shift(1).fillna(0)).iloc[2:].all()
    started_now = np.zeros(ent.open.size, bool)
    started_now[ent.open.size - rows["entrepreneurship_opened"].iloc[-1] :] = True
    assert (ent.open == started_now).all()
    assert rows["spend_entrepreneurship_guarantee_loss"].sum() > 0
    assert started_now[p.seat[p.state == Labour.BUSINESS_WORKER]].all()
    assert started_now[ent.business_of[p.state == Labour.ENTREPRENEUR]].all()


def test_switched_off_changes_nothing():
    """Off, there are no entrepreneurs, business workers or spending, and its settings change nothing."""
    base = make_model("policy=workshops", "months=12", agents=False)
    tweaked = make_model("policy=workshops", "months=12", "policy.entrepreneurship.start_rate=1", agents=False)
    for model in (base, tweaked):
        model.run()
    assert programme(base, "entrepreneurship") is None
    rows = table(base)
    columns = [c for c in rows.columns if c.startswith(("spend_entrepreneurship", "entrepreneurship_"))]
    assert (rows[[*columns, "n_entrepreneur", "n_returnee_business"]] == 0).all().all()
    pd.testing.assert_frame_equal(rows, table(tweaked))
