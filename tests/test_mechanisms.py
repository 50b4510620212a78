"""Mechanisms checked month by month: caring duties, labour states, capacities, eligibility and money.

Each invariant is checked after every step of a full-mix run, once with the default behaviour and once
with boosted behaviour under which every channel runs into its capacity (`test_boosted_run_reaches_
every_capacity` proves the boosted run does). Assertions are on rules, never on calibrated numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pytest
from conftest import household_sum, make_model, programme, table
from test_care import expected_care

from sim import income
from sim.model import PovertyModel
from sim.programmes import PROGRAMMES
from sim.programmes.migration import away_value
from sim.state import Health, Labour, Role, channels, labour_states, owned_by
from sim.summary import summarise

MONTHS = 36
MIGRANT_STATES = labour_states(work=True, away=True)
WORKSHOP_STATES = owned_by("workshops")
# States that hold a seat at an employer in a village (workshops, local employers, returnee businesses).
SEAT_STATES = (*WORKSHOP_STATES, Labour.LOCAL_FIRM, Labour.LOCAL_PRODUCER, Labour.BUSINESS_WORKER)
SCENARIOS = {
    "default": ("policy=full_mix", "seed=1"),
    # Many searchers, crowded fairs and keen signers: workshops, placements, fairs and posts all fill.
    "boosted": (
        "policy=full_mix",
        "seed=2",
        "behaviour.search_rate=0.3",
        "behaviour.fair_attend_rate=0.3",
        "behaviour.intent_intercept=3",
        "behaviour.depart_rate=1",
    ),
}


@dataclass
class Month:
    """The model right after one step, with what the tests need from before and during the step."""

    model: PovertyModel
    state_before: np.ndarray
    income_pc_before: np.ndarray
    awarded_before: np.ndarray
    bound_carer_before: np.ndarray
    poor_before: np.ndarray
    post_holders_paid: np.ndarray | None = None  # welfare-post holders when posts were paid
    post_eligible: list[np.ndarray] = field(default_factory=list)  # every `eligible()` answer in the step

    @property
    def t(self) -> int:
        return self.model.t


def monthly(*overrides: str, months: int = MONTHS) -> Iterator[Month]:
    """Build a model with `overrides`, step it `months` times and yield it after every step."""
    model = make_model(*overrides, f"months={months}")
    posts = programme(model, "welfare_posts")
    for _ in range(months):
        p = model.people
        ws = programme(model, "workshops")
        awarded = ws.awarded if ws is not None else np.zeros(p.n, bool)
        before = (p.state, model.income_per_capita, awarded, p.bound_carer, model.households.poor)
        month = Month(model, *(a.copy() for a in before))
        if posts is not None:
            _spy_on_posts(posts, month)
        model.step()
        yield month


def _spy_on_posts(posts, month: Month) -> None:
    """Record who the welfare posts pay and whom they find eligible during this step."""
    cls = type(posts)

    def pay_workers():
        cls.pay_workers(posts)
        month.post_holders_paid = posts.holders()

    def eligible():
        found = cls.eligible(posts)
        month.post_eligible.append(found)
        return found

    posts.pay_workers, posts.eligible = pay_workers, eligible


@pytest.fixture(params=list(SCENARIOS), scope="module")
def scenario(request) -> tuple[str, ...]:
    return SCENARIOS[request.param]


def per_household(model: PovertyModel, mask: np.ndarray) -> np.ndarray:
    return household_sum(model, mask.astype(float)).astype(int)


# ---------------------------------------------------------------------------- caring duties


def test_bound_carers_never_away(scenario):
    """No bound carer is ever in a migrant state (self-arranged or organised)."""
    for m in monthly(*scenario):
        p = m.model.people
        away_carers = np.flatnonzero(p.bound_carer & np.isin(p.state, MIGRANT_STATES))
        assert away_carers.size == 0, f"month {m.t}: bound carers away: {away_carers[:10]}"


def test_care_duties_hold_every_month(scenario):
    """Each month, a household with a binding care need (a care load its capable elders do not
    cover) and a labourer has exactly one bound carer, a labourer; other households have none."""
    for m in monthly(*scenario):
        p = m.model.people
        has_lab = per_household(m.model, p.role == Role.LABOURER) > 0
        binding = expected_care(m.model)[1] & has_lab
        carers = per_household(m.model, p.bound_carer)
        assert (carers[binding] == 1).all(), f"month {m.t}"
        assert (carers[~binding] == 0).all(), f"month {m.t}"
        assert (p.role[p.bound_carer] == Role.LABOURER).all(), f"month {m.t}"


def test_carers_stay_home_when_everyone_else_leaves():
    """With migration made very attractive and everyone searching every month, free labourers leave
    in large numbers while bound carers, who would value migration just as highly, never leave."""
    overrides = (
        "policy=full_mix",
        "behaviour.constant_migrate_cross=5",
        "behaviour.constant_migrate_intra=5",
        "behaviour.search_rate=1",
        "behaviour.busy_search_factor=1",
        "behaviour.fair_attend_rate=1",
        "behaviour.intent_intercept=5",
    )
    carer_value_checked = False
    for m in monthly(*overrides, months=24):
        model, p = m.model, m.model.people
        carers = np.flatnonzero(p.bound_carer)
        assert carers.size > 0
        assert not np.isin(p.state[carers], MIGRANT_STATES).any(), f"month {m.t}: a bound carer left"
        if not carer_value_checked:
            # The option would be worth a lot to them: utility well above farming's 0.
            dest = int(np.argmax(model.destinations.cross))
            value = away_value(model, carers, dest, model.destinations.ticket[dest])
            assert np.median(value) > 2.0
            carer_value_checked = True
    free = (p.role == Role.LABOURER) & ~p.bound_carer & (p.health != Health.DISABLED)
    assert np.isin(p.state[free], MIGRANT_STATES).mean() > 0.5
    assert (
        table(model)["labour_cooperation_fair_intents"].sum() > table(model)["labour_cooperation_fair_departures"].sum()
    )


def test_carer_away_is_called_home_in_january():
    """A migrant who becomes a bound carer at the yearly care review (all elders turn frail) returns home."""
    overrides = ("policy=none", "region.elder_frailty_onset=1")
    called_home = 0
    for m in monthly(*overrides, months=13):
        p = m.model.people
        assert not np.isin(p.state[p.bound_carer], MIGRANT_STATES).any(), f"month {m.t}"
        if m.t == 13:
            newly_bound = p.bound_carer & ~m.bound_carer_before
            was_away = np.isin(m.state_before, MIGRANT_STATES)
            called_home = int((newly_bound & was_away).sum())
            assert (p.state[newly_bound & was_away] == Labour.FARM).all()
    assert called_home > 0, "the scenario should call some migrants home"


# ---------------------------------------------------------------------------- labour states


def test_every_labourer_in_exactly_one_labour_state(scenario):
    """Living labourers are in one of the labour states (never NONE); everyone else is in NONE."""
    valid = np.array([s for s in Labour if s != Labour.NONE])
    for m in monthly(*scenario):
        p = m.model.people
        labourer = p.role == Role.LABOURER
        assert np.isin(p.state[labourer], valid).all(), f"month {m.t}"
        assert (p.state[~labourer] == Labour.NONE).all(), f"month {m.t}"


def test_destination_set_exactly_for_migrants(scenario):
    """A person has a destination exactly when in a migrant state, and it is a known destination."""
    for m in monthly(*scenario):
        p = m.model.people
        migrant = np.isin(p.state, MIGRANT_STATES)
        np.testing.assert_array_equal(p.dest >= 0, migrant, err_msg=f"month {m.t}")
        assert (p.dest[migrant] < len(m.model.destinations.names)).all()


def test_workshop_seat_set_exactly_for_workshop_workers(scenario):
    """A person holds a workshop seat exactly when in a workshop state; the workshop is open, of the
    type that matches the state, and in the worker's own village."""
    for m in monthly(*scenario):
        model, p = m.model, m.model.people
        ws = programme(model, "workshops")
        in_workshop = np.isin(p.state, WORKSHOP_STATES)
        seated = np.isin(p.state, SEAT_STATES)
        np.testing.assert_array_equal(p.seat >= 0, seated, err_msg=f"month {m.t}")
        workers = np.flatnonzero(in_workshop)
        seat = p.seat[workers]
        assert (seat < ws.seats.size).all()
        assert ws.open[seat].all(), f"month {m.t}: worker in a closed workshop"
        np.testing.assert_array_equal(ws.type[seat], p.state[workers] - Labour.WORKSHOP_FACTORY)
        np.testing.assert_array_equal(ws.village[seat], model.households.village[p.hh[workers]])


