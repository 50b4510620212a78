"""Stable-employment rewards (稳岗奖补): a bonus for staying in work.

Hainan's 2022 rule: a poverty-exited labourer (脱贫劳动力) who has worked away for 6 continuous months,
or in flexible work for 3, gets a reward. It is paid to the household once per continuous spell, in
the first month after the spell reaches that length (`people.tenure` counts the months completed in
the current state), and only to households the ledger identifies and that are out of poverty by the
latest income test. While a reward is still ahead, it keeps such migrants on the job: their quit
hazard is scaled by `behaviour.reward_quit_factor`. The reward is a one-off payment: it counts as
household income, but no exit from poverty is credited to it (`income.credit_exits`).
"""

from __future__ import annotations

import numpy as np

from sim.measures import counter, spending
from sim.programmes.base import Programme
from sim.settings import RewardsConfig
from sim.state import Labour, code_table, labour_states


class Rewards(Programme):
    name = "rewards"
    settings = RewardsConfig
    order = 88
    measures = (
        spending("reward", "Stable-employment rewards"),
        counter("paid_migrant", "Rewards paid for 6 months away"),
        counter("paid_flexible", "Rewards paid for 3 months of flexible work"),
    )
    brokered = False

    def __init__(self, model):
        super().__init__(model)
        away = labour_states(work=True, away=True)
        # Months of continuous work in each labour state that earn the reward (-1: none).
        required = {**dict.fromkeys(away, self.cfg.migrant_months), Labour.FLEXIBLE: self.cfg.flexible_months}
        self.required = code_table(required, -1, np.int16)

    def eligible(self, idx: np.ndarray) -> np.ndarray:
        """Labourers of households the ledger identifies and that have left poverty."""
        hh = self.model.people.hh[idx]
        return self.model.households.identified[hh] & ~self.model.households.poor[hh]

    def pay_transfers(self) -> None:
        m = self.model
        p = m.people
        due = np.flatnonzero((p.tenure == self.required[p.state]) & (p.tenure > 0))
        due = due[self.eligible(due)]
        if due.size == 0:
            return
        m.pay_one_off(p.hh[due], self.cfg.amount)
        self.spend("reward", self.cfg.amount * due.size)
        n_flexible = int((p.dest[due] < 0).sum())
        self.count("paid_flexible", n_flexible)
        self.count("paid_migrant", due.size - n_flexible)

    def quit_factor(self, hazard: np.ndarray) -> None:
        p = self.model.people
        away = np.flatnonzero(p.dest >= 0)
        ahead = away[p.tenure[away] < self.required[p.state[away]]]
        ahead = ahead[self.eligible(ahead)]
        hazard[ahead] *= self.model.cfg.behaviour.reward_quit_factor
