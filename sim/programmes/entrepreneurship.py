"""Return-home entrepreneurship (返乡创业): returning migrants start businesses that hire the poor.

A migrant who returned home after a long enough spell away may, within a window after returning,
start a business with a guaranteed loan (its interest paid by the programme while it runs) and a
one-off start-up subsidy. The owner leaves the farm for `Labour.ENTREPRENEUR` and draws an owner
income; the business has jobs for poor labourers of its village, taken through the same seat
mechanism as workshops (`seats.py`; a worker's `people.seat` is the business id). A business fails
at a yearly hazard: its workers and its owner return to the farm, and the guarantee fund repays part
of a loan still running. A business whose owner left (retired, died) closes too.
"""

from __future__ import annotations

import numpy as np

from sim.programmes.seats import SeatEmployers
from sim.state import Health, Labour


class Entrepreneurship(SeatEmployers):
    name = "entrepreneurship"
    kinds = ("business",)
    states = (Labour.BUSINESS_WORKER,)
    constant_names = ("constant_business_job",)
    spending_items = ("startup_subsidy", "interest_subsidy", "guarantee_loss", "award")
    counters = ("hired", "opened", "closed", "laid_off", "owners_back")

    def __init__(self, model):
        super().__init__(model)
        self.owner = np.full(self.open.size, -1, np.int64)  # -1: a business open at the start, owner not simulated
        self.loan_left = np.zeros(self.open.size, np.int32)  # months the loan still runs
        self.business_of = np.full(model.people.n, -1, np.int64)  # each owner's latest business
        self.returnees = np.zeros(0, np.int64)  # came home recently: may still start

    def supply(self) -> None:
        """This month's starts (not openings at a rate), failures and closures, then vacancies."""
        p = self.model.people
        ids = np.arange(self.open.size)
        owned = self.open & (self.owner >= 0)
        owner = np.maximum(self.owner, 0)
        owner_left = owned & ((p.state[owner] != Labour.ENTREPRENEUR) | (self.business_of[owner] != ids))
        failing = self.open & (self.rng.random(self.open.size) < self._closure[self.type])
        self.start()  # from those on the farm as the month begins: not who a failure sends home now
        closing = np.zeros(self.open.size, bool)
        closing[: failing.size] = failing | owner_left
        self.close(closing)
        self.update_vacancies()

    def eligible_returnees(self) -> np.ndarray:
        """Returnees within the window, back on the farm, after a long enough spell, able to run a
        business, in a household the ledger identifies."""
        m, cfg = self.model, self.cfg
        p = m.people
        r = np.sort(self.returnees)
        r = r[np.diff(r, prepend=-1) != 0]  # one entry per person, however often they came home
        r = r[m.t - p.returned_month[r] <= cfg.returnee_window_months]
        self.returnees = r
        ok = (p.state[r] == Labour.FARM) & (p.months_away[r] >= cfg.min_months_away) & (p.age[r] <= cfg.max_age)
        ok &= (p.health[r] != Health.DISABLED) & m.identified(r)
        return r[ok]

    def start(self) -> None:
        m, cfg = self.model, self.cfg
        p = m.people
        cand = self.eligible_returnees()
        starters = cand[m.streams.rng("entrepreneurship.start").random(cand.size) < cfg.start_rate]
        if starters.size == 0:
            return
        self.returnees = self.returnees[~np.isin(self.returnees, starters)]  # one start per return home
        ids = self.open_employers(0, starters.size, village=m.households.village[p.hh[starters]])
        self.owner = np.concatenate([self.owner, starters])
        self.loan_left = np.concatenate([self.loan_left, np.full(starters.size, cfg.loan_months, np.int32)])
        self.business_of[starters] = ids
        p.set_state(starters, Labour.ENTREPRENEUR)
        self.spend("startup_subsidy", cfg.startup_subsidy * starters.size)

    def close(self, closing: np.ndarray) -> None:
        """Close businesses: the owner goes back to the farm, the guarantee fund repays its share of a
        loan still running, and the workers are laid off."""
        closing = closing & self.open
        if not closing.any():
            return
        p, cfg = self.model.people, self.cfg
        ids = np.flatnonzero(closing)
        owners = self.owner[ids]
        still = (owners >= 0) & (p.state[np.maximum(owners, 0)] == Labour.ENTREPRENEUR)
        still &= self.business_of[np.maximum(owners, 0)] == ids
        p.release(owners[still])
        self.counts["owners_back"] += int(still.sum())
        outstanding = cfg.loan * self.loan_left[ids] / max(cfg.loan_months, 1)
        self.spend("guarantee_loss", cfg.default_share * outstanding.sum())
        self.loan_left[ids] = 0
        super().close(closing)

    def pay(self) -> None:
        super().pay()
        p, cfg = self.model.people, self.cfg
        owners = self.owner[self.open & (self.owner >= 0)]
        p.earnings[owners[p.state[owners] == Labour.ENTREPRENEUR]] += cfg.owner_income
        running = self.open & (self.loan_left > 0)
        self.spend("interest_subsidy", cfg.loan * cfg.interest_subsidy_rate / 12 * running.sum())
        self.loan_left[running] -= 1

    def separate(self, u: np.ndarray) -> None:
        super().separate(u)
        back = self.model.returned
        back = back[self.model.people.months_away[back] >= self.cfg.min_months_away]
        self.returnees = np.concatenate([self.returnees, back])

    @classmethod
    def measure_names(cls) -> tuple[str, ...]:
        return (*super().measure_names(), f"{cls.name}_loans_running")

    def record(self) -> dict[str, float]:
        return {**super().record(), f"{self.name}_loans_running": int((self.open & (self.loan_left > 0)).sum())}
