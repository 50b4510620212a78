"""Caring that stays real: births keep the young children and the bound carers, care loads decide who
is bound, and the care-compatible options are open to bound carers.

`expected_care` writes the care rule out from ages (not from the roles the model's rule reads), so the
tests of other files check the model against it too.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import config, hand_made_household, household_sum, make_model, programme

from sim import care
from sim.model import PovertyModel
from sim.population import birth_probability, build_population
from sim.state import Health, Labour, Role, labour_states, owned_by

SEEDS = (1, 2, 3)
AWAY_WORK = labour_states(work=True, away=True)


def expected_care(model: PovertyModel) -> tuple[np.ndarray, np.ndarray]:
    """(care need, binding need) per household from the members' ages, health and frailty: loads of
    the young (under 6), the school-age (6-15), frail elders and disabled dependants (the largest
    that applies), less what capable elders cover."""
    p, r = model.people, model.cfg.region
    alive = p.role != Role.DECEASED
    young, school = alive & (p.age >= 0) & (p.age < 6), alive & (p.age >= 6) & (p.age < 16)
    elder = alive & (p.age >= 65)
    load = np.where(young, r.care_load_young_child, np.where(school, r.care_load_student, 0.0))
    load = np.where(elder & p.frail, np.maximum(load, r.care_load_frail_elder), load)
    dependant_disabled = alive & (p.health == Health.DISABLED) & (young | school | elder)
    load = np.where(dependant_disabled, np.maximum(load, r.care_load_disabled), load)
    total = household_sum(model, load)
    capable = household_sum(model, (elder & ~p.frail & (p.health != Health.DISABLED)).astype(float))
    need = total > r.care_load_bind + 1e-9
    binding = need & (total - r.elder_care_capacity * capable > r.care_load_bind + 1e-9)
    return need, binding


def labourers_of(model: PovertyModel) -> np.ndarray:
    return model.people.role == Role.LABOURER


def young_children(model: PovertyModel) -> int:
    p = model.people
    return int(((p.role == Role.CHILD) & (p.age < 6)).sum())


def bound_share(model: PovertyModel) -> float:
    lab = labourers_of(model)
    return float(model.people.bound_carer[lab].mean())


# ---------------------------------------------------------------------------- births


@pytest.fixture(scope="module")
def decade() -> list[dict]:
    """Under policy none, 3 seeds, the young children and bound carers at months 0, 60 and 120, plus
    every January's births checked against the reserved slots and the mothers."""
    out = []
    for seed in SEEDS:
        model = make_model("policy=none", f"seed={seed}", "months=120", agents=False)
        p, h = model.people, model.households
        reserved = household_sum(model, (p.born > 0).astype(float)).astype(int)
        rec = {"seed": seed, 0: (young_children(model), bound_share(model)), "births": 0}
        for t in range(1, 121):
            role_before, age_before = p.role.copy(), p.age.copy()
            model.step()
            born = np.flatnonzero((role_before == Role.DECEASED) & (p.role != Role.DECEASED))
            if born.size:
                assert model.calendar_month == 1, f"month {t}: births outside January"
                assert (p.role[born] == Role.CHILD).all() and (p.age[born] == 0).all()
                assert (p.born[born] == (t - 1) // 12).all(), "a slot born in another year than reserved"
                # The mother: a woman of child-bearing age in the household.
                r = model.cfg.region
                women = (role_before != Role.DECEASED) & p.female & (age_before + 1 >= r.birth_age_first)
                women &= age_before + 1 <= r.birth_age_last
                has_mother = household_sum(model, women.astype(float)) > 0
                assert has_mother[p.hh[born]].all(), f"month {t}: a birth with no woman aged 20-39"
                rec["births"] += born.size
            if t in (60, 120):
                rec[t] = (young_children(model), bound_share(model))
        born_so_far = household_sum(model, ((p.born > 0) & (p.role != Role.DECEASED)).astype(float)).astype(int)
        assert (born_so_far <= reserved).all()
        rec["size_ok"] = np.array_equal(h.size, household_sum(model, (p.role != Role.DECEASED).astype(float)))
        out.append(rec)
    return out


@pytest.mark.parametrize("month", [60, 120])
def test_young_children_and_bound_carers_stay_near_their_start(decade, month):
    """With births, the children under 6 and the share of labourers bound to care stay within 20% of
    the start over 5 and 10 years (without births both fell by a third to a half in 5 years)."""
    for rec in decade:
        (kids0, bound0), (kids, bound) = rec[0], rec[month]
        assert kids == pytest.approx(kids0, rel=0.2), f"seed {rec['seed']}, month {month}: {kids0} -> {kids}"
        assert bound == pytest.approx(bound0, rel=0.2), f"seed {rec['seed']}, month {month}: {bound0} -> {bound}"


def test_births_fill_only_reserved_slots_and_count_in_household_size(decade):
    """Births happened, each into a reserved slot of a household with a woman aged 20-39 (checked
    each January in the fixture), never beyond the household's reserved slots, and household size
    counts the newborn."""
    for rec in decade:
        assert rec["births"] > 100, rec
        assert rec["size_ok"], rec


def test_slots_reserved_only_with_a_future_mother():
    """At build, every reserved slot lies in its household's block after the living members, and
    the household has a woman who will be of child-bearing age in the slot's year."""
    region = config().region
    pop = build_population(region, 4, 0.05)
    unborn = pop.born > 0
    assert unborn.any()
    assert (pop.role[unborn] == Role.DECEASED).all()
    assert np.all(np.diff(pop.hh) >= 0), "persons stored household by household"
    # Within each household the living come first.
    key = pop.hh.astype(np.int64) * 2 + unborn
    assert np.all(np.diff(key) >= 0)
    living = ~unborn
    for i in np.flatnonzero(unborn)[:300]:
        k = int(pop.born[i])
        mates = living & (pop.hh == pop.hh[i]) & pop.female
        ages = pop.age[mates] + k
        assert ((ages >= region.birth_age_first) & (ages <= region.birth_age_last)).any()
    assert pop.born.max() <= region.birth_slot_years
    # The living population does not depend on the births reserved.
    no_births = build_population(_with(region, birth_rate=0.0), 4, 0.05)
    assert (no_births.born == 0).all()
    np.testing.assert_array_equal(no_births.age, pop.age[living])
    np.testing.assert_array_equal(no_births.female, pop.female[living])


def test_birth_probability_spreads_the_crude_rate_over_women():
    """Expected births in the first year equal the crude birth rate times the people."""
    region = config().region
    pop = build_population(region, 5, 0.1)
    living = pop.born == 0
    prob = birth_probability(region, pop.age[living], pop.female[living])
    women = pop.female[living] & (pop.age[living] >= region.birth_age_first - 1)
    women &= pop.age[living] <= region.birth_age_last - 1  # of age at the first January
    assert prob * women.sum() == pytest.approx(region.birth_rate * living.sum(), rel=0.1)
    assert (pop.born == 1).sum() == pytest.approx(prob * women.sum(), rel=0.25)


def _with(region, **values):
    import copy

    r = copy.deepcopy(region)
    for k, v in values.items():
        setattr(r, k, v)
    return r


# ---------------------------------------------------------------------------- the care-load rule


def test_one_grandparent_covers_one_small_child_not_three():
    """One capable grandparent covers one young child but not three; school-age children carry a
    partial load: one alone binds nobody, two do; a frail grandparent covers nothing."""
    L, C, S, E = Role.LABOURER, Role.CHILD, Role.STUDENT, Role.ELDER
    H, F, N = Health.HEALTHY, Labour.FARM, Labour.NONE
    p, h = hand_made_household(
        # 0: one young child, a grandmother, a mother: covered.
        (0, C, 2, True, H, False, N), (0, E, 67, True, H, False, N), (0, L, 30, True, H, False, F),
        # 1: three young children, a grandmother, a mother: the mother is bound.
        (1, C, 1, True, H, False, N), (1, C, 3, False, H, False, N), (1, C, 5, False, H, False, N),
        (1, E, 67, True, H, False, N), (1, L, 30, True, H, False, F),
        # 2: one school child and a father: no binding need.
        (2, S, 9, True, H, False, N), (2, L, 40, False, H, False, F),
        # 3: two school children and a father: bound.
        (3, S, 9, True, H, False, N), (3, S, 12, True, H, False, N), (3, L, 40, False, H, False, F),
        # 4: three young children and two grandparents: covered.
        (4, C, 1, True, H, False, N), (4, C, 3, False, H, False, N), (4, C, 5, False, H, False, N),
        (4, E, 67, True, H, False, N), (4, E, 70, False, H, False, N), (4, L, 30, True, H, False, F),
        # 5: one young child and a frail grandparent: the mother is bound.
        (5, C, 2, True, H, False, N), (5, E, 80, True, H, True, N), (5, L, 30, True, H, False, F),
    )  # fmt: skip
    region = config().region
    care.update_care(p, h, np.random.default_rng(0).random(p.hh.size), region)
    carers = set(np.flatnonzero(p.bound_carer))
    assert carers == {7, 12, 21}
    np.testing.assert_array_equal(h.care_need, [True, True, False, True, True, True])
    np.testing.assert_array_equal(h.elder_cover, [True, False, False, False, True, False])


def test_bound_carers_follow_the_load_rule_month_by_month():
    """Over three years with births and deaths, each household whose uncovered load binds and has a
    labourer has exactly one bound carer; no other household has one."""
    model = make_model("policy=none", "seed=2", "months=37", agents=False)
    for t in range(37):
        if t:
            model.step()
        if t % 12 not in (0, 1):
            continue
        need, binding = expected_care(model)
        p = model.people
        has_lab = household_sum(model, labourers_of(model).astype(float)) > 0
        carers = household_sum(model, p.bound_carer.astype(float))
        np.testing.assert_array_equal(model.households.care_need, need, err_msg=f"month {t}")
        assert (carers[binding & has_lab] == 1).all(), f"month {t}"
        assert (carers[~(binding & has_lab)] == 0).all(), f"month {t}"


# ---------------------------------------------------------------------------- care-compatible options


def test_bound_carers_never_away_or_in_school_away():
    """Under the full mix, no bound carer is ever working away or enrolled in technical school away."""
    model = make_model("policy=full_mix", "seed=1", "months=36", "behaviour.search_rate=0.3", agents=False)
    assert programme(model, "tech_school") is not None
    enrolled = 0
    for _ in range(36):
        before = model.people.state.copy()
        model.step()
        p = model.people
        carers = p.bound_carer
        assert not np.isin(p.state[carers], AWAY_WORK).any(), f"month {model.t}"
        enrolled_now = (p.state == Labour.TECH_SCHOOL) & (before != Labour.TECH_SCHOOL)
        assert not (carers & enrolled_now).any(), f"month {model.t}: a bound carer enrolled"
        enrolled += int(enrolled_now.sum())
    assert enrolled > 0


def _workshop_uptake(home_initial: float, home_openings: float) -> float:
    """Share of the bound carers at the start who are ever in a workshop over 24 months, 3 seeds
    (home-based workshops at the start and opening a year, per poor labourer)."""
    carer_in, carers = 0, 0
    for seed in SEEDS:
        model = make_model(
            "policy=workshops",
            f"seed={seed}",
            "months=24",
            f"policy.workshops.home.initial_per_labourer={home_initial}",
            f"policy.workshops.home.openings_per_labourer_year={home_openings}",
            agents=False,
        )
        ever = np.zeros(model.people.n, bool)
        bound = model.people.bound_carer.copy()
        ws = owned_by("workshops")
        for _ in range(24):
            model.step()
            ever |= np.isin(model.people.state, ws)
        lab = model.population.role == Role.LABOURER
        carer_in += int((ever & bound & lab).sum())
        carers += int((bound & lab).sum())
    return carer_in / carers


def test_home_workshops_draw_bound_carers():
    """Bound carers take workshop work more often when home-based workshops (fully compatible with
    caring) are there than when they are not (same seeds)."""
    with_home = _workshop_uptake(0.0027, 0.0008)  # 200 at the start, 60 a year in Yunxi
    without_home = _workshop_uptake(0, 0)
    assert with_home > 1.3 * without_home, (with_home, without_home)


def test_care_posts_go_to_bound_carers_first():
    """Care posts (爱心妈妈, care of lone elders and left-behind children) go to eligible bound carers
    first: with every post a care post, the first month's holders are all bound carers while eligible
    ones remain; with none, other eligible labourers from poorer households get posts too."""
    holders = {}
    for share in (1.0, 0.33, 0.0):
        model = make_model(
            "policy=welfare_posts", "seed=1", "months=1", f"policy.welfare_posts.care_post_share={share}"
        )
        posts = programme(model, "welfare_posts")
        assert posts.care_posts == round(share * posts.posts)
        model.step()
        held = posts.holders()
        p = model.people
        assert int(posts.care_post[held].sum()) <= posts.care_posts
        carers_left = posts.eligible()
        carers_left = carers_left[p.bound_carer[carers_left]]
        if carers_left.size:
            assert p.bound_carer[held[posts.care_post[held]]].all(), share
        holders[share] = float(p.bound_carer[held].mean())
    assert holders[1.0] == 1.0
    assert holders[0.0] < holders[0.33] < holders[1.0]
