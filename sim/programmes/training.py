"""Skills training: general courses (taught in farm-slack months), labour-brand courses in named
trades (electricians, nannies, housekeeping) and special classes for older, least schooled or
disabled labourers.

A labourer weighing options may ask for a course: an option, not a job, valued by the allowance net
of lost farm income over the course and by the pay rise it promises. A request is accepted when the
intake it would join (the request delay, in whole months, ahead) has a free place; the labourer then
waits without searching. Trainees are in `Labour.TRAINING` for the course length, paid a daily
living allowance (their earnings) while the programme also pays the provider. On completion the
graduate holds a vocational certificate (kept apart from schooling, which a course does not change;
pay follows through productivity), brand graduates earn a premium on their pay,
and the course's placement service takes on a share of graduates: for some months they weigh job
options every month and see the trained-job bonus.
"""

from __future__ import annotations

import math

import numpy as np

from sim.choice import Option
from sim.measures import counter, spending, stock
from sim.programmes.base import Programme
from sim.programmes.employment_services import FollowUp
from sim.settings import TrainingConfig
from sim.state import Health, Labour, State

KINDS = ("general", "brand", "special")
DAYS_PER_MONTH = 365.25 / 12
MAX_AGE = 100  # eligibility is tabulated by age up to here
DONE_SETS = 2 ** len(KINDS)  # sets of course kinds a labourer may have completed


