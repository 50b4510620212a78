"""Local poverty-alleviation workshops: factory-type, home-based and cooperative.

Workshops sit in villages and have seats. They open at a rate that rises with the one-off award per
poor worker hired (paid to the workshop, once per person), and close at a yearly rate, laying off
their workers. Pay is piece-rate: a wage at full productivity times the worker's productivity, lower
in farm-busy months (workers farm then). Home-based work is compatible with caring; factory-type
only partly, which a bound carer weighs as a utility cost.
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option
from sim.programmes.base import Programme
from sim.state import WORKSHOP_STATES, Health

TYPES = ("factory", "home", "coop")


class Workshops(Programme):
    name = "workshops"
    spending_items = ("award",)
    counters = ("hired", "opened", "closed", "laid_off")

    def __init__(self, model):
        super().__init__(model)
        self.cfg = model.cfg.policy.workshops
        self.types = [getattr(self.cfg, t) for t in TYPES]
        self.rng = model.streams.rng("workshops.supply")
        n_vil = model.n_villages
        self.village_weight = np.bincount(model.households.village, minlength=n_vil) / model.households.n
        self.village = np.zeros(0, np.int32)
        self.type = np.zeros(0, np.int8)
        self.seats = np.zeros(0, np.int32)
        self.open = np.zeros(0, bool)
        for t, wt in enumerate(self.types):
            self._open_workshops(t, round(wt.initial * model.cfg.scale))
        self.vacancies = np.zeros((len(TYPES), n_vil), np.int64)

    def _open_workshops(self, t: int, count: int) -> None:
        if count <= 0:
            return
        vil = self.rng.choice(self.village_weight.size, size=count, p=self.village_weight).astype(np.int32)
        seats = 1 + self.rng.poisson(self.types[t].seats_mean - 1, count)
        self.village = np.concatenate([self.village, vil])
        self.type = np.concatenate([self.type, np.full(count, t, np.int8)])
        self.seats = np.concatenate([self.seats, seats.astype(np.int32)])
        self.open = np.concatenate([self.open, np.ones(count, bool)])
        self.counts["opened"] += count

    def opening_rate(self, t: int) -> float:
        """Expected openings this month for type t, rising with the award per worker."""
        award = self.cfg.award_per_worker / self.cfg.award_reference
        return self.types[t].openings_per_year / 12 * self.model.cfg.scale * (1 + self.cfg.award_elasticity * award)

    def supply(self) -> None:
        p = self.model.people
        closing = self.open & (
            self.rng.random(self.open.size) < np.array([wt.closure_rate for wt in self.types])[self.type] / 12
        )
        if closing.any():
            self.open[closing] = False
            self.counts["closed"] += int(closing.sum())
            laid_off = np.flatnonzero(p.workshop >= 0)
            laid_off = laid_off[closing[p.workshop[laid_off]]]
            p.release(laid_off)
            self.counts["laid_off"] += laid_off.size
        for t in range(len(TYPES)):
            self._open_workshops(t, int(self.rng.poisson(self.opening_rate(t))))
        free = self.free_seats()
        self.vacancies[:] = 0
        np.add.at(self.vacancies, (self.type, self.village), free)

    def free_seats(self) -> np.ndarray:
        p = self.model.people
        workers = p.workshop[p.workshop >= 0]
        occupied = np.bincount(workers, minlength=self.seats.size)
        return np.where(self.open, self.seats - occupied, 0)

    def options(self, searchers: np.ndarray) -> list[Option]:
        m = self.model
        p, b = m.people, m.cfg.behaviour
        village = m.households.village[p.hh[searchers]]
        constants = (b.constant_workshop_factory, b.constant_workshop_home, b.constant_workshop_coop)
        opts = []
        for t, wt in enumerate(self.types):
            if not self.vacancies[t].any():
                continue
            pay = self.expected_pay(searchers, t)
            gain = pay - m.farm_loss(searchers, wt.home_labour)
            value = b.income_weight * gain / 1000 + constants[t]
            value -= b.care_penalty * (1 - wt.care_compatibility) * p.bound_carer[searchers]
            closed = (
                (self.vacancies[t][village] <= 0)
                | (p.age[searchers] > wt.max_age)
                | (p.skill[searchers] < wt.min_skill)
            )
            if not wt.allow_disabled:
                closed |= p.health[searchers] == Health.DISABLED
            opts.append(Option(self, t, np.where(closed, -np.inf, value), village, self.vacancies[t]))
        return opts

    def expected_pay(self, idx: np.ndarray, t: int) -> np.ndarray:
        """Average monthly pay over the year: busy months pay less."""
        wt = self.types[t]
        busy_share = len(self.model.cfg.region.busy_months) / 12
        season = 1 - busy_share * (1 - wt.busy_month_pay_factor)
        return wt.piece_wage * self.model.people.productivity[idx] * season

    def admit(self, option: Option, persons: np.ndarray) -> None:
        t = option.key
        p = self.model.people
        free = self.free_seats()
        ws = np.flatnonzero((self.type == t) & (free > 0))
        ws = ws[np.argsort(self.village[ws], kind="stable")]
        slots = np.repeat(ws, free[ws])  # one entry per free seat, grouped by village
        slot_village = self.village[slots]
        village = self.model.households.village[p.hh[persons]]
        order = np.argsort(village, kind="stable")
        persons, village = persons[order], village[order]
        first = np.ones(village.size, bool)
        first[1:] = village[1:] != village[:-1]
        rank = np.arange(village.size) - np.maximum.accumulate(np.where(first, np.arange(village.size), 0))
        seat = slots[np.searchsorted(slot_village, village) + rank]
        p.set_state(persons, WORKSHOP_STATES[t], workshop=seat)
        new = persons[~p.awarded[persons]]
        p.awarded[new] = True
        self.spend("award", self.cfg.award_per_worker * new.size)
        self.counts["hired"] += persons.size

    def pay(self) -> None:
        m = self.model
        p = m.people
        workers = np.flatnonzero(p.workshop >= 0)
        t = self.type[p.workshop[workers]]
        wage = np.array([wt.piece_wage for wt in self.types])[t]
        if m.is_busy_month:
            wage = wage * np.array([wt.busy_month_pay_factor for wt in self.types])[t]
        p.earnings[workers] += wage * p.productivity[workers]

    def separate(self, u: np.ndarray) -> None:
        p = self.model.people
        workers = np.flatnonzero(p.workshop >= 0)
        p.release(workers[u[workers] < self.model.cfg.behaviour.workshop_quit])

    def record(self) -> dict[str, float]:
        return {
            "workshops_open": int(self.open.sum()),
            "workshop_seats": int(self.seats[self.open].sum()),
        }
