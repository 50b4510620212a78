"""The exploratory studies (`python -m sim.explore`): the declared space, each command end to end at a
tiny scale, the wiring checked on functions with a known answer, resuming, and refused settings."""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.config import load
from sim.explore.functions import LINEAR_S1
from sim.explore.space import as_overrides, get, levers, range_problems, scaled_levels, uncertainties, with_values
from sim.uncertainty import ranged_settings
from sim.validate import ConfigError

ROOT = Path(__file__).resolve().parent.parent
TINY = ["model.scale=0.02", "model.months=12", "seeds=[0]", "progress=false"]
SETTINGS = {"fitted_interval": "near_best", "include": [], "exclude": [], "ranges": {}}


def explore(tmp_path: Path, *args: str, folder: str = "study") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "sim.explore", *args, f"hydra.run.dir={tmp_path / folder}"]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def full_mix():
    return load(["policy=full_mix", "scale=0.02"])


def assumed_settings() -> dict:
    import yaml

    return yaml.safe_load((ROOT / "conf/explore/uncertainties.yaml").read_text())


def test_every_behavioural_parameter_and_capacity_is_an_uncertainty(full_mix):
    space = {u.key: u for u in uncertainties(full_mix, assumed_settings())}
    behaviour = [f.name for f in dataclasses.fields(full_mix.behaviour)]
    numbers = [n for n in behaviour if isinstance(getattr(full_mix.behaviour, n), float)]
    assert {f"behaviour.{n}" for n in numbers} <= set(space), "a behavioural parameter has no range"
    for name, fit in full_mix.behaviour.fitted.items():
        u = space[f"behaviour.{name}"]
        assert (u.source, [u.low, u.high]) == ("fitted:near_best", fit.near_best)
    for u in space.values():
        assert u.reason.strip() and u.low <= u.high, u.key
        assert u.value == pytest.approx(float(get(full_mix, u.key)))
    assert {s.key for s in ranged_settings(full_mix)} <= set(space)  # full_mix runs every programme


def test_a_user_range_narrows_and_patterns_select(full_mix):
    settings = assumed_settings() | {"ranges": {"behaviour": {"care_penalty": {"low": 1.5, "high": 2.5}}},
                                     "include": ["behaviour.care*", "policy.welfare_posts.*"]}  # fmt: skip
    space = {u.key: u for u in uncertainties(full_mix, settings)}
    assert set(space) == {"behaviour.care_penalty", "policy.welfare_posts.posts_per_labourer",
                          "policy.welfare_posts.monthly_pay"}  # fmt: skip
    assert (space["behaviour.care_penalty"].low, space["behaviour.care_penalty"].high) == (1.5, 2.5)
    assert space["behaviour.care_penalty"].source == "ranges"


def test_capacities_of_programmes_no_mix_runs_are_left_out():
    cfg = load(["policy=workshops", "scale=0.02"])
    keys = {u.key for u in uncertainties(cfg, assumed_settings())}
    assert "policy.workshops.factory.openings_per_labourer_year" in keys
    assert not any(k.startswith("policy.welfare_posts.") for k in keys)


@pytest.mark.parametrize(
    ("key", "low", "high", "words"),
    [
        ("behaviour.care_penalti", 1, 2, ["behaviour.care_penalti", "did you mean care_penalty"]),
        ("behaviour.care_penalty", 3, 1, ["behaviour.care_penalty", "low 3.0 is above high 1.0"]),
        ("behaviour.depart_rate", 0.5, 1.5, ["behaviour.depart_rate", "from 0 to 1"]),
        ("behaviour.name", 0, 1, ["behaviour.name", "not a number setting"]),
    ],
)
def test_bad_ranges_are_refused_naming_the_key(full_mix, key, low, high, words):
    problems = range_problems(key, low, high)
    assert problems and all(w in problems[0] for w in words), problems
    with pytest.raises(ConfigError) as err:
        uncertainties(full_mix, SETTINGS | {"ranges": {key: {"low": low, "high": high}}})
    assert key in str(err.value)


def test_bad_settings_stop_the_command_with_a_message(tmp_path):
    result = explore(tmp_path, "space", "+uncertainties.ranges.behaviour.care_penalty={low:3,high:1}")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "behaviour.care_penalty: low 3.0 is above high 1.0" in result.stderr
    result = explore(tmp_path, "robust", "mixes=[none,nonsense]", "seeds=[]", "robust.samples=1")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    for words in ("no policy mix 'nonsense'", "seeds = []", "robust.samples = 1"):
        assert words in result.stderr
    result = explore(tmp_path, "sensitivity", "sensitivity.methd=morris")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "sensitivity.methd: unknown key 'methd' under sensitivity; did you mean method?" in result.stderr
    result = explore(tmp_path, "space", "model.scale=7")
    assert result.returncode == 2 and "scale" in result.stderr and "Traceback" not in result.stderr


