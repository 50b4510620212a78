"""Money over time (sim/economy.py, conf/economy/): base-year money is paid times level(year) /
level(base_year) of its series, changing on 1 January; amounts a policy sets are not indexed; levels
are flat beyond the years given; pay at a destination rises with tenure there, up to a cap; a bad
economy config is refused with a message naming the key."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from conftest import assert_refused, config, make_model, programme

from sim.config import CONF_DIR, load
from sim.economy import SERIES, Economy
from sim.model import PovertyModel
from sim.programmes.migration import gross_wage, tenure_factor
from sim.state import Labour
from sim.validate import ConfigError, file_problems

EXACT = {"rtol": 1e-12, "atol": 1e-9}


def ratio(cfg, series: str, year: int) -> float:
    """level(year) / level(base_year) straight from the config's levels (years the config lists)."""
    levels = getattr(cfg.economy, series)
    return levels[year] / levels[cfg.economy.base_year]


# ------------------------------------------------------------------------------ the index by year
@pytest.fixture(scope="module")
def across_new_year():
    """A full-mix run through 2017, recorded in December, then one step into January 2018."""
    model = make_model("policy=full_mix", "start_year=2017", "months=13", "seed=3", agents=False)
    seen = {}
    for _ in range(12):
        model.step()
    seen["december"] = _pay_of(model)
    model.step()
    seen["january"] = _pay_of(model)
    return model, seen


def _pay_of(model: PovertyModel) -> dict:
    """What each kind of worker was paid this month, with who they are (after the step)."""
    p, h = model.people, model.households
    return {
        "year": model.year,
        "month": model.calendar_month,
        "index": dict(model.pay_index),
        "away": np.flatnonzero(p.dest >= 0),
        "workshop": np.flatnonzero(
            np.isin(p.state, [Labour.WORKSHOP_FACTORY, Labour.WORKSHOP_HOME, Labour.WORKSHOP_COOP])
        ),
        "post": np.flatnonzero(p.state == Labour.WELFARE_POST),
        "flexible": np.flatnonzero(p.state == Labour.FLEXIBLE),
        "earnings": p.earnings.copy(),
        "productivity": p.productivity.copy(),  # changes in January (birthdays)
        "tenure": p.tenure.copy(),
        "state": p.state.copy(),
        "dest": p.dest.copy(),
        "farm": model.farm.copy(),
        "units": h.units.copy(),
        "transfers": model.standing_transfers(),
        "post_pay_flow": programme(model, "welfare_posts").flows["pay"],
    }


def test_index_changes_on_first_of_january(across_new_year):
    model, seen = across_new_year
    cfg = model.cfg
    dec, jan = seen["december"], seen["january"]
    assert (dec["year"], dec["month"], jan["year"], jan["month"]) == (2017, 12, 2018, 1)
    for s in SERIES:
        assert dec["index"][s] == pytest.approx(ratio(cfg, s, 2017), rel=1e-12)
        assert jan["index"][s] == pytest.approx(ratio(cfg, s, 2018), rel=1e-12)
        assert jan["index"][s] > dec["index"][s] > 1  # every series grows 2016-2018


def test_migrant_pay_in_2018_is_base_times_index(across_new_year):
    """A migrant's wage in 2018 is the base-year wage x 3721/3275 (migrant_wage), with tenure pay;
    the living cost x the CPI level of 2018 over 2016."""
    model, seen = across_new_year
    cfg, d, b = model.cfg, model.destinations, model.cfg.behaviour
    jan = seen["january"]
    away = jan["away"]
    assert away.size > 20
    dest = jan["dest"][away]
    paid_at = jan["tenure"][away] - 1  # the pay came before tenure moved on
    wage = d.wage[dest] * ratio(cfg, "migrant_wage", 2018) * b.newcomer_pay_share
    wage = wage * (1 + b.tenure_pay_growth * np.minimum(paid_at / 12, b.tenure_pay_years)) * jan["productivity"][away]
    living = d.living[dest] * ratio(cfg, "migrant_wage", 2018)
    np.testing.assert_allclose(jan["earnings"][away], np.maximum(wage - living, 0), **EXACT)
    base = cfg.region.destinations["guangdong"]
    assert base.wage * ratio(cfg, "migrant_wage", 2018) == pytest.approx(3454 * 3721 / 3275)


