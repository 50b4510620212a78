"""The synthetic population: county totals, reproducibility, household composition and caring duties."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import config, household_sum

from sim.config import load
from sim.model import PovertyModel
from sim.population import build_population
from sim.state import Health, Role

POPULATION_FIELDS = ("hh", "age", "female", "skill", "health", "role", "frail", "village", "farm_potential")


@pytest.fixture(scope="module")
def county() -> PovertyModel:
    """The whole default county (scale 1.0) at month 0."""
    return PovertyModel(load(["scale=1.0", "months=1"]), agents=False)


def per_household(model: PovertyModel, mask: np.ndarray) -> np.ndarray:
    """Number of persons in each household for whom `mask` holds."""
    return household_sum(model, mask.astype(float)).astype(int)


def test_county_totals_match_region(county):
    """At full scale the county has the region's households, people and labourers (within 1%)."""
    region, p = county.cfg.region, county.people
    assert county.households.n == pytest.approx(region.households, rel=0.01)
    assert int((p.role != Role.DECEASED).sum()) == pytest.approx(region.people, rel=0.01)
    assert int((p.role == Role.LABOURER).sum()) == pytest.approx(region.labourers, rel=0.01)


def test_population_is_reproducible_from_seed():
    """The same region, seed and scale build identical population arrays."""
    region = config().region
    a, b = build_population(region, 7, 0.05), build_population(region, 7, 0.05)
    for name in POPULATION_FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert a.n_villages == b.n_villages


def test_population_differs_across_seeds():
    """Different seeds build different populations."""
    region = config().region
    a, b = build_population(region, 1, 0.05), build_population(region, 2, 0.05)
    assert not np.array_equal(a.farm_potential, b.farm_potential)
    assert a.hh.size != b.hh.size or not np.array_equal(a.age, b.age)


def test_household_without_labourer_has_an_elder(county):
    """Every household without a labourer has at least one elder (nobody lives alone as a child)."""
    p = county.people
    labourers = per_household(county, p.role == Role.LABOURER)
    elders = per_household(county, p.role == Role.ELDER)
    assert (labourers == 0).any(), "the composition should include households without labourers"
    assert (elders[labourers == 0] >= 1).all()


def test_every_household_has_a_living_member(county):
    """No household starts empty."""
    assert (county.households.size >= 1).all()


def test_care_need_follows_dependants(county):
    """A household needs care exactly when it has a child under 6, a frail elder or a disabled dependant."""
    p = county.people
    dependant = (p.role == Role.CHILD) | p.frail | ((p.health == Health.DISABLED) & (p.role != Role.LABOURER))
    np.testing.assert_array_equal(county.households.care_need, per_household(county, dependant) > 0)


def test_capable_elder_means_no_bound_carer(county):
    """A household with a capable (non-frail, non-disabled) elder has no bound carer."""
    p = county.people
    capable = (p.role == Role.ELDER) & ~p.frail & (p.health != Health.DISABLED)
    has_capable = per_household(county, capable) > 0
    carers = per_household(county, p.bound_carer)
    assert has_capable.any()
    assert (carers[has_capable] == 0).all()


def test_binding_care_need_has_exactly_one_carer(county):
    """A household with a care need, no capable elder and a labourer has exactly one bound carer;
    every other household has none, and every bound carer is a labourer."""
    p, h = county.people, county.households
    capable = (p.role == Role.ELDER) & ~p.frail & (p.health != Health.DISABLED)
    binding = h.care_need & (per_household(county, capable) == 0) & (per_household(county, p.role == Role.LABOURER) > 0)
    carers = per_household(county, p.bound_carer)
    assert binding.any()
    assert (carers[binding] == 1).all()
    assert (carers[~binding] == 0).all()
    assert (p.role[p.bound_carer] == Role.LABOURER).all()


def test_bound_carer_is_a_woman_when_the_household_has_one(county):
    """Among labourers at home, the bound carer is a woman whenever the household has a female labourer."""
    p = county.people
    female_lab = per_household(county, (p.role == Role.LABOURER) & p.female)
    carer_hh = p.hh[p.bound_carer]
    with_woman = female_lab[carer_hh] > 0
    assert with_woman.any()
    assert p.female[p.bound_carer][with_woman].all()


def test_initial_migrants_time_away_does_not_depend_on_destination(county):
    """Initial migrants to every destination have been away for anything from months to years: the
    draw for time away is not the draw that picked the destination."""
    p, d = county.people, county.destinations
    away = np.flatnonzero(p.dest >= 0)
    assert away.size > 1000
    for k, name in enumerate(d.names):
        tenure = p.tenure[away[p.dest[away] == k]]
        assert tenure.size > 100, name
        assert tenure.min() < 12 and tenure.max() >= 48, f"{name}: tenure from {tenure.min()} to {tenure.max()}"


def test_school_leavers_carry_varied_schooling(county):
    """Children carry the youngest band's schooling into working age, not all the lowest level."""
    p = county.people
    students = p.role == Role.STUDENT
    shares = np.bincount(p.skill[students], minlength=4) / students.sum()
    expected = np.asarray(county.cfg.region.skill_shares_by_age_band[0])
    np.testing.assert_allclose(shares, expected, atol=0.03)