def test_table_counts_match_labour_states(scenario):
    """The monthly table's employment counts are the number of persons in each labour state."""
    counts = []
    for m in monthly(*scenario):
        counts.append(np.bincount(m.model.people.state, minlength=len(Labour)))
    rows = table(m.model).iloc[1:]
    for state, name in channels().items():
        np.testing.assert_array_equal(rows[f"n_{name}"], [c[state] for c in counts], err_msg=name)


# ---------------------------------------------------------------------------- capacities


def test_workshops_never_exceed_seats(scenario):
    """No workshop has more workers than seats, and closed workshops have no workers."""
    for m in monthly(*scenario):
        p, ws = m.model.people, programme(m.model, "workshops")
        occupied = np.bincount(p.seat[np.isin(p.state, WORKSHOP_STATES)], minlength=ws.seats.size)
        assert (occupied <= ws.seats).all(), f"month {m.t}"
        assert (occupied[~ws.open] == 0).all(), f"month {m.t}"


def test_welfare_posts_within_number_and_one_per_household(scenario):
    """Post holders never exceed the scaled number of posts, and a household holds at most one post."""
    for m in monthly(*scenario):
        cfg, p = m.model.cfg, m.model.people
        holders = np.flatnonzero(p.state == Labour.WELFARE_POST)
        assert holders.size <= programme(m.model, "welfare_posts").posts, f"month {m.t}"
        posts_rate = cfg.policy.welfare_posts.posts_per_labourer
        assert programme(m.model, "welfare_posts").posts == round(posts_rate * cfg.region.labourers * cfg.scale)
        assert np.unique(p.hh[holders]).size == holders.size, f"month {m.t}: two posts in one household"


