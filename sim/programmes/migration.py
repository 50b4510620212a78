"""Work away from home: the labour market at each destination, and migration people arrange
themselves (always on, with or without a programme).

A migrant sends home the wage less the living cost at the destination. The wage is the destination's
base-year wage times the year's migrant-wage index, rising with the years at the destination (tenure
pay, up to `behaviour.tenure_pay_years`); the living cost follows the same index (see
`sim.economy`: a migrant's rent and food in the city rose with city pay, not with the consumer-price
index; indexed to prices, net remittances would rise twice as fast as wages and draw ever more away).
Someone weighing a move values the pay of a newcomer. Quit hazards fall with
tenure (early months are when most give up); programmes may scale them (`quit_factor`). Those who
quit come home to the farm: their month of return and the length of the spell away are kept on
`people` (`returned_month`, `months_away`) for the programmes that act on returnees. A bound carer
never leaves: the option is closed to them.
"""

from __future__ import annotations

import numpy as np

from sim import stationary
from sim.choice import Option, logit_shares
from sim.measures import counter
from sim.programmes.base import Programme
from sim.state import Health, Labour, Role, State


class Destinations:
    """Destination attributes as arrays indexed by destination number (money in base-year yuan)."""

    def __init__(self, region):
        self.names = list(region.destinations)
        d = [region.destinations[n] for n in self.names]
        self.cross = np.array([x.cross_province for x in d])
        self.wage = np.array([x.wage for x in d])
        self.living = np.array([x.living_cost for x in d])
        self.ticket = np.array([x.ticket for x in d])

    def index(self, name: str) -> int:
        return self.names.index(name)


def tenure_factor(behaviour, tenure_months: np.ndarray | int) -> np.ndarray:
    """Pay relative to a newcomer's after `tenure_months` at the destination:
    1 + tenure_pay_growth x min(years there, tenure_pay_years)."""
    years = np.minimum(np.asarray(tenure_months) / 12, behaviour.tenure_pay_years)
    return 1 + behaviour.tenure_pay_growth * years


def gross_wage(model, idx: np.ndarray, dest: np.ndarray, tenure_months: np.ndarray | int) -> np.ndarray:
    """Monthly wage of persons `idx` at destinations `dest` after `tenure_months` there, this year: a
    newcomer earns `behaviour.newcomer_pay_share` of the destination's average migrant pay."""
    b = model.cfg.behaviour
    wage = model.destinations.wage[dest] * model.pay_index["migrant_wage"] * b.newcomer_pay_share
    return wage * tenure_factor(model.cfg.behaviour, tenure_months) * model.people.productivity[idx]


def net_remittance(model, idx: np.ndarray, dest: np.ndarray, tenure_months: np.ndarray | int) -> np.ndarray:
    """Wage less the living cost at the destination, this year (what the household gets)."""
    living = model.destinations.living[dest] * model.pay_index["migrant_wage"]
    return np.maximum(gross_wage(model, idx, dest, tenure_months) - living, 0.0)


def away_value(model, idx: np.ndarray, dest: int, out_of_pocket: float) -> np.ndarray:
    """Utility of working at `dest` for persons `idx`, before any programme's bonus: a newcomer's pay."""
    p, b, d = model.people, model.cfg.behaviour, model.destinations
    gain = net_remittance(model, idx, np.full(idx.size, dest), 0) - model.farm_loss(idx, 0.0)
    value = model.money_weight * (gain - out_of_pocket / b.upfront_months)
    value += b.constant_migrate_cross if d.cross[dest] else b.constant_migrate_intra
    value -= b.age_penalty_away * np.maximum(p.age[idx] - 35, 0) / 10
    value += b.schooling_weight_away * (p.skill[idx] - 1)  # low schooling: the reports' first reason to stay
    return value - b.chronic_penalty_away * (p.health[idx] == Health.CHRONIC)


def spell_hazard(behaviour, cross: np.ndarray, tenure: np.ndarray) -> np.ndarray:
    """Monthly hazard of ending a spell away at `tenure` months, across provinces where `cross`."""
    b = behaviour
    early = np.where(cross, b.quit_early_cross, b.quit_early_intra)
    return b.quit_floor + early * np.exp(-tenure / b.quit_decay_months)


