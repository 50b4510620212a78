"""Random draws that stay paired across policy mixes (common random numbers).

Every draw is keyed by (run seed, decision name, month) and by the slot it is for: a person, a
household or an employer. A decision draws one value per slot of its kind, whether or not anyone is
at that decision this month, and a month's draws do not depend on any earlier month's. Two policy
mixes run with one seed therefore draw the same value for the same decision of the same person in
the same month, and a mix that changes who decides, or skips a decision in some month, shifts no one
else's draws.

`rng(name)` is the exception: a generator for one programme's own bulk draws (how many workshops
open, where) that no other programme's choices can reach; it too starts afresh each month.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable

import numpy as np


def stream(seed: int, name: str, *key: int) -> np.random.Generator:
    """The generator for decision `name` in a run with `seed` (stable across Python sessions)."""
    # SFC64: statistically sound and the fastest of numpy's bit generators for bulk draws.
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence([seed, zlib.crc32(name.encode()), *key])))


class Streams:
    """The named draws of one run. The model sets `month` at the start of each step (0 is set-up)."""

    def __init__(self, seed: int, n_persons: int):
        self.seed = seed
        self.n_persons = n_persons
        self.month = 0
        self._drawn: dict[str, np.ndarray] = {}
        self._rngs: dict[str, np.random.Generator] = {}
        self.recorder: Callable[[str, int, np.ndarray], None] | None = None  # (decision, month, values)

    def _month_key(self) -> int:
        """Months before the run (set-up at -12, the year before at -11..0) key draws of their own."""
        return self.month if self.month >= 0 else 2**31 - self.month

    def start_month(self, month: int) -> None:
        self.month = month
        self._drawn.clear()
        self._rngs.clear()

    def _draw(self, name: str, n: int) -> np.ndarray:
        """`n` uniform draws for slots 0..n-1 of decision `name` this month; the value of a slot does
        not depend on `n`, and asking again this month gives the same values."""
        have = self._drawn.get(name)
        if have is None or have.size < n:
            have = stream(self.seed, name, self._month_key()).random(max(n, 0))
            self._drawn[name] = have
            if self.recorder is not None:
                self.recorder(name, self.month, have)
        return have[:n]

    def per_person(self, name: str) -> np.ndarray:
        """One uniform draw per person slot for this month's decision `name`."""
        return self._draw(name, self.n_persons)

    def for_persons(self, name: str, idx: np.ndarray) -> np.ndarray:
        """The draws of persons `idx` for decision `name` (nothing is drawn when `idx` is empty: a
        month's draws do not depend on other months, so a skipped month shifts nothing)."""
        return self.per_person(name)[idx] if idx.size else np.zeros(0)

    def per_household(self, name: str, n_households: int) -> np.ndarray:
        return self._draw(name, n_households)

    def per_slot(self, name: str, n: int) -> np.ndarray:
        """One draw per slot of a growing table (employers by id, course kinds...)."""
        return self._draw(name, n)

    def one(self, name: str) -> float:
        return float(self._draw(name, 1)[0])

    def rng(self, name: str) -> np.random.Generator:
        """This month's generator for a programme's own bulk draws (continues within the month)."""
        if name not in self._rngs:
            self._rngs[name] = stream(self.seed, f"{name}#bulk", self._month_key())
        return self._rngs[name]
