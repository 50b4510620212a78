"""Organised migration through labour cooperation (劳务协作).

Two routes into an arranged job away: job fairs held by the receiving side (attend -> sign an
intent -> depart, the funnel the Yunxi pilot reports), and placements arranged month by month by the
employment service, to any of the placement destinations; the month's placements are one capacity
that the takers of every destination share, in random order. Organised departures get the transport
subsidy (a share of the ticket) and the job-search subsidy, once per person, paid to the household;
follow-up services lower the quit hazard. A bound carer may attend a fair and even sign, but never
departs.
Fairs are open events, but the county fills them by mobilising the labourers its poverty ledger lists
(and pays the subsidies against it): only labourers of households the ledger knows attend (targeting).
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option, logistic
from sim.measures import counter, spending
from sim.programmes.base import Programme
from sim.programmes.migration import away_value, can_leave
from sim.settings import LabourCooperationConfig
from sim.state import Health, Labour, State


class LabourCooperation(Programme):
    name = "labour_cooperation"
    settings = LabourCooperationConfig
    order = 50
    states = (
        State(
            "MIGRANT_ORGANISED", "labour_cooperation", "Migrant, labour cooperation", "#3a5fcd", 0.0,
            away=True, stable=True, code=6,
        ),
    )  # fmt: skip
    measures = (
        spending("transport_subsidy", "Transport subsidy (share of the ticket)"),
        spending("job_search_subsidy", "One-off job-search subsidy"),
        counter("fair_attendees", "Job-fair attendees"),
        counter("fair_intents", "Intents signed at fairs"),
        counter("fair_departures", "Departures from fairs"),
        counter("placements", "Placements outside fairs"),
    )

    def __init__(self, model):
        super().__init__(model)
        d = model.destinations
        self.fair_dest = d.index(self.cfg.fair_destination)
        self.placement_dest = [d.index(n) for n in self.cfg.placement_destinations]
        self.places_per_fair = round(self.per_labourer(self.cfg.places_per_fair_per_labourer))
        self.placements_per_month = self.per_labourer(self.cfg.placements_per_labourer_month)
        self.month_capacity = np.zeros(1, np.int64)  # shared by all placement destinations
        self.subsidised = np.zeros(model.people.n, bool)  # got the job-search subsidy already
        self.organised = self.codes["MIGRANT_ORGANISED"]

    def organised_value(self, idx: np.ndarray, dest: int) -> np.ndarray:
        """Utility of an arranged job at `dest`: the same work away, with the ticket partly paid,
        the job-search subsidy (for those who have not had it), and the value of a contract and an
        arranged journey."""
        cfg, ticket = self.cfg, self.model.destinations.ticket[dest]
        out_of_pocket = (1 - cfg.transport_subsidy_share) * ticket - cfg.job_search_subsidy * ~self.subsidised[idx]
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
        base = self.placements_per_month
        extra = self.model.streams.one("labour_cooperation.capacity") < base - int(base)
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
        self.count("placements", persons.size)

    def _depart(self, persons: np.ndarray, dest: int) -> None:
        m = self.model
        p = m.people
        p.set_state(persons, self.organised, dest=dest)
        ticket = m.destinations.ticket[dest]
        p.expense[persons] += (1 - self.cfg.transport_subsidy_share) * ticket
        self.spend("transport_subsidy", self.cfg.transport_subsidy_share * ticket * persons.size)
        first = persons[~self.subsidised[persons]]  # the job-search subsidy is paid once per person
        self.subsidised[first] = True
        m.pay_one_off(p.hh[first], self.cfg.job_search_subsidy)
        self.spend("job_search_subsidy", self.cfg.job_search_subsidy * first.size)

    def assign(self) -> None:
        for k in range(self.fairs_this_month()):
            self._hold_fair(k)

    def _hold_fair(self, k: int) -> None:
        """The month's fair number k: its own attendance and outcome draws per person."""
        m = self.model
        p, b, s = m.people, m.cfg.behaviour, m.streams
        u_attend = s.per_person(f"fair.attend.{k}")
        can_attend = (p.state == Labour.FARM) & (p.health != Health.DISABLED) & (p.age <= self.cfg.max_age)
        attendees = np.flatnonzero(can_attend & (u_attend < b.fair_attend_rate))
        attendees = attendees[m.identified(attendees)]  # cadres mobilise attendance from the ledger
        # Anyone may sign an intent; only those free to leave depart, in random order, up to the places.
        u_intent = s.for_persons(f"fair.intent.{k}", attendees)
        u_depart = s.for_persons(f"fair.depart.{k}", attendees)
        value = self.organised_value(attendees, self.fair_dest)
        signed = u_intent < logistic(b.intent_intercept + value)
        leaving = signed & (u_depart < b.depart_rate) & self.accepts(attendees)
        leaves = attendees[leaving][np.argsort(u_depart[leaving])][: self.places_per_fair]
        self._depart(leaves, self.fair_dest)
        self.count("fair_attendees", attendees.size)
        self.count("fair_intents", int(signed.sum()))
        self.count("fair_departures", leaves.size)

    def quit_factor(self, hazard: np.ndarray) -> None:
        """Follow-up services at the destination keep organised migrants on the job."""
        if self.cfg.follow_up_services:
            organised = np.flatnonzero(self.model.people.state == self.organised)
            hazard[organised] *= self.model.cfg.behaviour.organised_quit_factor