def test_sampled_values_set_in_python_equal_the_same_overrides(full_mix):
    values = {"behaviour.care_penalty": 1.7, "policy.labour_cooperation.fairs_per_year": 12.4}
    changed = with_values(full_mix, values)
    composed = load(
        ["policy=full_mix", "scale=0.02", *as_overrides({**values, "policy.labour_cooperation.fairs_per_year": 12})]
    )
    assert changed.behaviour.care_penalty == composed.behaviour.care_penalty == 1.7
    assert changed.policy.labour_cooperation.fairs_per_year == composed.policy.labour_cooperation.fairs_per_year == 12
    assert full_mix.behaviour.care_penalty != 1.7  # the base config is not changed


def test_sobol_indices_of_a_known_function_through_the_runner(tmp_path):
    """y = x1 + 2 x2 + 3 x3: first-order indices (1, 4, 9) / 14 and no interactions, found through the
    same jobs, store, seed averaging and tables as the model's studies (two seeds: the mean of equal
    replicates)."""
    out = ok(explore(tmp_path, "sensitivity", "evaluator=linear", "sensitivity.samples=512",
                     "sensitivity.outcomes=[y]", "seeds=[0,1]", "progress=false"))  # fmt: skip
    assert "5120 jobs, 0 already done" in out
    table = pd.read_csv(tmp_path / "study/indices.csv")
    for index in ("S1", "ST"):
        found = table[table["index"] == index].set_index("parameter")["value"]
        assert found[["x1", "x2", "x3"]].to_numpy() == pytest.approx(LINEAR_S1, abs=0.03)
    assert (table["conf_low"] <= table["value"]).all() and (table["value"] <= table["conf_high"]).all()
    assert (tmp_path / "study/indices.png").stat().st_size > 0


