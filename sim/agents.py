"""Households as Mesa agents that read and write through to the columnar state.

No rule of the model lives here: the monthly process is vectorised over the arrays. The agent is the
view a notebook, Mesa's `AgentSet` tools and the DataCollector use.
"""

from __future__ import annotations

import mesa
import numpy as np
import pandas as pd

from sim.state import Health, Role, channels, in_states, labour_states


class Household(mesa.Agent):
    """Household number `index` of the model's household table."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def _h(self):
        return self.model.households

    @property
    def members(self) -> np.ndarray:
        """Person indices of living members."""
        idx = self._h.members_of(np.array([self.index]))
        return idx[self.model.people.role[idx] != Role.DECEASED]

    @property
    def village(self) -> int:
        return int(self._h.village[self.index])

    @property
    def size(self) -> int:
        return int(self._h.size[self.index])

    @property
    def poor(self) -> bool:
        return bool(self._h.poor[self.index])

    @property
    def care_need(self) -> bool:
        return bool(self._h.care_need[self.index])

    @property
    def income_per_capita(self) -> float:
        """Trailing 12-month net income per member, yuan/year."""
        return float(self.model.income_per_capita[self.index])

    @property
    def monthly_income(self) -> float:
        return float(self._h.income[self.index])

    @property
    def farm_potential(self) -> float:
        return float(self._h.farm_potential[self.index])

    @farm_potential.setter
    def farm_potential(self, yuan_per_year: float) -> None:
        self._h.farm_potential[self.index] = yuan_per_year

    @property
    def working_away(self) -> int:
        return int(in_states(self.model.people.state[self.members], labour_states(work=True, away=True)).sum())

    def member_table(self) -> pd.DataFrame:
        """One row per living member: who they are and what they do this month."""
        p, idx = self.model.people, self.members
        return pd.DataFrame(
            {
                "person": idx,
                "age": p.age[idx],
                "female": p.female[idx],
                "role": [Role.name_of(r).lower() for r in p.role[idx]],
                "health": [Health.name_of(x).lower() for x in p.health[idx]],
                "skill": p.skill[idx],
                "certificate": p.certificate[idx],
                "bound_carer": p.bound_carer[idx],
                "work": [channels().get(int(s), "-") for s in p.state[idx]],
                "earnings": p.earnings[idx],
            }
        )
