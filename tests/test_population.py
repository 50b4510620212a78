"""The synthetic population: county totals, reproducibility, household composition and caring duties."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import config, hand_made_household, household_sum
from test_care import expected_care

from sim import care
from sim.config import load
from sim.model import PovertyModel
from sim.population import build_population
from sim.state import Health, Labour, Role

POPULATION_FIELDS = ("hh", "age", "female", "skill", "health", "role", "frail", "village", "farm_potential")


@pytest.fixture(scope="module")
def county() -> PovertyModel:
    """The whole default county (scale 1.0) at month 0."""
    return PovertyModel(load(["scale=1.0", "months=1"]), agents=False)


def perhand_made_household(model: PovertyModel, mask: np.ndarray) -> np.ndarray:
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
    labourers = perhand_made_household(county, p.role == Role.LABOURER)
    elders = perhand_made_household(county, p.role == Role.ELDER)
    assert (labourers == 0).any(), "the composition should include households without labourers"
    assert (elders[labourers == 0] >= 1).all()


def test_every_household_has_a_living_member(county):
    """No household starts empty."""
    assert (county.households.size >= 1).all()


def test_care_need_follows_dependants(county):
    """A household needs care exactly when its dependants' care load (young children, school-age
    children, frail elders, disabled dependants, told by age, not by the roles the rule reads)
    exceeds what it manages with nobody at home."""
    need, _ = expected_care(county)
    assert need.any() and not need.all()
    np.testing.assert_array_equal(county.households.care_need, need)


def test_covering_elders_mean_no_bound_carer(county):
    """A household whose capable (non-frail, non-disabled) elders cover the care load has no bound
    carer; some households with a capable elder still have one (too many small children)."""
    p = county.people
    capable = perhand_made_household(county, (p.role == Role.ELDER) & ~p.frail & (p.health != Health.DISABLED))
    _, binding = expected_care(county)
    carers = perhand_made_household(county, p.bound_carer)
    assert ((capable > 0) & ~binding).any()
    assert (carers[~binding] == 0).all()
    assert (carers[(capable > 0) & binding] == 1).any()


def test_bound_carers_exactly_where_a_need_is_uncovered(county):
    """Every bound carer is a labourer at home, alone in the household, whose uncovered care load
    binds; and every such household with a labourer has one."""
    p, h = county.people, county.households
    carers = np.flatnonzero(p.bound_carer)
    assert carers.size > 0
    assert (p.role[carers] == Role.LABOURER).all()
    assert (p.dest[carers] == -1).all(), "a bound carer lives at home"
    per_hh = perhand_made_household(county, p.bound_carer)
    assert per_hh.max() == 1
    assert h.care_need[p.hh[carers]].all()
    _, binding = expected_care(county)
    labourers = perhand_made_household(county, p.role == Role.LABOURER)
    uncovered = binding & (labourers > 0)
    assert (per_hh[uncovered] == 1).all()
    assert (per_hh[~uncovered] == 0).all()


def test_bound_carer_is_a_woman_when_the_household_has_one(county):
    """Among labourers at home, the bound carer is a woman whenever the household has a female labourer."""
    p = county.people
    female_lab = perhand_made_household(county, (p.role == Role.LABOURER) & p.female)
    carer_hh = p.hh[p.bound_carer]
    with_woman = female_lab[carer_hh] > 0
    assert with_woman.any() and not with_woman.all()
    assert p.female[p.bound_carer][with_woman].all()


def test_care_rule_on_hand_made_households():
    """The rule on households written out by hand: who needs care, who is bound, who is called home."""
    L, C, S, E = Role.LABOURER, Role.CHILD, Role.STUDENT, Role.ELDER
    H, D = Health.HEALTHY, Health.DISABLED
    F, N, A, T = Labour.FARM, Labour.NONE, Labour.MIGRANT_SELF, Labour.TECH_SCHOOL
    p, h = hand_made_household(
        # 0: a child, a man and a woman at home: the woman is bound.
        (0, C, 3, False, H, False, N), (0, L, 30, False, H, False, F), (0, L, 28, True, H, False, F),
        # 1: a child and a capable grandparent: the grandparent covers it, nobody is bound.
        (1, C, 2, True, H, False, N), (1, L, 30, True, H, False, F), (1, E, 66, True, H, False, N),
        # 2: a frail elder, a woman away and a man at home: the man at home is bound.
        (2, E, 80, False, H, True, N), (2, L, 40, True, H, False, A), (2, L, 42, False, H, False, F),
        # 3: a disabled student, the only labourer away: bound, and called home.
        (3, S, 12, False, D, False, N), (3, L, 45, False, H, False, A),
        # 4: two labourers, nobody to care for.
        (4, L, 30, False, H, False, F), (4, L, 30, True, H, False, F),
        # 5: a disabled labourer is no dependant.
        (5, L, 50, False, D, False, F), (5, L, 25, True, H, False, F),
        # 6: a child, a disabled elder (no cover), a woman in technical school and a man at home.
        (6, C, 1, False, H, False, N), (6, E, 70, True, D, False, N), (6, L, 17, True, H, False, T),
        (6, L, 45, False, H, False, F),
        # 7: a frail elder alone: a need, but no labourer to bind.
        (7, E, 85, True, H, True, N),
        # 8: a child and two women at home: exactly one of them.
        (8, C, 4, True, H, False, N), (8, L, 30, True, H, False, F), (8, L, 33, True, H, False, F),
    )  # fmt: skip
    for seed in range(5):
        u = np.random.default_rng(seed).random(p.hh.size)
        called_home = care.update_care(p, h, u, config().region)
        np.testing.assert_array_equal(h.care_need, [True, True, True, True, False, False, True, True, True])
        bound = set(np.flatnonzero(p.bound_carer))
        assert bound - {21, 22} == {2, 8, 10, 18}
        assert len(bound & {21, 22}) == 1
        np.testing.assert_array_equal(called_home, [10])


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
    level = p.skill[students] + p.certificate[students]  # the fourth column: schooling 2 with a certificate
    shares = np.bincount(level, minlength=4) / students.sum()
    expected = np.asarray(county.cfg.region.skill_shares_by_age_band[0])
    np.testing.assert_allclose(shares, expected, atol=0.03)
    assert (p.skill <= 2).all() and (p.skill[p.certificate] == 2).all()
