"""The yearly assessment of the registered poor (sim.assessment), exits by group of channel
(work, transfers, other) and the floor's labour-capacity rule.

Incomes are forced on a tiny model by changing one month's farm income of chosen households just
before the month's income is summed (`force`): a loss makes a dip, a gain of the same size undoes it.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_model, programme, table

from sim.programmes.social_security import labour_capacity
from sim.state import EXIT_GROUPS, Health, Role, exit_channels, exit_groups
from sim.summary import summarise

TINY = ("scale=0.02", "policy=none", "seed=3")


def force(model, households: np.ndarray, by_month: dict[int, np.ndarray | float]) -> None:
    """Add `by_month[t]` yuan to the farm income of `households` in month t (before income is summed)."""
    original = model._income_and_poverty

    def patched():
        if model.t in by_month:
            model.farm[households] += by_month[model.t]
        return original()

    model._income_and_poverty = patched


def exited_at_first_december(model) -> np.ndarray:
    model.run(12)
    a = model.assessment
    exited = np.flatnonzero(a.exited)
    assert exited.size > 20
    return exited


def test_everyone_registered_and_the_assessment_acts_only_in_december():
    """All households are on the ledger as poor at the start; statuses change and the assessed flows
    are non-zero only in December rows."""
    model = make_model(*TINY, "months=25", agents=False)
    a = model.assessment
    assert a.ledger_poor.all() and not a.exited.any()
    assert table(model)["registered_poor_households"].iloc[0] == (model.households.size > 0).sum()
    before = (a.ledger_poor.copy(), a.exited.copy())
    for _ in range(25):
        model.step()
        changed = not (np.array_equal(before[0], a.ledger_poor) and np.array_equal(before[1], a.exited))
        if model.calendar_month != 12:
            assert not changed, f"month {model.t}: the ledger changed outside December"
            assert a.exits.size == 0 and a.returned.size == 0
        else:  # right after a December, the ledger's poor are the households below the line
            assert (a.ledger_poor == (model.households.poor & (model.households.size > 0))).all()
        before = (a.ledger_poor.copy(), a.exited.copy())
    tb = table(model)
    december = tb["calendar_month"] == 12
    for col in ("assessed_exits", "returned_to_poverty", *(f"assessed_exits_through_{g}" for g in EXIT_GROUPS)):
        assert (tb.loc[~december, col] == 0).all(), col
    assert tb.loc[tb["month"] == 12, "assessed_exits"].item() > 0


def test_exited_stay_exited_through_a_dip_within_the_year():
    """A dip below the line in the months between Decembers (the monthly count sees the household
    poor) does not undo an exit: at the next December, income back above the line, it is still exited
    and no 返贫 is counted."""
    model = make_model(*TINY, "months=24", agents=False)
    chosen = exited_at_first_december(model)[:10]
    h = model.households
    loss = 10 * model.line * h.size[chosen]  # a loss of ten years' income at the line
    force(model, chosen, {15: -loss, 19: loss + 2 * model.line * h.size[chosen]})  # made good by month 19
    seen_poor = []
    for _ in range(12):
        model.step()
        seen_poor.append(h.poor[chosen].copy())
        if model.t < 24:
            assert model.assessment.exited[chosen].all(), f"month {model.t}"
    assert np.array(seen_poor)[2:6].all(), "months 15-18: below the line in the monthly count"
    assert model.assessment.exited[chosen].all()
    assert not np.isin(chosen, model.assessment.returned).any()


def test_return_to_poverty_is_counted_and_back_on_the_ledger():
    """An exited household whose calendar year's income is below the line at a later December is a
    return to poverty (返贫): counted in the month's flow and the cumulative count, back on the ledger
    as poor, and it can exit again at a later December."""
    model = make_model(*TINY, "months=36", agents=False)
    chosen = exited_at_first_december(model)[:10]
    h, a = model.households, model.assessment
    loss = 10 * model.line * h.size[chosen]
    force(model, chosen, {18: -loss, 26: loss})
    model.run(12)
    assert np.isin(chosen, a.returned).all()
    assert a.ledger_poor[chosen].all() and not a.exited[chosen].any()
    assert (a.assessed_channel[chosen] == -1).all()
    tb = table(model)
    row = tb[tb["month"] == 24].iloc[0]
    assert row["returned_to_poverty"] == a.returned.size >= chosen.size
    assert row["returned_to_poverty_cum"] == tb["returned_to_poverty"].sum()
    model.run(12)  # the loss has left the window: they exit again (unless something else holds them down)
    assert np.isin(chosen, a.exits).sum() >= chosen.size // 2


@pytest.fixture(scope="module")
def full_mix_run():
    model = make_model("policy=full_mix", "scale=0.05", "seed=0", "months=36", agents=False)
    model.run()
    return model, table(model)


def test_exit_groups_add_up(full_mix_run):
    """Exits through work + through transfers + other = all exits, for the monthly count and the
    yearly assessment, per month and cumulative; the floor's exits are transfers, jobs are work."""
    model, tb = full_mix_run
    groups = exit_groups()
    assert groups["social_security"] == "transfers" and groups["farm"] == "other"
    assert groups["labour_cooperation"] == "work" and groups["welfare_post"] == "work"
    for total, prefix, cum_total in (
        ("exits", "exits_through", "exits_total_cum"),
        ("assessed_exits", "assessed_exits_through", "assessed_exits_cum"),
    ):
        by_group = sum(tb[f"{prefix}_{g}"] for g in EXIT_GROUPS)
        np.testing.assert_array_equal(by_group.to_numpy(), tb[total].to_numpy(), err_msg=total)
        cum = sum(tb[f"{prefix}_{g}_cum"] for g in EXIT_GROUPS)
        np.testing.assert_array_equal(cum.to_numpy(), tb[cum_total].to_numpy(), err_msg=cum_total)
        np.testing.assert_array_equal(tb[cum_total].to_numpy(), tb[total].cumsum().to_numpy(), err_msg=cum_total)
        for g in EXIT_GROUPS:
            np.testing.assert_array_equal(tb[f"{prefix}_{g}_cum"], tb[f"{prefix}_{g}"].cumsum(), err_msg=g)
        assert tb[f"{prefix}_work_cum"].iloc[-1] > 0 and tb[f"{prefix}_transfers_cum"].iloc[-1] > 0
    by_channel = sum(tb[f"exits_cum_{c}"] for c in exit_channels().values())
    np.testing.assert_array_equal(by_channel.to_numpy(), tb["exits_total_cum"].to_numpy())
    s = summarise(model, tb)
    for key in ("net_exits", "gross_exits", "exited", "assessed_exits"):
        assert sum(s[f"{key}_by_group"].values()) == sum(s[f"{key}_by_channel"].values()), key
    assert sum(s["net_exits_by_group"].values()) == s["net_exits_households"]
    assert sum(s["exited_by_group"].values()) == s["exited_households_end"]
    assert s["returned_to_poverty"] == tb["returned_to_poverty"].sum()


