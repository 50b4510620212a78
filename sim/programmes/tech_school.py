"""Free technical schooling for school leavers of poor families (两后生).

Each January, young labourers of identified households who left school and have no work (up to
`max_age`, each offered once; never a bound carer: the school is away) may enrol free, up to the
year's places. Students are in `Labour.TECH_SCHOOL`: they do not work, give no farm labour and earn
nothing, so the household loses their labour while the programme pays tuition, board and subsidy.
After `years` they graduate in January with vocational schooling and a certificate (the skilled work
the reports describe: their pay carries both premiums, and their schooling makes work away more open
to them), and the school helps them into work for some months (priority search and the trained-job
bonus).
"""

from __future__ import annotations

import numpy as np

from sim.measures import counter, spending
from sim.programmes.base import Programme
from sim.programmes.employment_services import FollowUp
from sim.settings import TechSchoolConfig
from sim.state import Health, Labour, Role, State


class TechSchool(Programme):
    name = "tech_school"
    settings = TechSchoolConfig
    order = 70
    states = (
        State("TECH_SCHOOL", "tech_school", "In technical school", "#6a51a3", 0.0, work=False, away=True, code=9),
    )
    measures = (
        spending("schooling", "Tuition, board and subsidy"),
        counter("offered", "School leavers offered a place"),
        counter("enrolled", "Enrolled"),
        counter("graduated", "Graduated"),
        counter("employed", "Graduates in work after placement help"),
    )
    brokered = False

    def __init__(self, model):
        super().__init__(model)
        self.student = self.codes["TECH_SCHOOL"]
        self.offered = np.zeros(model.people.n, bool)
        self.students = np.zeros(0, np.int64)
        self.placement = FollowUp(model.people.n)

    def supply(self) -> None:
        """In January (after the school leavers joined the labourers): graduation, then enrolment."""
        if self.model.calendar_month != 1:
            return
        p = self.model.people
        self.students = self.students[p.state[self.students] == self.student]
        self._graduate()
        self._enrol()

    def _graduate(self) -> None:
        m = self.model
        p, b = m.people, m.cfg.behaviour
        done = p.tenure[self.students] >= 12 * self.cfg.years
        grads = self.students[done]
        self.students = self.students[~done]
        skill, certified = p.skill[grads], p.certificate[grads]
        after = np.maximum(skill, self.cfg.graduate_schooling).astype(p.skill.dtype)
        p.productivity[grads] *= (1 + b.skill_wage_premium * after) / (1 + b.skill_wage_premium * skill)
        p.productivity[grads] *= np.where(certified, 1.0, 1 + b.certificate_wage_premium)
        p.skill[grads] = after
        p.certificate[grads] = True
        p.release(grads)
        self.placement.add(grads, m.t - 1, self.cfg.placement_months)  # help from this month on
        self.count("graduated", grads.size)

    def _enrol(self) -> None:
        m = self.model
        p, cfg = m.people, self.cfg
        young = (p.role == Role.LABOURER) & (p.state == Labour.FARM) & (p.age <= cfg.max_age) & ~self.offered
        young &= ~p.bound_carer  # the school is away from home: a bound carer cannot go (not offered yet)
        if not cfg.allow_disabled:
            young &= p.health != Health.DISABLED
        offered = np.flatnonzero(young)
        offered = offered[m.identified(offered)]
        self.offered[offered] = True
        u = m.streams.for_persons("tech_school.enrol", offered)
        willing = offered[u < cfg.enrol_rate]
        places = self.per_labourer(cfg.places_per_labourer_year)
        places = int(places) + int(m.streams.one("tech_school.places") < places - int(places))
        enrolled = willing[np.argsort(u[u < cfg.enrol_rate])][:places]
        p.set_state(enrolled, self.student)
        self.students = np.concatenate([self.students, enrolled])
        self.count("offered", offered.size)
        self.count("enrolled", enrolled.size)

    def adjust_search(self, rate: np.ndarray) -> None:
        self.placement.raise_search(rate, 1.0)

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        self.placement.add_bonus(searchers, bonus, self.model.cfg.behaviour.trained_job_bonus)

    def pay_workers(self) -> None:
        self.spend("schooling", self.cfg.cost_per_student_month * self.students.size)

    def finish_month(self) -> None:
        self.count("employed", self.placement.settle(self.model.people.state, self.model.t).size)