def test_new_post_holders_met_the_rule_at_placement(scenario):
    """Everyone placed on a post this month was eligible: a labourer who cannot leave (bound carer,
    ill or disabled, or old), in a household without stable work whose income was below the
    threshold, and among those `WelfarePosts.eligible()` returned."""
    placed_total = 0
    for m in monthly(*scenario):
        model, p = m.model, m.model.people
        rule = model.cfg.policy.welfare_posts
        new = np.flatnonzero((p.state == Labour.WELFARE_POST) & (p.tenure == 1))
        placed_total += new.size
        if new.size == 0:
            continue
        hh = p.hh[new]
        assert (p.role[new] == Role.LABOURER).all()
        cannot_leave = p.bound_carer[new] | (p.health[new] != Health.HEALTHY) | (p.age[new] >= rule.cannot_leave_age)
        assert cannot_leave.all(), f"month {m.t}: {new[~cannot_leave]}"
        assert (m.income_pc_before[hh] < rule.income_threshold * model.line).all(), f"month {m.t}"
        # Stable work only ends after placement within a step, so none may be left in the household now.
        stable = np.isin(p.state, labour_states(stable=True))
        assert (per_household(model, stable)[hh] == 0).all(), f"month {m.t}"
        assert np.isin(new, np.concatenate(m.post_eligible)).all(), f"month {m.t}"
    assert placed_total > 0


def test_january_review_keeps_only_households_still_in_need(scenario):
    """After each January review, every holder kept on is in a household whose income without the
    post pay (last year's pay, for the months it held the post) is still below the threshold."""
    reviews = 0
    for m in monthly(*scenario):
        model, p, h = m.model, m.model.people, m.model.households
        if model.calendar_month != 1 or model.t == 1:
            continue
        rule = model.cfg.policy.welfare_posts
        kept = np.flatnonzero(
            (p.state == Labour.WELFARE_POST) & (m.state_before == Labour.WELFARE_POST) & (p.tenure > 1)
        )
        hh = p.hh[kept]
        last_year = model.economy.index(model.year - 1)["rural_wage_income"]
        months = np.minimum(p.tenure[kept] - 1, 12)  # tenure has moved on by this month
        without_post = m.income_pc_before[hh] - months * rule.monthly_pay * last_year / np.maximum(h.size[hh], 1)
        assert (without_post < rule.income_threshold * model.line).all(), f"month {m.t}"
        reviews += 1
    assert reviews == 2
    assert table(model)["welfare_posts_reviewed_out"].sum() > 0, "the review should release someone"


