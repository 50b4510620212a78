"""Return-flow monitoring and re-employment: migrants of identified households who come home are
found (with a detection rate) and helped back into work.

A found returnee is a case for `follow_up_months`: each month they weigh the offers brought to them
with a raised chance, and the matching help adds the services' bonus to every job option. A case
closes when the returnee is in work again (re-employed) or its months are up; each open case-month
costs `cost_per_case_month`.
"""

from __future__ import annotations

import numpy as np

from sim.measures import counter, spending, stock
from sim.programmes.base import Programme
from sim.programmes.employment_services import FollowUp
from sim.settings import ReturnMonitoringConfig


class ReturnMonitoring(Programme):
    name = "return_monitoring"
    settings = ReturnMonitoringConfig
    order = 85
    measures = (
        spending("follow_up", "Follow-up of returnees, per case-month"),
        counter("returned", "Migrants of identified households back home"),
        counter("found", "Returnees found by monitoring"),
        counter("reemployed", "Returnees back in work after follow-up"),
        stock("cases", "Open follow-up cases", "people", lambda prog: prog.cases.persons.size),
    )
    brokered = False

    def __init__(self, model):
        super().__init__(model)
        self.cases = FollowUp(model.people.n)

    def adjust_search(self, rate: np.ndarray) -> None:
        self.cases.raise_search(rate, self.cfg.search_rate)

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        self.cases.add_bonus(searchers, bonus, self.model.cfg.behaviour.service_matching_bonus)

    def pay_workers(self) -> None:
        self.spend("follow_up", self.cfg.cost_per_case_month * self.cases.persons.size)

    def finish_month(self) -> None:
        """After the month's quits: close cases of those in work again, then open cases for the
        migrants who came home this month (`people.returned_month`)."""
        m = self.model
        p = m.people
        self.count("reemployed", self.cases.settle(p.state, m.t).size)
        returned = np.flatnonzero(p.returned_month == m.t)
        returned = returned[m.identified(returned)]
        found = returned[m.streams.for_persons("return_monitoring.detect", returned) < self.cfg.detection_rate]
        self.cases.add(found, m.t, self.cfg.follow_up_months)
        self.count("returned", returned.size)
        self.count("found", found.size)