class Training(Programme):
    name = "training"
    settings = TrainingConfig
    order = 60
    states = (State("TRAINING", "training", "In training", "#9e9ac8", 0.0, work=False, code=8),)
    measures = (
        spending("allowance", "Daily living allowance of trainees"),
        spending("course_cost", "Course costs paid to providers"),
        counter("booked", "Courses booked"),
        counter("starts", "Courses started"),
        counter("lapsed", "Bookings lapsed (in work by the start)"),
        counter("graduates", "Graduates"),
        counter("placed", "Graduates taken on by the placement service"),
        counter("employed", "Graduates in work after placement help"),
        *(counter(f"{k}_{c}", f"{c.capitalize()}, {k} courses") for k in KINDS for c in ("graduates", "employed")),
        stock("waiting", "Waiting for a booked course", "people", lambda prog: prog.booked.size),
    )
    brokered = False  # courses, not jobs

    def __init__(self, model):
        super().__init__(model)
        cfg = self.cfg
        self.trainee = self.codes["TRAINING"]
        self.courses = [getattr(cfg, k) for k in KINDS]
        self.lag = math.ceil(cfg.request_delay_days / DAYS_PER_MONTH)  # months from request to start
        self.monthly_allowance = cfg.allowance_per_day * cfg.days_per_month
        self.course_months = np.array([c.months for c in self.courses])
        self.certifies = np.array([c.certificate for c in self.courses])
        self.wage_premium = np.array([c.wage_premium for c in self.courses])
        self.placement_rate = np.array([c.placement_rate for c in self.courses])
        self.closed_for = self._closed_for()
        self.pay_factor = self._pay_factor(model.cfg.behaviour)
        self.pay_rise_factor = self.pay_factor - 1
        n = model.people.n
        self.course = np.full(n, -1, np.int8)  # course kind booked or attended
        self.graduated_from = np.full(n, -1, np.int8)  # kind of the latest course completed
        self.start = np.full(n, -1, np.int32)  # month a booked course starts
        self.done = np.zeros(n, np.int8)  # bit k set: completed a course of kind k (each kind once)
        self.premium = np.zeros(n)  # graduates' relative pay premium in their trade
        self.booked = np.zeros(0, np.int64)
        self.trainees = np.zeros(0, np.int64)
        self.placement = FollowUp(n)
        self.capacity = np.zeros((len(KINDS), 1), np.int64)  # free places in the intake now on offer

    # ------------------------------------------------------------------ intake
    def supply(self) -> None:
        """Graduate those who completed their course last month, start the courses booked for this
        month, and open the places of the intake this month's requests would join."""
        m = self.model
        p = m.people
        self.trainees = self.trainees[p.state[self.trainees] == self.trainee]  # retirements
        kind = self.course[self.trainees]
        finished = p.tenure[self.trainees] >= self.course_months[kind]
        self._graduate(self.trainees[finished], kind[finished])
        self.trainees = self.trainees[~finished]
        due = self.start[self.booked] == m.t
        self._start(self.booked[due])
        self.booked = self.booked[~due]
        intake_month = (m.calendar_month - 1 + self.lag) % 12 + 1
        busy = intake_month in m.cfg.region.busy_months
        u = m.streams.per_slot("training.places", len(self.courses))
        for k, course in enumerate(self.courses):
            places = 0.0 if course.slack_months_only and busy else self.per_labourer(course.places_per_labourer_month)
            self.capacity[k, 0] = int(places) + int(u[k] < places - int(places))

    def _start(self, persons: np.ndarray) -> None:
        """Start the course for those still without work; the others' bookings lapse."""
        p = self.model.people
        free = p.state[persons] == Labour.FARM
        starting, lapsed = persons[free], persons[~free]
        p.set_state(starting, self.trainee)
        self.trainees = np.concatenate([self.trainees, starting])
        self.start[persons] = -1
        self.course[lapsed] = -1
        self.count("starts", starting.size)
        self.count("lapsed", lapsed.size)

    # ------------------------------------------------------------------ requests
    def options(self, searchers: np.ndarray) -> list[Option]:
        """One option per course kind with places (rows: kinds; columns: searchers)."""
        open_kinds = np.flatnonzero(self.capacity[:, 0] > 0)
        if open_kinds.size == 0:
            return []
        m = self.model
        p, b = m.people, m.cfg.behaviour
        age, skill = p.age[searchers], p.skill[searchers]
        disabled = p.health[searchers] == Health.DISABLED
        disadvantaged = (age >= self.cfg.disadvantaged_age) | (skill == 0) | disabled
        who = ((np.minimum(age, MAX_AGE) * 2 + disadvantaged) * 2 + disabled) * DONE_SETS + self.done[searchers]
        closed = np.take(self.closed_for[open_kinds], who, axis=1) | (self.start[searchers] >= 0)
        weight = m.money_weight
        course_money = (self.monthly_allowance - m.farm_loss(searchers, 0.0)) * (weight / b.upfront_months)
        value = np.multiply.outer(self.course_months[open_kinds], course_money)
        value += np.take(self.pay_rise_factor[open_kinds], p.certificate[searchers].astype(np.int64), axis=1) * (
            weight * self.cfg.reference_wage * m.pay_index["migrant_wage"] * p.productivity[searchers]
        )
        value += b.constant_training
        value[closed] = -np.inf
        group = np.zeros(searchers.size, np.int64)
        return [Option(self, k, value[j], group, self.capacity[k]) for j, k in enumerate(open_kinds)]

    def _closed_for(self) -> np.ndarray:
        """Whether course k is closed to a labourer, tabulated once (rows: kinds) by the labourer's age,
        being older/least schooled/disabled, being disabled and the course kinds already completed
        (bit set), in the order `options` codes them."""
        age, disadvantaged, disabled, done = np.meshgrid(
            np.arange(MAX_AGE + 1), [False, True], [False, True], np.arange(DONE_SETS), indexing="ij"
        )
        closed = np.zeros((len(KINDS), age.size), bool)
        for k, c in enumerate(self.courses):
            shut = (age < c.min_age) | (age > c.max_age) | ((done >> k) & 1 == 1)  # each kind once
            shut |= disabled & (not c.allow_disabled)
            shut |= ~disadvantaged & c.disadvantaged_only
            closed[k] = shut.ravel()
        return closed

    def _pay_factor(self, b) -> np.ndarray:
        """Pay after course k relative to before, by certificate held before (columns: no, yes; rows:
        kinds): the certificate premium if the course gives a first one, times the trade premium."""
        before = np.array([0, 1])
        after = np.maximum(before, self.certifies[:, None])
        c = b.certificate_wage_premium
        return (1 + c * after) / (1 + c * before) * (1 + self.wage_premium[:, None])

    def admit(self, option: Option, persons: np.ndarray) -> None:
        self.course[persons] = option.key
        self.count("booked", persons.size)
        if self.lag == 0:
            self._start(persons)
            return
        self.start[persons] = self.model.t + self.lag
        self.booked = np.concatenate([self.booked, persons])

    def adjust_search(self, rate: np.ndarray) -> None:
        self.placement.raise_search(rate, 1.0)

    def hold_search(self, held: np.ndarray) -> None:
        held[self.booked] = True  # waiting for a course, whatever else raises their search

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        self.placement.add_bonus(searchers, bonus, self.model.cfg.behaviour.trained_job_bonus)

    # ------------------------------------------------------------------ courses
    def pay_workers(self) -> None:
        """The allowance is a trainee's income while on the course: temporary, not work (see
        `income.credit_exits`)."""
        m = self.model
        n = self.trainees.size
        m.people.earnings[self.trainees] += self.monthly_allowance
        np.add.at(m.households.temporary, m.people.hh[self.trainees], self.monthly_allowance)
        self.spend("allowance", self.monthly_allowance * n)
        self.spend("course_cost", self.cfg.course_cost_per_month * n)

    def finish_month(self) -> None:
        m = self.model
        employed = self.placement.settle(m.people.state, m.t)
        self._count_by_kind("employed", self.graduated_from[employed])

    def _graduate(self, grads: np.ndarray, kind: np.ndarray) -> None:
        m = self.model
        p = m.people
        p.productivity[grads] *= self.pay_factor[kind, p.certificate[grads].astype(np.int64)]
        p.certificate[grads] |= self.certifies[kind]
        premium = self.wage_premium[kind]
        self.premium[grads] = (1 + self.premium[grads]) * (1 + premium) - 1
        self.done[grads] |= (1 << kind).astype(np.int8)
        self.course[grads] = -1
        self.graduated_from[grads] = kind
        p.release(grads)
        placed = grads[m.streams.for_persons("training.placement", grads) < self.placement_rate[kind]]
        self.placement.add(placed, m.t - 1, self.cfg.placement_months)  # help from this month on
        self._count_by_kind("graduates", kind)
        self.count("placed", placed.size)

    def _count_by_kind(self, counter: str, kind: np.ndarray) -> None:
        self.count(counter, kind.size)
        for k, n in zip(KINDS, np.bincount(kind, minlength=len(KINDS)), strict=True):
            self.count(f"{k}_{counter}", int(n))

    def new_year(self) -> None:
        """Productivity was just recomputed from skill, health and age: put the trade premium back."""
        holders = np.flatnonzero(self.premium > 0)
        self.model.people.productivity[holders] *= 1 + self.premium[holders]
