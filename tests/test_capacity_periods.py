"""Capacities from counts with their periods (figures.yaml `periods`), per poor labourer.

Each converted capacity in conf/programme/ equals the figure's arithmetic its note states (to the 4
significant digits the config keeps), and so do its range's bounds; a programme's capacity in a run is
the rate times the simulated poor labourers (region.labourers x scale) at any scale; no ranged value
lies outside its range; `sim.uncertainty` lists every ranged setting with its file.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.config import CONF_DIR, load
from sim.model import PovertyModel
from sim.uncertainty import outside_range, ranged_settings

ROOT = Path(__file__).resolve().parent.parent
FIG = yaml.safe_load((ROOT / "data" / "figures.yaml").read_text())
F = FIG["figures"] | FIG["more_figures"]
B = F["bazhong_poor_labourers"]["value"]  # 251,700
Y = F["yunxi_poor_labourers"]["value"]  # 73,200
PILOT_MONTHS = 4.5  # early April to mid-August 2016 (periods: yunxi_fairs)
XIANGXI_MONTHS, XIANGXI_COUNTIES = 5, 8  # since March 2016 to the report; Xiangxi's 8 counties
ROUNDING = 1e-3  # the config keeps 4 significant digits

CFG = load(["policy=full_mix"])
POLICY = CFG.policy


def grown(stock: float, closure: float, years: float) -> float:
    """Openings a year that leave `stock` open after `years`, from none, at yearly closure `closure`."""
    return stock * closure / (1 - math.exp(-closure * years))


def award_response(section) -> float:
    return 1 + section.award_elasticity * section.award_per_worker / section.award_reference


def expected() -> dict[str, tuple[float, float, float]]:
    """Setting -> (central, low, high) from the figures, with the arithmetic of the config notes."""
    posts = F["bazhong_welfare_posts"]["value"]
    paid, placed = F["bazhong_welfare_subsidy"]["value"], F["bazhong_welfare_placed"]["value"]
    flexible = F["bazhong_flexible"]["value"]
    lishui = F["bazhong_lishui_fairs"]["value"]
    fairs, departures = F["yunxi_fairs"]["value"], F["yunxi_fair_departures"]["value"]
    first_batch = F["two_after_students_hubei"]["value"]
    classes = F["bazhong_training_classes"]["value"]
    general = classes["farm_slack"] + classes["mobile"]
    special = classes["special_for_old_low_education_disabled"]
    brand = F["xiangxi_brand_trained"]["value"]
    pingli = F["pingli_factories"]["value"] / F["pingli_registered_poor"]["value"] * F["yunxi_poor_people"]["value"] / Y
    ws, le = POLICY.workshops, POLICY.local_employers
    factory_stock = F["bazhong_workshops"]["value"][0] / B
    home_stock = F["bazhong_family_workshops"]["value"][0] / B
    c_f, c_h, r_ws = ws.factory.closure_rate, ws.home.closure_rate, award_response(ws)
    r_le = award_response(le)
    return {
        "welfare_posts.posts_per_labourer": ((posts / 3 + posts) / 2 / B, posts / 3 / B, posts / B),
        "welfare_posts.monthly_pay": (paid / placed / 24, paid / placed / 36, paid / placed / 12),
        "flexible_work.jobs_per_labourer": ((flexible / 3 + flexible) / 2 / B, flexible / 3 / B, flexible / B),
        "labour_cooperation.fairs_per_year": (
            round(fairs / PILOT_MONTHS * 12),
            fairs,
            round(fairs / PILOT_MONTHS * 12),
        ),
        "labour_cooperation.places_per_fair_per_labourer": (
            lishui["jobs"] / lishui["fairs"] / B,
            departures / fairs / Y,
            lishui["jobs"] / lishui["fairs"] / B,
        ),
        "labour_cooperation.placements_per_labourer_month": (
            F["bazhong_organised_export_2018"]["value"] / 12 / B,
            departures / PILOT_MONTHS / Y,
            F["yunxi_induced_migrants"]["value"] / PILOT_MONTHS / Y,
        ),
        "tech_school.places_per_labourer_year": (
            (first_batch / Y + first_batch / 5 / Y) / 2,
            first_batch / 5 / Y,
            first_batch / Y,
        ),
        "training.general.places_per_labourer_month": (
            general / 24 / B,
            general / 36 / B,
            F["xiangxi_trained"]["value"] / XIANGXI_MONTHS / XIANGXI_COUNTIES / Y,
        ),
        "training.brand.places_per_labourer_month": (
            brand / XIANGXI_MONTHS / XIANGXI_COUNTIES / Y,
            brand / 12 / XIANGXI_COUNTIES / Y,
            brand / XIANGXI_MONTHS / XIANGXI_COUNTIES / Y,
        ),
        "training.special.places_per_labourer_month": (special / 24 / B, special / 36 / B, special / 12 / B),
        "workshops.factory.openings_per_labourer_year": (
            grown(factory_stock, c_f, 3) / r_ws,
            c_f * factory_stock / r_ws,
            grown(pingli, c_f, 3) / r_ws,
        ),
        "workshops.factory.initial_per_labourer": (0, 0, pingli),
        "workshops.home.openings_per_labourer_year": (
            grown(home_stock, c_h, 3) / r_ws,
            c_h * home_stock / r_ws,
            grown(home_stock, c_h, 1) / r_ws,
        ),
        "workshops.home.initial_per_labourer": (0, 0, home_stock),
        # The earlier Yunxi counts reached Bazhong's cumulative count read as a stock (the high end); the
        # low end is a third of it (absorbed over 3 years, a year each), the central two thirds.
        "local_employers.firm.initial_per_labourer": (10 * 2 / 3 / Y, 10 / 3 / Y, 10 / Y),
        "local_employers.firm.openings_per_labourer_year": tuple(11 * 1.5 * k / r_le / Y for k in (2 / 3, 1 / 3, 1)),
        "local_employers.producer.initial_per_labourer": (40 * 2 / 3 / Y, 40 / 3 / Y, 40 / Y),
        "local_employers.producer.openings_per_labourer_year": tuple(
            95 * 1.5 * k / r_le / Y for k in (2 / 3, 1 / 3, 1)
        ),
    }


EXPECTED = expected()
RANGES = {s.key.removeprefix("policy."): s for s in ranged_settings(CFG)}


def value(key: str):
    out = POLICY
    for part in key.split("."):
        out = getattr(out, part)
    return out


def close(actual: float, wanted: float, key: str) -> None:
    if wanted == 0:
        assert actual == 0, key
    elif key == "welfare_posts.monthly_pay":
        assert actual == pytest.approx(wanted, abs=0.5), key  # whole yuan
    else:
        assert actual == pytest.approx(wanted, rel=ROUNDING), f"{key}: {actual} vs {wanted}"


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_capacity_is_the_figure_over_its_period(key):
    """The value and its range are the figures' arithmetic over their periods, as the note says."""
    central, low, high = EXPECTED[key]
    close(value(key), central, key)
    assert key in RANGES, f"{key} has no range"
    close(RANGES[key].low, low, key + " (low)")
    close(RANGES[key].high, high, key + " (high)")


