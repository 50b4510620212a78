"""Channels: every exit is credited to exactly one channel, and switching any one programme off
changes only what it should (its own states, spending and counts go to zero; the population and its
demography stay the same)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import NOT_WORK, make_model, table

from sim.measures import FLOW, county_level, employment_column, exits_column, programme_column
from sim.programmes import PROGRAMMES
from sim.programmes.social_security import FLOOR
from sim.state import Labour, Role, channels, exit_channels, labour_states, owned_by
from sim.summary import summarise

# The labour states and exit channels each programme owns (empty: it places nobody itself).
OWN_STATES: dict[str, tuple[int, ...]] = {
    "targeting": (),
    "workshops": (Labour.WORKSHOP_FACTORY, Labour.WORKSHOP_HOME, Labour.WORKSHOP_COOP),
    "local_employers": (Labour.LOCAL_FIRM, Labour.LOCAL_PRODUCER),
    "entrepreneurship": (Labour.BUSINESS_WORKER, Labour.ENTREPRENEUR),
    "flexible_work": (Labour.FLEXIBLE,),
    "labour_cooperation": (Labour.MIGRANT_ORGANISED,),
    "training": (Labour.TRAINING,),
    "tech_school": (Labour.TECH_SCHOOL,),
    "employment_services": (),
    "return_monitoring": (),
    "rewards": (),
    "welfare_posts": (Labour.WELFARE_POST,),
    "social_security": (FLOOR.code,),  # an exit channel, not a labour state
}
OFF_MONTHS = 13  # through one January: yearly demography runs in both runs
OFF_RUN = ("policy=full_mix", "scale=0.02", "seed=9", f"months={OFF_MONTHS}")


def test_every_programme_has_its_outputs_listed():
    assert set(OWN_STATES) == set(PROGRAMMES)


def test_work_states_are_all_but_farming_training_and_school():
    """Every labour state is work except farming, training and the technical school; migrants are
    the two states away."""
    assert set(labour_states(work=True)) == set(channels()) - set(NOT_WORK)
    assert set(labour_states(work=True, away=True)) == {Labour.MIGRANT_SELF, Labour.MIGRANT_ORGANISED}


@pytest.mark.parametrize("name", list(PROGRAMMES))
def test_each_programme_owns_the_states_listed(name):
    """The states and exit channels a programme declares are the ones listed here."""
    assert set(owned_by(name)) == set(OWN_STATES[name])


# ---------------------------------------------------------------------------- one channel per exit


@pytest.fixture(scope="module")
def full_run():
    model = make_model("policy=full_mix", "seed=1", "months=36", agents=False)
    model.run()
    return model


def test_monthly_exits_add_up_over_channels(full_run):
    """Each month's exits equal the sum over channels of that month's rise in cumulative exits."""
    tb = table(full_run)
    by_channel = sum(
        tb[f"exits_cum_{name}"].diff().fillna(tb[f"exits_cum_{name}"]) for name in exit_channels().values()
    )
    np.testing.assert_array_equal(by_channel.to_numpy(), tb["exits"].to_numpy())
    assert tb["exits"].sum() > 0


def test_month_zero_is_the_initial_state_and_counts_are_at_simulation_scale(full_run):
    """The month-0 row has no flow (set-up pays its workers, which is no spending of the run); the
    table holds counts at simulation scale, and `county_level` divides them by the scale."""
    tb = table(full_run)
    flows = [name for name, m in full_run.columns.items() if m.kind == FLOW]
    assert "spend_workshops_award" in flows and "exits" in flows
    assert (tb.loc[0, flows] == 0).all()
    assert (tb[flows].iloc[1:].to_numpy() != 0).any()
    assert (tb["scale"] == full_run.cfg.scale).all()
    assert tb["labourers"].iloc[-1] == int((full_run.people.role == Role.LABOURER).sum())
    county = county_level(tb)
    np.testing.assert_allclose(county["poor_people"], tb["poor_people"] / full_run.cfg.scale)
    np.testing.assert_allclose(county["spend_total"], tb["spend_total"] / full_run.cfg.scale)
    np.testing.assert_array_equal(county["poverty_rate"], tb["poverty_rate"])  # a share: it does not scale
    np.testing.assert_array_equal(county["month"], tb["month"])


def test_net_exits_by_channel_add_up(full_run):
    summary = summarise(full_run, table(full_run))
    assert sum(summary["net_exits_by_channel"].values()) == summary["net_exits_households"] > 0


def test_every_exited_household_has_one_known_channel(full_run):
    """Every household that ever left poverty carries one known channel code; every household out of
    poverty now that was poor at the start has left at some point."""
    h = full_run.households
    exited = h.exit_channel >= 0
    assert np.isin(h.exit_channel[exited], list(exit_channels())).all()
    net_exit = h.initially_poor & ~h.poor & (h.size > 0)
    assert exited[net_exit].all()
    assert (h.exit_channel[h.exit_channel < 0] == -1).all()


# ---------------------------------------------------------------------------- one programme off


def own_columns(name: str, columns) -> list[str]:
    """Columns that report on programme `name`: its spending and counters, its measures, the
    counts in its labour states and the exits credited to them."""
    cls = PROGRAMMES[name]
    cols = [programme_column(name, m) for m in cls.measures]
    for code in OWN_STATES[name]:
        channel = exit_channels()[code]
        if code in channels():
            cols.append(employment_column(channel))
        cols.append(exits_column(channel))
    missing = set(cols) - set(columns)
    assert not missing, f"{name}: no such columns {missing}"
    return cols


POPULATION = ("hh", "age", "female", "health", "frail")  # demography does not depend on the policy


@pytest.fixture(scope="module")
def with_all():
    model = make_model(*OFF_RUN, agents=False)
    model.run()
    return model


@pytest.mark.parametrize("name", list(PROGRAMMES))
def test_switching_one_programme_off_changes_only_its_own(name, with_all):
    """With `name` off and everything else on: its columns are zero in every month, nobody is in its
    states, no exit is credited to it, and the population and its demography are those of the run
    with everything on."""
    model = make_model(*OFF_RUN, f"policy.{name}.enabled=false", agents=False)
    assert name not in {prog.name for prog in model.programmes}
    model.run()
    tb = table(model)
    for col in own_columns(name, tb.columns):
        assert (tb[col] == 0).all(), f"{name} off: {col} is not zero"
    assert not np.isin(model.people.state, OWN_STATES[name]).any()
    assert not np.isin(model.households.exit_channel, OWN_STATES[name]).any()

    for attr, value in vars(with_all.population).items():
        if isinstance(value, np.ndarray):
            np.testing.assert_array_equal(getattr(model.population, attr), value, err_msg=f"population.{attr}")
    p, q = model.people, with_all.people
    for attr in POPULATION:
        np.testing.assert_array_equal(getattr(p, attr), getattr(q, attr), err_msg=f"people.{attr}")
    np.testing.assert_array_equal(p.role == Role.DECEASED, q.role == Role.DECEASED, err_msg="deaths")
    np.testing.assert_array_equal(model.households.size, with_all.households.size)


# ---------------------------------------------------------------------------- the regions' mixes

REGIONAL_MIXES = {
    "bazhong_2018": {
        "workshops",
        "local_employers",
        "entrepreneurship",
        "flexible_work",
        "labour_cooperation",
        "training",
        "employment_services",
        "welfare_posts",
    },
    "hainan_2022": {
        "workshops",
        "local_employers",
        "flexible_work",
        "labour_cooperation",
        "return_monitoring",
        "rewards",
        "welfare_posts",
    },
}


@pytest.mark.parametrize("mix", list(REGIONAL_MIXES))
def test_regional_mix_runs_its_programmes_only(mix):
    """A region's mix runs the programmes its report names, each of which places people or spends,
    and leaves every other programme's columns at zero."""
    model = make_model(f"policy={mix}", "seed=2", "months=24", agents=False)
    assert {prog.name for prog in model.programmes} == {"migration", *REGIONAL_MIXES[mix]}
    model.run()
    tb = table(model)
    for name in PROGRAMMES:
        active = tb[own_columns(name, tb.columns)].to_numpy().sum()
        if name in REGIONAL_MIXES[mix]:
            assert active > 0, f"{mix}: {name} is on but places nobody and spends nothing"
        else:
            assert active == 0, f"{mix}: {name} is off but reports activity"


def test_regional_mixes_set_what_their_reports_say():
    """Hainan 2022 raised the awards per poor worker to 4000 yuan (workshops from Shandong's 1000;
    local employers otherwise get Bazhong's 145); Bazhong's workshops are factory-type and family ones,
    no cooperative ones."""
    full, hainan, bazhong = (
        make_model(f"policy={mix}", agents=False).cfg.policy for mix in ("full_mix", "hainan_2022", "bazhong_2018")
    )
    assert (full.workshops.award_per_worker, full.local_employers.award_per_worker) == (1000, 145)
    assert (hainan.workshops.award_per_worker, hainan.local_employers.award_per_worker) == (4000, 4000)
    assert hainan.workshops.quoted["award_per_worker"].figure == "hainan_workshop_subsidy_2022"
    assert hainan.local_employers.quoted["award_per_worker"].figure == "hainan_base_subsidy_2022"
    coop = bazhong.workshops.coop
    assert (coop.initial_per_labourer, coop.openings_per_labourer_year) == (0, 0)
    ws = bazhong.workshops
    assert ws.factory.openings_per_labourer_year > 0 and ws.home.openings_per_labourer_year > 0
