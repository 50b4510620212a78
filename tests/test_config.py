"""Config validation: bad values and typos fail before a run, with a message naming key, value and range."""

from __future__ import annotations

import pytest
from conftest import SMALL
from omegaconf import OmegaConf

from sim.config import compose_config, load
from sim.validate import ConfigError, override_problems, to_run_config

# (override, substrings its single problem line must contain)
BAD_VALUES = [
    (
        "policy.labour_cooperation.transport_subsidy_share=1.5",
        ["policy.labour_cooperation.transport_subsidy_share", "1.5", "allowed from 0 to 1"],
    ),
    ("policy.labour_cooperation.transport_subsidy_share=-0.1", ["transport_subsidy_share", "-0.1", "from 0 to 1"]),
    (
        "policy.welfare_posts.posts_per_labourer=-5",
        ["policy.welfare_posts.posts_per_labourer", "-5", "allowed from 0 to 1"],
    ),
    (
        "policy.labour_cooperation.places_per_fair_per_labourer=-1",
        ["policy.labour_cooperation.places_per_fair_per_labourer", "-1", "from 0 to 1"],
    ),
    (
        "policy.workshops.factory.initial_per_labourer=-3",
        ["policy.workshops.factory.initial_per_labourer", "-3", "from 0 to 1"],
    ),
    ("policy.workshops.factory.seats_mean=0", ["policy.workshops.factory.seats_mean", "0", "at least 1"]),
    ("region.households=0", ["region.households", "0", "at least 1"]),
    ("months=0", ["months", "0", "allowed from 1 to 600"]),
    ("months=601", ["months", "601", "from 1 to 600"]),
    ("scale=0", ["scale", "0", "allowed from 0.001 to 1"]),
    ("scale=1.5", ["scale", "1.5", "from 0.001 to 1"]),
    ("seed=-1", ["seed", "-1", "allowed from 0 to"]),
    ("behaviour.search_rate=nan", ["behaviour.search_rate", "nan", "finite"]),
    ("behaviour.quit_floor=inf", ["behaviour.quit_floor", "inf", "finite"]),
    ("region.destinations.guangdong.wage=-1", ["region.destinations.guangdong.wage", "-1", "from 0 to 50000"]),
    (
        "region.labourers_shape=[0.5,0.6,0,0,0]",
        ["region.labourers_shape", "0.5, 0.6", "sum to 1", "1.1"],
    ),
    ("region.elders_shape=[0.7,0.5,-0.2]", ["region.elders_shape", "non-negative"]),
    ("region.labourer_health_shares=[0.5,0.5]", ["region.labourer_health_shares", "needs 3 entries"]),
    ("region.busy_months=[0,13]", ["region.busy_months", "[0, 13]", "1-12"]),
    ("region.busy_months=[5,5]", ["region.busy_months", "[5, 5]", "distinct"]),
    ("region.busy_months=[1,2,3,4,5,6,7,8,9,10,11,12]", ["region.busy_months", "fewer than 12"]),
    (
        "policy.labour_cooperation.fair_destination=mars",
        ["policy.labour_cooperation.fair_destination", "mars", "guangdong", "intra_province"],
    ),
    (
        "policy.labour_cooperation.placement_destinations=[guangdong,mars]",
        ["policy.labour_cooperation.placement_destinations", "mars", "guangdong"],
    ),
    ("region.labourers=200000", ["region.labourers", "200000", "region.people"]),
    ("output.table_format=xlsx", ["output.table_format", "xlsx", "parquet", "csv"]),
    ("poverty_line={2014:0}", ["poverty_line", "positive"]),
]


@pytest.mark.parametrize(("override", "expected"), BAD_VALUES, ids=[b[0] for b in BAD_VALUES])
def test_bad_value_is_rejected_with_clear_message(override, expected):
    """A bad value fails validation with one problem line naming the key, the value and what is allowed."""
    with pytest.raises(ConfigError) as err:
        load([*SMALL, override])
    assert len(err.value.problems) == 1, err.value.problems
    for text in expected:
        assert text in err.value.problems[0]
    assert err.value.problems[0] in str(err.value)


@pytest.mark.parametrize("override", ["months=abc", "scale=abc", "policy.workshops.enabled=maybe"])
def test_wrong_type_is_rejected_naming_the_key(override):
    """A value of the wrong type is refused before composing, by an error that names key and value."""
    key, value = override.split("=")
    with pytest.raises(ConfigError) as err:
        load([*SMALL, override])
    assert err.value.problems[0].startswith(f"{key} = '{value}': must be")


def test_all_problems_are_reported_at_once():
    """Several bad values give one problem line each, all in one error."""
    overrides = ["months=0", "scale=2", "policy.labour_cooperation.fair_destination=mars", "region.busy_months=[13]"]
    with pytest.raises(ConfigError) as err:
        load(overrides)
    problems = err.value.problems
    assert len(problems) == 4, problems
    keys = ["months", "scale", "policy.labour_cooperation.fair_destination", "region.busy_months"]
    assert sorted(line.split(" ")[0] for line in problems) == sorted(keys)


