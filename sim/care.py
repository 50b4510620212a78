"""Caring duties and yearly demography.

A household needs care when it has a child under 6, a frail elder or a disabled dependant. The need
binds a labourer only when no other adult covers it: a capable elder (grandparent) covers it, so
three-generation households migrate more. Otherwise one labourer is the bound carer: the one at home
rather than away (working away or in technical school), a woman rather than a man, then at random.
"""

from __future__ import annotations

import numpy as np

from sim.people import Households, People
from sim.state import Health, Labour, Role, in_states, labour_states


def update_care(p: People, h: Households, u: np.ndarray) -> np.ndarray:
    """Recompute care needs and bound carers. Returns bound carers who are away (they must return)."""
    alive = p.role != Role.DECEASED
    dependant = (p.role == Role.CHILD) | p.frail | ((p.health == Health.DISABLED) & (p.role != Role.LABOURER))
    h.care_need = np.bincount(p.hh[dependant & alive], minlength=h.n) > 0
    capable_elder = (p.role == Role.ELDER) & ~p.frail & (p.health != Health.DISABLED)
    h.elder_cover = np.bincount(p.hh[capable_elder], minlength=h.n) > 0
    binding = h.care_need & ~h.elder_cover

    lab = np.flatnonzero((p.role == Role.LABOURER) & binding[p.hh])
    away = in_states(p.state[lab], labour_states(away=True))  # at work or at school away
    key = away * 4.0 + (~p.female[lab]) * 2.0 + u[lab]
    order = np.lexsort((key, p.hh[lab]))
    ranked = lab[order]
    first = np.ones(ranked.size, bool)
    first[1:] = p.hh[ranked][1:] != p.hh[ranked][:-1]
    p.bound_carer[:] = False
    p.bound_carer[ranked[first]] = True
    return np.flatnonzero(p.bound_carer & in_states(p.state, labour_states(work=True, away=True)))


def update_household_counts(p: People, h: Households, elder_farm_labour: float) -> None:
    alive = p.role != Role.DECEASED
    h.size = np.bincount(p.hh[alive], minlength=h.n)
    h.elders = np.bincount(p.hh[p.role == Role.ELDER], minlength=h.n)
    capable = (p.role == Role.ELDER) & ~p.frail
    h.elder_units = elder_farm_labour * np.bincount(p.hh[capable], minlength=h.n)


def age_one_year(p: People, region, u_death: np.ndarray, u_frail: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Birthdays, school leaving, retirement, frailty and deaths. Returns (school leavers, retiring)."""
    alive = p.role != Role.DECEASED
    p.age[alive] += 1
    p.role[(p.role == Role.CHILD) & (p.age >= 6)] = Role.STUDENT
    leavers = np.flatnonzero((p.role == Role.STUDENT) & (p.age >= 16))
    p.role[leavers] = Role.LABOURER
    p.state[leavers] = Labour.FARM
    p.tenure[leavers] = 0
    retiring = np.flatnonzero((p.role == Role.LABOURER) & (p.age >= 65))
    p.role[retiring] = Role.ELDER
    elder = p.role == Role.ELDER
    dies = elder & (u_death < np.where(p.frail, region.frail_elder_death_rate, region.elder_death_rate))
    p.role[dies] = Role.DECEASED
    p.frail[elder & ~dies & ~p.frail & (u_frail < region.elder_frailty_onset)] = True
    return leavers, retiring
