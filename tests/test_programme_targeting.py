"""Targeting: the poverty ledger knows only part of the registered poor, and programmes that work
through it reach only those it knows."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_model, programme, table

from sim.state import Labour, owned_by

LEDGER = ("policy.targeting.enabled=true",)
# States that only targeted programmes or ledger-based placements lead into (workshops, organised
# work away, welfare posts).
LEDGER_STATES = (*owned_by("workshops"), Labour.MIGRANT_ORGANISED, Labour.WELFARE_POST)
# Workshops, placements, fairs and posts used heavily, so that what the ledger shuts out shows.
BUSY = (
    "policy=full_mix",
    "behaviour.search_rate=0.3",
    "behaviour.fair_attend_rate=0.3",
    "behaviour.intent_intercept=3",
)


def known_share(model) -> float:
    return float(model.households.identified.mean())


def binomial_tolerance(share: float, n: int) -> float:
    return 4 * np.sqrt(share * (1 - share) / n) + 1e-9


def test_ledger_starts_at_its_share_and_reviews_find_the_missing():
    """At the start about `identified_share` of households are known; each January's review finds
    `found_per_year` of those still missing; nobody once found is lost again."""
    model = make_model(
        "policy=none", *LEDGER, "policy.targeting.identified_share=0.6", "policy.targeting.found_per_year=0.5"
    )
    n = model.households.n
    assert abs(known_share(model) - 0.6) < binomial_tolerance(0.6, n)
    before = model.households.identified.copy()
    for year, months in ((1, 13), (2, 12)):  # the reviews come in the Januaries of months 13 and 25
        model.run(months)
        known = model.households.identified.copy()
        expected = 1 - 0.4 * 0.5**year
        assert abs(known_share(model) - expected) < binomial_tolerance(expected, n), f"year {year}"
        assert (known >= before).all(), "a household once in the ledger stays in it"
        before = known
    tb = table(model)
    assert tb["targeting_identified_households"].iloc[-1] == before.sum()


def test_same_households_known_in_every_mix():
    """One draw per household from its own stream: the ledger is the same whatever the mix."""
    a = make_model("policy=none", *LEDGER, "seed=5", agents=False)
    b = make_model("policy=full_mix", "seed=5", agents=False)
    assert (a.households.identified == b.households.identified).all()
    assert not a.households.identified.all()


@pytest.fixture(scope="module")
def half_known():
    """A busy full mix with half the households unknown to the ledger and no review; the state of
    every person before and after each month."""
    model = make_model(*BUSY, "policy.targeting.identified_share=0.5", "policy.targeting.found_per_year=0", "months=24")
    posts = programme(model, "welfare_posts")
    found_eligible = []
    cls = type(posts)

    def eligible():
        found = cls.eligible(posts)
        found_eligible.append(found)
        return found

    posts.eligible = eligible
    steps = []
    for _ in range(24):
        before = model.people.state.copy()
        model.step()
        steps.append((before, model.people.state.copy()))
    return model, steps, found_eligible


def test_unknown_households_never_enter_ledger_programmes(half_known):
    """No labourer of a household the ledger does not know ever starts in a workshop, an organised
    job away or a welfare post; labourers of known households do, in numbers."""
    model, steps, _ = half_known
    unknown = ~model.identified(np.arange(model.people.n))
    entered_known = 0
    for t, (before, after) in enumerate(steps, start=1):
        entered = np.isin(after, LEDGER_STATES) & (after != before)
        assert not (entered & unknown).any(), f"month {t}"
        entered_known += int((entered & ~unknown).sum())
    assert entered_known > 100
    # Work people arrange themselves is not targeted: the unknown still leave on their own.
    entered_self = sum(
        int(((after == Labour.MIGRANT_SELF) & (before != after) & unknown).sum()) for before, after in steps
    )
    assert entered_self > 0


def test_welfare_posts_and_fairs_reach_only_the_known(half_known):
    """Welfare-post candidates and fair attendees all come from households the ledger knows."""
    model, _, found_eligible = half_known
    assert sum(f.size for f in found_eligible) > 0
    for found in found_eligible:
        assert model.identified(found).all()
    assert table(model)["labour_cooperation_fair_attendees"].sum() > 0


def test_an_empty_ledger_shuts_every_targeted_door():
    """With nobody in the ledger, nobody enters a workshop, an organised job, a post or a fair."""
    model = make_model(*BUSY, "policy.targeting.identified_share=0", "policy.targeting.found_per_year=0", "months=14")
    model.run()
    assert not np.isin(model.people.state, LEDGER_STATES).any()
    tb = table(model)
    assert (tb["labour_cooperation_fair_attendees"] == 0).all()
    assert (tb["welfare_posts_placed"] == 0).all()


def test_complete_ledger_or_switched_off_changes_nothing():
    """Off (the ledger taken as complete) and on with a complete ledger give the same run, column for
    column, except the ledger's own count; off, every household is known and the count is zero."""
    on = make_model("policy=full_mix", "policy.targeting.identified_share=1", "seed=6", "months=14", agents=False)
    off = make_model("policy=full_mix", "policy.targeting.enabled=false", "seed=6", "months=14", agents=False)
    on.run()
    off.run()
    assert programme(off, "targeting") is None and off.households.identified.all()
    a, b = table(on), table(off)
    assert (b["targeting_identified_households"] == 0).all()
    assert (a["targeting_identified_households"] == on.households.n).all()
    cols = [c for c in a.columns if c != "targeting_identified_households"]
    assert a[cols].equals(b[cols])
