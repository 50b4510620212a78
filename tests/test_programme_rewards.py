"""Stable-employment rewards: paid once per continuous spell after 6 months away or 3 in flexible
work, to households the ledger knows and that are out of poverty, as a one-off payment booked as
spending; while a reward is ahead, migrants of such households quit less."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import household_sum, make_model, programme, table

from sim.programmes.migration import can_leave
from sim.state import Labour, labour_states

MIGRANT_STATES = labour_states(work=True, away=True)

# Nobody quits, searches or starts away, so only the migrants a test sends are away.
STILL = (
    "policy=none",
    "behaviour.search_rate=0",
    "behaviour.quit_floor=0",
    "behaviour.quit_early_intra=0",
    "behaviour.quit_early_cross=0",
)


def send_away(model, count: int) -> np.ndarray:
    """Send `count` free labourers away now (before the next month), as if they had just left."""
    p = model.people
    free = np.flatnonzero((p.state == Labour.FARM) & can_leave(model, np.arange(p.n)))
    cohort = free[:: max(free.size // count, 1)][:count]
    p.set_state(cohort, Labour.MIGRANT_SELF, dest=0)
    return cohort


def test_reward_paid_once_after_the_sixth_month_and_in_spending():
    """Migrants who leave before month 1 work months 1-6; the reward is paid in month 7, once, to
    their households that are out of poverty by then (it is in their income, as a one-off payment),
    and booked as spending; nothing in any other month, and nothing to households still poor."""
    with_rewards = make_model(*STILL, "policy.rewards.enabled=true", "months=12")
    without = make_model(*STILL, "months=12")
    cohort = send_away(with_rewards, 20)
    np.testing.assert_array_equal(send_away(without, 20), cohort)
    amount = with_rewards.cfg.policy.rewards.amount
    rewards = programme(with_rewards, "rewards")
    h, p = with_rewards.households, with_rewards.people
    rewarded = np.zeros(0, np.int64)
    for month in range(1, 13):
        poor_before = h.poor.copy()  # the latest income test when the month's transfers are paid
        with_rewards.step()
        without.step()
        paid = month == 7
        due = cohort[~poor_before[p.hh[cohort]]] if paid else np.zeros(0, np.int64)
        if paid:
            rewarded = due
        per_household = household_sum(with_rewards, np.isin(np.arange(p.n), due)) * amount
        assert rewards.flows["paid_migrant"] == due.size, f"month {month}"
        assert rewards.flows["reward"] == pytest.approx(amount * due.size)
        np.testing.assert_allclose(h.transfer, per_household, err_msg=f"month {month}")
        np.testing.assert_allclose(h.temporary, per_household, err_msg=f"month {month}: a one-off payment")
        np.testing.assert_allclose(h.income - without.households.income, h.transfer, atol=1e-6)
    assert 0 < rewarded.size < cohort.size, "some of the cohort's households should still be poor in month 7"
    assert (p.state[cohort] == Labour.MIGRANT_SELF).all()
    assert table(with_rewards)["spend_rewards_reward"].sum() == pytest.approx(amount * rewarded.size)
    assert table(with_rewards)["spend_total"].sum() == pytest.approx(amount * rewarded.size)


def test_a_new_spell_earns_a_new_reward():
    """A migrant who comes home and leaves again starts a new spell, rewarded 6 months into it."""
    model = make_model(*STILL, "policy.rewards.enabled=true", "months=16")
    rewards, p, h = programme(model, "rewards"), model.people, model.households
    cohort = send_away(model, 10)
    again = cohort[:5]
    paid, out_of_poverty = [], {}
    for month in range(1, 17):
        if month == 9:  # half of them come home at the end of month 8 and leave again at once
            p.release(again)
            p.set_state(again, Labour.MIGRANT_SELF, dest=0)
        out_of_poverty[month] = ~h.poor[p.hh]  # when the month's rewards are paid
        model.step()
        paid.append(rewards.flows["paid_migrant"])
    first, second = out_of_poverty[7][cohort].sum(), out_of_poverty[15][again].sum()
    assert first > 0 and second > 0
    assert paid[7 - 1] == first and paid[15 - 1] == second
    assert sum(paid) == first + second


def test_paid_exactly_to_those_due_and_only_to_identified_households():
    """Each month the rewarded are the migrants with 6 completed months and the flexible workers with
    3, in households the ledger knows and that are not poor; the transfer (a one-off payment) and the
    spending are the amount per reward."""
    model = make_model(
        "policy=none", "policy.rewards.enabled=true", "policy.flexible_work.enabled=true",
        "policy.targeting.enabled=true", "policy.targeting.identified_share=0.5",
        "behaviour.search_rate=0.3", "months=16",
    )  # fmt: skip
    rewards, p, h = programme(model, "rewards"), model.people, model.households
    amount = model.cfg.policy.rewards.amount
    seen = {"migrant": 0, "flexible": 0, "poor": 0, "unknown": 0}

    def pay_transfers():
        known = h.identified[p.hh]
        not_poor = ~h.poor[p.hh]
        migrant_due = np.isin(p.state, MIGRANT_STATES) & (p.tenure == 6)
        flexible_due = (p.state == Labour.FLEXIBLE) & (p.tenure == 3)
        migrant, flexible = migrant_due & known & not_poor, flexible_due & known & not_poor
        before, temporary_before = h.transfer.copy(), h.temporary.copy()
        type(rewards).pay_transfers(rewards)
        assert rewards.flows["paid_migrant"] == migrant.sum()
        assert rewards.flows["paid_flexible"] == flexible.sum()
        expected = household_sum(model, (migrant | flexible).astype(float)) * amount
        np.testing.assert_allclose(h.transfer - before, expected)
        np.testing.assert_allclose(h.temporary - temporary_before, expected)
        assert rewards.flows["reward"] == pytest.approx(amount * (migrant.sum() + flexible.sum()))
        seen["migrant"] += int(migrant.sum())
        seen["flexible"] += int(flexible.sum())
        due = migrant_due | flexible_due
        seen["poor"] += int((due & known & ~not_poor).sum())
        seen["unknown"] += int((due & ~known & not_poor).sum())

    rewards.pay_transfers = pay_transfers
    model.run()
    assert seen["migrant"] > 0 and seen["flexible"] > 0
    assert seen["poor"] > 0 and seen["unknown"] > 0, "both rules should turn someone away"
    rows = table(model)
    assert rows["rewards_paid_flexible"].iloc[1:4].sum() == 0  # January to March: not yet 3 months
    assert rows["rewards_paid_flexible"].iloc[4] > 0  # April: January's flexible workers


def test_a_reward_ahead_keeps_migrants_on_the_job():
    """With the same random draws, the migrants who quit in month 1 with rewards on are a strict
    subset of those who quit without: only those with a reward still ahead, in households out of
    poverty, quit less. Early quits are made common so that month 1 has enough of them."""
    quitters = {}
    for on in (True, False):
        model = make_model(
            "policy=none", f"policy.rewards.enabled={str(on).lower()}", "behaviour.constant_migrate_intra=0",
            "behaviour.constant_migrate_cross=0", "behaviour.quit_early_intra=0.8", "behaviour.quit_early_cross=0.8",
            "behaviour.reward_quit_factor=0.3", "months=1",
        )  # fmt: skip
        p = model.people
        away = np.flatnonzero(np.isin(p.state, MIGRANT_STATES))
        tenure = p.tenure.copy()
        model.households.poor[::2] = True  # few migrants' households are poor: make half of them so
        poor = model.households.poor[p.hh]
        model.step()
        quitters[on] = away[p.returned_month[away] == 1]
    assert np.isin(quitters[True], quitters[False]).all()
    assert quitters[True].size < quitters[False].size
    spared = np.setdiff1d(quitters[False], quitters[True])
    assert (tenure[spared] < 6).all()  # tenure before month 1: the reward was still ahead
    assert not poor[spared].any()  # only households out of poverty can expect the reward
    ahead_but_poor = quitters[True][(tenure[quitters[True]] < 6) & poor[quitters[True]]]
    assert ahead_but_poor.size > 0, "migrants of poor households quit as if there were no reward"


def test_switched_off_changes_nothing():
    """Off, nothing is paid, and its settings change nothing."""
    base = make_model("policy=workshops", "months=12", agents=False)
    tweaked = make_model("policy=workshops", "months=12", "policy.rewards.amount=99999", agents=False)
    for model in (base, tweaked):
        model.run()
    assert programme(base, "rewards") is None
    rows = table(base)
    assert (rows[["spend_rewards_reward", "rewards_paid_migrant", "rewards_paid_flexible"]] == 0).all().all()
    pd.testing.assert_frame_equal(rows, table(tweaked))
