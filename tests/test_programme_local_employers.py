"""Local employers and producers: seats in villages, awards once per worker, openings that follow the
award, and nothing at all when the programme is off."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import make_model, programme, table

from sim.state import Health, Labour

ON = ("policy=none", "policy.local_employers.enabled=true", "behaviour.search_rate=0.3")
LOCAL_EMPLOYER_STATES = (Labour.LOCAL_FIRM, Labour.LOCAL_PRODUCER)  # in the order of the kinds: firm, producer
OFF_COLUMNS = ("n_local_firm", "n_local_producer", "spend_local_employers_award", "local_employers_hired")


def test_workers_sit_at_open_employers_of_their_kind_in_their_village():
    """Every month: a worker's seat is at an open employer of the kind matching the state, in the
    worker's village; no employer has more workers than seats; every worker's award was paid once and
    the award spending is the award times the persons newly awarded."""
    model = make_model(*ON, "months=24")
    le = programme(model, "local_employers")
    award = model.cfg.policy.local_employers.award_per_worker
    hired = 0
    for _ in range(24):
        awarded_before = le.awarded.copy()
        model.step()
        p = model.people
        workers = np.flatnonzero(np.isin(p.state, LOCAL_EMPLOYER_STATES))
        seat = p.seat[workers]
        assert le.open[seat].all()
        np.testing.assert_array_equal(le.type[seat], p.state[workers] - Labour.LOCAL_FIRM)
        np.testing.assert_array_equal(le.village[seat], model.households.village[p.hh[workers]])
        assert (np.bincount(seat, minlength=le.seats.size) <= le.seats).all()
        assert le.awarded[workers].all()
        newly = int((le.awarded & ~awarded_before).sum())
        assert le.flows["award"] == pytest.approx(award * newly)
        hired += le.flows["hired"]
    assert hired > 0
    assert table(model)["spend_local_employers_award"].sum() == pytest.approx(award * le.awarded.sum())


def test_only_eligible_labourers_are_hired():
    """New workers are within their kind's age limit, not disabled, and from households the ledger
    knows."""
    model = make_model(*ON, "policy.targeting.enabled=true", "policy.targeting.identified_share=0.5", "months=18")
    cfg = model.cfg.policy.local_employers
    hired = 0
    for _ in range(18):
        model.step()
        p = model.people
        for state, kind in zip(LOCAL_EMPLOYER_STATES, (cfg.firm, cfg.producer), strict=True):
            new = np.flatnonzero((p.state == state) & (p.tenure == 1))
            hired += new.size
            assert (p.age[new] <= kind.max_age).all()
            assert (p.health[new] != Health.DISABLED).all()
            assert model.households.identified[p.hh[new]].all()
    assert hired > 0


def test_a_higher_award_opens_more_employers():
    """Openings rise with the award per worker: over a run with the same seed, a higher award opens
    more employers and hires more workers."""
    opened, hired = {}, {}
    for award in (0, 8000):
        model = make_model(*ON, f"policy.local_employers.award_per_worker={award}", "months=36", agents=False)
        model.run()
        rows = table(model)
        opened[award], hired[award] = rows["local_employers_opened"].sum(), rows["local_employers_hired"].sum()
    assert opened[8000] > opened[0]
    assert hired[8000] > hired[0]


def test_closure_lays_off_its_workers():
    """Closing an employer sends its workers back to the farm and frees nobody else."""
    model = make_model(*ON, "months=12")
    model.run()
    le, p = programme(model, "local_employers"), model.people
    workers = le.workers()
    target = np.bincount(p.seat[workers], minlength=le.seats.size).argmax()
    closing = np.zeros(le.open.size, bool)
    closing[target] = True
    at_target = workers[p.seat[workers] == target]
    others = workers[p.seat[workers] != target]
    le.close(closing)
    assert at_target.size > 0
    assert (p.state[at_target] == Labour.FARM).all() and (p.seat[at_target] == -1).all()
    assert np.isin(p.state[others], LOCAL_EMPLOYER_STATES).all()


def test_switched_off_changes_nothing():
    """Off, the programme has no workers or spending, and its settings do not change the run."""
    base = make_model("policy=workshops", "months=12", agents=False)
    tweaked = make_model(
        "policy=workshops", "months=12", "policy.local_employers.award_per_worker=9999",
        "policy.local_employers.firm.initial_per_labourer=0.0068", agents=False,
    )  # fmt: skip
    for model in (base, tweaked):
        model.run()
    assert programme(base, "local_employers") is None
    rows = table(base)
    assert (rows[list(OFF_COLUMNS)] == 0).all().all()
    pd.testing.assert_frame_equal(rows, table(tweaked))
