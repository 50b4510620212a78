"""The bad-input catalogue: every way in (overrides, config files, the Python API, sim.calibrate,
sim.compare, resume) with a bad value or a broken file, and the message each gets. Each case names
the key (or file or override), the value and what is allowed; none gets a traceback."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import assert_refused
from hydra import compose, initialize_config_dir
from omegaconf import OmegaConf

from sim.config import CONF_DIR, load
from sim.validate import ConfigError, file_problems, override_problems

SMALL = ("scale=0.01", "months=2")

# (overrides, substrings of the one problem line). The first block are the cases of issue 16's "Why".
CATALOGUE = [
    (["+policy.workshops.award_per_wrker=3"], ["policy.workshops.award_per_wrker", "did you mean award_per_worker"]),
    (["++policy.workshops.award_per_wrker=3"], ["policy.workshops.award_per_wrker", "did you mean award_per_worker"]),
    (["poverty_line={2014:nan}"], ["poverty_line.2014 = nan", "finite"]),
    (["poverty_line={2020:inf}"], ["poverty_line.2020 = inf", "finite"]),
    (["policy.social_security.dibao_line={2016:-100}"], ["policy.social_security.dibao_line", "-100", "positive"]),
    (["policy.social_security.dibao_line={}"], ["policy.social_security.dibao_line = {}", "at least one year"]),
    (["policy.workshops.enabled=2"], ["policy.workshops.enabled = 2", "true or false"]),
    (["++policy.workshops.enabled=2"], ["policy.workshops.enabled = 2", "true or false"]),
    (["region.destinations.guangdong.cross_province=2"], ["cross_province = 2", "true or false"]),
    (["region.busy_months=[]"], ["region.busy_months = []", "at least one"]),
    (["region.people=1000"], ["region.people = 1000", "fewer than region.households = 49300"]),
    (["region.destinations.guangdng.wage=3000"], ["region.destinations.guangdng.wage", "did you mean guangdong"]),
    (["+sede=3"], ["sede", "did you mean seed"]),
    (["seed=range(0,"], ["seed=range(0,: cannot be read as an override", "key=range(start,stop)"]),
    (["policy=none,"], ["policy=none,: cannot be read as an override"]),
    (["policy.name=../../../escaped"], ["policy.name = '../../../escaped'", "letters, digits"]),
    (["region.name=../up"], ["region.name = '../up'", "letters, digits"]),
    # more of our own
    (["poverty_line={}"], ["poverty_line = {}", "at least one year"]),
    (["poverty_line={2014:3000,2020:2000}"], ["poverty_line", "may not fall", "2014->2020"]),
    (["poverty_line={1066:3000}"], ["poverty_line", "calendar years"]),
    (["poverty_line=3000"], ["poverty_line = 3000", "section"]),
    (["~poverty_line"], ["poverty_line: missing value"]),
    (["months=1.5"], ["months = 1.5", "whole number"]),
    (["scale=true"], ["scale = True", "must be a number"]),
    (["output.plot=yes"], ["output.plot = 'yes'", "true or false"]),
    (["seed=1,abc"], ["seed = 'abc'", "whole number"]),
    (["region.labourers_shape=[nan,0.5,0.5,0,0]"], ["region.labourers_shape[0] = nan", "finite"]),
    (["region.labourer_age_edges=[]"], ["region.labourer_age_edges = []", "16 to 65"]),
    (["region.labourers=50000", "region.people=50000"], ["region.people = 50000", "dependants"]),
    (["region.labourers_shape=[0,0,0,0,1]"], ["region.labourers = ", "labourers per household", "between 4 and 4"]),
    (["policy.labour_cooperation.placement_destinations=guangdong"], ["placement_destinations", "must be a list"]),
    (["behaviour.name=a b"], ["behaviour.name = 'a b'", "letters, digits"]),
    (["region.destinations.guangdong.wages=3000"], ["did you mean wage"]),
    (["policy=nonexistent"], ["Could not find 'policy/nonexistent'", "Available options", "full_mix"]),
    (["behaviour.quit_floor=-inf"], ["behaviour.quit_floor = -inf", "finite"]),
]


@pytest.mark.parametrize(("overrides", "expected"), CATALOGUE, ids=[" ".join(c[0]) for c in CATALOGUE])
def test_bad_input_is_refused_with_its_message(overrides, expected):
    assert_refused(overrides, expected, SMALL)


def test_a_schedule_override_replaces_the_files_schedule():
    """`poverty_line={2016:3146}` is the whole schedule, not one year merged into the files' two."""
    assert load([*SMALL, "poverty_line={2016:3146}"]).poverty_line == {2016: 3146.0}
    line = load([*SMALL, "policy.social_security.dibao_line={2018:4100}"]).policy.social_security.dibao_line
    assert line == {2018: 4100.0}
    assert load([*SMALL, "+poverty_line={2016:3146}"]).poverty_line == {2016: 3146.0}