def test_bazhong_award_per_worker_is_its_own():
    """Local employers get Bazhong's award (750,000 yuan for 5,190 workers), not Hainan's 2022 rule."""
    paid_per_worker = 750_000 / F["bazhong_local_firms"]["value"]
    assert "75万" in F["bazhong_local_firms"]["quote"]
    assert POLICY.local_employers.award_per_worker == pytest.approx(paid_per_worker, abs=0.5)
    assert load(["policy=hainan_2022"]).policy.local_employers.award_per_worker == 4000


def test_no_capacity_reads_a_cumulative_count_as_a_stock():
    """The readings the periods forbid: posts and flexible jobs at Bazhong's full cumulative count, the
    pilot's five months as a year, a first batch as a yearly quota, a loan cap as every loan."""
    assert RANGES["welfare_posts.posts_per_labourer"].high > value("welfare_posts.posts_per_labourer")
    assert RANGES["flexible_work.jobs_per_labourer"].high > value("flexible_work.jobs_per_labourer")
    assert value("tech_school.places_per_labourer_year") < F["two_after_students_hubei"]["value"] / Y
    assert POLICY.entrepreneurship.loan < F["hubei_startup_loan_cap"]["value"]
    assert RANGES["entrepreneurship.loan"].high == F["hubei_startup_loan_cap"]["value"]
    assert value("labour_cooperation.fairs_per_year") > F["yunxi_fairs"]["value"]


# ------------------------------------------------------------------ capacity in a run = rate x poor labourers
@pytest.fixture(scope="module", params=[0.02, 0.05], ids=lambda s: f"scale={s}")
def built(request):
    scale = request.param
    model = PovertyModel(load(["policy=full_mix", f"scale={scale}", "months=12"]), agents=False)
    return model, model.cfg.region.labourers * scale


