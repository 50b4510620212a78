"""Synthetic population of a county's registered-poor households, as columnar arrays.

Built only from the region config and the seed (never from the policy), so every policy mix run with
one seed starts from the identical population.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from sim.schema import RegionConfig
from sim.state import Health, Labour, Role
from sim.streams import stream


@dataclass
class Population:
    """Person and household tables. Person i belongs to household `hh[i]`."""

    # persons
    hh: np.ndarray  # int32 household index
    age: np.ndarray  # int16 years
    female: np.ndarray  # bool
    skill: np.ndarray  # int8 schooling 0..2 (SKILL_NAMES)
    certificate: np.ndarray  # bool, holds a vocational certificate (a trade)
    health: np.ndarray  # int8 Health
    role: np.ndarray  # int8 Role
    frail: np.ndarray  # bool, elders needing care
    born: np.ndarray  # int8: 0 for persons alive at the start; k >= 1 for a slot born at the k-th January
    # households
    village: np.ndarray  # int32
    farm_potential: np.ndarray  # float64 yuan/year at full farm labour (land scales with size)
    n_villages: int

    @property
    def n_persons(self) -> int:
        return self.hh.size

    @property
    def n_households(self) -> int:
        return self.village.size


def tilted(shape: list[float], theta: float) -> np.ndarray:
    """Exponentially tilted count distribution: p_k proportional to shape_k * exp(theta * k)."""
    k = np.arange(len(shape))
    w = np.asarray(shape, float) * np.exp(theta * k)
    return w / w.sum()


def _tilt_to_mean(mean_of_theta, target: float) -> float:
    return brentq(lambda t: mean_of_theta(t) - target, -20.0, 20.0)


def _mean(p: np.ndarray) -> float:
    return float(p @ np.arange(p.size))


def composition_distributions(region: RegionConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count distributions of labourers, children and elders per household whose expected totals
    equal the region's labourers and people per household (households without a labourer always
    have an elder, which the expectation accounts for)."""
    lab_target = region.labourers / region.households
    dep_target = (region.people - region.labourers) / region.households
    p_lab = tilted(
        region.labourers_shape, _tilt_to_mean(lambda t: _mean(tilted(region.labourers_shape, t)), lab_target)
    )

    def dependants(theta: float) -> float:
        p_eld = tilted(region.elders_shape, theta)
        p_child = tilted(region.children_shape, theta)
        eld_if_none = _mean(p_eld) / max(1e-12, 1 - p_eld[0])  # conditional on at least one
        return _mean(p_child) + (1 - p_lab[0]) * _mean(p_eld) + p_lab[0] * eld_if_none

    theta = _tilt_to_mean(dependants, dep_target)
    return p_lab, tilted(region.children_shape, theta), tilted(region.elders_shape, theta)