def test_every_problem_is_listed_at_once():
    with pytest.raises(ConfigError) as err:
        load([*SMALL, "+sede=3", "poverty_line={2014:nan}", "policy.workshops.enabled=2"])
    assert len(err.value.problems) == 3


def test_config_dir_with_equals_sign_is_a_flag_not_a_key():
    from sim.__main__ import normalise

    flags, overrides, values = normalise(["--config-dir=/x", "-cn", "config", "seed=1", "-m"])
    assert flags == ["--config-dir", "/x", "--config-name", "config", "-m"]
    assert overrides == ["seed=1"] and values["--config-dir"] == "/x"
    assert override_problems(["--config-dir=/x"]) == []


# ------------------------------------------------------------------------------------ config files
def _conf_copy(tmp_path: Path) -> Path:
    conf = tmp_path / "conf"
    shutil.copytree(CONF_DIR, conf)
    return conf


FILE_CASES = [
    ("programme/workshops/reports.yaml", "enabled: false", "enabled: 2", ["enabled = 2", "true or false"]),
    ("region/yunxi.yaml", "cross_province: true", "cross_province: 2", ["cross_province = 2", "true or false"]),
    (
        "region/yunxi.yaml",
        "households: 49300",
        "houshold: 49300",
        ["unknown key 'houshold'", "did you mean households"],
    ),
    ("config.yaml", "months: 60", "months: [60", ["config.yaml", "not valid YAML", "line"]),
    ("behaviour/default.yaml", "search_rate: 0.08", "search_rate: .nan", ["behaviour.search_rate = nan", "finite"]),
    ("config.yaml", "seed: 0", 'seed: "0"', ["seed = '0'", "whole number"]),
]


@pytest.mark.parametrize(("name", "old", "new", "expected"), FILE_CASES, ids=[c[2] for c in FILE_CASES])
def test_bad_config_file_is_reported_with_file_key_and_value(tmp_path, name, old, new, expected):
    conf = _conf_copy(tmp_path)
    path = conf / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    problems = file_problems([conf])
    assert len(problems) == 1, problems
    assert name.split("/")[-1] in problems[0]
    for part in expected:
        assert part in problems[0], problems[0]


def test_shipped_config_files_have_no_problems():
    assert file_problems([CONF_DIR]) == []


# ------------------------------------------------------------------------------------ Python API
@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda c: setattr(c.region, "busy_months", []), "region.busy_months = []"),
        (lambda c: setattr(c.policy.workshops, "enabled", 2), "policy.workshops.enabled = 2: must be true or false"),
        (lambda c: setattr(c, "poverty_line", {2016: math.nan}), "poverty_line.2016 = nan"),
        (lambda c: setattr(c.region, "households", 10**6), "region.people"),
        (lambda c: setattr(c, "months", 0), "months = 0: out of range"),
    ],
)
def test_python_api_refuses_a_config_changed_after_loading(change, expected):
    from sim.model import PovertyModel

    cfg = load(list(SMALL))
    change(cfg)
    with pytest.raises(ConfigError, match=None) as err:
        PovertyModel(cfg, agents=False)
    assert any(expected in p for p in err.value.problems), err.value.problems


# ------------------------------------------------------------------------------------ calibration
def _calibrate_config(*overrides: str):
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3"):
        return compose(config_name="calibrate", overrides=list(overrides))


