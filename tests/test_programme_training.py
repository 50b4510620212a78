"""Skills training: requests wait for an intake with places, trainees are paid an allowance and do
not work, graduates gain skill and the course's placement service helps them into work."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from conftest import in_work, make_model, programme, table

from sim.programmes.training import KINDS
from sim.state import Health, Labour, Role

MONTHS = 26  # crosses two Januaries: the brand premium must survive the yearly productivity update
JOBS = ("policy=none", "policy.workshops.enabled=true", "policy.labour_cooperation.enabled=true", "seed=3")
TRAINING = (*JOBS, "policy.training.enabled=true")
# Enough requests that every kind fills its places at the small scale.
BUSY = (
    *TRAINING,
    "behaviour.search_rate=0.3",
    "behaviour.constant_training=1",
    "policy.training.brand.places_per_labourer_month=0.00137",  # 100 a month in Yunxi
)


@dataclass
class Month:
    t: int
    calendar_month: int
    state_before: np.ndarray
    state: np.ndarray
    skill_before: np.ndarray
    skill: np.ndarray
    productivity_before: np.ndarray
    productivity: np.ndarray
    done_before: np.ndarray
    done: np.ndarray
    course: np.ndarray
    start: np.ndarray
    capacity: np.ndarray  # places offered this month per kind (after `supply`)
    earnings: np.ndarray
    flows: dict  # spending items and counters of the month
    certificate_before: np.ndarray
    certificate: np.ndarray


def step_months(*overrides: str, months: int = MONTHS):
    model = make_model(*overrides, f"months={months}")
    tr = programme(model, "training")
    offered = []
    supply = tr.supply

    def spy_supply():
        supply()
        offered.append(tr.capacity[:, 0].copy())

    tr.supply = spy_supply
    options = tr.options
    searched_while_booked = []

    def spy_options(searchers):
        # Those waiting for a booked course do not search, however much another hook raised their chance.
        searched_while_booked.append(int(np.isin(searchers, tr.booked).sum()))
        return options(searchers)

    tr.options = spy_options
    p = model.people
    out = []
    for _ in range(months):
        before = (p.state.copy(), p.skill.copy(), p.productivity.copy(), tr.done.copy(), p.certificate.copy())
        model.step()
        out.append(
            Month(
                model.t,
                model.calendar_month,
                before[0],
                p.state.copy(),
                before[1],
                p.skill.copy(),
                before[2],
                p.productivity.copy(),
                before[3],
                tr.done.copy(),
                tr.course.copy(),
                tr.start.copy(),
                offered[-1],
                p.earnings.copy(),
                dict(tr.flows),
                before[4],
                p.certificate.copy(),
            )
        )
    assert sum(searched_while_booked) == 0, "a labourer waiting for a course searched"
    return model, out


@pytest.fixture(scope="module")
def busy_run():
    return step_months(*BUSY)


def graduates_of(month: Month) -> np.ndarray:
    return np.flatnonzero(month.done != month.done_before)


def test_graduates_take_work_more_often_than_the_same_people_untrained():
    """The issue's example: a trainee's placement probability rises. Same seed, training on and off:
    the same persons, without work at the month they graduate (on) or would have (off), are followed
    for three months; with training far more of them take work."""
    months = 24
    _, on = step_months(*TRAINING, months=months)
    off = make_model(*JOBS, f"months={months}")
    off_states = []
    for _ in range(months):
        off.step()
        off_states.append(off.people.state.copy())
    took_on, took_off = [], []
    for g in range(1, months - 2):
        grads = graduates_of(on[g])
        grads = grads[off_states[g - 1][grads] == Labour.FARM]  # without work then in the run without training
        window = range(g, g + 3)
        took_on.append(np.any([in_work(on[s].state[grads]) for s in window], axis=0))
        took_off.append(np.any([in_work(off_states[s][grads]) for s in window], axis=0))
    took_on, took_off = np.concatenate(took_on), np.concatenate(took_off)
    assert took_on.size > 100
    assert took_on.mean() > 2 * took_off.mean() and took_on.mean() > took_off.mean() + 0.2, (
        took_on.mean(),
        took_off.mean(),
    )


def test_requests_start_after_the_delay_within_the_places(busy_run):
    """Requests of a month are booked for the intake one month later (15 days, rounded up), never more
    per kind than that intake's places; general classes take no intake in farm-busy months."""
    model, months = busy_run
    busy_months = model.cfg.region.busy_months
    for m in months:
        booked = np.flatnonzero(m.start == m.t + 1)
        per_kind = np.bincount(m.course[booked], minlength=len(KINDS))
        assert (per_kind <= m.capacity).all(), f"month {m.t}: {per_kind} booked, {m.capacity} places"
        intake = m.calendar_month % 12 + 1
        if intake in busy_months:
            assert per_kind[KINDS.index("general")] == 0, f"month {m.t}"
    filled = sum((np.bincount(m.course[m.start == m.t + 1], minlength=3) == m.capacity).sum() for m in months)
    assert filled > len(months), "the busy run should fill intakes"
    for prev, m in itertools.pairwise(months):
        starting = np.flatnonzero((prev.start == m.t) & (m.state == Labour.TRAINING) & (m.state_before == Labour.FARM))
        assert starting.size > 0 or m.t < 3
        assert (m.start[starting] == -1).all()