def build_population(region: RegionConfig, seed: int, scale: float = 1.0) -> Population:
    n_hh = max(1, round(region.households * scale))
    n_vil = max(1, round(region.villages * scale)) if scale < 1 else region.villages
    rng = stream(seed, "population")

    village_weights = rng.lognormal(0.0, region.village_size_sigma, n_vil)
    village = rng.choice(n_vil, size=n_hh, p=village_weights / village_weights.sum()).astype(np.int32)

    p_lab, p_child, p_eld = composition_distributions(region)
    n_lab = rng.choice(p_lab.size, size=n_hh, p=p_lab)
    n_child = rng.choice(p_child.size, size=n_hh, p=p_child)
    n_eld = rng.choice(p_eld.size, size=n_hh, p=p_eld)
    no_adult = (n_lab == 0) & (n_eld == 0)
    p_eld_pos = p_eld[1:] / p_eld[1:].sum()
    n_eld[no_adult] = 1 + rng.choice(p_eld_pos.size, size=int(no_adult.sum()), p=p_eld_pos)

    size = n_lab + n_child + n_eld
    hh = np.repeat(np.arange(n_hh, dtype=np.int32), size)
    n = hh.size
    pos = np.arange(n) - np.repeat(np.cumsum(size) - size, size)
    role = np.where(pos < n_lab[hh], Role.LABOURER, np.where(pos < (n_lab + n_child)[hh], Role.CHILD, Role.ELDER))
    role = role.astype(np.int8)
    is_lab, is_child, is_eld = role == Role.LABOURER, role == Role.CHILD, role == Role.ELDER

    age = np.zeros(n, np.int16)
    edges = np.asarray(region.labourer_age_edges)
    band = rng.choice(edges.size - 1, size=n, p=region.labourer_age_shares)
    lab_age = edges[band] + (rng.random(n) * (edges[band + 1] - edges[band])).astype(int)
    young = rng.random(n) < region.young_child_share
    child_age = np.where(young, rng.integers(0, 6, n), rng.integers(6, 16, n))
    elder_age = np.minimum(65 + rng.gamma(2.0, 4.0, n).astype(int), 99)
    age[:] = np.where(is_lab, lab_age, np.where(is_child, child_age, elder_age))
    role[is_child & (age >= 6)] = Role.STUDENT

    # Schooling by age band; children will leave school with the youngest band's, elders had the oldest's.
    # The fourth column is senior high or vocational school with a trade certificate.
    cum = np.cumsum(np.asarray(region.skill_shares_by_age_band), axis=1)
    skill_band = np.where(is_lab, band, np.where(is_eld, cum.shape[0] - 1, 0))
    level = (rng.random(n)[:, None] > cum[skill_band]).sum(axis=1).clip(0, 3)
    skill, certificate = np.minimum(level, 2).astype(np.int8), level == 3

    health = np.full(n, Health.HEALTHY, np.int8)
    u = rng.random(n)
    lab_cum = np.cumsum(region.labourer_health_shares)
    eld_cum = np.cumsum(region.elder_health_shares)
    health[is_lab] = (u[is_lab, None] > lab_cum[None, :2]).sum(axis=1)
    health[is_eld] = (u[is_eld, None] > eld_cum[None, :2]).sum(axis=1)
    health[~is_lab & ~is_eld & (u < region.child_disabled_share)] = Health.DISABLED

    frail = is_eld & ((health == Health.DISABLED) | (rng.random(n) < region.frail_elder_share))
    female = rng.random(n) < region.female_share
    farm = size * rng.lognormal(np.log(region.farm_income_per_person), region.farm_income_sigma, n_hh)
    persons = dict(
        hh=hh, age=age, female=female, skill=skill, certificate=certificate, health=health, role=role, frail=frail
    )
    persons = _reserve_births(region, rng, persons, cum[0])
    return Population(**persons, village=village, farm_potential=farm, n_villages=n_vil)


def birth_probability(region: RegionConfig, age: np.ndarray, female: np.ndarray) -> float:
    """Yearly chance of a birth per woman of child-bearing age: the region's crude birth rate times
    the people, spread over the women aged `birth_age_first`-`birth_age_last` at the start."""
    first, last = region.birth_age_first, region.birth_age_last
    women = int((female & (age >= first) & (age <= last)).sum())
    return min(1.0, region.birth_rate * age.size / max(women, 1))


def _reserve_births(region: RegionConfig, rng, persons: dict, child_skill_cum: np.ndarray) -> dict:
    """Draw every birth of the next `birth_slot_years` Januaries now (labourers do not die, so a
    mother is there in every year) and reserve one slot per birth at the end of the mother's
    household: role DECEASED (absent to every test of the living) until its January, `born` = k.
    The draws come after all others, so the persons alive at the start are the same with or without
    births. Newborns' sex, health and later schooling are drawn here too."""
    age, female = persons["age"], persons["female"]
    first, last = region.birth_age_first, region.birth_age_last
    prob = birth_probability(region, age, female)
    years = np.arange(1, region.birth_slot_years + 1)
    mother_age = age[:, None] + years[None, :]  # age at the k-th January
    can = female[:, None] & (mother_age >= first) & (mother_age <= last)
    mothers, k = np.nonzero(can & (rng.random(can.shape) < prob))
    m = mothers.size
    born = np.concatenate([np.zeros(age.size, np.int8), years[k].astype(np.int8)])
    health = np.where(rng.random(m) < region.child_disabled_share, Health.DISABLED, Health.HEALTHY)
    level = (rng.random(m)[:, None] > child_skill_cum[None, :]).sum(axis=1).clip(0, 3)
    skill, certificate = np.minimum(level, 2), level == 3
    extra = dict(
        hh=persons["hh"][mothers],
        age=np.full(m, -1),
        female=rng.random(m) < region.female_share,
        skill=skill,
        certificate=certificate,
        health=health,
        role=np.full(m, Role.DECEASED),
        frail=np.zeros(m, bool),
    )
    out = {name: np.concatenate([col, extra[name].astype(col.dtype)]) for name, col in persons.items()}
    order = np.argsort(out["hh"], kind="stable")  # household by household, the unborn after the living
    out = {name: col[order] for name, col in out.items()}
    out["born"] = born[order]
    return out


def initial_labour_state(role: np.ndarray) -> np.ndarray:
    return np.where(role == Role.LABOURER, Labour.FARM, Labour.NONE).astype(np.int8)