CALIBRATE_CASES = [
    (["quick=true", "n_jobs=abc"], "n_jobs = 'abc': must be a whole number"),
    (["quick=true", "scale_factor=-1"], "scale_factor = -1: must be a number above 0"),
    (["uncertainty.step=-5"], "uncertainty.step = -5: must be a share"),
    (["parameters.depart_rate.low=2"], "parameters.depart_rate: bounds low = 2 and high = 1.0: low must be below high"),
    (["optimiser.prior_weight=abc"], "optimiser.prior_weight = 'abc': must be a finite number"),
    (["optimiser.sampler=grid"], "optimiser.sampler = 'grid': must be cmaes or tpe"),
    (["seeds=[]"], "seeds = []: must be a non-empty list"),
    (["parameters.quit_floor.low=0"], "parameters.quit_floor.low = 0: must be above 0 on a log scale"),
    (["+n_job=3"], "n_job: unknown calibration setting; did you mean n_jobs?"),
    (
        ["targets.yunxi_2016.targets.guangdong_stock_start.bound=lowr"],
        "guangdong_stock_start.bound = 'lowr': allowed are",
    ),
]


@pytest.mark.parametrize(("overrides", "expected"), CALIBRATE_CASES, ids=[" ".join(c[0]) for c in CALIBRATE_CASES])
def test_bad_calibration_setting_is_refused(overrides, expected):
    from sim.calibrate.settings import explicit_keys, problems, settings

    cfg = settings(_calibrate_config(*overrides), explicit_keys(overrides))
    found = problems(cfg)
    assert len(found) == 1, found
    assert expected in found[0], found


def test_quick_mode_keeps_explicit_values():
    from sim.calibrate.settings import problems, settings

    cfg = settings(_calibrate_config("quick=true", "n_jobs=3", "seeds=[5,6]"), ["quick", "n_jobs", "seeds"])
    assert cfg.n_jobs == 3 and list(cfg.seeds) == [5, 6]
    assert cfg.scale_factor == pytest.approx(0.03)  # not given: the quick setting
    assert problems(cfg) == []


# --------------------------------------------------------------------------- results: resume, compare
@pytest.fixture(scope="module")
def two_jobs(tmp_path_factory) -> Path:
    """A sweep folder with two finished jobs, written as the command line writes them."""
    from sim.model import PovertyModel
    from sim.outputs import job_lock, write_run

    sweep = tmp_path_factory.mktemp("results") / "sw"
    for seed in (0, 1):
        overrides = [*SMALL, f"seed={seed}", "output.plot=false"]
        job = sweep / f"seed={seed}"
        (job / ".hydra").mkdir(parents=True)
        (job / ".hydra" / "overrides.yaml").write_text("".join(f"- {o}\n" for o in overrides))
        model = PovertyModel(load(overrides), agents=False)
        model.run()
        with job_lock(job):
            write_run(model, job, overrides, 0.0)
    return sweep


def _copy(two_jobs: Path, tmp_path: Path) -> Path:
    out = tmp_path / "sw"
    shutil.copytree(two_jobs, out)
    return out


def _config(seed: int):
    return load([*SMALL, f"seed={seed}", "output.plot=false"])


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[:100])


RESUME_CASES = [
    (lambda j: _truncate(j / "monthly.parquet"), "monthly.parquet has 100 bytes"),
    (lambda j: (j / "monthly.parquet").unlink(), "monthly.parquet is missing"),
    (lambda j: (j / "summary.json").write_text("{"), "summary.json has 1 bytes"),
    (lambda j: (j / "run.json").write_text("garbage"), "run.json unreadable"),
    (
        lambda j: (j / "run.json").write_text(
            json.dumps({**json.loads((j / "run.json").read_text()), "model_version": "x"})
        ),
        "the model code changed",
    ),
    (lambda j: (j / "run.json").write_text(json.dumps({"status": "complete"})), "the model code changed"),
    (lambda j: (j / "run.json").unlink(), "did not finish"),
]


@pytest.mark.parametrize(("damage", "reason"), RESUME_CASES, ids=[c[1] for c in RESUME_CASES])
def test_resume_reruns_a_damaged_or_stale_job_and_says_why(two_jobs, tmp_path, damage, reason):
    from sim.outputs import check_results

    sweep = _copy(two_jobs, tmp_path)
    assert check_results(sweep / "seed=0", _config(0))[0] is not None  # intact: reused
    damage(sweep / "seed=0")
    summary, why = check_results(sweep / "seed=0", _config(0))
    assert summary is None and reason in why, why


