"""Work away from home: the labour market at each destination, and migration people arrange
themselves (always on, with or without a programme).

A migrant sends home the wage less the living cost at the destination. Quit hazards fall with
tenure (early months are when most give up) and are lower for placements with follow-up services;
those who quit return home to the farm. A bound carer never leaves: the option is closed to them.
"""

from __future__ import annotations

import numpy as np

from sim.choice import Option
from sim.programmes.base import Programme
from sim.state import Health, Labour


class Destinations:
    """Destination attributes as arrays indexed by destination number."""

    def __init__(self, region):
        self.names = list(region.destinations)
        d = [region.destinations[n] for n in self.names]
        self.cross = np.array([x.cross_province for x in d])
        self.wage = np.array([x.wage for x in d])
        self.living = np.array([x.living_cost for x in d])
        self.ticket = np.array([x.ticket for x in d])

    def index(self, name: str) -> int:
        return self.names.index(name)


def net_remittance(model, idx: np.ndarray, dest: np.ndarray) -> np.ndarray:
    d = model.destinations
    wage = d.wage[dest] * model.people.productivity[idx]
    return np.maximum(wage - d.living[dest], 0.0)


def away_value(model, idx: np.ndarray, dest: int, out_of_pocket: float) -> np.ndarray:
    """Utility of working at `dest` for persons `idx`, before any programme's bonus."""
    p, b, d = model.people, model.cfg.behaviour, model.destinations
    gain = net_remittance(model, idx, np.full(idx.size, dest)) - model.farm_loss(idx, 0.0)
    value = b.income_weight * (gain - out_of_pocket / b.upfront_months) / 1000
    value += b.constant_migrate_cross if d.cross[dest] else b.constant_migrate_intra
    value -= b.age_penalty_away * np.maximum(p.age[idx] - 35, 0) / 10
    return value - b.chronic_penalty_away * (p.health[idx] == Health.CHRONIC)


def can_leave(model, idx: np.ndarray) -> np.ndarray:
    """Free to work away: not a bound carer, not disabled."""
    p = model.people
    return ~p.bound_carer[idx] & (p.health[idx] != Health.DISABLED)


class Migration(Programme):
    name = "migration"
    counters = ("departures_self", "returns")
    targeted = False  # people arrange it themselves

    def __init__(self, model):
        super().__init__(model)
        self.all = np.arange(len(model.destinations.names))

    def options(self, searchers: np.ndarray) -> list[Option]:
        d = self.model.destinations
        closed = ~can_leave(self.model, searchers)
        return [
            Option(self, k, np.where(closed, -np.inf, away_value(self.model, searchers, k, d.ticket[k])))
            for k in self.all
        ]

    def admit(self, option: Option, persons: np.ndarray) -> None:
        p = self.model.people
        p.set_state(persons, Labour.MIGRANT_SELF, dest=option.key)
        p.expense[persons] += self.model.destinations.ticket[option.key]
        self.counts["departures_self"] += persons.size

    def pay(self) -> None:
        p = self.model.people
        away = np.flatnonzero(p.dest >= 0)
        p.earnings[away] += net_remittance(self.model, away, p.dest[away])

    def separate(self, u: np.ndarray) -> None:
        m = self.model
        p, b = m.people, m.cfg.behaviour
        away = np.flatnonzero(p.dest >= 0)
        early = np.where(m.destinations.cross[p.dest[away]], b.quit_early_cross, b.quit_early_intra)
        hazard = b.quit_floor + early * np.exp(-p.tenure[away] / b.quit_decay_months)
        followed = (p.state[away] == Labour.MIGRANT_ORGANISED) & m.follow_up_services
        hazard = np.where(followed, hazard * b.organised_quit_factor, hazard)
        for prog in m.programmes:
            prog.quit_factor(away, hazard)
        quitting = away[u[away] < hazard]
        p.returned_month[quitting] = m.t
        p.months_away[quitting] = np.minimum(p.tenure[quitting] + 1, np.iinfo(np.int16).max)
        p.release(quitting)
        m.returned = quitting
        self.counts["returns"] += quitting.size

    def record(self) -> dict[str, float]:
        p = self.model.people
        away = p.dest[p.dest >= 0]
        counts = np.bincount(away, minlength=len(self.all))
        return {f"migrants_{name}": int(c) for name, c in zip(self.model.destinations.names, counts, strict=True)}
