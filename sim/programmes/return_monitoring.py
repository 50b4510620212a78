"""Return-flow monitoring and re-employment: migrants of identified households who come home are
found (with a detection rate) and helped back into work.

A found returnee is a case for `follow_up_months`: each month they weigh the offers brought to them
with a raised chance, and the matching help adds the services' bonus to every job option. A case
closes when the returnee is in work again (re-employed) or its months are up; each open case-month
costs `cost_per_case_month`.
"""

from __future__ import annotations

import numpy as np

from sim.programmes.base import Programme
from sim.programmes.employment_services import FollowUp


class ReturnMonitoring(Programme):
    name = "return_monitoring"
    spending_items = ("follow_up",)
    counters = ("returned", "found", "reemployed")
    gives_jobs = False

    def __init__(self, model):
        super().__init__(model)
        self.cfg = model.cfg.policy.return_monitoring
        self.cases = FollowUp(model.people.n)
        self.rng = model.streams.rng("return_monitoring.detect")

    def search_factor(self, rate: np.ndarray) -> None:
        self.cases.raise_search(rate, self.cfg.search_rate)

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        self.cases.add_bonus(searchers, bonus, self.model.cfg.behaviour.service_matching_bonus)

    def pay(self) -> None:
        self.spend("follow_up", self.cfg.cost_per_case_month * self.cases.persons.size)

    def separate(self, u: np.ndarray) -> None:
        """After migrants' quits (migration separates first): close cases, then open this month's."""
        m = self.model
        self.counts["reemployed"] += self.cases.settle(m.people.state, m.t).size
        returned = m.returned[m.identified(m.returned)]
        found = returned[self.rng.random(returned.size) < self.cfg.detection_rate]
        self.cases.add(found, m.t, self.cfg.follow_up_months)
        self.counts["returned"] += returned.size
        self.counts["found"] += found.size

    @classmethod
    def measure_names(cls) -> tuple[str, ...]:
        return ("return_monitoring_cases",)

    def record(self) -> dict[str, float]:
        return {"return_monitoring_cases": self.cases.persons.size}
