"""Calibration: the statistics measure what they say, unusable targets are skipped with a reason, the
command runs end to end (quick mode, tiny county), the fitted values beat a wrong set, and the shipped
fit report is what the shipped fitted values produce."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import make_model, programme, table
from omegaconf import OmegaConf

from sim.calibrate.objective import Evaluator, setup_from
from sim.calibrate.statistics import CohortRetention, Group, Moves, StockRetention, make_statistic, simulate
from sim.calibrate.targets import ROOT, Scenario, Target, compose_calibration, scenario_problem, target_problem
from sim.config import CONF_DIR, compose_config, load
from sim.state import Labour
from sim.validate import to_run_config

FITTED = CONF_DIR / "behaviour" / "fitted.yaml"
REPORT = ROOT / "experiments" / "calibration" / "fit_report.json"


def fitted_behaviour() -> dict:
    return yaml.safe_load(FITTED.read_text())


# ------------------------------------------------------------------ statistics
def test_moves_log_every_organised_departure_even_same_month_quits():
    """Every organised departure of a month is logged as that month's entry, including those who quit
    in the month they left (they are gone from the month-end state)."""
    model = make_model("policy=labour_cooperation", "behaviour.quit_early_cross=0.9", "months=6", agents=False)
    moves = Moves(model)
    same_month_quits = 0
    for _ in range(6):
        model.step()
        moves.observe()
        entered = moves.entered(model.t, model.t, np.array([Labour.MIGRANT_ORGANISED], np.int8))
        lc = programme(model, "labour_cooperation")
        assert entered.size == lc.flows["placements"] + lc.flows["fair_departures"]
        same_month_quits += int((model.people.state[entered] != Labour.MIGRANT_ORGANISED).sum())
    assert same_month_quits > 0  # the month-end state alone would have missed them


def test_cohort_retention_counts_the_cohort_still_on_the_job():
    """Retention of the organised cohort: 1 without quits, 0 when everyone quits at once."""
    group = Group(states=["MIGRANT_ORGANISED"], dest="guangdong", joined=[2, 3])
    stays = make_model("policy=labour_cooperation", "behaviour.quit_early_cross=0", "behaviour.quit_floor=0")
    goes = make_model("policy=labour_cooperation", "behaviour.quit_floor=1", "behaviour.organised_quit_factor=1")
    for model, expected in ((stays, 1.0), (goes, 0.0)):
        model.cfg.months = 4
        (value,) = simulate(model, [CohortRetention(group=group, at=4)])
        assert value == expected


def test_stock_retention_matches_a_manual_count():
    """Share of the initial Guangdong migrants still in the same spell a year on, counted by hand."""
    model = make_model("policy=none", "months=12", agents=False)
    p = model.people
    start = np.flatnonzero((p.state == Labour.MIGRANT_SELF) & (p.dest == model.destinations.index("guangdong")))
    tenure = p.tenure[start].copy()
    (value,) = simulate(
        model, [StockRetention(group=Group(states=["MIGRANT_SELF"], dest="guangdong"), start=0, span=12)]
    )
    still = (p.state[start] == Labour.MIGRANT_SELF) & (p.tenure[start] == tenure + 12)
    assert value == pytest.approx(still.mean())
    assert 0 < value < 1


def test_column_statistics_read_the_monthly_table():
    """A count statistic is the county-wide count: the table's sum divided by the scale."""
    cfg = compose_calibration()
    setup = setup_from(cfg)
    target = next(t for t in setup.targets if t.name == "yunxi_2016.fair_departures_registered")
    model = make_model("policy=labour_cooperation", "months=12", agents=False)
    (value,) = simulate(model, [make_statistic(target.statistic)])
    months = table(model)["month"].between(*target.statistic["months"])
    assert value == pytest.approx(table(model)["labour_cooperation_fair_departures"][months].sum() / model.cfg.scale)


# ------------------------------------------------------------------ targets not yet usable
def test_targets_of_missing_mixes_programmes_or_columns_are_skipped_with_a_reason():
    missing_mix = Scenario("x", "", ["policy=no_such_mix"], 0.1, "", [])
    assert "does not exist yet" in scenario_problem(missing_mix, CONF_DIR)
    missing_programme = Scenario("x", "", ["policy=none"], 0.1, "", ["no_such_programme"])
    assert "not implemented yet" in scenario_problem(missing_programme, CONF_DIR)
    target = Target(
        name="x.t",
        scenario="x",
        role="calibrate",
        description="",
        figures=[],
        source="",
        formula="1",
        reported=1.0,
        unit="",
        statistic={
            "kind": "column_ratio",
            "numerator": ["no_such_column"],
            "denominator": ["labourers"],
            "months": [1, 2],
        },
        tolerance=0.1,
        tolerance_reason="",
    )
    assert "no column no_such_column" in target_problem(target, {"labourers"}, 12)
    assert target_problem(target, {"labourers", "no_such_column"}, 12) is None


def test_pilot_targets_are_usable():
    """The Yunxi pilot needs only labour cooperation: its targets are always usable."""
    setup = setup_from(compose_calibration(["scale_factor=0.02"]))
    pilot = [t for t in setup.targets if t.scenario == "yunxi_2016"]
    assert pilot and all(setup.problems[t.name] is None for t in pilot)


