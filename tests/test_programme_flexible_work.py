"""Flexible work in farm-slack months: a county-wide number of jobs, none in busy months, back to the
farm when a busy month begins and back to flexible work after it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_model, programme, table

from sim.state import Labour

ON = ("policy=none", "policy.flexible_work.enabled=true", "behaviour.search_rate=0.3")


def test_jobs_only_in_slack_months_within_capacity():
    """Each month: flexible workers never exceed the scaled number of jobs and there are none in a
    busy month; when a busy month begins every flexible worker is sent back to the farm; new workers
    were eligible (age limit, ledger), and each earns the flexible pay times productivity."""
    model = make_model(*ON, "policy.targeting.enabled=true", "policy.targeting.identified_share=0.6", "months=24")
    fw, cfg = programme(model, "flexible_work"), model.cfg.policy.flexible_work
    jobs = round(cfg.jobs_per_labourer * model.cfg.region.labourers * model.cfg.scale)
    busy_months_seen, filled = 0, False
    for _ in range(24):
        was_flexible = np.flatnonzero(model.people.state == Labour.FLEXIBLE)
        model.step()
        p = model.people
        workers = np.flatnonzero(p.state == Labour.FLEXIBLE)
        assert workers.size <= jobs
        pay = cfg.pay * model.pay_index["rural_wage_income"]  # this year's pay (sim/economy.py)
        np.testing.assert_allclose(p.earnings[workers], pay * p.productivity[workers])
        new = workers[p.tenure[workers] == 1]
        assert (p.age[new] <= cfg.max_age).all()
        assert model.households.identified[p.hh[new]].all()
        filled |= not model.is_busy_month and fw.vacancies[0] == 0  # every job taken this month
        if model.is_busy_month:
            busy_months_seen += 1
            assert workers.size == 0
            if model.calendar_month - 1 not in model.cfg.region.busy_months:  # the first busy month
                assert fw.flows["season_end"] == was_flexible.size
    assert busy_months_seen == 2 * len(model.cfg.region.busy_months)
    assert filled, "the capacity should bind at this search rate"


def test_workers_return_to_flexible_work_after_the_busy_season():
    """Someone in flexible work before the busy season, on the farm during it, takes flexible work
    again after it."""
    model = make_model(*ON, "months=8")  # January to August: slack, busy (May, June), slack
    states = []
    for _ in range(8):
        model.step()
        states.append(model.people.state.copy())
    flexible = np.array(states) == Labour.FLEXIBLE
    before, during, after = flexible[3], flexible[4:6].any(axis=0), flexible[6:].any(axis=0)
    assert not during.any()
    assert (before & after).sum() > 0


def test_caring_is_largely_compatible():
    """Bound carers take flexible work at close to the rate of others, since it fits around caring."""
    model = make_model(*ON, "months=4")
    model.run()
    p = model.people
    labourers = p.state != Labour.NONE
    share_carers = (p.state[labourers & p.bound_carer] == Labour.FLEXIBLE).mean()
    share_others = (p.state[labourers & ~p.bound_carer] == Labour.FLEXIBLE).mean()
    assert share_carers > 0.5 * share_others > 0


@pytest.mark.parametrize("month", [5, 9])
def test_no_options_in_busy_months(month):
    """In a busy month the programme offers nothing, however many jobs it has."""
    model = make_model(*ON, "policy.flexible_work.jobs_per_labourer=1", f"months={month}")
    model.run()
    assert model.is_busy_month
    assert programme(model, "flexible_work").options(np.arange(model.people.n)) == []


def test_switched_off_changes_nothing():
    """Off, there is no flexible work, and its settings change nothing."""
    base = make_model("policy=workshops", "months=12", agents=False)
    tweaked = make_model("policy=workshops", "months=12", "policy.flexible_work.jobs_per_labourer=0.68", agents=False)
    for model in (base, tweaked):
        model.run()
    assert programme(base, "flexible_work") is None
    rows = table(base)
    assert (rows[["n_flexible_work", "flexible_work_hired", "flexible_work_season_end"]] == 0).all().all()
    pd.testing.assert_frame_equal(rows, table(tweaked))