def test_workshop_and_post_pay_in_2018_are_base_times_index(across_new_year):
    """Piece rates and post pay follow rural wage income: x 5996/5022 in 2018, x 5498/5022 in 2017."""
    model, seen = across_new_year
    cfg = model.cfg
    ws = cfg.policy.workshops
    piece = {
        Labour.WORKSHOP_FACTORY: ws.factory.piece_wage,
        Labour.WORKSHOP_HOME: ws.home.piece_wage,
        Labour.WORKSHOP_COOP: ws.coop.piece_wage,
    }
    for when, year in (("december", 2017), ("january", 2018)):
        got = seen[when]
        workers = got["workshop"]
        assert workers.size > 5, when
        base = np.array([piece[s] for s in got["state"][workers]])  # neither month is farm-busy
        productivity = got["productivity"]
        expected = base * ratio(cfg, "rural_wage_income", year) * productivity[workers]
        np.testing.assert_allclose(got["earnings"][workers], expected, **EXACT)
        posts = got["post"]
        assert posts.size > 5, when
        pay = cfg.policy.welfare_posts.monthly_pay * ratio(cfg, "rural_wage_income", year)
        np.testing.assert_allclose(got["earnings"][posts], pay, **EXACT)
        paid = got["post_pay_flow"] / pay  # holders paid this month, some of whom left after the pay
        assert paid == pytest.approx(round(paid), abs=1e-9) and round(paid) >= posts.size
        flexible = got["flexible"]
        pay = cfg.policy.flexible_work.pay * ratio(cfg, "rural_wage_income", year) * productivity[flexible]
        np.testing.assert_allclose(got["earnings"][flexible], pay, **EXACT)


def test_farm_income_and_transfers_in_2018_are_base_times_index(across_new_year):
    """Farm income follows rural business income (x 5358/4741 in 2018); pensions and other standing
    transfers follow rural transfer income (x 2920/2328)."""
    model, seen = across_new_year
    cfg, h, r = model.cfg, model.households, model.cfg.region
    jan = seen["january"]
    achieved = r.farm_floor + (1 - r.farm_floor) * np.minimum(1.0, jan["units"] / h.farm_need)
    expected = h.farm_potential * achieved * model.season[1] * ratio(cfg, "rural_business_income", 2018)
    np.testing.assert_allclose(jan["farm"], expected, **EXACT)
    base = r.pension_per_elder * h.elders + r.other_transfers_per_capita / 12 * h.size
    np.testing.assert_allclose(jan["transfers"], base * ratio(cfg, "rural_transfer_income", 2018), **EXACT)


def test_the_first_year_is_in_base_year_money():
    """A run starting in the base year pays the config's amounts as they stand."""
    model = make_model("policy=full_mix", agents=False)
    assert model.year == model.cfg.economy.base_year == 2016
    assert model.pay_index == dict.fromkeys(SERIES, 1.0)


def test_a_run_starting_later_starts_in_that_years_money():
    """Starting in 2018, the initial year of income is already in 2018 money (farm income included)."""
    later = make_model("policy=none", "start_year=2018", agents=False)
    base = make_model("policy=none", "start_year=2016", agents=False)
    k = ratio(later.cfg, "rural_business_income", 2018)
    assert later.pay_index["rural_business_income"] == pytest.approx(k, rel=1e-12)
    farm_later = later.households.farm_potential * later.season[1] * k
    farm_base = base.households.farm_potential * base.season[1]
    np.testing.assert_allclose(farm_later, farm_base * k, rtol=1e-12)


