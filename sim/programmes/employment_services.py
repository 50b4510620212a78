"""Employment services: rounds of job offers brought to every labourer without work (Yunnan's rule:
at least 3 rounds of at least 5 offers a year), and the follow-up help other programmes share.

Rounds are spread evenly over the year. In a round month, labourers of identified households who have
no work weigh the offers with a raised chance (those who want work), and the offers make every job
option easier to take. n offers of a kind are worth more than one (the best of n taste draws), so the
bonus grows with ln(1 + n), scaled so that the behaviour's `service_matching_bonus` is the bonus at
the rule's 5 offers. Each labourer who weighs a round's offers is served and costs `cost_per_round`.
Job fairs stay with labour cooperation (`labour_cooperation.py`).
"""

from __future__ import annotations

import math

import numpy as np

from sim.measures import counter, spending
from sim.programmes.base import Programme
from sim.settings import EmploymentServicesConfig
from sim.state import Labour, code_table, labour_states

RULE_OFFERS = 5  # offers per round at which `service_matching_bonus` is stated (yunnan_job_offer_rule)


class FollowUp:
    """Persons a programme helps look for work for some months (graduates, returnees): they weigh
    their options with a raised chance and see a bonus on every job. Help ends when they are in work
    or their months are up."""

    def __init__(self, n: int):
        self.last_month = np.full(n, -1, np.int32)  # last month of help; -1 when not helped
        self.persons = np.zeros(0, np.int64)
        self.in_work = code_table(dict.fromkeys(labour_states(work=True), True), False, bool)

    def add(self, persons: np.ndarray, t: int, months: int) -> None:
        """Help `persons` in the `months` months after month t (restarting any help they had)."""
        if months <= 0 or persons.size == 0:
            return
        new = persons[self.last_month[persons] < 0]
        self.last_month[persons] = t + months
        self.persons = np.concatenate([self.persons, new])

    def raise_search(self, rate: np.ndarray, chance: float) -> None:
        if self.persons.size:
            rate[self.persons] = np.maximum(rate[self.persons], chance)

    def add_bonus(self, searchers: np.ndarray, bonus: np.ndarray, value: float) -> None:
        if self.persons.size:
            bonus += value * (self.last_month[searchers] >= 0)

    def settle(self, state: np.ndarray, t: int) -> np.ndarray:
        """End help for those now in work and those whose months are up; returns those in work."""
        working = self.in_work[state[self.persons]]
        found_work = self.persons[working]
        ended = working | (self.last_month[self.persons] <= t)
        self.last_month[self.persons[ended]] = -1
        self.persons = self.persons[~ended]
        return found_work


class EmploymentServices(Programme):
    name = "employment_services"
    settings = EmploymentServicesConfig
    order = 80
    measures = (
        spending("service", "Job-offer rounds: labourers served"),
        counter("rounds", "Rounds of job offers", "rounds"),
        counter("served", "Labourers who weighed a round's offers"),
    )
    brokered = False  # brings other programmes' jobs; offers none of its own

    def __init__(self, model):
        super().__init__(model)
        self.bonus = model.cfg.behaviour.service_matching_bonus * math.log1p(self.cfg.offers_per_round)
        self.bonus /= math.log1p(RULE_OFFERS)
        self.in_round = False

    def round_this_month(self) -> bool:
        """Rounds spread evenly over the year: whether one falls in the current month."""
        n, month = self.cfg.offer_rounds_per_year, self.model.calendar_month
        return (n * month) // 12 > (n * (month - 1)) // 12

    def start_month(self) -> None:
        super().start_month()
        self.in_round = self.round_this_month()
        self.count("rounds", int(self.in_round))

    def adjust_search(self, rate: np.ndarray) -> None:
        if not self.in_round:
            return
        m = self.model
        p = m.people
        reached = np.flatnonzero(p.state == Labour.FARM)
        reached = reached[m.identified(reached)]
        rate[reached] = np.maximum(rate[reached], self.cfg.round_search_rate)

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        """Searchers of identified households weigh this round's offers: they are served."""
        if not self.in_round:
            return
        served = self.model.identified(searchers)
        bonus += self.bonus * served
        n = int(served.sum())
        self.count("served", n)
        self.spend("service", self.cfg.cost_per_round * n)
