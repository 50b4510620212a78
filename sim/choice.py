"""Offers and choices: a multinomial logit over the options open to each searching labourer,
then rationing where an option has fewer places than takers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.programmes.base import Programme


@dataclass
class Option:
    """One option for the searchers of this month, offered by `programme`.

    value: utility per searcher (-inf where the option is closed to that searcher); staying on the
    farm has utility 0. group/capacity: where places are limited, the capacity group of each
    searcher (e.g. its village) and the places per group."""

    programme: Programme
    key: Any
    value: np.ndarray
    group: np.ndarray | None = None
    capacity: np.ndarray | None = None


def logit_weights(values) -> np.ndarray:
    """exp(utility) of each option (rows) for each searcher; staying on the farm weighs 1."""
    return np.exp(np.minimum(np.vstack(values), 50.0))


def logit_shares(values) -> np.ndarray:
    """Each option's chance of being chosen (rows: options), the farm's being the rest."""
    weights = logit_weights(values)
    return weights / (1.0 + weights.sum(axis=0))


def choose(values: list[np.ndarray], u: np.ndarray) -> np.ndarray:
    """Sample each searcher's logit choice with one uniform draw `u`. Returns the option index,
    or -1 for staying on the farm."""
    if not values:
        return np.full(u.size, -1)
    weights = logit_weights(values)
    cum = np.cumsum(weights, axis=0)
    x = u * (1.0 + cum[-1])
    chosen = (x[None, :] >= cum).sum(axis=0)
    chosen[chosen == len(values)] = -1
    return chosen


def ration(group: np.ndarray, capacity: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Which takers get a place: within each group, in order of `key`, up to the group's capacity."""
    order = np.lexsort((key, group))
    g = group[order]
    first = np.ones(g.size, bool)
    first[1:] = g[1:] != g[:-1]
    start = np.maximum.accumulate(np.where(first, np.arange(g.size), 0))
    accepted = np.zeros(g.size, bool)
    accepted[order] = (np.arange(g.size) - start) < capacity[g]
    return accepted


def logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
