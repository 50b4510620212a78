"""Free technical schooling (两后生): young school leavers without work enrol in January, do not work
while enrolled, cost the programme every month, and graduate with the graduate skill."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_model, programme, table

from sim.state import Health, Labour, Role

MONTHS = 26  # Januaries at months 1, 13 and 25
JOBS = ("policy=none", "policy.workshops.enabled=true", "seed=2")
# One-year school with many places, so that two cohorts enrol and one graduates within the run.
SCHOOL = (
    *JOBS,
    "policy.tech_school.enabled=true",
    "policy.tech_school.years=1",
    "policy.tech_school.places_per_labourer_year=0.0082",  # 600 a year in Yunxi
)


@pytest.fixture(scope="module")
def school_run():
    model = make_model(*SCHOOL, f"months={MONTHS}")
    p = model.people
    months = []
    for _ in range(MONTHS):
        before = {"state": p.state.copy(), "skill": p.skill.copy()}
        model.step()
        ts = programme(model, "tech_school")
        months.append(
            {
                "t": model.t,
                "calendar_month": model.calendar_month,
                "state_before": before["state"],
                "skill_before": before["skill"],
                "state": p.state.copy(),
                "earnings": p.earnings.copy(),
                "age": p.age.copy(),
                "skill": p.skill.copy(),
                "productivity": p.productivity.copy(),
                "spending": ts.flows["schooling"],
                "counts": dict(ts.flows),
            }
        )
    return model, months


def test_a_student_does_not_work_while_enrolled(school_run):
    """The issue's example: from enrolment until graduation a student stays in technical school,
    earns nothing and gives the household no farm labour."""
    model, months = school_run
    assert model.labour_weight[Labour.TECH_SCHOOL] == 0
    states = np.array([m["state"] for m in months])
    enrolled = np.flatnonzero(states[0] == Labour.TECH_SCHOOL)
    assert enrolled.size > 0
    assert (states[:12, enrolled] == Labour.TECH_SCHOOL).all(), "one year of school, every month of it"
    assert (states[12, enrolled] != Labour.TECH_SCHOOL).all(), "graduated the next January"
    for m in months:
        students = m["state"] == Labour.TECH_SCHOOL
        assert (m["earnings"][students] == 0).all(), f"month {m['t']}"


def test_enrolment_in_january_only_of_young_labourers_without_work(school_run):
    """Students enrol only in January, from labourers without work up to `max_age` who are not
    disabled, at most the year's places, each person offered once."""
    model, months = school_run
    cfg = model.cfg.policy.tech_school
    p = model.people
    places = cfg.places_per_labourer_year * model.cfg.region.labourers * model.cfg.scale
    enrolled_ever = []
    for m in months:
        new = np.flatnonzero((m["state"] == Labour.TECH_SCHOOL) & (m["state_before"] != Labour.TECH_SCHOOL))
        if m["calendar_month"] != 1:
            assert new.size == 0, f"month {m['t']}"
            continue
        assert 0 < new.size <= int(places) + 1, f"month {m['t']}"
        assert m["counts"]["enrolled"] == new.size
        assert (m["age"][new] <= cfg.max_age).all()
        assert (p.role[new] == Role.LABOURER).all()
        assert (p.health[new] != Health.DISABLED).all()
        # Without work when the year's offers were made: the January leavers, or farming before.
        assert np.isin(m["state_before"][new], [Labour.FARM, Labour.NONE]).all()
        enrolled_ever.append(new)
    everyone = np.concatenate(enrolled_ever)
    assert np.unique(everyone).size == everyone.size


def test_graduates_have_vocational_schooling_a_certificate_and_higher_pay(school_run):
    """Graduates hold at least the graduate schooling and a certificate, their pay factor rises
    accordingly, and the school helps them look for work."""
    model, months = school_run
    cfg, b = model.cfg.policy.tech_school, model.cfg.behaviour
    graduation = months[12]
    grads = np.flatnonzero(
        (graduation["state_before"] == Labour.TECH_SCHOOL) & (graduation["state"] != Labour.TECH_SCHOOL)
    )
    assert grads.size > 0 and graduation["counts"]["graduated"] == grads.size
    assert (graduation["skill"][grads] >= cfg.graduate_schooling).all()
    assert model.people.certificate[grads].all()
    p = model.people
    kept = p.productivity
    p.update_productivity(b)  # from skill, health and age alone (no birthday moves them past 55)
    fresh, p.productivity = p.productivity, kept
    np.testing.assert_allclose(graduation["productivity"][grads], fresh[grads])
    raised = graduation["skill_before"][grads] < cfg.graduate_schooling
    assert raised.any()
    assert (graduation["productivity"][grads[raised]] > months[11]["productivity"][grads[raised]]).all()
    assert table(model)["tech_school_employed"].sum() > 0


def test_schooling_cost_is_booked_for_every_student_month(school_run):
    model, months = school_run
    cost = model.cfg.policy.tech_school.cost_per_student_month
    for m in months:
        assert m["spending"] == pytest.approx(cost * (m["state"] == Labour.TECH_SCHOOL).sum()), f"month {m['t']}"
    tb = table(model)
    assert (tb["spend_tech_school_schooling"] == tb["n_tech_school"] * cost).all()
    assert tb["spend_tech_school_schooling"].sum() > 0


def test_without_enrolment_tech_school_changes_nothing():
    """Switched on with nobody enrolling it leaves the run as it is switched off; off, its columns
    are zero."""
    on = make_model(*SCHOOL, "policy.tech_school.enrol_rate=0", "months=14", agents=False)
    off = make_model(*JOBS, "months=14", agents=False)
    on.run()
    off.run()
    tb_on, tb_off = table(on), table(off)
    offered = tb_on.pop("tech_school_offered")
    assert offered.sum() > 0
    tb_off.pop("tech_school_offered")
    pd.testing.assert_frame_equal(tb_on, tb_off)
    cols = [c for c in tb_off.columns if "tech_school" in c]
    assert cols and (tb_off[cols] == 0).all().all()
