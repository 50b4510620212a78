"""Stable-employment rewards (稳岗奖补): a bonus for staying in work.

Hainan's 2022 rule: a poverty-exited labourer who has worked away for 6 continuous months, or in
flexible work for 3, gets a reward. It is paid to the household once per continuous spell, in the
first month after the spell reaches that length (`people.tenure` counts the months completed in the
current state), and only to households the ledger identifies. While a reward is still ahead, it
keeps migrants on the job: their quit hazard is scaled by `behaviour.reward_quit_factor`.
"""

from __future__ import annotations

import numpy as np

from sim.programmes.base import Programme
from sim.state import MIGRANT_STATES, Labour


class Rewards(Programme):
    name = "rewards"
    spending_items = ("reward",)
    counters = ("paid_migrant", "paid_flexible")
    gives_jobs = False

    def __init__(self, model):
        super().__init__(model)
        self.cfg = model.cfg.policy.rewards
        # Months of continuous work in each labour state that earn the reward (-1: none).
        self.required = np.full(len(Labour), -1, np.int16)
        self.required[list(MIGRANT_STATES)] = self.cfg.migrant_months
        self.required[Labour.FLEXIBLE] = self.cfg.flexible_months

    def pay(self) -> None:
        m = self.model
        if m.t == 0:
            return  # the set-up builds a standing year of income; a one-off reward is no part of it
        p, cfg = m.people, self.cfg
        migrant = (p.tenure == cfg.migrant_months) & (p.dest >= 0)  # a destination: exactly the migrants
        flexible = (p.tenure == cfg.flexible_months) & (p.state == Labour.FLEXIBLE)
        due = np.flatnonzero(migrant | flexible)
        due = due[m.identified(due)]
        if due.size == 0:
            return
        np.add.at(m.households.transfer, p.hh[due], cfg.amount)
        self.spend("reward", cfg.amount * due.size)
        n_flexible = int(flexible[due].sum())
        self.counts["paid_flexible"] += n_flexible
        self.counts["paid_migrant"] += due.size - n_flexible

    def quit_factor(self, idx: np.ndarray, factor: np.ndarray) -> None:
        p = self.model.people
        ahead = np.flatnonzero(p.tenure[idx] < self.required[p.state[idx]])
        ahead = ahead[self.model.identified(idx[ahead])]
        factor[ahead] *= self.model.cfg.behaviour.reward_quit_factor