def test_valuation_uses_the_pay_of_the_year():
    """What a searcher expects from a workshop seat is this year's pay, as paid."""
    model = make_model("policy=workshops", "start_year=2019", agents=False)
    ws = programme(model, "workshops")
    idx = np.arange(50)
    expected = ws.expected_pay(idx, 0)
    cfg = model.cfg
    kind = cfg.policy.workshops.factory
    season = 1 - len(cfg.region.busy_months) / 12 * (1 - kind.busy_month_pay_factor)
    base = kind.piece_wage * model.people.productivity[idx] * season
    np.testing.assert_allclose(expected, base * ratio(cfg, "rural_wage_income", 2019), **EXACT)


# ------------------------------------------------------------------------- rule amounts stay nominal
def test_rule_amounts_are_not_indexed():
    """In 2019 the job-search subsidy, rewards, the workshop award and the training allowance are paid
    as the rules set them, not grown with wages."""
    model = make_model("policy=full_mix", "start_year=2019", "seed=1", "behaviour.fair_attend_rate=0.05", agents=False)
    cfg = model.cfg
    amounts: list[float] = []
    one_off = model.pay_one_off

    def spy(households, amount):
        amounts.append(float(amount))
        one_off(households, amount)

    model.pay_one_off = spy
    training, ws = programme(model, "training"), programme(model, "workshops")
    trainee_pay = []
    for _ in range(12):
        awarded_before = ws.awarded.copy()
        model.step()
        newly = int((ws.awarded & ~awarded_before).sum())
        assert ws.flows["award"] == pytest.approx(cfg.policy.workshops.award_per_worker * newly)
        trainee_pay.append(model.people.earnings[training.trainees])
    assert model.pay_index["rural_wage_income"] > 1.2  # money has moved by 2019
    assert amounts, "no one-off payment in a year of the full mix"
    nominal = {cfg.policy.labour_cooperation.job_search_subsidy, cfg.policy.rewards.amount}
    assert set(amounts) <= nominal
    assert cfg.policy.labour_cooperation.job_search_subsidy in amounts
    allowance = cfg.policy.training.allowance_per_day * cfg.policy.training.days_per_month
    paid = np.concatenate(trainee_pay)
    assert paid.size > 0
    np.testing.assert_allclose(paid, allowance)


# ------------------------------------------------------------------------------- flat beyond, between
def test_levels_are_flat_beyond_the_years_given():
    cfg = config()
    economy = Economy(cfg.economy)
    last, first = max(cfg.economy.migrant_wage), min(cfg.economy.migrant_wage)
    assert economy.index(last + 8) == economy.index(last)
    assert economy.index(first - 5) == economy.index(first) == dict.fromkeys(SERIES, 1.0)
    model = make_model("policy=none", f"start_year={last + 2}", "months=13", agents=False)
    start = dict(model.pay_index)
    model.run()
    assert model.year == last + 3 and model.pay_index == start == economy.index(last)


def test_levels_are_interpolated_between_the_years_given():
    cfg = config("economy.migrant_wage={2016:3000,2020:4000}")
    assert Economy(cfg.economy).index(2018)["migrant_wage"] == pytest.approx(3500 / 3000)


def test_a_series_may_fall():
    """A nominal level may fall (unlike the poverty line): a bad harvest year is allowed."""
    cfg = load(["scale=0.01", "economy.rural_business_income={2016:4741,2017:4500}"])
    assert Economy(cfg.economy).index(2017)["rural_business_income"] == pytest.approx(4500 / 4741)


# --------------------------------------------------------------------------------------- tenure pay
def test_tenure_factor_rises_then_stops():
    b = config().behaviour
    months = np.array([0, 6, 12, 24, 48, 60, 72, 120, 600])
    f = tenure_factor(b, months)
    cap = 12 * b.tenure_pay_years
    assert f[0] == 1.0
    assert (np.diff(f[months <= cap]) > 0).all()  # longer tenure, higher pay, up to the cap
    assert (f[months >= cap] == f[months == cap][0]).all()  # capped
    assert f[months == 60][0] == pytest.approx(1 + 5 * b.tenure_pay_growth)


