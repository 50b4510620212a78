"""Flexible work (弹性灵活就业) in farm-slack months: home handicraft, hourly and seasonal jobs.

A county-wide number of jobs is open in slack months only; searchers take them by choice, up to that
number. The work fits around the household (largely compatible with caring, most farm labour kept).
When a busy month begins every flexible worker goes back to the farm; they may take flexible work
again when the slack season returns.
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option
from sim.measures import counter
from sim.programmes.base import Programme
from sim.settings import FlexibleWorkConfig
from sim.state import Health, State


class FlexibleWork(Programme):
    name = "flexible_work"
    settings = FlexibleWorkConfig
    order = 40
    states = (State("FLEXIBLE", "flexible_work", "Flexible work (slack months)", "#fdae6b", "home_labour", code=14),)
    measures = (
        counter("hired", "Flexible workers hired"),
        counter("season_end", "Back to the farm as a busy season begins"),
    )

    def __init__(self, model):
        super().__init__(model)
        self.flexible = self.codes["FLEXIBLE"]
        self.jobs = round(self.per_labourer(self.cfg.jobs_per_labourer))
        self.vacancies = np.zeros(1, np.int64)  # one county-wide capacity group
        self._workers = np.zeros(0, np.int64)  # everyone hired since, some of whom may have left

    def workers(self) -> np.ndarray:
        """Flexible workers: those `admit` hired and still in the state (no pass over everyone)."""
        w = self._workers
        self._workers = w = w[self.model.people.state[w] == self.flexible]
        return w

    def supply(self) -> None:
        workers = self.workers()
        if self.model.is_busy_month:
            self.model.people.release(workers)
            self.count("season_end", workers.size)
            self.vacancies[0] = 0
        else:
            self.vacancies[0] = max(self.jobs - workers.size, 0)

    def options(self, searchers: np.ndarray) -> list[Option]:
        if self.vacancies[0] <= 0:
            return []
        m, cfg = self.model, self.cfg
        p, b = m.people, m.cfg.behaviour
        gain = self.pay() * p.productivity[searchers] - m.farm_loss(searchers, cfg.home_labour)
        value = m.money_weight * gain + b.constant_flexible
        value -= b.care_penalty * (1 - cfg.care_compatibility) * p.bound_carer[searchers]
        closed = p.age[searchers] > cfg.max_age
        if not cfg.allow_disabled:
            closed |= p.health[searchers] == Health.DISABLED
        group = np.zeros(searchers.size, np.int64)
        return [Option(self, "flexible", np.where(closed, -np.inf, value), group, self.vacancies)]

    def admit(self, option: Option, persons: np.ndarray) -> None:
        self._workers = np.concatenate([self.workers(), persons])
        self.model.people.set_state(persons, self.flexible)
        self.count("hired", persons.size)

    def pay_workers(self) -> None:
        p = self.model.people
        workers = self.workers()
        p.earnings[workers] += self.pay() * p.productivity[workers]

    def pay(self) -> float:
        """Monthly pay at full productivity this year: base-year pay times the rural wage-income index."""
        return self.cfg.pay * self.model.pay_index["rural_wage_income"]

    def quit_hazard(self, hazard: np.ndarray) -> None:
        hazard[self.workers()] = self.cfg.quit_rate
