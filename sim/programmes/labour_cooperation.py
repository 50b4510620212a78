"""Organised migration through labour cooperation (劳务协作).

Two routes into an arranged job away: job fairs held by the receiving side (attend -> sign an
intent -> depart, the funnel the Yunxi pilot reports), and placements arranged month by month by the
employment service. Organised departures get the transport subsidy (a share of the ticket) and the
one-off job-search subsidy; follow-up services lower the quit hazard (see `migration.py`). A bound
carer may attend a fair and even sign, but never departs.
Fairs are open events, but the county fills them by mobilising the labourers its poverty ledger lists
(and pays the subsidies against it): only labourers of households the ledger knows attend (targeting).
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option, logistic
from sim.programmes.base import Programme
from sim.programmes.migration import away_value, can_leave
from sim.state import Health, Labour


class LabourCooperation(Programme):
    name = "labour_cooperation"
    spending_items = ("transport_subsidy", "job_search_subsidy")
    counters = ("fair_attendees", "fair_intents", "fair_departures", "placements")

    def __init__(self, model):
        super().__init__(model)
        self.cfg = model.cfg.policy.labour_cooperation
        d = model.destinations
        self.fair_dest = d.index(self.cfg.fair_destination)
        self.placement_dest = [d.index(n) for n in self.cfg.placement_destinations]
        scale = model.cfg.scale
        self.places_per_fair = round(self.cfg.places_per_fair * scale)
        monthly = self.cfg.placements_per_month * scale
        self.placement_capacity = np.array([monthly])  # shared by all placement destinations
        self.month_capacity = np.zeros(1, np.int64)

    def subsidy(self, dest: int) -> float:
        return self.cfg.transport_subsidy_share * self.model.destinations.ticket[dest] + self.cfg.job_search_subsidy

    def organised_value(self, idx: np.ndarray, dest: int) -> np.ndarray:
        """Utility of an arranged job at `dest`: the same work away, with the ticket partly paid,
        the job-search subsidy, and the value of a contract and an arranged journey."""
        cfg, ticket = self.cfg, self.model.destinations.ticket[dest]
        out_of_pocket = (1 - cfg.transport_subsidy_share) * ticket - cfg.job_search_subsidy
        return away_value(self.model, idx, dest, out_of_pocket) + self.model.cfg.behaviour.organised_bonus

    def accepts(self, idx: np.ndarray) -> np.ndarray:
        """Free to leave, and within the employers' age and schooling limits."""
        p = self.model.people
        return can_leave(self.model, idx) & (p.age[idx] <= self.cfg.max_age) & (p.skill[idx] >= self.cfg.min_skill)

    def fairs_this_month(self) -> int:
        """Fairs spread evenly over the year: how many fall in the current month."""
        n, month = self.cfg.fairs_per_year, self.model.calendar_month
        return (n * month) // 12 - (n * (month - 1)) // 12

    def supply(self) -> None:
        # Fractional monthly capacity is carried as a whole-number draw with the right mean.
        base = self.placement_capacity[0]
        extra = self.model.streams.rng("labour_cooperation.capacity").random() < base - int(base)
        self.month_capacity[0] = int(base) + int(extra)

    def options(self, searchers: np.ndarray) -> list[Option]:
        if self.month_capacity[0] <= 0:
            return []
        group = np.zeros(searchers.size, np.int64)
        closed = ~self.accepts(searchers)
        return [
            Option(self, d, np.where(closed, -np.inf, self.organised_value(searchers, d)), group, self.month_capacity)
            for d in self.placement_dest
        ]

    def admit(self, option: Option, persons: np.ndarray) -> None:
        self._depart(persons, option.key)
        self.counts["placements"] += persons.size

    def _depart(self, persons: np.ndarray, dest: int) -> None:
        p = self.model.people
        p.set_state(persons, Labour.MIGRANT_ORGANISED, dest=dest)
        ticket = self.model.destinations.ticket[dest]
        p.expense[persons] += (1 - self.cfg.transport_subsidy_share) * ticket
        self.spend("transport_subsidy", self.cfg.transport_subsidy_share * ticket * persons.size)
        self.spend("job_search_subsidy", self.cfg.job_search_subsidy * persons.size)

    def assign(self) -> None:
        for _ in range(self.fairs_this_month()):
            self._hold_fair()

    def _hold_fair(self) -> None:
        m = self.model
        p, b = m.people, m.cfg.behaviour
        u_attend = m.streams.per_person("fair.attend")
        can_attend = (p.state == Labour.FARM) & (p.health != Health.DISABLED) & (p.age <= self.cfg.max_age)
        attendees = np.flatnonzero(can_attend & (u_attend < b.fair_attend_rate))
        attendees = attendees[m.identified(attendees)]  # cadres mobilise attendance from the ledger
        # Anyone may sign an intent; only those free to leave depart, in random order, up to the places.
        u_intent, u_depart = m.streams.rng("fair.outcome").random((2, attendees.size))
        value = self.organised_value(attendees, self.fair_dest)
        signed = u_intent < logistic(b.intent_intercept + value)
        signs = attendees[signed]
        leaving = signed & (u_depart < b.depart_rate) & self.accepts(attendees)
        leaves = attendees[leaving][np.argsort(u_depart[leaving])][: self.places_per_fair]
        self._depart(leaves, self.fair_dest)
        self.counts["fair_attendees"] += attendees.size
        self.counts["fair_intents"] += signs.size
        self.counts["fair_departures"] += leaves.size