def test_organised_departures_within_capacity(scenario):
    """Placements per month never exceed the monthly capacity, fair departures never exceed the places
    per fair times the fairs held, and new organised migrants come only from those two routes. The
    job-search subsidy is paid once per person: to departing persons who never had it, and never
    again to the same person."""
    subsidised_before = None
    for m in monthly(*scenario):
        model, p = m.model, m.model.people
        lc_cfg, scale = model.cfg.policy.labour_cooperation, model.cfg.scale
        lc = programme(model, "labour_cooperation")
        if subsidised_before is None:
            subsidised_before = np.zeros(p.n, bool)  # nobody departed through the programme at set-up
        placements, fair_departures = lc.flows["placements"], lc.flows["fair_departures"]
        assert placements <= math.ceil(lc_cfg.placements_per_labourer_month * model.cfg.region.labourers * scale)
        assert fair_departures <= lc.places_per_fair * lc.fairs_this_month(), f"month {m.t}"
        new = (p.state == Labour.MIGRANT_ORGANISED) & (p.tenure == 1)
        assert new.sum() <= placements + fair_departures
        assert (subsidised_before <= lc.subsidised).all(), f"month {m.t}: a subsidy record was taken back"
        newly_subsidised = lc.subsidised & ~subsidised_before
        assert newly_subsidised.sum() <= placements + fair_departures
        assert lc.flows["job_search_subsidy"] == pytest.approx(lc_cfg.job_search_subsidy * newly_subsidised.sum())
        assert (new & ~lc.subsidised).sum() == 0, f"month {m.t}: an organised departure without subsidy record"
        subsidised_before = lc.subsidised.copy()


@pytest.mark.parametrize("per_year", [0, 1, 5, 11, 12, 30])
def test_fairs_spread_over_the_year(per_year):
    """Fairs are spread over the calendar months and add up to fairs_per_year each year."""
    model = make_model("policy=labour_cooperation", f"policy.labour_cooperation.fairs_per_year={per_year}")
    lc = programme(model, "labour_cooperation")
    held = []
    for month in range(1, 13):
        model.calendar_month = month
        held.append(lc.fairs_this_month())
    assert sum(held) == per_year
    assert max(held) - min(held) <= 1


def test_boosted_run_reaches_every_capacity():
    """Under the boosted behaviour every capacity binds at some point, so the capacity tests test something."""
    reached = dict.fromkeys(("workshop seats", "placements", "fair places", "posts"), False)
    for m in monthly(*SCENARIOS["boosted"]):
        model, p = m.model, m.model.people
        cfg, scale = model.cfg.policy, model.cfg.scale
        ws, lc = programme(model, "workshops"), programme(model, "labour_cooperation")
        occupied = np.bincount(p.seat[np.isin(p.state, WORKSHOP_STATES)], minlength=ws.seats.size)
        reached["workshop seats"] |= bool((ws.open & (occupied == ws.seats)).any())
        labourers = model.cfg.region.labourers * scale
        reached["placements"] |= lc.flows["placements"] >= math.floor(
            cfg.labour_cooperation.placements_per_labourer_month * labourers
        )
        fairs = lc.fairs_this_month()
        places = round(cfg.labour_cooperation.places_per_fair_per_labourer * labourers)
        reached["fair places"] |= fairs > 0 and lc.flows["fair_departures"] == places * fairs
        posts = round(cfg.welfare_posts.posts_per_labourer * labourers)
        reached["posts"] |= (p.state == Labour.WELFARE_POST).sum() == posts
    assert all(reached.values()), reached


# ---------------------------------------------------------------------------- money


def test_household_income_adds_up(scenario):
    """Household income is farm income plus the members' earnings net of expenses plus transfers,
    and households sum to the table's total."""
    totals = []
    for m in monthly(*scenario):
        model, p, h = m.model, m.model.people, m.model.households
        farm = model.farm  # computed from the states held while working, before this month's quits
        index = model.pay_index  # money of this year (sim/economy.py)
        full = h.farm_potential * model.season[model.calendar_month] * index["rural_business_income"]
        assert (farm <= full + 1e-9).all()
        members = household_sum(model, p.earnings - p.expense)
        standing = income.transfers(h, model.cfg.region, index["rural_transfer_income"])
        expected = farm + members + standing + h.transfer  # + programme transfers
        np.testing.assert_allclose(h.income, expected, rtol=1e-9, atol=1e-6, err_msg=f"month {m.t}")
        totals.append(expected.sum())
    np.testing.assert_allclose(table(model)["household_income_total"].iloc[1:], totals, rtol=1e-9)


def test_programme_spending_adds_up(scenario):
    """Post spending equals the post holders' earnings, the award is paid once per person hired, and
    spend_total is the sum of the spending items."""
    for m in monthly(*scenario):
        model, p = m.model, m.model.people
        posts, ws = programme(model, "welfare_posts"), programme(model, "workshops")
        paid = m.post_holders_paid
        assert posts.flows["pay"] == pytest.approx(p.earnings[paid].sum())
        pay = model.cfg.policy.welfare_posts.monthly_pay * model.pay_index["rural_wage_income"]
        assert posts.flows["pay"] == pytest.approx(pay * paid.size)
        assert (m.awarded_before <= ws.awarded).all(), f"month {m.t}: an award was taken back"
        newly_awarded = int((ws.awarded & ~m.awarded_before).sum())
        assert ws.flows["award"] == pytest.approx(model.cfg.policy.workshops.award_per_worker * newly_awarded)
        workers = np.isin(p.state, WORKSHOP_STATES)
        assert ws.awarded[workers].all(), f"month {m.t}: a workshop worker without award record"
    rows = table(model)
    items = [c for c in rows.columns if c.startswith("spend_") and c != "spend_total"]
    np.testing.assert_allclose(rows["spend_total"], rows[items].sum(axis=1))
    award = model.cfg.policy.workshops.award_per_worker
    assert rows["spend_workshops_award"].sum() == pytest.approx(award * ws.awarded.sum())


