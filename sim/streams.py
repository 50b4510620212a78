"""One random stream per decision, seeded from the run seed and the decision's name.

Two policy mixes run with one seed then draw the same numbers for the same decision of the same
person (common random numbers): streams draw one number per person slot, whether or not the person
is at that decision this month, so a policy that changes who decides does not shift anyone else's
draws.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator for decision `name` in a run with `seed` (stable across Python sessions)."""
    # SFC64: statistically sound and the fastest of numpy's bit generators for bulk draws.
    return np.random.Generator(np.random.SFC64(np.random.SeedSequence([seed, zlib.crc32(name.encode())])))


class Streams:
    """Lazily created named generators for one run."""

    def __init__(self, seed: int, n_persons: int):
        self.seed = seed
        self.n_persons = n_persons
        self._rngs: dict[str, np.random.Generator] = {}

    def rng(self, name: str) -> np.random.Generator:
        if name not in self._rngs:
            self._rngs[name] = stream(self.seed, name)
        return self._rngs[name]

    def per_person(self, name: str) -> np.ndarray:
        """One uniform draw per person slot for this month's decision `name`."""
        return self.rng(name).random(self.n_persons)
