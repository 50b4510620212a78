"""Stable-employment rewards: paid once per continuous spell after 6 months away or 3 in flexible
work, to the household, booked as spending; while a reward is ahead, migrants quit less."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import household_sum, make_model, programme, table

from sim.programmes.migration import can_leave
from sim.state import MIGRANT_STATES, Labour

# Nobody quits, searches or starts away, so only the migrants a test sends are away.
STILL = (
    "policy=none",
    "region.initial_migrant_share=0",
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
    their households (it is in their income), and booked as spending; nothing in any other month."""
    with_rewards = make_model(*STILL, "policy.rewards.enabled=true", "months=12")
    without = make_model(*STILL, "months=12")
    cohort = send_away(with_rewards, 20)
    np.testing.assert_array_equal(send_away(without, 20), cohort)
    amount = with_rewards.cfg.policy.rewards.amount
    rewards = programme(with_rewards, "rewards")
    per_household = household_sum(with_rewards, np.isin(np.arange(with_rewards.people.n), cohort)) * amount
    for month in range(1, 13):
        with_rewards.step()
        without.step()
        h = with_rewards.households
        paid = month == 7
        assert rewards.counts["paid_migrant"] == (cohort.size if paid else 0), f"month {month}"
        assert rewards.spending["reward"] == pytest.approx(amount * cohort.size if paid else 0.0)
        np.testing.assert_allclose(h.transfer, per_household if paid else 0.0, err_msg=f"month {month}")
        np.testing.assert_allclose(h.income - without.households.income, h.transfer, atol=1e-6)
    assert (with_rewards.people.state[cohort] == Labour.MIGRANT_SELF).all()
    assert table(with_rewards)["spend_rewards_reward"].sum() == pytest.approx(amount * cohort.size)
    assert table(with_rewards)["spend_total"].sum() == pytest.approx(amount * cohort.size)


def test_a_new_spell_earns_a_new_reward():
    """A migrant who comes home and leaves again starts a new spell, rewarded 6 months into it."""
    model = make_model(*STILL, "policy.rewards.enabled=true", "months=16")
    rewards, p = programme(model, "rewards"), model.people
    cohort = send_away(model, 10)
    paid = []
    for month in range(1, 17):
        if month == 9:  # half of them come home at the end of month 8 and leave again at once
            again = cohort[:5]
            p.release(again)
            p.set_state(again, Labour.MIGRANT_SELF, dest=0)
        model.step()
        paid.append(rewards.counts["paid_migrant"])
    assert paid[7 - 1] == 10 and paid[15 - 1] == 5
    assert sum(paid) == 15


def test_paid_exactly_to_those_due_and_only_to_identified_households():
    """Each month the rewarded are the migrants with 6 completed months and the flexible workers with
    3, in households the ledger knows; the transfer and the spending are the amount per reward."""
    model = make_model(
        "policy=none", "policy.rewards.enabled=true", "policy.flexible_work.enabled=true",
        "policy.targeting.enabled=true", "policy.targeting.identified_share=0.5",
        "behaviour.search_rate=0.3", "months=16",
    )  # fmt: skip
    rewards, p, h = programme(model, "rewards"), model.people, model.households
    amount = model.cfg.policy.rewards.amount
    seen = {"migrant": 0, "flexible": 0}

    def pay():
        known = h.identified[p.hh]
        migrant = np.isin(p.state, MIGRANT_STATES) & (p.tenure == 6) & known
        flexible = (p.state == Labour.FLEXIBLE) & (p.tenure == 3) & known
        before = h.transfer.copy()
        type(rewards).pay(rewards)
        assert rewards.counts["paid_migrant"] == migrant.sum()
        assert rewards.counts["paid_flexible"] == flexible.sum()
        expected = household_sum(model, (migrant | flexible).astype(float)) * amount
        np.testing.assert_allclose(h.transfer - before, expected)
        assert rewards.spending["reward"] == pytest.approx(amount * (migrant.sum() + flexible.sum()))
        seen["migrant"] += int(migrant.sum())
        seen["flexible"] += int(flexible.sum())

    rewards.pay = pay
    model.run()
    assert seen["migrant"] > 0 and seen["flexible"] > 0
    rows = table(model)
    assert rows["rewards_paid_flexible"].iloc[1:4].sum() == 0  # January to March: not yet 3 months
    assert rows["rewards_paid_flexible"].iloc[4] > 0  # April: January's flexible workers


def test_a_reward_ahead_keeps_migrants_on_the_job():
    """With the same random draws, the migrants who quit in month 1 with rewards on are a strict
    subset of those who quit without: only those with a reward still ahead quit less."""
    quitters = {}
    for on in (True, False):
        model = make_model(
            "policy=none", f"policy.rewards.enabled={str(on).lower()}", "region.initial_migrant_share=0.6",
            "behaviour.reward_quit_factor=0.3", "months=1",
        )  # fmt: skip
        p = model.people
        away = np.flatnonzero(np.isin(p.state, MIGRANT_STATES))
        tenure = p.tenure.copy()
        model.step()
        quitters[on] = away[p.returned_month[away] == 1]
    assert np.isin(quitters[True], quitters[False]).all()
    assert quitters[True].size < quitters[False].size
    spared = np.setdiff1d(quitters[False], quitters[True])
    assert (tenure[spared] < 6).all()  # tenure before month 1: the reward was still ahead


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
