"""Household income and poverty status.

Monthly net income = farm income + members' net earnings (local wages, post pay, remittances net of
living costs away) - travel paid by the household + transfers (pensions and other subsidies).
A household is poor when its income over the trailing 12 months, per living member, is below the
poverty line of the current year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.state import Labour, State, code_table, declared, labour_states, owner_of

if TYPE_CHECKING:
    from sim.people import Households, People
    from sim.schema import RegionConfig


def poverty_line(by_year: dict[int, float], year: int) -> float:
    """The line for `year`, interpolated linearly between the configured years, flat beyond them."""
    years = sorted(by_year)
    return float(np.interp(year, years, [by_year[y] for y in years]))


def season_weights(region: RegionConfig) -> np.ndarray:
    """Share of annual farm income earned in each calendar month (index 1..12; 0 unused)."""
    busy = np.zeros(13, bool)
    busy[region.busy_months] = True
    w = np.zeros(13)
    n_busy = int(busy[1:].sum())
    w[1:][busy[1:]] = region.busy_income_share / n_busy
    w[1:][~busy[1:]] = (1 - region.busy_income_share) / (12 - n_busy)
    return w


def home_labour_by_state(policy) -> np.ndarray:
    """Farm labour units a labourer in each state still gives at home, as each state declares it: a
    number, or the key of a value in its programme's settings (`policy.<programme>.<key>`)."""

    def units(code: int, state: State) -> float:
        if not isinstance(state.home_labour, str):
            return float(state.home_labour)
        node = getattr(policy, owner_of(code))
        for part in state.home_labour.split("."):
            node = getattr(node, part)
        return float(node)

    return code_table({c: units(c, declared(c)) for c in (Labour.FARM, *labour_states())})


def farm_income(p: People, h: Households, region: RegionConfig, labour_w: np.ndarray, month_weight: float):
    """This month's farm income per household; falls as labour leaves the farm. `month_weight` is the
    month's share of the year's farm potential, times the year's farm-income index (`model.farm_weight`)."""
    units = np.bincount(p.hh, weights=labour_w[p.state], minlength=h.n) + h.elder_units
    achieved = region.farm_floor + (1 - region.farm_floor) * np.minimum(1.0, units / h.farm_need)
    return h.farm_potential * achieved * month_weight, units


def transfers(h: Households, region: RegionConfig, index: float = 1.0) -> np.ndarray:
    """Standing transfers this month: the pension per elder and other per-person transfers, times
    `index` (the year's rural transfer-income index, `model.pay_index`; 1 in the base year)."""
    return index * (region.pension_per_elder * h.elders + region.other_transfers_per_capita / 12 * h.size)


def household_income(p: People, h: Households, farm: np.ndarray, transfer: np.ndarray) -> np.ndarray:
    """Farm income + standing transfers (pensions, subsidies) + programme transfers + members' net
    earnings less what the household paid for them."""
    return farm + transfer + h.transfer + np.bincount(p.hh, weights=p.earnings - p.expense, minlength=h.n)


def push_income(h: Households, income: np.ndarray, month_index: int, work: np.ndarray | None = None) -> None:
    """This month's income (and its temporary part, and the members' earnings from work) replaces the
    month of a year ago."""
    slot = month_index % 12
    h.trailing += income - h.income_ring[slot]
    h.income_ring[slot] = income
    h.income = income
    h.temporary_trailing += h.temporary - h.temporary_ring[slot]
    h.temporary_ring[slot] = h.temporary
    if work is not None:
        h.work_trailing += work - h.work_ring[slot]
        h.work_ring[slot] = work


def work_earnings(p: People, h: Households, is_work: np.ndarray) -> np.ndarray:
    """Members' earnings this month in states declared work, per household."""
    return np.bincount(p.hh, weights=p.earnings * is_work[p.state], minlength=h.n)


def per_capita(h: Households) -> np.ndarray:
    return h.trailing / np.maximum(h.size, 1)


def credit_exits(p: People, h: Households, exiting: np.ndarray, is_work: np.ndarray) -> np.ndarray:
    """The channel credited with each exit: the work (a state declared `work`, `is_work` by code) of
    the member earning most this month, if the household earned more from work over the last 12 months
    than it got in temporary income (one-off payments such as rewards and the job-search subsidy, and
    training allowances); else the channel of a programme transfer that carries the household this
    month (the minimum living guarantee); else FARM (farm income, standing transfers and one-off
    payments did it)."""
    channel = np.where(h.transfer_channel[exiting] >= 0, h.transfer_channel[exiting], Labour.FARM).astype(np.int8)
    if exiting.size == 0:
        return channel
    by_work = h.work_trailing[exiting] > h.temporary_trailing[exiting]
    members = h.members_of(exiting[by_work])
    working = members[is_work[p.state[members]] & (p.earnings[members] > 0)]
    if working.size:
        order = np.lexsort((-p.earnings[working], p.hh[working]))
        ranked = working[order]
        first = np.ones(ranked.size, bool)
        first[1:] = p.hh[ranked][1:] != p.hh[ranked][:-1]
        top = ranked[first]
        channel[np.searchsorted(exiting, p.hh[top])] = p.state[top]
    return channel
