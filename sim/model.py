"""The county model: one step is one month, in the documented order (see `step`)."""

from __future__ import annotations

import mesa
import numpy as np

from sim import care, income
from sim.agents import Household
from sim.choice import choose, ration
from sim.people import Households, People
from sim.population import Population, build_population
from sim.programmes import PROGRAMMES, Programme
from sim.programmes.migration import Destinations, Migration
from sim.records import measures
from sim.schema import RunConfig
from sim.state import EXIT_CHANNEL, Health, Labour, Role
from sim.streams import Streams


class PovertyModel(mesa.Model):
    """Registered-poor households of one county under one policy mix.

    State of record is columnar (`people`, `households`); `Household` agents read and write through
    to it. `cfg` must be a validated `RunConfig` (see `sim.config.load`)."""

    def __init__(self, cfg: RunConfig, population: Population | None = None, agents: bool = True):
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.population = population or build_population(cfg.region, cfg.seed, cfg.scale)
        self.people = People(self.population)
        self.households = Households(self.population, self.people)
        self.n_villages = self.population.n_villages
        self.streams = Streams(cfg.seed, self.people.n)
        self.destinations = Destinations(cfg.region)
        lc = cfg.policy.labour_cooperation
        self.follow_up_services = lc.enabled and lc.follow_up_services
        self.season = income.season_weights(cfg.region)
        self.labour_weight = income.home_labour_by_state(cfg.policy)
        self.t = 0
        self._farm_cache = None
        self.returned = np.zeros(0, np.int64)
        self.year, self.calendar_month, self.is_busy_month = cfg.start_year, 0, False
        self.line = income.poverty_line(cfg.poverty_line, self.year)

        self.households.farm_need = cfg.region.farm_labour_need * self.households.slots
        care.update_household_counts(self.people, self.households, cfg.region.elder_farm_labour)
        self.people.update_productivity(cfg.behaviour)
        care.update_care(self.people, self.households, self.streams.per_person("care"))
        self._place_initial_migrants()
        self.programmes: list[Programme] = [Migration(self)]
        self.programmes += [cls(self) for name, cls in PROGRAMMES.items() if getattr(cfg.policy, name).enabled]
        self._init_income()
        self.cumulative_exits = dict.fromkeys(EXIT_CHANNEL.values(), 0)
        self.latest: dict[str, float] = {}
        if agents:
            for i in range(self.households.n):
                Household(self, i)
        self._record(exits=np.zeros(0, np.int64), returns=0)
        self.datacollector = mesa.DataCollector(model_reporters={k: _reporter(k) for k in self.latest})
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _place_initial_migrants(self) -> None:
        """Labourers already working away at the start, on their own arrangement."""
        p, r = self.people, self.cfg.region
        rng = self.streams.rng("initial.migrants")
        u_go, u_dest, u_tenure = rng.random((3, p.n))
        free = np.flatnonzero((p.role == Role.LABOURER) & ~p.bound_carer & (p.health != Health.DISABLED) & (p.age < 55))
        n_lab = int((p.role == Role.LABOURER).sum())
        share = min(1.0, r.initial_migrant_share * n_lab / max(free.size, 1))
        going = free[u_go[free] < share]
        cross = self.destinations.cross
        pick = np.where(u_dest[going] < r.initial_cross_share, np.argmax(cross), np.argmin(cross))
        p.set_state(going, Labour.MIGRANT_SELF, dest=pick.astype(np.int8))
        p.tenure[going] = (u_tenure[going] * 60).astype(np.int16)  # away from 0 to 5 years

    def _init_income(self) -> None:
        """Fill the trailing 12 months as if the initial situation had held for a year."""
        p, h = self.people, self.households
        self._work()
        transfer = income.transfers(h, self.cfg.region)
        for month in range(1, 13):
            farm, h.units = income.farm_income(p, h, self.cfg.region, self.labour_weight, self.season[month])
            income.push_income(h, income.household_income(p, h, farm, transfer), month)
        self.income_per_capita = income.per_capita(h)
        h.poor = self.income_per_capita < self.line
        h.initially_poor = h.poor.copy()

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, in the order of DESIGN.md."""
        self._advance_calendar()
        for prog in self.programmes:
            prog.new_month()
        if self.calendar_month == 1 and self.t > 1:
            self._demography()
        for prog in self.programmes:
            prog.supply()
        self._offers_and_choices()
        for prog in self.programmes:
            prog.assign()
        self._work()
        separation = self.streams.per_person("separation")
        for prog in self.programmes:
            prog.separate(separation)
        self.people.tenure += 1
        exits, returns = self._income_and_poverty()
        self._record(exits, returns)
        self.datacollector.collect(self)

    def _advance_calendar(self) -> None:
        self.t += 1
        self.returned = np.zeros(0, np.int64)  # migrants who came home this month (set by Migration)
        self.year = self.cfg.start_year + (self.t - 1) // 12
        self.calendar_month = (self.t - 1) % 12 + 1
        self.line = income.poverty_line(self.cfg.poverty_line, self.year)
        self.is_busy_month = self.calendar_month in self.cfg.region.busy_months
        self.people.expense[:] = 0.0

    def _demography(self) -> None:
        p, h, s = self.people, self.households, self.streams
        leavers, retiring = care.age_one_year(p, self.cfg.region, s.per_person("death"), s.per_person("frailty"))
        p.set_state(retiring, Labour.NONE)
        p.state[p.role == Role.DECEASED] = Labour.NONE
        care.update_household_counts(p, h, self.cfg.region.elder_farm_labour)
        p.update_productivity(self.cfg.behaviour)
        called_home = care.update_care(p, h, s.per_person("care"))
        p.release(called_home)
        for prog in self.programmes:
            prog.new_year(leavers)

    def _offers_and_choices(self) -> None:
        p, b = self.people, self.cfg.behaviour
        rate = np.full(p.n, b.search_rate * (b.busy_search_factor if self.is_busy_month else 1.0))
        for prog in self.programmes:
            prog.search_factor(rate)
        u_search = self.streams.per_person("search")
        searchers = np.flatnonzero((p.state == Labour.FARM) & (u_search < rate))
        self._farm_cache = self._farm_arrays(searchers)
        options = [opt for prog in self.programmes for opt in prog.options(searchers)]
        self._farm_cache = None
        if not options or searchers.size == 0:
            return
        bonus = np.zeros(searchers.size)
        for prog in self.programmes:
            prog.job_bonus(searchers, bonus)
        unidentified = ~self.identified(searchers)
        for option in options:
            if option.programme.gives_jobs:
                option.value = option.value + bonus
            if option.programme.targeted and unidentified.any():
                option.value = np.where(unidentified, -np.inf, option.value)
        chosen = choose([o.value for o in options], self.streams.per_person("choice")[searchers])
        u_ration = self.streams.rng("ration").random(searchers.size)
        for j, option in enumerate(options):
            takers_mask = chosen == j
            takers = searchers[takers_mask]
            if takers.size == 0:
                continue
            if option.capacity is not None:
                group = option.group[takers_mask]
                accepted = ration(group, option.capacity, u_ration[takers_mask])
                takers = takers[accepted]
                option.capacity -= np.bincount(group[accepted], minlength=option.capacity.size)
            if takers.size:
                option.programme.admit(option, takers)

    def _work(self) -> None:
        """Pay and farm income for the month, from the states held while working (before quits)."""
        p, h = self.people, self.households
        p.earnings[:] = 0.0
        h.transfer[:] = 0.0
        for prog in self.programmes:
            prog.pay()
        month_weight = self.season[self.calendar_month]
        self.farm, h.units = income.farm_income(p, h, self.cfg.region, self.labour_weight, month_weight)

    def _income_and_poverty(self) -> tuple[np.ndarray, int]:
        p, h = self.people, self.households
        hh_income = income.household_income(p, h, self.farm, income.transfers(h, self.cfg.region))
        income.push_income(h, hh_income, self.t)
        self.income_per_capita = income.per_capita(h)
        was_poor = h.poor
        alive = h.size > 0
        h.poor = (self.income_per_capita < self.line) & alive  # a household that died out leaves the count
        exits = np.flatnonzero(was_poor & ~h.poor & alive)
        h.exit_channel[exits] = income.credit_exits(p, h, exits)
        return exits, int((~was_poor & h.poor).sum())

    def identified(self, idx: np.ndarray) -> np.ndarray:
        """Whether the poverty ledger knows the household of each person `idx` (see targeting): targeted
        options and administrative placements reach only these."""
        return self.households.identified[self.people.hh[idx]]

    def _farm_arrays(self, idx: np.ndarray) -> tuple:
        h = self.households
        hh = self.people.hh[idx]
        return idx, h.units[hh], h.farm_need[hh], h.farm_potential[hh] / 12 * (1 - self.cfg.region.farm_floor)

    def farm_loss(self, idx: np.ndarray, home_labour: float) -> np.ndarray:
        """Monthly farm income the household of each person would lose if that person gave only
        `home_labour` units to the farm instead of one."""
        cached = self._farm_cache
        # Every option of the month asks about the same searchers: their arrays are gathered once.
        _, units, need, scale = cached if cached is not None and cached[0] is idx else self._farm_arrays(idx)
        drop = np.minimum(1, units / need) - np.minimum(1, (units - 1 + home_labour) / need)
        return scale * np.maximum(drop, 0)

    def _record(self, exits: np.ndarray, returns: int) -> None:
        channels = self.households.exit_channel[exits]
        for code, name in EXIT_CHANNEL.items():
            self.cumulative_exits[name] += int((channels == code).sum())
        self.latest = measures(self, exits, returns)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.cfg.months if months is None else months):
            self.step()


def _reporter(key: str):
    return lambda model: model.latest[key]
