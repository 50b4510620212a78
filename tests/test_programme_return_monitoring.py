"""Return-flow monitoring: migrants who come home are found with the detection rate and helped back
into work for some months, at a cost per open case each month."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import in_work, make_model, programme, spy_on_search_and_bonus, table

MONTHS = 24
JOBS = ("policy=none", "policy.workshops.enabled=true", "policy.labour_cooperation.enabled=true", "seed=8")
# Many migrants, so that many come home.
MONITORING = (*JOBS, "policy.return_monitoring.enabled=true")


@pytest.fixture(scope="module")
def monitoring_run():
    """Step month by month; half the households are unknown to the ledger."""
    model = make_model(*MONITORING, f"months={MONTHS}")
    model.households.identified[1::2] = False
    rm = programme(model, "return_monitoring")
    months = []
    spy_on_search_and_bonus(rm, months)
    for _ in range(MONTHS):
        months.append({"cases_before": rm.cases.persons.copy()})
        model.step()
        months[-1].update(
            t=model.t,
            returned=np.flatnonzero(model.people.returned_month == model.t),  # came home this month
            cases=rm.cases.persons.copy(),
            state=model.people.state.copy(),
            returned_month=model.people.returned_month.copy(),
            counts=dict(rm.flows),
            spend=rm.flows["follow_up"],
        )
    return model, months


def test_found_returnees_are_reemployed_faster_than_those_missed(monitoring_run):
    """The monitoring finds returnees at random: those found take work again within three months far
    more often than identified returnees it missed."""
    model, months = monitoring_run
    found_took, missed_took = [], []
    known = model.households.identified[model.people.hh]
    for s in range(MONTHS - 3):
        returned = months[s]["returned"]
        returned = returned[known[returned]]
        found = np.isin(returned, months[s]["cases"])
        took = np.any([in_work(months[s + k]["state"][returned]) for k in (1, 2, 3)], axis=0)
        found_took.append(took[found])
        missed_took.append(took[~found])
    found_took, missed_took = np.concatenate(found_took), np.concatenate(missed_took)
    assert found_took.size > 100 and missed_took.size > 50
    assert found_took.mean() > 2 * missed_took.mean(), (found_took.mean(), missed_took.mean())


def test_only_identified_returnees_are_found_at_the_detection_rate(monitoring_run):
    model, months = monitoring_run
    cfg = model.cfg.policy.return_monitoring
    known = model.households.identified[model.people.hh]
    returned = found = 0
    for m in months:
        new = np.setdiff1d(m["cases"], m["cases_before"])
        assert np.isin(new, m["returned"]).all() and known[new].all(), f"month {m['t']}"
        assert m["counts"]["returned"] == known[m["returned"]].sum()
        returned += m["counts"]["returned"]
        found += m["counts"]["found"]
    assert returned > 200
    share = found / returned
    assert abs(share - cfg.detection_rate) < 4 * np.sqrt(cfg.detection_rate * (1 - cfg.detection_rate) / returned)


def test_cases_get_priority_and_the_bonus_until_work_or_their_months_end(monitoring_run):
    """Open cases search at the follow-up rate and see the matching bonus; nobody else is touched;
    a case closes when its returnee works again or after `follow_up_months`."""
    model, months = monitoring_run
    cfg, b = model.cfg.policy.return_monitoring, model.cfg.behaviour
    for m in months:
        cases = m["cases_before"]
        others = np.setdiff1d(np.arange(model.people.n), cases)
        assert (m["rate"][cases] >= cfg.search_rate).all()
        np.testing.assert_array_equal(m["rate"][others], m["rate_before"][others])
        if "searchers" in m:
            helped = np.isin(m["searchers"], cases)
            np.testing.assert_allclose(m["bonus"], b.service_matching_bonus * helped)
        assert not in_work(m["state"][m["cases"]]).any(), f"month {m['t']}: a case in work stays open"
        since_return = m["t"] - m["returned_month"][m["cases"]]
        assert (since_return < cfg.follow_up_months).all(), f"month {m['t']}: a case open too long"
    assert sum(m["counts"]["reemployed"] for m in months) > 0


def test_each_open_case_month_is_paid(monitoring_run):
    model, months = monitoring_run
    cost = model.cfg.policy.return_monitoring.cost_per_case_month
    for m in months:
        assert m["spend"] == pytest.approx(cost * m["cases_before"].size), f"month {m['t']}"
    tb = table(model)
    assert tb["spend_return_monitoring_follow_up"].sum() > 0
    assert (tb["return_monitoring_cases"].to_numpy()[1:] == [m["cases"].size for m in months]).all()


def test_without_detection_monitoring_changes_nothing():
    on = make_model(*MONITORING, "policy.return_monitoring.detection_rate=0", "months=14", agents=False)
    off = make_model(*JOBS, "months=14", agents=False)
    on.run()
    off.run()
    tb_on, tb_off = table(on), table(off)
    returned = tb_on.pop("return_monitoring_returned")
    tb_off.pop("return_monitoring_returned")
    assert returned.sum() > 0
    pd.testing.assert_frame_equal(tb_on, tb_off)
    cols = [c for c in tb_off.columns if "return_monitoring" in c]
    assert cols and (tb_off[cols] == 0).all().all()
