"""Employers with seats in villages: the shared mechanism of workshops, local firms and producers.

Each employer kind (a `WorkshopType`-like config) has employers that sit in villages with a number of
seats. Employers open at a rate that rises with the one-off award per poor worker hired (paid once per
person, to the employer) and close at a yearly rate, laying off their workers. Pay is a monthly wage
at full productivity (base-year yuan, times the year's rural wage-income index, `sim.economy`) times
the worker's productivity, lower in farm-busy months (workers farm then).
A kind that is only partly compatible with caring costs a bound carer utility in proportion.
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option
from sim.measures import counter, spending, stock
from sim.programmes.base import Programme
from sim.state import Health, code_table


def seat_measures(employers: str) -> tuple:
    """The measures every seat-employer programme keeps; `employers` names them in labels."""
    return (
        spending("award", f"Award per poor worker hired, paid to {employers}"),
        counter("hired", "Poor labourers hired"),
        counter("opened", f"{employers.capitalize()} opened", "employers"),
        counter("closed", f"{employers.capitalize()} closed", "employers"),
        counter("laid_off", "Workers laid off at closures"),
        stock("open", f"{employers.capitalize()} open", "employers", lambda prog: int(prog.open.sum())),
        stock("seats", f"Seats at open {employers}", "seats", lambda prog: int(prog.seats[prog.open].sum())),
    )


class SeatEmployers(Programme):
    """Subclasses set `name`, `settings`, `kinds` (config attribute names), `states` (one labour state
    per kind, in the order of `kinds`), `measures` (`seat_measures(...)` and any of their own) and
    `constant_names` (behaviour utility constants per kind).

    Random draws: per employer slot for closures, and one stream per month for the openings (their
    number, villages and seats), so no draw depends on how many employers another programme has."""

    kinds: tuple[str, ...] = ()
    constant_names: tuple[str, ...] = ()

    def __init__(self, model):
        super().__init__(model)
        self.types = [getattr(self.cfg, k) for k in self.kinds]
        self.state_of_kind = np.array([self.codes[s.name] for s in self.states[: len(self.kinds)]], np.int8)
        self.kind_of_state = code_table(dict(zip(self.state_of_kind, range(len(self.kinds)), strict=True)), -1, np.int8)
        n_vil = model.n_villages
        self.village_weight = np.bincount(model.households.village, minlength=n_vil) / model.households.n
        self.village = np.zeros(0, np.int32)
        self.type = np.zeros(0, np.int8)
        self.seats = np.zeros(0, np.int32)
        self.open = np.zeros(0, bool)
        for t, kind in enumerate(self.types):
            self.open_employers(t, round(self.per_labourer(kind.initial_per_labourer)))
        self.vacancies = np.zeros((len(self.kinds), n_vil), np.int64)
        self.free = self.seats.copy()  # free seats per employer; nobody is seated before the first month
        self.awarded = np.zeros(model.people.n, bool)  # the award was paid for this person already
        self._workers = np.zeros(0, np.int64)  # everyone seated since, some of whom may have left
        self._wage = np.array([k.piece_wage for k in self.types])
        self._busy_factor = np.array([k.busy_month_pay_factor for k in self.types])
        self._closure = np.array([k.closure_rate for k in self.types]) / 12

    def open_employers(self, t: int, count: int, village: np.ndarray | None = None, seats=None) -> np.ndarray:
        """Open `count` employers of kind t (in random villages unless given); returns their ids."""
        if count <= 0:
            return np.zeros(0, np.int64)
        rng = self.model.streams.rng(f"{self.name}.open")
        if village is None:
            village = rng.choice(self.village_weight.size, size=count, p=self.village_weight)
        if seats is None:
            seats = 1 + rng.poisson(max(self.types[t].seats_mean - 1, 0), count)
        first = self.open.size
        self.village = np.concatenate([self.village, np.asarray(village, np.int32)])
        self.type = np.concatenate([self.type, np.full(count, t, np.int8)])
        self.seats = np.concatenate([self.seats, np.asarray(seats, np.int32)])
        self.open = np.concatenate([self.open, np.ones(count, bool)])
        self.count("opened", count)
        return np.arange(first, first + count)

    def opening_rate(self, t: int) -> float:
        """Expected openings this month for kind t, rising with the award per worker."""
        award = self.cfg.award_per_worker / self.cfg.award_reference
        return (
            self.per_labourer(self.types[t].openings_per_labourer_year) / 12 * (1 + self.cfg.award_elasticity * award)
        )

    def workers(self) -> np.ndarray:
        """Persons in this programme's seat states. Only `admit` seats anyone, so the list it keeps,
        less those who have left in any way since (quits, closures, retirement), is all of them: no
        pass over the whole population."""
        w = self._workers
        self._workers = w = w[self.kind_of_state[self.model.people.state[w]] >= 0]
        return w

    def close(self, closing: np.ndarray) -> None:
        """Close employers (a boolean mask over employers) and lay off their workers."""
        if not closing.any():
            return
        p = self.model.people
        self.open[closing] = False
        self.count("closed", int(closing.sum()))
        workers = self.workers()
        laid_off = workers[closing[p.seat[workers]]]
        p.release(laid_off)
        self.count("laid_off", laid_off.size)

    def closing_draws(self) -> np.ndarray:
        """This month's closure draw per employer slot."""
        return self.model.streams.per_slot(f"{self.name}.close", self.open.size) < self._closure[self.type]

    def supply(self) -> None:
        self.close(self.open & self.closing_draws())
        rng = self.model.streams.rng(f"{self.name}.openings")
        for t in range(len(self.kinds)):
            self.open_employers(t, int(rng.poisson(self.opening_rate(t))))
        self.update_vacancies()

    def update_vacancies(self) -> None:
        """Free seats per employer (kept up to date by `admit` until the next supply) and per
        kind and village (the capacity searchers see)."""
        self.free = self.free_seats()
        self.vacancies[:] = 0
        np.add.at(self.vacancies, (self.type, self.village), self.free)

    def free_seats(self) -> np.ndarray:
        p = self.model.people
        occupied = np.bincount(p.seat[self.workers()], minlength=self.seats.size)
        return np.where(self.open, self.seats - occupied, 0)

    def options(self, searchers: np.ndarray) -> list[Option]:
        m = self.model
        p, b = m.people, m.cfg.behaviour
        kinds = [t for t in range(len(self.types)) if self.vacancies[t].any()]
        if not kinds:
            return []
        village = m.households.village[p.hh[searchers]]
        age, skill, carer = p.age[searchers], p.skill[searchers], p.bound_carer[searchers]
        disabled = p.health[searchers] == Health.DISABLED
        loss = m.farm_loss(searchers, np.array([[self.types[t].home_labour] for t in kinds]))  # a row per kind
        opts = []
        for row, t in enumerate(kinds):
            kind = self.types[t]
            gain = self.expected_pay(searchers, t) - loss[row]
            value = m.money_weight * gain + getattr(b, self.constant_names[t])
            value -= b.care_penalty * (1 - kind.care_compatibility) * carer
            closed = (self.vacancies[t][village] <= 0) | (age > kind.max_age) | (skill < kind.min_skill)
            if not kind.allow_disabled:
                closed |= disabled
            opts.append(Option(self, t, np.where(closed, -np.inf, value), village, self.vacancies[t]))
        return opts

    def expected_pay(self, idx: np.ndarray, t: int) -> np.ndarray:
        """Average monthly pay over the year, in this year's money: busy months pay less."""
        m = self.model
        kind = self.types[t]
        busy_share = len(m.cfg.region.busy_months) / 12
        season = 1 - busy_share * (1 - kind.busy_month_pay_factor)
        return kind.piece_wage * m.pay_index["rural_wage_income"] * m.people.productivity[idx] * season

    def admit(self, option: Option, persons: np.ndarray) -> None:
        """Seat each person at an employer of the chosen kind with a free seat in their village."""
        t = option.key
        p = self.model.people
        free = self.free
        employers = np.flatnonzero((self.type == t) & (free > 0))
        employers = employers[np.argsort(self.village[employers], kind="stable")]
        slots = np.repeat(employers, free[employers])  # one entry per free seat, grouped by village
        slot_village = self.village[slots]
        village = self.model.households.village[p.hh[persons]]
        order = np.argsort(village, kind="stable")
        persons, village = persons[order], village[order]
        first = np.ones(village.size, bool)
        first[1:] = village[1:] != village[:-1]
        rank = np.arange(village.size) - np.maximum.accumulate(np.where(first, np.arange(village.size), 0))
        seat = slots[np.searchsorted(slot_village, village) + rank]
        self._workers = np.concatenate([self.workers(), persons])
        p.set_state(persons, self.state_of_kind[t], seat=seat)
        np.subtract.at(free, seat, 1)
        new = persons[~self.awarded[persons]]
        self.awarded[new] = True
        self.spend("award", self.cfg.award_per_worker * new.size)
        self.count("hired", persons.size)

    def pay_workers(self) -> None:
        m = self.model
        p = m.people
        workers = self.workers()
        t = self.kind_of_state[p.state[workers]]
        wage = self._wage[t] * m.pay_index["rural_wage_income"] * (self._busy_factor[t] if m.is_busy_month else 1.0)
        p.earnings[workers] += wage * p.productivity[workers]

    def quit_hazard(self, hazard: np.ndarray) -> None:
        hazard[self.workers()] = self.model.cfg.behaviour.workshop_quit