def programme(model, name):
    return next(p for p in model.programmes if p.name == name)


def test_programme_capacities_are_rates_times_simulated_poor_labourers(built):
    model, labourers = built
    pol = model.cfg.policy
    for prog in model.programmes:
        assert prog.per_labourer(1.0) == pytest.approx(labourers)
    assert programme(model, "welfare_posts").posts == round(pol.welfare_posts.posts_per_labourer * labourers)
    assert programme(model, "flexible_work").jobs == round(pol.flexible_work.jobs_per_labourer * labourers)
    lc = programme(model, "labour_cooperation")
    assert lc.places_per_fair == round(pol.labour_cooperation.places_per_fair_per_labourer * labourers)
    assert lc.placements_per_month == pytest.approx(pol.labour_cooperation.placements_per_labourer_month * labourers)
    for name in ("workshops", "local_employers"):
        prog = programme(model, name)
        for t, kind in enumerate(prog.types):
            assert (prog.type == t).sum() == round(kind.initial_per_labourer * labourers), (name, t)
            response = 1 + prog.cfg.award_elasticity * prog.cfg.award_per_worker / prog.cfg.award_reference
            wanted = kind.openings_per_labourer_year * labourers / 12 * response
            assert prog.opening_rate(t) == pytest.approx(wanted), (name, t)


def test_course_intakes_are_rates_times_simulated_poor_labourers(built):
    """Each month's course places (set in `supply`, before anyone takes them) are the rate times the
    simulated poor labourers, rounded up or down by a draw (none in busy months for slack-month courses)."""
    model, labourers = built
    tr = programme(model, "training")
    seen = []
    supply = tr.supply

    def recording_supply():
        supply()
        seen.append(tr.capacity[:, 0].copy())

    tr.supply = recording_supply
    for _ in range(6):
        model.step()
    assert len(seen) == 6
    for capacity in seen:
        for k, course in enumerate(tr.courses):
            places = course.places_per_labourer_month * labourers
            allowed = (int(places), int(places) + 1) + ((0,) if course.slack_months_only else ())
            assert capacity[k] in allowed, (course, capacity[k], places)


def test_capacity_grows_with_the_simulated_share():
    """From scale 0.02 to 0.05 the posts, jobs and placements grow 2.5-fold (up to rounding)."""
    small, large = (PovertyModel(load(["policy=full_mix", f"scale={s}"]), agents=False) for s in (0.02, 0.05))
    for name, attr in (("welfare_posts", "posts"), ("flexible_work", "jobs")):
        a, b = getattr(programme(small, name), attr), getattr(programme(large, name), attr)
        assert abs(b - 2.5 * a) <= 2, (name, a, b)
    a = programme(small, "labour_cooperation").placements_per_month
    assert programme(large, "labour_cooperation").placements_per_month == pytest.approx(2.5 * a)


# ------------------------------------------------------------------ ranges and sim.uncertainty
@pytest.mark.parametrize("mix", sorted(p.stem for p in (CONF_DIR / "policy").glob("*.yaml")))
def test_no_capacity_outside_its_range(mix):
    assert outside_range(load([f"policy={mix}"])) == []


def test_ranged_settings_lists_each_once_with_its_file():
    settings = ranged_settings(CFG)
    keys = [s.key for s in settings]
    assert len(keys) == len(set(keys))
    assert {f"policy.{k}" for k in EXPECTED} <= set(keys)
    for s in settings:
        assert s.low < s.high and s.reason
        data = yaml.safe_load((CONF_DIR / s.file).read_text())
        assert s.key.split(".", 2)[-1] in data["uncertain"], s
    moved = load(["policy=full_mix", "policy.welfare_posts.posts_per_labourer=0.5"])
    assert [s.key for s in outside_range(moved)] == ["policy.welfare_posts.posts_per_labourer"]


def test_bazhong_workshop_seats_come_near_its_stock():
    """With the central rates, workshop workers at month 36 under Bazhong's mix are the size of
    Bazhong's stock (814 of 251,700 = 0.32%), not the ten-fold share of the old point assumptions."""
    model = PovertyModel(load(["policy=bazhong_2018", "scale=0.05", "months=36"]), agents=False)
    model.run()
    ws = programme(model, "workshops")
    seats = ws.seats[ws.open].sum()
    labourers = model.cfg.region.labourers * model.cfg.scale
    bazhong = (F["bazhong_workshops"]["value"][1] + F["bazhong_family_workshops"]["value"][1]) / B
    assert seats / labourers < 4 * bazhong
    assert np.isfinite(seats)