def test_resume_with_another_config_names_what_changed(two_jobs):
    from sim.outputs import check_results

    _, why = check_results(two_jobs / "seed=0", load([*SMALL, "seed=0", "output.plot=false", "months=3"]))
    assert "config differs" in why and "months" in why


def test_a_reused_folder_is_cleared_of_files_the_new_run_does_not_write(two_jobs, tmp_path):
    """Re-running a job folder with csv tables leaves no parquet table of the earlier run beside them."""
    from sim.aggregate import collect
    from sim.model import PovertyModel
    from sim.outputs import job_lock, write_run

    sweep = _copy(two_jobs, tmp_path)
    job = sweep / "seed=0"
    overrides = [*SMALL, "seed=1", "output.plot=false", "output.table_format=csv"]
    model = PovertyModel(load(overrides), agents=False)
    model.run()
    with job_lock(job):
        write_run(model, job, overrides, 0.0)
    assert (job / "monthly.csv").is_file() and not (job / "monthly.parquet").exists()
    assert collect(sweep).failed.empty


COMPARE_CASES = [
    (lambda j: _truncate(j / "monthly.parquet"), "monthly.parquet has 100 bytes"),
    (lambda j: (j / "monthly.parquet").write_bytes(b"garbage" * 100), "monthly.parquet"),
    (lambda j: (j / "summary.json").write_text("{not json"), "summary.json"),
    (lambda j: (j / "run.json").write_text("{"), "run.json unreadable"),
]


@pytest.mark.parametrize(("damage", "reason"), COMPARE_CASES, ids=[c[1] for c in COMPARE_CASES])
def test_compare_lists_an_unreadable_job_and_aggregates_the_rest(two_jobs, tmp_path, damage, reason, capsys):
    from sim.compare import main

    sweep = _copy(two_jobs, tmp_path)
    damage(sweep / "seed=0")
    assert main([str(sweep)]) == 0
    failed = pd.read_csv(sweep / "compare" / "failed_jobs.csv")
    assert list(failed["job"]) == ["seed=0"] and reason in failed["error"].iloc[0]
    assert set(pd.read_parquet(sweep / "compare" / "sweep_jobs.parquet")["seed"]) == {1}
    assert "seed=0" in capsys.readouterr().err


def test_compare_with_a_file_as_out_fails_cleanly_and_writes_nothing(two_jobs, tmp_path, capsys):
    from sim.compare import main

    sweep = _copy(two_jobs, tmp_path)
    target = tmp_path / "taken.txt"
    target.write_text("x")
    assert main([str(sweep), "--out", str(target)]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err
    assert target.read_text() == "x" and not (sweep / "compare").exists()


def test_compare_with_no_complete_job_writes_nothing(two_jobs, tmp_path, capsys):
    from sim.compare import main

    sweep = _copy(two_jobs, tmp_path)
    for job in sweep.iterdir():
        (job / "run.json").unlink()
    assert main([str(sweep)]) == 2
    assert "no complete job" in capsys.readouterr().err
    assert not (sweep / "compare").exists()
    assert main([str(tmp_path / "nowhere")]) == 2


def test_temporary_names_are_unique_per_writer(tmp_path):
    from sim.outputs import _temporary

    names = {_temporary(tmp_path / "monthly.parquet") for _ in range(50)}
    assert len(names) == 50 and all(n.suffix == ".parquet" for n in names)


def test_job_folder_names_stay_inside_the_sweep():
    """Names used in folder names cannot hold a path: every unsafe one is refused."""
    for bad in ("../x", "a/b", ".hidden", "", "a b", "x" * 65):
        with pytest.raises(ConfigError):
            load([*SMALL, f"policy.name='{bad}'"])


def test_saved_config_round_trips(two_jobs):
    from sim.validate import to_run_config

    cfg = to_run_config(OmegaConf.load(two_jobs / "seed=1" / "config.yaml"))
    assert cfg.seed == 1 and cfg.months == 2