def test_a_bound_carer_is_labour_capacity_all_disabled_is_not():
    """The floor's rule: a household whose only able labourer is a bound carer has labour capacity
    (not eligible on that ground); one whose labourers are all disabled has none (eligible)."""
    model = make_model("policy=none", "policy.social_security.enabled=true", "scale=0.02", "seed=3", agents=False)
    p, h = model.people, model.households
    floor = programme(model, "social_security")
    labourers = np.bincount(p.hh[p.role == Role.LABOURER], minlength=h.n)
    pick = np.flatnonzero((labourers >= 2) & floor.takes_up & (h.size > 0))[:2]
    carer_hh, disabled_hh = pick
    for hh in pick:
        lab = h.members_of(np.array([hh]))
        lab = lab[p.role[lab] == Role.LABOURER]
        p.health[lab] = Health.DISABLED
        if hh == carer_hh:
            p.health[lab[0]] = Health.HEALTHY
            p.bound_carer[lab[0]] = True
    capacity = labour_capacity(p, h.n)
    assert capacity[carer_hh] and not capacity[disabled_hh]
    floor._find_candidates()
    assert disabled_hh in floor.candidates and carer_hh not in floor.candidates
    # Chronic illness is no loss of capacity either.
    p.health[h.members_of(np.array([carer_hh]))[p.bound_carer[h.members_of(np.array([carer_hh]))]]] = Health.CHRONIC
    assert labour_capacity(p, h.n)[carer_hh]


def test_carer_households_on_the_floor_only_without_another_able_labourer(full_mix_run):
    """In a real run, no household with a labourer able to work (bound carer or not) is paid the
    guarantee, and households whose able labourers are all bound carers exist and are not paid."""
    model, _ = full_mix_run
    p, h = model.people, model.households
    able = (p.role == Role.LABOURER) & (p.health != Health.DISABLED)
    able_free = np.bincount(p.hh[able & ~p.bound_carer], minlength=h.n)
    able_carers = np.bincount(p.hh[able & p.bound_carer], minlength=h.n)
    only_carers = (able_free == 0) & (able_carers > 0)
    assert only_carers.sum() > 0
    assert not (h.on_floor & only_carers).any()
    assert not (h.on_floor & labour_capacity(p, h.n)).any()