def test_only_eligible_labourers_start_each_kind(busy_run):
    """Trainees are labourers within the kind's ages; special classes take only the older, least
    schooled or disabled; the other kinds take no disabled labourer; each kind once per person."""
    model, months = busy_run
    cfg = model.cfg.policy.training
    p = model.people
    for m in months:
        new = np.flatnonzero((m.state == Labour.TRAINING) & (m.state_before != Labour.TRAINING))
        assert (m.state_before[new] == Labour.FARM).all()
        for k, name in enumerate(KINDS):
            course = getattr(cfg, name)
            who = new[m.course[new] == k]
            age = p.age[who]  # ages move by at most a year within the run
            assert (age >= course.min_age).all() and (age <= course.max_age + 2).all(), name
            disabled = p.health[who] == Health.DISABLED
            if not course.allow_disabled:
                assert not disabled.any(), name
            if course.disadvantaged_only:
                assert ((age >= cfg.disadvantaged_age) | (m.skill_before[who] == 0) | disabled).all(), name
            assert not ((m.done_before[who] >> k) & 1).any(), f"{name} taken twice"
    assert (p.role[np.flatnonzero(months[-1].done)] != Role.CHILD).all()


def test_trainees_stay_for_the_course_and_are_paid_the_allowance(busy_run):
    """A trainee is in training for exactly the course length, earns the allowance each month and
    nothing else; the programme books the allowance and the course cost for every trainee-month."""
    model, months = busy_run
    cfg = model.cfg.policy.training
    allowance = cfg.allowance_per_day * cfg.days_per_month
    length = np.array([getattr(cfg, k).months for k in KINDS])
    for m in months:
        trainees = np.flatnonzero(m.state == Labour.TRAINING)
        np.testing.assert_allclose(m.earnings[trainees], allowance, err_msg=f"month {m.t}")
        assert m.flows["allowance"] == pytest.approx(allowance * trainees.size)
        assert m.flows["course_cost"] == pytest.approx(cfg.course_cost_per_month * trainees.size)
    states = np.array([m.state for m in months])
    course = np.array([m.course for m in months])
    for s in range(1, len(months) - 3):
        started = np.flatnonzero((states[s] == Labour.TRAINING) & (states[s - 1] != Labour.TRAINING))
        for i, k in zip(started, course[s, started], strict=True):
            spell = states[s : s + length[k] + 1, i] == Labour.TRAINING
            assert spell[: length[k]].all() and not spell[length[k]], f"person {i}, kind {KINDS[k]}"
    tb = table(model)
    assert (tb["spend_training_allowance"] == tb["n_training"] * allowance).all()


def test_graduates_gain_a_certificate_not_schooling_and_brand_graduates_keep_their_premium(busy_run):
    """On graduation a course that certifies gives a certificate, schooling is unchanged, and pay
    follows (the certificate premium, once); brand graduates' premium survives the yearly update."""
    model, months = busy_run
    cfg, b = model.cfg.policy.training, model.cfg.behaviour
    tr = programme(model, "training")
    graduated = 0
    for m in months:
        grads = graduates_of(m)
        if m.calendar_month == 1:
            continue  # January recomputes everyone's productivity: checked below
        kind = np.log2((m.done[grads] ^ m.done_before[grads]).astype(float)).astype(int)
        certifies = np.array([getattr(cfg, k).certificate for k in KINDS])[kind]
        premium = np.array([getattr(cfg, k).wage_premium for k in KINDS])[kind]
        np.testing.assert_array_equal(m.skill[grads], m.skill_before[grads])
        before, after = m.certificate_before[grads], m.certificate[grads]
        np.testing.assert_array_equal(after, before | certifies)
        c = b.certificate_wage_premium
        ratio = (1 + c * after) / (1 + c * before) * (1 + premium)
        np.testing.assert_allclose(m.productivity[grads], m.productivity_before[grads] * ratio)
        graduated += grads.size
    assert graduated > 100
    brand = np.flatnonzero((months[-1].done >> KINDS.index("brand")) & 1)
    assert brand.size > 0
    np.testing.assert_allclose(tr.premium[brand], cfg.brand.wage_premium)
    p = model.people
    rebuilt = p.productivity.copy()
    p.update_productivity(b)  # what January computes from skill, health and age alone
    np.testing.assert_allclose(rebuilt, p.productivity * (1 + tr.premium))


def test_placed_graduates_search_with_priority_for_the_placement_months(busy_run):
    """The placement service follows graduates for `placement_months` or until they work; the
    counters add up."""
    model, months = busy_run
    tb = table(model)
    assert tb["training_graduates"].sum() == sum(graduates_of(m).size for m in months)
    assert tb["training_placed"].sum() == tb["training_graduates"].sum()  # placement_rate 1
    assert 0 < tb["training_employed"].sum() <= tb["training_placed"].sum()
    for counter in ("graduates", "employed"):
        by_kind = tb[[f"training_{k}_{counter}" for k in KINDS]].sum(axis=1)
        assert (by_kind == tb[f"training_{counter}"]).all()
    assert (tb["training_brand_employed"] <= tb["training_brand_graduates"].cumsum()).all()
    assert tb["training_brand_employed"].sum() > 0
    tr = programme(model, "training")
    followed = tr.placement.persons
    assert (tr.placement.last_month[followed] >= model.t).all()
    assert (tr.placement.last_month[followed] < model.t + model.cfg.policy.training.placement_months).all()
    assert not in_work(model.people.state[followed]).any()


def test_without_places_training_changes_nothing():
    """Switched on with no places it leaves the run as it is switched off; switched off, its columns
    are zero."""
    no_places = [f"policy.training.{k}.places_per_labourer_month=0" for k in KINDS]
    on = make_model(*TRAINING, *no_places, "months=14", agents=False)
    off = make_model(*JOBS, "months=14", agents=False)
    on.run()
    off.run()
    pd.testing.assert_frame_equal(table(on), table(off))
    cols = [c for c in table(off).columns if "training" in c]
    assert cols and (table(off)[cols] == 0).all().all()
