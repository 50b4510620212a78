"""Return-home entrepreneurship (返乡创业): returning migrants start businesses that hire the poor.

A migrant who returned home after a long enough spell away may, within a window after returning,
start a business with a guaranteed loan (its interest paid by the programme while it runs) and a
one-off start-up subsidy. The owner leaves the farm for `ENTREPRENEUR` and draws an owner
income; the business has jobs for poor labourers of its village, taken through the same seat
mechanism as workshops (`seats.py`; a worker's `people.seat` is the business id). A business fails
at a yearly hazard: its workers and its owner return to the farm, and the guarantee fund repays part
of a loan still running. A business whose owner left (retired, died) closes too.
"""

from __future__ import annotations

import numpy as np

from sim.measures import counter, spending, stock
from sim.programmes.seats import SeatEmployers, seat_measures
from sim.settings import EntrepreneurshipConfig
from sim.state import Health, Labour, State


class Entrepreneurship(SeatEmployers):
    name = "entrepreneurship"
    settings = EntrepreneurshipConfig
    order = 30
    kinds = ("business",)
    states = (
        State("BUSINESS_WORKER", "returnee_business", "Returnee's business", "#e7ba52", "business.home_labour",
              stable=True, code=12),
        State("ENTREPRENEUR", "entrepreneur", "Own business (returnee)", "#e6550d", "owner_home_labour",
              stable=True, code=13),
    )  # fmt: skip
    measures = (
        spending("startup_subsidy", "One-off start-up subsidy"),
        spending("interest_subsidy", "Interest paid on guaranteed loans"),
        spending("guarantee_loss", "Guarantee fund's share of failed loans"),
        *seat_measures("returnees' businesses"),
        counter("owners_back", "Owners back on the farm after a closure"),
        stock(
            "loans_running",
            "Guaranteed loans running",
            "loans",
            lambda prog: int((prog.open & (prog.loan_left > 0)).sum()),
        ),
    )
    constant_names = ("constant_business_job",)

    def __init__(self, model):
        super().__init__(model)
        self.owner = np.full(self.open.size, -1, np.int64)  # -1: a business open at the start, owner not simulated
        self.loan_left = np.zeros(self.open.size, np.int32)  # months the loan still runs
        self.business_of = np.full(model.people.n, -1, np.int64)  # each owner's latest business
        self.returnees = np.zeros(0, np.int64)  # came home recently: may still start
        self.owner_state = self.codes["ENTREPRENEUR"]

    def supply(self) -> None:
        """This month's starts (not openings at a rate), failures and closures, then vacancies."""
        p = self.model.people
        ids = np.arange(self.open.size)
        owned = self.open & (self.owner >= 0)
        owner = np.maximum(self.owner, 0)
        owner_left = owned & ((p.state[owner] != self.owner_state) | (self.business_of[owner] != ids))
        failing = self.open & self.closing_draws()
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
        starters = cand[m.streams.for_persons("entrepreneurship.start", cand) < cfg.start_rate]
        if starters.size == 0:
            return
        self.returnees = self.returnees[~np.isin(self.returnees, starters)]  # one start per return home
        ids = self.open_employers(0, starters.size, village=m.households.village[p.hh[starters]])
        self.owner = np.concatenate([self.owner, starters])
        self.loan_left = np.concatenate([self.loan_left, np.full(starters.size, cfg.loan_months, np.int32)])
        self.business_of[starters] = ids
        p.set_state(starters, self.owner_state)
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
        still = (owners >= 0) & (p.state[np.maximum(owners, 0)] == self.owner_state)
        still &= self.business_of[np.maximum(owners, 0)] == ids
        p.release(owners[still])
        self.count("owners_back", int(still.sum()))
        outstanding = cfg.loan * self.loan_left[ids] / max(cfg.loan_months, 1)
        self.spend("guarantee_loss", cfg.default_share * outstanding.sum())
        self.loan_left[ids] = 0
        super().close(closing)

    def pay_workers(self) -> None:
        super().pay_workers()
        p, cfg = self.model.people, self.cfg
        owners = self.owner[self.open & (self.owner >= 0)]
        p.earnings[owners[p.state[owners] == self.owner_state]] += (
            cfg.owner_income * self.model.pay_index["rural_wage_income"]
        )
        running = self.open & (self.loan_left > 0)
        self.spend("interest_subsidy", cfg.loan * cfg.interest_subsidy_rate / 12 * running.sum())
        self.loan_left[running] -= 1

    def finish_month(self) -> None:
        """Migrants who came home this month after a long enough spell may start a business later."""
        p = self.model.people
        back = np.flatnonzero(p.returned_month == self.model.t)
        back = back[p.months_away[back] >= self.cfg.min_months_away]
        self.returnees = np.concatenate([self.returnees, back])