def test_two_bad_values_give_two_lines():
    """Two bad values give exactly two problem lines, in a message that shows both."""
    with pytest.raises(ConfigError) as err:
        load(["seed=-1", "policy.workshops.award_elasticity=11"])
    assert len(err.value.problems) == 2
    assert "seed" in str(err.value) and "award_elasticity" in str(err.value)


def test_broken_age_bands_report_every_consequence():
    """Age-band edges that do not span working age are reported with the shares that no longer fit."""
    with pytest.raises(ConfigError) as err:
        load(["region.labourer_age_edges=[16,30,60]"])
    text = "\n".join(err.value.problems)
    assert "region.labourer_age_edges" in text and "16 to 65" in text
    assert "region.labourer_age_shares" in text
    assert "region.skill_shares_by_age_band" in text


@pytest.mark.parametrize(
    "overrides",
    [
        [],
        ["policy=none"],
        ["policy=workshops"],
        ["policy=labour_cooperation"],
        ["policy=welfare_posts"],
        ["policy.labour_cooperation.transport_subsidy_share=0", "months=1", "seed=0"],
        ["policy.labour_cooperation.transport_subsidy_share=1", "months=600", "scale=1", "seed=4294967295"],
        ["scale=0.001", "region.busy_months=[1]"],
    ],
)
def test_valid_configs_load(overrides):
    """The shipped configs and values on the edges of their ranges are accepted."""
    cfg = load(overrides)
    assert cfg.months >= 1 and 0 < cfg.scale <= 1


def test_value_left_out_of_the_config_files_is_refused():
    """The schema has no values of its own: a field the config files leave out fails validation, and
    every such field is named at once."""
    cfg = OmegaConf.create(OmegaConf.to_container(compose_config([]), resolve=True))
    OmegaConf.set_struct(cfg, False)
    del cfg.region["farm_floor"]
    del cfg.policy.workshops.factory["initial_per_labourer"]
    with pytest.raises(ConfigError) as err:
        to_run_config(cfg)
    problems = err.value.problems
    assert len(problems) == 2, problems
    assert problems[0].startswith("policy.workshops.factory.initial_per_labourer: missing value"), problems
    assert problems[1].startswith("region.farm_floor: missing value"), problems


def test_to_run_config_accepts_plain_dict():
    """Validation also works on a plain dict of the composed config (as notebooks may build one)."""
    plain = OmegaConf.to_container(compose_config(["months=5"]), resolve=True)
    assert to_run_config(plain).months == 5
    plain["months"] = 0
    with pytest.raises(ConfigError, match="months"):
        to_run_config(plain)


TYPOS = [
    ("policy.workshops.award_per_wrker=3", "did you mean award_per_worker"),
    ("polcy.workshops.enabled=true", "did you mean policy"),
    ("behaviour.serch_rate=0.2", "did you mean search_rate"),
    ("policy.welfare_posts.posts_per_labourr=0.01", "did you mean posts_per_labourer"),
    ("policy.labour_cooperation.fair_destinaton=guangdong", "did you mean fair_destination"),
]


@pytest.mark.parametrize(("override", "hint"), TYPOS, ids=[t[0] for t in TYPOS])
def test_key_typo_suggests_the_right_key(override, hint):
    """A misspelt key is reported with the closest known key."""
    problems = override_problems([override])
    assert len(problems) == 1
    key = override.split("=")[0]
    assert problems[0].startswith(key)
    assert hint in problems[0]


def test_typo_in_top_level_key_suggests_the_right_key():
    """A misspelt top-level key (no dot, e.g. `month=12`) is reported with the closest known key."""
    problems = override_problems(["month=12", "sede=3"])
    assert len(problems) == 2, problems
    assert "did you mean months" in problems[0]
    assert "did you mean seed" in problems[1]


def test_typo_under_a_named_destination_suggests_the_right_key():
    """A misspelt field of a destination (a dataclass inside the destinations dict) is reported."""
    problems = override_problems(["region.destinations.guangdong.wages=3000"])
    assert len(problems) == 1, problems
    assert "did you mean wage" in problems[0]


def test_unknown_key_without_close_match_lists_known_keys():
    """A key with no close match is still reported, with the keys that exist at that level."""
    (problem,) = override_problems(["policy.workshops.zzz=1"])
    assert "unknown key 'zzz'" in problem and "did you mean" not in problem
    assert "award_per_worker" in problem


def test_known_keys_and_hydra_syntax_are_not_flagged():
    """Valid keys, group choices (also with `+`), free dict keys, `~` of a known key and hydra.* pass."""
    overrides = [
        "seed=3",
        "policy=none",
        "policy.workshops.factory.seats_mean=5",
        "region.destinations.guangdong.wage=3000",
        "region.destinations.newtown.wage=1",
        "+experiment=policy_mix",
        "~output.plot",
        "hydra.run.dir=somewhere",
    ]
    assert override_problems(overrides) == []


def test_key_typo_is_also_refused_when_composing():
    """Loading a config with a misspelt key fails with the suggestion, so a typo never passes silently."""
    with pytest.raises(ConfigError, match="did you mean award_per_worker"):
        load([*SMALL, "policy.workshops.award_per_wrker=3"])
