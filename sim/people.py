"""The live columnar state of a run: persons and households, plus the moves between labour states.

Arrays are copied from the `Population` so the population itself stays the run's initial state.
"""

from __future__ import annotations

import numpy as np

from sim.population import Population, initial_labour_state
from sim.state import Health, Labour, Role

NEVER = np.iinfo(np.int16).min  # `returned_month` of someone who never came back (months run from -12)


class People:
    """One array per person attribute; index i is person i in every array."""

    def __init__(self, pop: Population):
        self.hh = pop.hh.copy()
        self.age = pop.age.copy()
        self.female = pop.female.copy()
        self.skill = pop.skill.copy()  # schooling level
        self.certificate = pop.certificate.copy()  # vocational certificate, from school, a course or a trade
        self.health = pop.health.copy()
        self.role = pop.role.copy()
        self.frail = pop.frail.copy()
        self.born = pop.born.copy()  # k >= 1: a slot not yet born before the k-th January (see population)
        n = self.hh.size
        self.state = initial_labour_state(self.role)
        self.tenure = np.zeros(n, np.int16)  # months in the current labour state
        self.dest = np.full(n, -1, np.int8)  # destination index of a migrant
        self.seat = np.full(n, -1, np.int32)  # employer id (in the employing programme's table)
        self.bound_carer = np.zeros(n, bool)  # must stay at home: a care need nobody else covers
        self.returned_month = np.full(n, NEVER, np.int16)  # month of the latest return from work away
        self.months_away = np.zeros(n, np.int16)  # length of the latest spell away
        self.earnings = np.zeros(n)  # yuan this month, net to the household
        self.expense = np.zeros(n)  # yuan this month paid by the household for this person

    @property
    def n(self) -> int:
        return self.hh.size

    def labourers(self) -> np.ndarray:
        return self.role == Role.LABOURER

    def set_state(self, idx: np.ndarray, state: Labour, dest: np.ndarray | int = -1, seat=-1) -> None:
        """Move persons `idx` into `state`; whatever seat or destination they held is released."""
        self.state[idx] = state
        self.tenure[idx] = 0
        self.dest[idx] = dest
        self.seat[idx] = seat

    def release(self, idx: np.ndarray) -> None:
        """Back to farming at home (quits, closures, returns)."""
        self.set_state(idx, Labour.FARM)

    def update_productivity(self, behaviour) -> None:
        """Pay factor relative to a healthy adult under 55 with primary schooling and no certificate
        (changes only yearly): schooling and a certificate raise pay separately."""
        b = behaviour
        f = (1.0 + b.skill_wage_premium * self.skill) * (1.0 + b.certificate_wage_premium * self.certificate)
        f = f * np.where(self.health == Health.CHRONIC, b.chronic_productivity, 1.0)
        f = f * np.where(self.health == Health.DISABLED, b.disabled_productivity, 1.0)
        self.productivity = f * np.where(self.age >= 55, b.older_productivity, 1.0)


class Households:
    """One array per household attribute."""

    def __init__(self, pop: Population, people: People):
        n = pop.n_households
        self.n = n
        self.village = pop.village.copy()
        self.farm_potential = pop.farm_potential.copy()
        # Persons are stored household by household: members of h are first[h]:first[h] + count[h].
        counts = np.bincount(people.hh, minlength=n)
        self.first = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self.slots = counts  # members, including slots reserved for births
        self.size = np.bincount(people.hh[people.role != Role.DECEASED], minlength=n)  # living members
        self.farm_need = np.zeros(n)  # labour units to farm the land fully (set from the region)
        self.elders = np.zeros(n, np.int32)
        self.elder_units = np.zeros(n)  # farm labour units of capable elders
        self.care_load = np.zeros(n)  # sum of the members' care loads (see care)
        self.care_need = np.zeros(n, bool)  # the load needs someone at home
        self.elder_cover = np.zeros(n, bool)  # capable elders cover the load
        self.units = np.zeros(n)  # farm labour units at home last month
        self.identified = np.ones(n, bool)  # in the poverty ledger with its labour status (targeting)
        self.transfer = np.zeros(n)  # this month's programme transfers to the household, yuan
        self.temporary = np.zeros(n)  # of this month's income: one-off payments and allowances, yuan
        # The channel of a programme transfer that lifts a household without work (-1: none this month).
        self.transfer_channel = np.full(n, -1, np.int8)
        self.on_floor = np.zeros(n, bool)  # paid the minimum living guarantee this month (social security)
        self.income = np.zeros(n)  # this month, yuan
        self.income_ring = np.zeros((12, n))  # last 12 months of income
        self.trailing = np.zeros(n)  # sum of the last 12 months
        self.temporary_ring = np.zeros((12, n))  # last 12 months of temporary income
        self.temporary_trailing = np.zeros(n)
        self.work_ring = np.zeros((12, n))  # last 12 months of members' earnings from work
        self.work_trailing = np.zeros(n)
        self.poor = np.zeros(n, bool)
        self.initially_poor = np.zeros(n, bool)
        self.exit_channel = np.full(n, -1, np.int8)  # labour state credited with the latest exit

    def members_of(self, households: np.ndarray) -> np.ndarray:
        """Person indices of the given households (including deceased slots)."""
        counts = self.slots[households]
        offsets = np.repeat(self.first[households] - (np.cumsum(counts) - counts), counts)
        return np.arange(counts.sum()) + offsets