def test_an_interrupted_study_runs_only_the_missing_jobs(tmp_path):
    args = ["sensitivity", "evaluator=ishigami", "sensitivity.method=morris", "sensitivity.samples=4",
            "sensitivity.outcomes=[y]", "progress=false"]  # fmt: skip
    first = explore(tmp_path, *args, "max_new_jobs=5")  # 4 trajectories x 4 points x 2 seeds = 32 jobs
    assert first.returncode == 3 and "re-run the same command" in first.stderr
    assert not (tmp_path / "study/indices.csv").exists()
    with sqlite3.connect(tmp_path / "study/jobs.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] == 5
    second = ok(explore(tmp_path, *args))
    assert "32 jobs, 5 already done, running 27" in second
    third = ok(explore(tmp_path, *args))
    assert "32 jobs, 32 already done, running 0" in third
    assert len(pd.read_csv(tmp_path / "study/indices.csv")) == 3 * 2  # x1..x3, mu_star and sigma


def test_morris_screening_of_the_model_end_to_end(tmp_path):
    include = (
        "uncertainties.include=[behaviour.search_rate,behaviour.care_penalty,policy.welfare_posts.posts_per_labourer]"
    )
    ok(explore(tmp_path, "sensitivity", "sensitivity.method=morris", "sensitivity.samples=2", include, *TINY))
    table = pd.read_csv(tmp_path / "study/indices.csv")
    assert set(table["outcome"]) == {"exited_people_through_work", "cost_per_exit_yuan", "left_behind_gap"}
    assert set(table["parameter"]) == {"behaviour.search_rate", "behaviour.care_penalty",
                                       "policy.welfare_posts.posts_per_labourer"}  # fmt: skip
    mu = table[(table["index"] == "mu_star") & (table["outcome"] == "exited_people_through_work")]
    assert (mu["value"] >= 0).all() and mu["value"].max() > 0
    assert (tmp_path / "study/indices.png").exists() and (tmp_path / "study/design.parquet").exists()


def test_robust_comparison_finds_the_floor_better_in_every_sample(tmp_path):
    """The social-security floor only adds transfers to the `none` mix: with the same seeds it leaves
    fewer people poor in every sample of the uncertainties, so `floor` never has regret."""
    include = "uncertainties.include=[behaviour.search_rate,behaviour.income_weight,behaviour.care_penalty]"
    ok(explore(tmp_path, "robust", "mixes=[none,floor]", "robust.outcome=poor_people_end", "robust.maximise=false",
               "robust.samples=5", include, *TINY))  # fmt: skip
    pairs = pd.read_csv(tmp_path / "study/pairwise.csv").set_index(["mix", "other"])
    assert pairs.loc[("floor", "none"), "share_better"] == 1.0
    assert pairs.loc[("none", "floor"), "share_worse"] == 1.0
    regret = pd.read_csv(tmp_path / "study/regret.csv").set_index("mix")
    assert regret.loc["floor", "max_regret"] == 0 and regret.loc["none", "mean_regret"] > 0
    assert regret.loc["floor", "share_best"] == 1.0
    samples = pd.read_csv(tmp_path / "study/samples.csv")
    assert len(samples) == 5 and samples["behaviour.care_penalty"].nunique() == 5 and (samples["best"] == "floor").all()
    assert (tmp_path / "study/robust.png").exists()


def test_equal_cost_scales_a_mix_to_the_budget(tmp_path):
    out = ok(explore(tmp_path, "equal_cost", "mixes=[none,welfare_posts]", "equal_cost.reference=labour_cooperation",
                     *TINY))  # fmt: skip
    table = pd.read_csv(tmp_path / "study/equal_cost.csv").set_index("mix")
    posts = table.loc["welfare_posts"]
    assert abs(posts["spending_yuan"] / posts["budget_yuan"] - 1) <= 0.03 and posts["factor"] > 1
    assert "policy.welfare_posts.posts_per_labourer=" in posts["command"]
    assert table.loc["none", "note"] == "no programme level to scale"
    assert "welfare_posts: levels x" in out


def test_policy_search_writes_a_front_of_runnable_configs_and_continues(tmp_path):
    args = ["search", "mix=welfare_posts", "search.population=2",
            "search.use=[policy.welfare_posts.posts_per_labourer,policy.welfare_posts.monthly_pay]",
            "+search.levers.policy.welfare_posts.monthly_pay={low:100,high:600}", *TINY]  # fmt: skip
    assert "0 trials done, running 3 more" in ok(explore(tmp_path, *args, "search.trials=3"))
    assert "3 trials done, running 1 more" in ok(explore(tmp_path, *args, "search.trials=4"))
    trials = pd.read_csv(tmp_path / "study/trials.csv")
    front = pd.read_csv(tmp_path / "study/front.csv")
    assert len(trials) == 4 and 1 <= len(front) <= 4
    assert front["spending_yuan"].is_monotonic_increasing
    for command in front["command"]:
        words = command.split()
        assert words[:3] == ["python", "-m", "sim"]
        cfg = load(words[3:])  # each point of the front is a valid run config
        assert cfg.policy.name == "welfare_posts" and cfg.scale == 0.02
    assert (tmp_path / "study/front.png").exists()


def test_robust_search_averages_each_trial_over_the_uncertainty_sample(tmp_path):
    include = "uncertainties.include=[behaviour.search_rate,behaviour.care_penalty]"
    args = ["search", "mix=welfare_posts", "search.population=2", "search.trials=2", "search.robust_samples=2",
            "search.use=[policy.welfare_posts.posts_per_labourer]", include, *TINY]  # fmt: skip
    ok(explore(tmp_path, *args))
    with sqlite3.connect(tmp_path / "study/jobs.sqlite") as db:
        rows = db.execute("SELECT job_values FROM jobs").fetchall()
    assert len(rows) == 2 * 2  # 2 trials x 2 samples x 1 seed
    assert all("behaviour.search_rate" in r[0] and "posts_per_labourer" in r[0] for r in rows)
    assert len(pd.read_csv(tmp_path / "study/trials.csv")) == 2


def test_the_county_commands_of_the_write_up_are_valid_settings():
    """Every `python -m sim.explore` command of experiments/exploration/README.md composes to settings
    the study accepts (nothing is run), and its model settings to a valid run config."""
    import re
    import shlex

    from sim.explore.settings import problems
    from sim.explore.space import nested_overrides
    from sim.explore.study import settings

    text = (ROOT / "experiments/exploration/README.md").read_text().replace("\\\n", " ")
    variables = dict(re.findall(r'^(\w+)="?([^"\n]*)"?$', text, flags=re.M))
    commands = re.findall(r"^\.venv/bin/python -m sim\.explore (.+)$", text, flags=re.M)
    assert len(commands) >= 6
    for line in commands:
        for name, value in variables.items():
            line = line.replace(f"${name}", value)
        line = line.replace("KEY1,KEY2,...", "behaviour.care_penalty,behaviour.search_rate")
        command, *overrides = shlex.split(line)
        s = settings(command, [o for o in overrides if not o.startswith("hydra.")])
        assert problems(s) == [], line
        cfg = load([*nested_overrides(s["model"]), f"policy={s['mix']}"])
        assert cfg.scale == 1.0 and cfg.months == 60


def test_the_budget_lever_stays_within_what_each_setting_allows(full_mix):
    """Scaled up a hundredfold, a level that is a share stops at its bound (a run would refuse it),
    while one without an upper bound grows with the factor."""
    bounds = {lever.key: lever for lever in levers(full_mix)}
    scaled = scaled_levels(full_mix, 100.0, ["*per_labourer*"])
    assert scaled
    for key, value in scaled.items():
        lever = bounds[key]
        expected = lever.value * 100.0 if lever.high is None else min(lever.value * 100.0, lever.high)
        assert value == pytest.approx(expected), key
    assert any(bounds[k].high is not None and v == bounds[k].high for k, v in scaled.items())
    from sim.validate import check_run

    check_run(with_values(full_mix, scaled))  # a run accepts the scaled levels as a whole


def test_a_refused_config_keeps_its_message_across_processes():
    """A run refused in a joblib worker reaches the study with the same problems (not one per letter)."""
    import pickle

    error = pickle.loads(pickle.dumps(ConfigError(["policy.x = 2: out of range"])))
    assert error.problems == ["policy.x = 2: out of range"]
    assert str(error) == "invalid configuration:\n  policy.x = 2: out of range"