def mean_search_chance(model) -> float:
    """A labourer's chance of weighing options in a month, averaged over the busy and slack months."""
    b, busy = model.cfg.behaviour, len(model.cfg.region.busy_months)
    return b.search_rate * ((12 - busy) + busy * b.busy_search_factor) / 12


def can_leave(model, idx: np.ndarray) -> np.ndarray:
    """Free to work away: not a bound carer, not disabled."""
    p = model.people
    return ~p.bound_carer[idx] & (p.health[idx] != Health.DISABLED)


class Migration(Programme):
    name = "migration"
    lever = False  # people arrange it themselves: no policy switches it
    order = 0  # first in every phase: the labour market away is there before any programme acts
    states = (
        State("MIGRANT_SELF", "migrant_self", "Migrant, self-arranged", "#8da0cb", 0.0, away=True, stable=True, code=5),
    )
    measures = (counter("departures_self", "Self-arranged departures"), counter("returns", "Migrants back home"))
    targeted = False  # people arrange it themselves
    brokered = False  # jobs people find themselves: services and training do not bring them

    def __init__(self, model):
        super().__init__(model)
        self.all = np.arange(len(model.destinations.names))

    def start_state(self) -> None:
        """Labourers away on their own arrangement when the year before the run begins (month -12;
        the model then simulates that year): each is drawn from the long-run state of leaving (the
        option's logit chance in a searching month) and coming back (the tenure-dependent hazard),
        with the tenure of a spell in progress (`sim.stationary`). No share is assumed: it follows
        from the behaviour that the calibration fits."""
        m = self.model
        p, s, d = m.people, m.streams, m.destinations
        home = np.flatnonzero((p.role == Role.LABOURER) & (p.state == Labour.FARM))
        home = home[can_leave(m, home)]
        if home.size == 0:
            return
        values = np.vstack([away_value(m, home, k, d.ticket[k]) for k in self.all])
        entry = mean_search_chance(m) * logit_shares(values)  # the month's choice, as `choose` makes it
        # months since each could first leave, at month -12 (ages are whole years at the run's start)
        worked = np.maximum((p.age[home].astype(np.int64) - 16) * 12 - 6, 1)
        tenures = np.arange(worked.max() + 1)
        hazard = np.vstack([spell_hazard(m.cfg.behaviour, np.full(tenures.size, c), tenures) for c in d.cross])
        survival = np.vstack([stationary.spell_survival(h) for h in hazard])
        pi, _ = stationary.steady_state(entry, hazard[:, 0], survival, worked)
        dest = stationary.draw_states(pi, s.per_person("initial.go")[home])
        away = dest >= 0
        going, dest = home[away], dest[away]
        tenure = stationary.draw_tenure(survival, dest, s.per_person("initial.tenure")[going], worked[away])
        p.set_state(going, self.codes["MIGRANT_SELF"], dest=dest.astype(np.int8))
        p.tenure[going] = tenure.astype(np.int16)

    def options(self, searchers: np.ndarray) -> list[Option]:
        d = self.model.destinations
        closed = ~can_leave(self.model, searchers)
        return [
            Option(self, k, np.where(closed, -np.inf, away_value(self.model, searchers, k, d.ticket[k])))
            for k in self.all
        ]

    def admit(self, option: Option, persons: np.ndarray) -> None:
        p = self.model.people
        p.set_state(persons, self.codes["MIGRANT_SELF"], dest=option.key)
        p.expense[persons] += self.model.destinations.ticket[option.key]
        self.count("departures_self", persons.size)

    def pay_workers(self) -> None:
        """Remittances of everyone working away, whoever arranged the job: the destination pays."""
        p = self.model.people
        away = np.flatnonzero(p.dest >= 0)
        p.earnings[away] += net_remittance(self.model, away, p.dest[away], p.tenure[away])

    def quit_hazard(self, hazard: np.ndarray) -> None:
        """Everyone working away, however placed: early months are when most give up."""
        m = self.model
        p, b = m.people, m.cfg.behaviour
        away = np.flatnonzero(p.dest >= 0)
        hazard[away] = spell_hazard(b, m.destinations.cross[p.dest[away]], p.tenure[away])

    def leave(self, leavers: np.ndarray) -> None:
        m = self.model
        p = m.people
        back = leavers[p.dest[leavers] >= 0]
        p.returned_month[back] = m.t
        p.months_away[back] = np.minimum(p.tenure[back] + 1, np.iinfo(np.int16).max)
        self.count("returns", back.size)
