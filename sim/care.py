"""Caring duties and yearly demography.

Each dependant carries a care load (region `care_load_*`): a child under 6, a school-age child (in
school for the day, so a partial load), a frail elder, a disabled dependant (the largest load that
applies). Each capable elder (grandparent: not frail, not disabled) covers up to
`elder_care_capacity` of it. A household needs care when its load exceeds `care_load_bind` (what it
manages with nobody at home: neighbours, older children); the need binds a labourer when what the
elders do not cover still exceeds it. So one grandparent covers one small child but not three, and
three-generation households migrate more. One labourer is the bound carer: the one at home rather
than away (working away or in technical school), a woman rather than a man, then at random.

Births: the population reserves one slot per birth of the next years in the mother's household
(`Population.born`); at the k-th January that slot becomes a child of age 0.
"""

from __future__ import annotations

import numpy as np

from sim.people import Households, People
from sim.state import Health, Labour, Role, in_states, labour_states


def care_loads(p: People, region) -> np.ndarray:
    """Each person's care load (0 for labourers, capable elders and the deceased or unborn)."""
    r = region
    load = np.where(p.role == Role.CHILD, r.care_load_young_child, 0.0)
    load = np.where(p.role == Role.STUDENT, r.care_load_student, load)
    load = np.where(p.frail & (p.role == Role.ELDER), np.maximum(load, r.care_load_frail_elder), load)
    disabled = (p.health == Health.DISABLED) & (p.role != Role.LABOURER) & (p.role != Role.DECEASED)
    return np.where(disabled, np.maximum(load, r.care_load_disabled), load)


def update_care(p: People, h: Households, u: np.ndarray, region) -> np.ndarray:
    """Recompute care loads, needs and bound carers. Returns bound carers who are away (they must return)."""
    h.care_load = np.bincount(p.hh, weights=care_loads(p, region), minlength=h.n)
    h.care_need = h.care_load > region.care_load_bind
    capable_elder = (p.role == Role.ELDER) & ~p.frail & (p.health != Health.DISABLED)
    elders = np.bincount(p.hh[capable_elder], minlength=h.n)
    uncovered = h.care_load - region.elder_care_capacity * elders
    h.elder_cover = (elders > 0) & (uncovered <= region.care_load_bind)  # the elders cover what there is
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
    """Living members, elders and the elders' farm labour (the unborn and the deceased count nowhere)."""
    alive = p.role != Role.DECEASED
    h.size = np.bincount(p.hh[alive], minlength=h.n)
    h.elders = np.bincount(p.hh[p.role == Role.ELDER], minlength=h.n)
    capable = (p.role == Role.ELDER) & ~p.frail
    h.elder_units = elder_farm_labour * np.bincount(p.hh[capable], minlength=h.n)


def births(p: People, year: int) -> np.ndarray:
    """The slots reserved for the `year`-th January become children of age 0; returns them."""
    born = np.flatnonzero(p.born == year) if year > 0 else np.zeros(0, np.int64)
    p.role[born] = Role.CHILD
    p.age[born] = 0
    return born


def age_one_year(
    p: People, region, u_death: np.ndarray, u_frail: np.ndarray, year: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Birthdays, births (the `year`-th January's, see `births`), school leaving, retirement,
    frailty and deaths. Returns (school leavers, retiring)."""
    alive = p.role != Role.DECEASED
    p.age[alive] += 1
    births(p, year)
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
