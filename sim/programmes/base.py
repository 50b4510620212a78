"""The small interface every programme implements.

A programme says who is eligible and what it is worth to them (`options`), takes the ones who chose
it (`admit`), places people administratively or through events (`assign`), supplies capacity
(`supply`), pays its workers (`pay`), lets them go (`separate`) and books its spending (`spend`).
The model calls these in the fixed monthly order; a new programme is one new module plus its config.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.choice import Option

if TYPE_CHECKING:
    from sim.model import PovertyModel


class Programme:
    name: str = "programme"
    spending_items: tuple[str, ...] = ()  # budget lines, in yuan, recorded every month
    counters: tuple[str, ...] = ()  # monthly counts recorded as `<name>_<counter>`

    def __init__(self, model: PovertyModel):
        self.model = model
        self.spending = dict.fromkeys(self.spending_items, 0.0)
        self.counts = dict.fromkeys(self.counters, 0)

    def new_month(self) -> None:
        for k in self.spending:
            self.spending[k] = 0.0
        for k in self.counts:
            self.counts[k] = 0

    def spend(self, item: str, amount: float) -> None:
        self.spending[item] += float(amount)

    def supply(self) -> None:
        """Update this month's capacity (openings, closures, vacancies)."""

    def options(self, searchers: np.ndarray) -> list[Option]:
        """Options this programme offers to the searching labourers `searchers`."""
        return []

    def admit(self, option: Option, persons: np.ndarray) -> None:
        """Take in the persons who chose `option` and got a place."""

    def assign(self) -> None:
        """Administrative placements and events (posts, job fairs), after the choices."""

    def pay(self) -> None:
        """Add this month's net earnings of this programme's workers to `people.earnings`."""

    def separate(self, u: np.ndarray) -> None:
        """Quits, closures and returns; `u` is this month's separation draw per person."""

    def record(self) -> dict[str, float]:
        """Measures for the monthly table, beyond spending and counters."""
        return {}
