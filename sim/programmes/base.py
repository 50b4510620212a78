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
    targeted: bool = True  # reaches only households the poverty ledger identifies (see targeting)
    gives_jobs: bool = True  # its options are jobs, which services and training make more attractive

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

    def new_year(self, school_leavers: np.ndarray) -> None:
        """After January's demography: `school_leavers` just turned 16 and left school."""

    def search_factor(self, factor: np.ndarray) -> None:
        """Adjust, in place, each person's chance of searching this month (services, follow-up)."""

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        """Add, in place, to the utility each searcher sees in every job option (matching help)."""

    def quit_factor(self, idx: np.ndarray, factor: np.ndarray) -> None:
        """Scale, in place, the quit hazard of the workers `idx` away from home (e.g. rewards)."""

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
        """Add this month's net earnings of its workers to `people.earnings` (and any transfer to
        households to `households.transfer`), and book the spending."""

    def separate(self, u: np.ndarray) -> None:
        """Quits, closures and returns; `u` is this month's separation draw per person."""

    @classmethod
    def measure_names(cls) -> tuple[str, ...]:
        """Names of the measures `record` returns (reported as 0 when the programme is off)."""
        return ()

    def record(self) -> dict[str, float]:
        """Measures for the monthly table, beyond spending and counters."""
        return {}