# ------------------------------------------------------------------ the command, the objective, the report
def test_calibrate_command_quick_mode_end_to_end(tmp_path):
    """`python -m sim.calibrate quick=true` fits, writes a valid behaviour config and the report."""
    out = tmp_path / "run"
    result = subprocess.run(
        [sys.executable, "-m", "sim.calibrate", "quick=true", f"hydra.run.dir={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "calibration finished" in result.stdout
    assert "trial " in result.stdout + result.stderr  # progress lines
    written = yaml.safe_load((out / "fitted.yaml").read_text())
    assert {"fair_attend_rate", "quit_floor", "newcomer_pay_share"} <= set(written["fitted"])
    for key, entry in written["fitted"].items():
        assert written[key] == entry["value"]
        assert entry["bounds"][0] <= entry["value"] <= entry["bounds"][1]
    composed = {**OmegaConf.to_container(compose_config(["scale=0.01"])), "behaviour": written}
    assert to_run_config(composed).behaviour.fitted["quit_floor"].value == written["quit_floor"]
    for name in ("fit_table.md", "fit_table.csv", "fit.png", "fit_report.json"):
        assert (out / "report" / name).is_file()
    assert not (out / "study.db").exists()  # quick mode keeps its study in memory


def _shipped_setup(scale_factor: float):
    cfg = compose_calibration([f"scale_factor={scale_factor}"])
    return setup_from(cfg, behaviour=fitted_behaviour())


@pytest.mark.skipif(not FITTED.is_file(), reason="no fitted behaviour config shipped")
def test_objective_is_lower_at_the_fitted_values_than_at_a_wrong_set():
    setup = _shipped_setup(1.0)  # the pilot at its own scale: half the county, 0.2 s a run
    pilot = [t for t in setup.role("calibrate") if t.scenario == "yunxi_2016"]
    evaluator = Evaluator(setup, [0, 1], n_jobs=1, targets=pilot)
    fitted = evaluator({})  # the shipped behaviour is the setup's own
    wrong = evaluator(
        {
            "fair_attend_rate": 0.01,
            "intent_intercept": 1.5,
            "depart_rate": 0.35,
            "quit_early_cross": 0.03,
            "quit_floor": 0.04,
            "newcomer_pay_share": 1.1,
        }
    )
    assert fitted < 1.0 < wrong


@pytest.mark.skipif(not REPORT.is_file(), reason="no fit report shipped")
def test_shipped_fit_report_is_what_the_shipped_values_produce():
    """Re-simulate the shipped fitted values on some of the report's seeds: each target's value per
    seed is the report's, within half its tolerance."""
    report = json.loads(REPORT.read_text())
    shipped = fitted_behaviour()
    for name, value in report["params"].items():
        assert shipped[name] == pytest.approx(value, rel=1e-5), f"{name}: fitted.yaml differs from the report"
    setup = _shipped_setup(report["scale_factor"])
    by_name = {t.name: t for t in setup.usable}
    assert set(report["targets"]) == set(by_name), "usable targets changed since the report: re-run the calibration"
    targets = [by_name[n] for n in report["targets"]]
    seeds = report["report_seeds"][:3]
    values = Evaluator(setup, seeds, n_jobs=2, targets=targets).simulate({})
    stored = np.array(report["values"], float)[: len(seeds)]
    for j, t in enumerate(targets):
        gap = np.abs(values[:, j] - stored[:, j])
        assert np.all((gap <= t.tolerance / 2) | (np.isnan(values[:, j]) & np.isnan(stored[:, j]))), (
            f"{t.name}: re-simulated {values[:, j]} vs reported {stored[:, j]}: re-run python -m sim.calibrate"
        )
    for row in report["table"]:
        t = by_name[row["target"]]
        assert row["within_tolerance"] == t.within(row["simulated_mean"])


@pytest.mark.skipif(not FITTED.is_file(), reason="no fitted behaviour config shipped")
def test_default_runs_use_the_fitted_values():
    cfg = load([])
    shipped = fitted_behaviour()
    if cfg.behaviour.name != "fitted":
        pytest.skip("conf/config.yaml does not choose behaviour: fitted")
    for name, entry in shipped["fitted"].items():
        assert getattr(cfg.behaviour, name) == pytest.approx(entry["value"])


def test_readme_documents_the_command():
    readme = (Path(ROOT) / "experiments" / "calibration" / "README.md").read_text()
    assert "python -m sim.calibrate" in readme


def test_a_lower_bound_target_costs_only_a_shortfall():
    """A figure that counts only part of what is simulated (one destination of many) is a lower bound:
    above it costs nothing, below it costs as a two-sided target would."""
    common = dict(scenario="s", role="calibrate", description="", figures=[], source="", formula="", unit="")
    common |= dict(statistic={}, tolerance_reason="")
    lower = Target(name="s.low", reported=100.0, tolerance=10.0, bound="lower", **common)
    both = Target(name="s.both", reported=100.0, tolerance=10.0, **common)
    assert lower.within(500.0) and not both.within(500.0)
    assert lower.within(91.0) and not lower.within(89.0)
    evaluator = Evaluator.__new__(Evaluator)
    evaluator.targets = [lower, both]
    d = evaluator.distances(np.array([[150.0, 150.0], [80.0, 80.0]]))
    np.testing.assert_allclose(d, [[0.0, 25.0], [4.0, 4.0]])


def test_a_refit_does_not_stack_the_verdicts_of_earlier_ones():
    """Refitting from the fitted config keeps an assumed parameter's own reason and the new verdict
    only (the report appends one each time)."""
    from sim.calibrate.report import _reason

    earlier = "Early hazard fades. Not fitted: could not identify it (0.8). Not fitted: could not identify it (0.7)."
    assert _reason(earlier) == "Early hazard fades."
    assert _reason("Not fitted yet: no usable target.") == ""
    shipped = yaml.safe_load(FITTED.read_text())["assumed"]
    assert all(reason.count("Not fitted") <= 1 for reason in shipped.values()), shipped
