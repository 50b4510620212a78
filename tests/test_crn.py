"""Common random numbers: every draw is keyed by decision, month and slot, so two policy mixes run with
one seed draw the same value wherever both make the same decision, whatever else differs."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_model

from sim.streams import Streams

MONTHS = 14  # through one January, so the yearly draws are in too


def recorded_draws(*overrides: str) -> dict[tuple[str, int], np.ndarray]:
    """Run a model and record every draw it makes: (decision, month) -> values by slot."""
    model = make_model("scale=0.02", "seed=4", f"months={MONTHS}", *overrides, agents=False)
    draws: dict[tuple[str, int], np.ndarray] = {}

    def record(name: str, month: int, values: np.ndarray) -> None:
        have = draws.get((name, month))
        draws[(name, month)] = values.copy() if have is None or have.size < values.size else have

    model.streams.recorder = record
    model.run()
    return draws


@pytest.mark.parametrize(
    "other",
    [
        ("policy=none",),
        ("policy=labour_cooperation",),
        ("policy=full_mix", "policy.employment_services.enabled=false", "policy.training.enabled=false"),
    ],
    ids=["none", "labour_cooperation", "full_mix_without_services_and_training"],
)
def test_every_draw_made_by_both_mixes_is_equal(other):
    """Full mix against another mix: each (decision, month, slot) drawn by both has one value."""
    full = recorded_draws("policy=full_mix")
    second = recorded_draws(*other)
    shared = set(full) & set(second)
    assert len(shared) > MONTHS * 4, "the runs share too few decisions to compare"
    for key in sorted(shared):
        a, b = full[key], second[key]
        n = min(a.size, b.size)
        np.testing.assert_array_equal(a[:n], b[:n], err_msg=f"draws of {key} differ between the mixes")
    # The comparison is not empty on both sides of a mechanism that only one mix has.
    assert {name for name, _ in set(full) - set(second)}, "the full mix should make decisions the other does not"


def test_a_month_draws_the_same_whatever_earlier_months_drew():
    """Skipping a decision in one month, or drawing more slots, changes no later or other draw."""
    a, b = Streams(7, 100), Streams(7, 100)
    a.start_month(1)
    a.per_person("search")
    a.per_slot("close", 5)
    b.start_month(1)  # b skips every decision in month 1
    a.start_month(2)
    b.start_month(2)
    np.testing.assert_array_equal(a.per_person("search"), b.per_person("search"))
    np.testing.assert_array_equal(a.per_slot("close", 3), b.per_slot("close", 8)[:3])
    assert a.one("places") == b.one("places")
    assert not np.array_equal(a.per_person("search"), a.per_person("choice"))


def test_a_decision_asked_twice_in_a_month_gives_the_same_values():
    s = Streams(1, 50)
    s.start_month(3)
    first = s.per_person("ration").copy()
    np.testing.assert_array_equal(first, s.per_person("ration"))
    s.start_month(4)
    assert not np.array_equal(first, s.per_person("ration"))