def test_longer_tenure_at_a_destination_pays_more():
    """In a run, migrants at the same destination with the same productivity earn more the longer
    they have been there, and the same beyond the cap."""
    model = make_model("policy=none", "seed=4", agents=False)
    p, b = model.people, model.cfg.behaviour
    away = np.flatnonzero(p.dest >= 0)
    p.tenure[away] = np.arange(away.size) % 121  # 0 to 10 years
    model.step()
    still = away[p.dest[away] >= 0]
    g = model.destinations.index("guangdong")
    same = still[(p.dest[still] == g) & (p.productivity[still] == 1.0)]
    assert same.size > 20
    paid_at = p.tenure[same] - 1
    order = np.argsort(paid_at, kind="stable")
    earnings, paid_at = p.earnings[same][order], paid_at[order]
    assert (np.diff(earnings) >= -1e-9).all()
    capped = paid_at >= 12 * b.tenure_pay_years
    assert capped.any() and np.ptp(earnings[capped]) < 1e-9
    assert earnings[capped][0] > earnings[paid_at == paid_at.min()][0]
    new, five = gross_wage(model, same[:1], np.array([g]), 0), gross_wage(model, same[:1], np.array([g]), 60)
    assert five[0] / new[0] == pytest.approx(1 + 5 * b.tenure_pay_growth)


def test_no_tenure_pay_when_growth_is_zero():
    model = make_model("policy=none", "behaviour.tenure_pay_growth=0", agents=False)
    g = model.destinations.index("guangdong")
    idx = np.array([0])
    assert gross_wage(model, idx, np.array([g]), 0) == gross_wage(model, idx, np.array([g]), 60)


# ------------------------------------------------------------------------------------- bad configs
SMALL = ("scale=0.01", "months=2")
BAD = [
    (["economy.migrant_wage={2016:3275,2017:-1}"], ["economy.migrant_wage", "-1", "positive"]),
    (["economy.rural_wage_income={}"], ["economy.rural_wage_income = {}", "at least one year"]),
    (["economy.migrant_wage=3000"], ["economy.migrant_wage = 3000", "section"]),
    (["economy.rural_business_income={2016:4741,2030:nan}"], ["economy.rural_business_income.2030 = nan", "finite"]),
    (["economy.migrant_wag={2016:1}"], ["economy.migrant_wag", "did you mean migrant_wage"]),
    (["economy.base_year=20.5"], ["economy.base_year = 20.5", "whole number"]),
    (["economy.rural_wage_income={1066:5022,2016:5022}"], ["economy.rural_wage_income", "calendar years"]),
    (["economy.name=a/b"], ["economy.name = 'a/b'", "letters, digits"]),
    (["economy=nonexistent"], ["Could not find 'economy/nonexistent'", "national"]),
]


@pytest.mark.parametrize(("overrides", "expected"), BAD, ids=[" ".join(c[0]) for c in BAD])
def test_bad_economy_config_is_refused_with_its_message(overrides, expected):
    assert_refused(overrides, expected, SMALL)


def test_base_year_without_levels_is_refused_for_every_series():
    with pytest.raises(ConfigError) as err:
        load([*SMALL, "economy.base_year=2015"])
    problems = err.value.problems
    assert len(problems) == len(SERIES)
    for s, line in zip(SERIES, problems, strict=True):
        assert line.startswith("economy.base_year = 2015") and f"economy.{s} has no level for it" in line


def test_a_model_refuses_an_economy_changed_after_loading():
    cfg = config()
    cfg.economy.base_year = 2010
    with pytest.raises(ConfigError) as err:
        PovertyModel(cfg, agents=False)
    assert any("economy.base_year = 2010" in p for p in err.value.problems)


def test_bad_economy_file_is_reported_with_file_key_and_value(tmp_path):
    conf = tmp_path / "conf"
    shutil.copytree(CONF_DIR, conf)
    path = conf / "economy" / "national.yaml"
    path.write_text(path.read_text().replace("base_year: 2016", "base_yea: 2016", 1))
    problems = file_problems([conf])
    assert len(problems) == 1 and "national.yaml" in problems[0], problems
    assert "unknown key 'base_yea'" in problems[0] and "did you mean base_year" in problems[0]