def test_migrant_earnings_are_wage_less_living_cost(scenario):
    """A migrant's earnings this month are the productivity-adjusted wage at the destination (in this
    year's money, with tenure pay) less the living cost there (in this year's prices; never negative)."""
    for m in monthly(*scenario, months=12):
        model, p, b = m.model, m.model.people, m.model.cfg.behaviour
        d, index = model.destinations, model.pay_index
        away = np.flatnonzero(p.dest >= 0)
        years = np.minimum((p.tenure[away] - 1) / 12, b.tenure_pay_years)  # tenure moved on after the pay
        wage = (
            d.wage[p.dest[away]]
            * index["migrant_wage"]
            * b.newcomer_pay_share
            * (1 + b.tenure_pay_growth * years)
            * p.productivity[away]
        )
        expected = np.maximum(wage - d.living[p.dest[away]] * index["migrant_wage"], 0.0)
        np.testing.assert_allclose(p.earnings[away], expected, err_msg=f"month {m.t}")


# ---------------------------------------------------------------------------- policy mixes


ALL_CHANNELS = {
    "workshops": ("n_workshop_factory", "n_workshop_home", "n_workshop_coop", "spend_workshops_award"),
    "labour_cooperation": (
        "n_labour_cooperation",
        "spend_labour_cooperation_transport_subsidy",
        "spend_labour_cooperation_job_search_subsidy",
    ),
    "welfare_posts": ("n_welfare_post", "spend_welfare_posts_pay"),
}
MIXES = {
    "none": (),
    "workshops": ("workshops",),
    "labour_cooperation": ("labour_cooperation",),
    "welfare_posts": ("welfare_posts",),
    "full_mix": tuple(PROGRAMMES),  # every programme
}


@pytest.mark.parametrize("mix", list(MIXES))
def test_disabled_programme_has_no_channel(mix):
    """A programme left out of the policy mix does not run: its workers and spending stay zero, while
    the programmes in the mix do place people."""
    model = make_model(f"policy={mix}", "behaviour.search_rate=0.3", "months=24")
    model.run()
    rows = table(model)
    assert {p.name for p in model.programmes} == {"migration", *MIXES[mix]}
    for name, columns in ALL_CHANNELS.items():
        used = rows[[c for c in columns if c.startswith("n_")]].to_numpy().sum()
        if name in MIXES[mix]:
            assert used > 0, f"{name} is on but nobody works in it"
        else:
            assert (rows[list(columns)] == 0).all().all(), f"{name} is off but has workers or spending"
    if mix == "none":
        assert (rows["spend_total"] == 0).all()


@pytest.mark.parametrize("seed", [0, 1])
def test_full_mix_lowers_poverty_more_than_none(seed):
    """Over 60 months, the full mix leaves fewer people poor than no programme, for the same seed."""
    end = {}
    for mix in ("none", "full_mix"):
        model = make_model(f"policy={mix}", f"seed={seed}", "months=60", agents=False)
        model.run()
        end[mix] = table(model)["poor_people"].iloc[-1]
    assert end["full_mix"] < end["none"]


def test_household_that_dies_out_is_not_a_poverty_exit():
    """A household whose last member dies leaves the poverty count but is not counted as an exit."""
    overrides = ("policy=none", "region.elder_death_rate=1", "region.frail_elder_death_rate=1")
    *_, m = monthly(*overrides, months=13)
    model, h = m.model, m.model.households
    died_out = h.size == 0
    assert died_out.any(), "the scenario should leave some households empty"
    exits_reported = int(table(model)["exits"].iloc[-1])
    assert not h.poor[died_out].any()
    real_exits = m.poor_before & ~h.poor & ~died_out
    assert exits_reported == int(real_exits.sum())
    summary = summarise(model, table(model))
    assert summary["net_exits_households"] == int((h.initially_poor & ~h.poor & ~died_out).sum())
