"""Public-welfare posts (公益性岗位): the floor for those who can neither leave nor find other work.

The reports' rule: posts go to labourers who cannot leave home, have no other work, and whose
household has no stable income; poorest households first, one post per household. "Cannot leave
home" means a bound carer, chronically ill or disabled, or at least `cannot_leave_age` years old.
"No stable income" means no member in a workshop or away, and a trailing per-capita income below
`income_threshold` times the poverty line. Each January holders are reviewed against the same
income rule, with their post pay left out. The monthly pay is of the base year, times the year's
rural wage-income index (`sim.economy`).

A share `care_post_share` of the posts are care posts (爱心妈妈, care of lone elders and left-behind
children): work that is caring, so fully compatible with a caring duty. They go first to the
eligible bound carers (poorest households first), and any left to the other eligible; the other
posts go to all the eligible.
"""

from __future__ import annotations

import numpy as np

from sim.measures import counter, spending, stock
from sim.programmes.base import Programme
from sim.settings import WelfarePostsConfig
from sim.state import Health, Labour, State, in_states, labour_states


class WelfarePosts(Programme):
    name = "welfare_posts"
    settings = WelfarePostsConfig
    order = 90  # after the others: posts are the floor for those left
    states = (State("WELFARE_POST", "welfare_post", "Public-welfare post", "#e78ac3", "home_labour", code=7),)
    measures = (
        spending("pay", "Post pay"),
        counter("placed", "Placed in a post"),
        counter("reviewed_out", "Reviewed out in January (income above the threshold)"),
        stock("available", "Posts available", "posts", lambda prog: prog.posts),
    )

    def __init__(self, model):
        super().__init__(model)
        self.posts = round(self.per_labourer(self.cfg.posts_per_labourer))
        self.post = self.codes["WELFARE_POST"]
        self.excluding = (*labour_states(stable=True), self.post)  # a household with stable work or a post
        self.care_posts = round(self.cfg.care_post_share * self.posts)
        self.care_post = np.zeros(model.people.n, bool)  # holds (or last held) a care post

    def holders(self) -> np.ndarray:
        return np.flatnonzero(self.model.people.state == self.post)

    def eligible(self) -> np.ndarray:
        """Persons who meet the reports' rule this month and whose household holds no post."""
        m = self.model
        p, h = m.people, m.households
        stuck = p.bound_carer | (p.health != Health.HEALTHY) | (p.age >= self.cfg.cannot_leave_age)
        cand = np.flatnonzero((p.state == Labour.FARM) & stuck)
        cand = cand[m.identified(cand)]  # posts are allocated from the poverty ledger
        excluded = np.zeros(h.n, bool)  # households with stable work or a post already
        excluded[p.hh[np.flatnonzero(in_states(p.state, self.excluding))]] = True
        hh = p.hh[cand]
        return cand[~excluded[hh] & (m.income_per_capita[hh] < self.cfg.income_threshold * m.line)]

    def assign(self) -> None:
        m = self.model
        if m.calendar_month == 1:
            self._review()
        vacancies = self.posts - self.holders().size
        if vacancies <= 0:
            return
        cand = self.eligible()
        if cand.size == 0:
            return
        p = m.people
        held = self.holders()
        care_vacancies = min(vacancies, self.care_posts - int(self.care_post[held].sum()))
        carers = self._pick(cand[p.bound_carer[cand]], care_vacancies)  # care posts: bound carers first
        rest = cand[~np.isin(p.hh[cand], p.hh[carers])]
        others = self._pick(rest, vacancies - carers.size)
        self.care_post[carers] = True
        self.care_post[others] = np.arange(others.size) < care_vacancies - carers.size  # care posts left over
        chosen = np.concatenate([carers, others])
        p.set_state(chosen, self.post)
        self.count("placed", chosen.size)

    def _pick(self, cand: np.ndarray, vacancies: int) -> np.ndarray:
        """Poorest households first: the `vacancies` lowest incomes among candidate households, then
        one member each (at random)."""
        if vacancies <= 0 or cand.size == 0:
            return np.zeros(0, np.int64)
        m = self.model
        p = m.people
        households = np.flatnonzero(np.bincount(p.hh[cand], minlength=m.households.n))
        if households.size > vacancies:
            income = m.income_per_capita[households]
            households = households[np.argpartition(income, vacancies - 1)[:vacancies]]
        cand = cand[np.isin(p.hh[cand], households)]
        cand = cand[np.argsort(m.streams.for_persons("welfare_posts.rank", cand))]
        first = np.unique(p.hh[cand], return_index=True)[1]
        return cand[first]

    def _review(self) -> None:
        """January: a holder whose household would be above the threshold without the post leaves it.
        Last year's income less the post pay it held: last year's pay for the months held (at most 12)."""
        m = self.model
        held = self.holders()
        hh = m.people.hh[held]
        months = np.minimum(m.people.tenure[held], 12)
        without_post = m.income_per_capita[hh] - months * self.monthly_pay(m.year - 1) / np.maximum(
            m.households.size[hh], 1
        )
        out = held[without_post >= self.cfg.income_threshold * m.line]
        m.people.release(out)
        self.count("reviewed_out", out.size)

    def monthly_pay(self, year: int | None = None) -> float:
        """A post's monthly pay in `year` (default: this year): base-year pay times the rural
        wage-income index (the year before the run is paid as the start year)."""
        m = self.model
        index = m.pay_index if year is None else m.economy.index(max(year, m.cfg.start_year))
        return self.cfg.monthly_pay * index["rural_wage_income"]

    def pay_workers(self) -> None:
        held = self.holders()
        pay = self.monthly_pay()
        self.model.people.earnings[held] += pay
        self.spend("pay", pay * held.size)

    def quit_hazard(self, hazard: np.ndarray) -> None:
        hazard[self.holders()] = self.cfg.exit_rate
