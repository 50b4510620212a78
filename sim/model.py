"""The county model: one step is one month, and `step` is the whole month in order."""

from __future__ import annotations

import mesa
import numpy as np

from sim import care, income
from sim.agents import Household
from sim.assessment import Assessment
from sim.choice import choose, ration
from sim.economy import Economy
from sim.measures import catalogue
from sim.people import Households, People
from sim.population import Population, build_population
from sim.programmes import Programme, registered
from sim.programmes.migration import Destinations
from sim.records import measures
from sim.schema import RunConfig
from sim.state import Labour, Role, code_table, exit_channels, labour_states
from sim.streams import Streams
from sim.validate import check_run


class PovertyModel(mesa.Model):
    """Registered-poor households of one county under one policy mix.

    State of record is columnar (`people`, `households`); `Household` agents read and write through
    to it. `cfg` is a `RunConfig` (see `sim.config.load`); it is validated again here, so a config
    changed in Python after loading is refused (`sim.validate.ConfigError`) before the run starts."""

    def __init__(self, cfg: RunConfig, population: Population | None = None, agents: bool = True):
        check_run(cfg)
        super().__init__(rng=cfg.seed)
        self.cfg = cfg
        self.population = population or build_population(cfg.region, cfg.seed, cfg.scale)
        self.people = People(self.population)
        self.households = Households(self.population, self.people)
        self.n_villages = self.population.n_villages
        self.streams = Streams(cfg.seed, self.people.n)
        self.streams.start_month(-12)  # set-up draws the state at month -12, before the year before the run
        self.destinations = Destinations(cfg.region)
        self.season = income.season_weights(cfg.region)
        self.labour_weight = income.home_labour_by_state(cfg.policy)
        self.is_work = code_table(dict.fromkeys(labour_states(work=True), True), False, bool)
        self.t = 0
        self._farm_cache = None
        self.year, self.calendar_month, self.is_busy_month = cfg.start_year, 0, False
        self.line = income.poverty_line(cfg.poverty_line, self.year)
        self.economy = Economy(cfg.economy)
        self.pay_index = self.economy.index(self.year)  # series -> factor on base-year money (sim/economy.py)
        self.money_weight = self._money_weight()

        self.households.farm_need = cfg.region.farm_labour_need * self.households.size
        care.update_household_counts(self.people, self.households, cfg.region.elder_farm_labour)
        self.people.update_productivity(cfg.behaviour)
        care.update_care(self.people, self.households, self.streams.per_person("care"), cfg.region)
        self.programmes: list[Programme] = [
            cls(self) for cls in registered() if not cls.lever or getattr(cfg.policy, cls.name).enabled
        ]
        _, self.households.units = income.farm_income(self.people, self.households, cfg.region, self.labour_weight, 0)
        self._each("start_state")  # who already works at the start: the steady state without programmes
        self._init_income()
        self.cumulative_exits = dict.fromkeys(exit_channels().values(), 0)
        self.assessment = Assessment(self)  # the ledger: every household registered poor at the start
        self.columns = catalogue(self.destinations.names)
        for prog in self.programmes:
            prog.start_month()  # the month-0 row is the initial state: nothing set-up did counts as a flow
        self.latest: dict[str, float] = {}
        if agents:
            for i in range(self.households.n):
                Household(self, i)
        self._record(exits=np.zeros(0, np.int64), returns=0)
        self.datacollector = mesa.DataCollector(model_reporters={k: _reporter(k) for k in self.latest})
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ set-up
    def _init_income(self) -> None:
        """The year before the run, simulated without programmes: from the steady state drawn 12 months
        earlier, labourers leave and come back as they would, and each month's farm income, standing
        transfers and pay fill the trailing 12 months. So the starting incomes hold the spells of the
        past year (a migrant of three months was at home farming nine of them; one who came back in
        the summer sent money home before), and the first year does not churn. The draws are those of
        months -11..0; the month-0 row is the state at the end of that year."""
        p, h = self.people, self.households
        running, self.programmes = self.programmes, [prog for prog in self.programmes if not prog.lever]
        self.t = -12
        for _ in range(12):
            self._start_month()
            self._each("start_month")
            self._offers_and_choices()
            self._work()
            self._separations()
            p.tenure += 1
            hh_income = income.household_income(p, h, self.farm, self.standing_transfers())
            income.push_income(h, hh_income, self.t, income.work_earnings(p, h, self.is_work))
        self.programmes = running
        self.t = 0
        self.streams.start_month(0)
        self.year, self.calendar_month, self.is_busy_month = self.cfg.start_year, 0, False
        self.line = income.poverty_line(self.cfg.poverty_line, self.year)
        self.pay_index = self.economy.index(self.year)
        self.money_weight = self._money_weight()
        p.expense[:] = 0.0
        h.transfer[:] = 0.0
        h.temporary[:] = 0.0
        self.income_per_capita = income.per_capita(h)
        h.poor = self.income_per_capita < self.line
        h.initially_poor = h.poor.copy()

    def _money_weight(self) -> float:
        """Utility of one yuan a month this year: `behaviour.income_weight` per 1000 yuan of the base
        year of the money amounts (`economy.base_year`), deflated by the poverty line (what a poor
        household needs), so that choices weigh real gains: with every amount and the line grown
        alike, nobody chooses differently, whatever year a run starts in."""
        base = income.poverty_line(self.cfg.poverty_line, self.cfg.economy.base_year)
        return self.cfg.behaviour.income_weight / 1000 * base / self.line

    def _each(self, hook: str, *args) -> None:
        for prog in self.programmes:
            getattr(prog, hook)(*args)

    # ------------------------------------------------------------------ the month
    def step(self) -> None:
        """One month, in the order of DESIGN.md; every programme hook is called from here."""
        self._start_month()
        self._each("start_month")
        if self.calendar_month == 1 and self.t > 1:
            self._demography()
            self._each("new_year")
        self._each("supply")
        self._offers_and_choices()  # adjust_search, hold_search, options, job_bonus, admit
        self._each("assign")
        self._work()  # pay_workers, pay_transfers, farm income
        self._separations()  # quit_hazard, quit_factor, leave
        self._each("finish_month")
        self.people.tenure += 1
        exits, returns = self._income_and_poverty()
        self.assessment.assess()  # acts at the end of December only: the yearly assessment
        self._record(exits, returns)
        self.datacollector.collect(self)

    def _start_month(self) -> None:
        self.t += 1
        self.streams.start_month(self.t)
        # the year before the run (t <= 0) is lived at the start year's line and money: it is the
        # steady state of the start, not a year of history
        self.year = self.cfg.start_year + max(self.t - 1, 0) // 12
        self.calendar_month = (self.t - 1) % 12 + 1
        self.line = income.poverty_line(self.cfg.poverty_line, self.year)
        if self.calendar_month == 1:
            self.pay_index = self.economy.index(self.year)  # money moves with the year on 1 January
            self.money_weight = self._money_weight()
        self.is_busy_month = self.calendar_month in self.cfg.region.busy_months
        p, h = self.people, self.households
        p.expense[:] = 0.0
        h.transfer[:] = 0.0  # programme transfers and one-off payments of this month, paid from now on
        h.temporary[:] = 0.0
        h.transfer_channel[:] = -1

    def _demography(self) -> None:
        p, h, s = self.people, self.households, self.streams
        year = (self.t - 1) // 12  # the k-th January since the start
        _, retiring = care.age_one_year(p, self.cfg.region, s.per_person("death"), s.per_person("frailty"), year)
        p.set_state(retiring, Labour.NONE)
        p.state[p.role == Role.DECEASED] = Labour.NONE
        care.update_household_counts(p, h, self.cfg.region.elder_farm_labour)
        p.update_productivity(self.cfg.behaviour)
        called_home = care.update_care(p, h, s.per_person("care"), self.cfg.region)
        p.release(called_home)

    def _offers_and_choices(self) -> None:
        p, b = self.people, self.cfg.behaviour
        rate = np.full(p.n, b.search_rate * (b.busy_search_factor if self.is_busy_month else 1.0))
        self._each("adjust_search", rate)
        held = np.zeros(p.n, bool)
        self._each("hold_search", held)
        u_search = self.streams.per_person("search")
        searchers = np.flatnonzero((p.state == Labour.FARM) & (u_search < rate) & ~held)
        if searchers.size == 0:
            return
        self._farm_cache = self._farm_arrays(searchers)
        options = [opt for prog in self.programmes for opt in prog.options(searchers)]
        self._farm_cache = None
        if not options:
            return
        bonus = np.zeros(searchers.size)
        self._each("job_bonus", searchers, bonus)
        unidentified = ~self.identified(searchers)
        for option in options:
            if option.programme.brokered:
                option.value = option.value + bonus
            if option.programme.targeted and unidentified.any():
                option.value = np.where(unidentified, -np.inf, option.value)
        chosen = choose([o.value for o in options], self.streams.per_person("choice")[searchers])
        self._place(options, searchers, chosen)

    def _place(self, options: list, searchers: np.ndarray, chosen: np.ndarray) -> None:
        """Admit each searcher to the option chosen. Options that share one capacity (the same array)
        are rationed together: their takers queue in one random order, whatever the options' order."""
        pools: dict[int, list[int]] = {}
        for j, option in enumerate(options):
            pools.setdefault(id(option.capacity) if option.capacity is not None else -1 - j, []).append(j)
        u_ration = self.streams.per_person("ration")[searchers]
        for members in pools.values():
            takers_mask = np.isin(chosen, members) if len(members) > 1 else chosen == members[0]
            if not takers_mask.any():
                continue
            accepted = takers_mask
            capacity = options[members[0]].capacity
            if capacity is not None:
                takers = np.flatnonzero(takers_mask)
                group = np.empty(takers.size, np.int64)
                for j in members:
                    mine = chosen[takers] == j
                    group[mine] = options[j].group[takers[mine]]
                ok = ration(group, capacity, u_ration[takers])
                capacity -= np.bincount(group[ok], minlength=capacity.size)
                accepted = np.zeros(searchers.size, bool)
                accepted[takers[ok]] = True
            for j in members:
                persons = searchers[accepted & (chosen == j)]
                if persons.size:
                    options[j].programme.admit(options[j], persons)

    def _work(self) -> None:
        """Pay and farm income for the month, from the states held while working (before quits)."""
        p, h = self.people, self.households
        p.earnings[:] = 0.0
        self._each("pay_workers")
        self._each("pay_transfers")
        month_weight = self.farm_weight(self.calendar_month)
        self.farm, h.units = income.farm_income(p, h, self.cfg.region, self.labour_weight, month_weight)

    def _separations(self) -> None:
        """Everyone at work may leave: each programme writes its workers' hazard, others may scale it,
        and one draw per person decides. Leavers go back to the farm."""
        p = self.people
        hazard = np.zeros(p.n)
        self._each("quit_hazard", hazard)
        self._each("quit_factor", hazard)
        leavers = np.flatnonzero(self.streams.per_person("separation") < hazard)
        self._each("leave", leavers)
        p.release(leavers)

    def _income_and_poverty(self) -> tuple[np.ndarray, int]:
        p, h = self.people, self.households
        hh_income = income.household_income(p, h, self.farm, self.standing_transfers())
        income.push_income(h, hh_income, self.t, income.work_earnings(p, h, self.is_work))
        self.income_per_capita = income.per_capita(h)
        was_poor = h.poor
        alive = h.size > 0
        h.poor = (self.income_per_capita < self.line) & alive  # a household that died out leaves the count
        exits = np.flatnonzero(was_poor & ~h.poor & alive)
        h.exit_channel[exits] = income.credit_exits(p, h, exits, self.is_work)
        return exits, int((~was_poor & h.poor).sum())

    # ------------------------------------------------------------------ shared by programmes
    def identified(self, idx: np.ndarray) -> np.ndarray:
        """Whether the poverty ledger knows the household of each person `idx` (see targeting): targeted
        options and administrative placements reach only these."""
        return self.households.identified[self.people.hh[idx]]

    def pay_one_off(self, households: np.ndarray, amount: float) -> None:
        """A one-off payment to households this month (a reward, a subsidy): household income, but
        temporary, so no exit is credited to the work that earned it on its strength alone."""
        h = self.households
        np.add.at(h.transfer, households, amount)
        np.add.at(h.temporary, households, amount)

    def farm_weight(self, calendar_month: int) -> float:
        """Share of the year's farm potential earned in the month, in this year's money."""
        return self.season[calendar_month] * self.pay_index["rural_business_income"]

    def standing_transfers(self) -> np.ndarray:
        """Pensions and other standing transfers per household this month, in this year's money."""
        return income.transfers(self.households, self.cfg.region, self.pay_index["rural_transfer_income"])

    def _farm_arrays(self, idx: np.ndarray) -> tuple:
        h = self.households
        hh = self.people.hh[idx]
        scale = h.farm_potential[hh] / 12 * (1 - self.cfg.region.farm_floor) * self.pay_index["rural_business_income"]
        return idx, h.units[hh], h.farm_need[hh], scale

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
        for code, name in exit_channels().items():
            self.cumulative_exits[name] += int((channels == code).sum())
        self.latest = measures(self, exits, returns)

    def run(self, months: int | None = None) -> None:
        for _ in range(self.cfg.months if months is None else months):
            self.step()


def _reporter(key: str):
    return lambda model: model.latest[key]
