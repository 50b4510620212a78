"""Household income and poverty status.

Monthly net income = farm income + members' net earnings (local wages, post pay, remittances net of
living costs away) - travel paid by the household + transfers (pensions and other subsidies).
A household is poor when its income over the trailing 12 months, per living member, is below the
poverty line of the current year.
"""

from __future__ import annotations

import numpy as np

from sim.people import Households, People
from sim.schema import RegionConfig
from sim.state import SOCIAL_SECURITY, Labour


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
    """Farm labour units a labourer in each state still gives at home."""
    w = np.zeros(len(Labour))
    w[Labour.FARM] = 1.0
    w[Labour.WORKSHOP_FACTORY] = policy.workshops.factory.home_labour
    w[Labour.WORKSHOP_HOME] = policy.workshops.home.home_labour
    w[Labour.WORKSHOP_COOP] = policy.workshops.coop.home_labour
    w[Labour.WELFARE_POST] = policy.welfare_posts.home_labour
    w[Labour.LOCAL_FIRM] = policy.local_employers.firm.home_labour
    w[Labour.LOCAL_PRODUCER] = policy.local_employers.producer.home_labour
    w[Labour.BUSINESS_WORKER] = policy.entrepreneurship.business.home_labour
    w[Labour.ENTREPRENEUR] = policy.entrepreneurship.owner_home_labour
    w[Labour.FLEXIBLE] = policy.flexible_work.home_labour
    return w


def farm_income(p: People, h: Households, region: RegionConfig, labour_w: np.ndarray, month_weight: float):
    """This month's farm income per household; falls as labour leaves the farm."""
    units = np.bincount(p.hh, weights=labour_w[p.state], minlength=h.n) + h.elder_units
    achieved = region.farm_floor + (1 - region.farm_floor) * np.minimum(1.0, units / h.farm_need)
    return h.farm_potential * achieved * month_weight, units


def transfers(h: Households, region: RegionConfig) -> np.ndarray:
    return region.pension_per_elder * h.elders + region.other_transfers_per_capita / 12 * h.size


def household_income(p: People, h: Households, farm: np.ndarray, transfer: np.ndarray) -> np.ndarray:
    """Farm income + standing transfers (pensions, subsidies) + programme transfers + members' net
    earnings less what the household paid for them."""
    return farm + transfer + h.transfer + np.bincount(p.hh, weights=p.earnings - p.expense, minlength=h.n)


def push_income(h: Households, income: np.ndarray, month_index: int) -> None:
    slot = month_index % 12
    h.trailing += income - h.income_ring[slot]
    h.income_ring[slot] = income
    h.income = income


def per_capita(h: Households) -> np.ndarray:
    return h.trailing / np.maximum(h.size, 1)


def credit_exits(p: People, h: Households, exiting: np.ndarray) -> np.ndarray:
    """The channel credited with each exit: the labour state of the member earning most this month
    outside farming; else SOCIAL_SECURITY when the household is on the minimum living guarantee; else
    FARM (farm income, standing transfers and any other programme transfer did it)."""
    channel = np.where(h.on_floor[exiting], SOCIAL_SECURITY, Labour.FARM).astype(np.int8)
    if exiting.size == 0:
        return channel
    members = h.members_of(exiting)
    working = members[(p.state[members] > Labour.FARM) & (p.earnings[members] > 0)]
    if working.size:
        order = np.lexsort((-p.earnings[working], p.hh[working]))
        ranked = working[order]
        first = np.ones(ranked.size, bool)
        first[1:] = p.hh[ranked][1:] != p.hh[ranked][:-1]
        top = ranked[first]
        channel[np.searchsorted(exiting, p.hh[top])] = p.state[top]
    return channel
