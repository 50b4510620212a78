"""Property tests (Hypothesis): random valid configs run to the end with the monthly invariants held,
and random invalid ones are refused before anything is written."""

from __future__ import annotations

import dataclasses
import math
import typing
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.config import load
from sim.programmes.seats import SeatEmployers
from sim.schema import build_schema
from sim.state import Role
from sim.validate import ConfigError

MIXES = ["none", "workshops", "labour_cooperation", "welfare_posts", "full_mix", "bazhong_2018", "hainan_2022"]
PROPERTY = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def valid_overrides(draw) -> list[str]:
    busy = draw(st.lists(st.integers(1, 12), min_size=1, max_size=11, unique=True))
    first = draw(st.floats(1500, 4000))
    rise = draw(st.floats(0, 2000))
    return [
        f"policy={draw(st.sampled_from(MIXES))}",
        f"seed={draw(st.integers(0, 2**32 - 1))}",
        f"months={draw(st.integers(1, 8))}",
        f"start_year={draw(st.integers(2014, 2021))}",
        f"scale={draw(st.floats(0.002, 0.01)):.4f}",
        f"region.busy_months=[{','.join(map(str, busy))}]",
        f"poverty_line={{2014:{first:.1f},2020:{first + rise:.1f}}}",
        f"policy.labour_cooperation.transport_subsidy_share={draw(st.floats(0, 1)):.3f}",
        f"policy.workshops.award_per_worker={draw(st.integers(0, 6000))}",
        f"policy.welfare_posts.posts_per_labourer={draw(st.floats(0, 0.04)):.5f}",
        f"behaviour.search_rate={draw(st.floats(0, 1)):.3f}",
    ]


def check_month(model) -> None:
    p, h = model.people, model.households
    # one state per labourer: exactly the labourers hold a labour state, each a declared one
    assert ((p.state != 0) == (p.role == Role.LABOURER)).all()
    row = model.latest
    channels = [k for k in row if k.startswith("employed_")]
    if channels:
        assert sum(row[k] for k in channels) == row["labourers"]
    # no capacity exceeded: seats per employer, welfare posts
    for prog in model.programmes:
        if isinstance(prog, SeatEmployers):
            occupied = np.bincount(p.seat[prog.workers()], minlength=prog.seats.size)
            assert (occupied <= prog.seats).all(), prog.name
        if prog.name == "welfare_posts":
            assert prog.holders().size <= max(prog.posts, 0)
    # money adds up: spending items sum to the total; incomes are finite
    spending = [k for k in row if k.startswith("spend_") and k != "spend_total"]
    assert math.isclose(sum(row[k] for k in spending), row["spend_total"], rel_tol=1e-9, abs_tol=1e-6)
    assert np.isfinite(h.income).all() and np.isfinite(model.income_per_capita).all()
    assert 0 <= row["poor_people"] <= int(h.size.sum())


@PROPERTY
@given(overrides=valid_overrides())
def test_random_valid_configs_run_cleanly_with_invariants(overrides):
    from sim.model import PovertyModel
    from sim.summary import summarise

    model = PovertyModel(load(overrides), agents=False)
    check_month(model)
    for _ in range(model.cfg.months):
        model.step()
        check_month(model)
    table = model.datacollector.get_model_vars_dataframe()
    assert len(table) == model.cfg.months + 1
    summary = summarise(model, table.reset_index(drop=True))
    assert math.isclose(summary["spending_total_yuan"], sum(summary["spending_by_item_yuan"].values()), abs_tol=1e-3)


def _numeric_fields() -> list[tuple[str, type, dict]]:
    """(key, type, metadata) of every bounded number of the run schema (not under dict entries)."""
    out = []

    def walk(cls, prefix):
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            typ = hints[f.name]
            if dataclasses.is_dataclass(typ):
                walk(typ, f"{prefix}{f.name}.")
            elif typ in (int, float) and (f.metadata.get("ge") is not None or f.metadata.get("le") is not None):
                out.append((prefix + f.name, typ, dict(f.metadata)))

    walk(build_schema(), "")
    return out


NUMERIC = _numeric_fields()
BOOLEANS = ["output.plot", "policy.workshops.enabled", "policy.labour_cooperation.follow_up_services"]


@st.composite
def invalid_override(draw) -> str:
    kind = draw(st.sampled_from(["range", "nan", "bool", "typo", "name", "busy", "line"]))
    if kind in ("range", "nan"):
        key, typ, meta = draw(st.sampled_from(NUMERIC))
        if kind == "nan" and typ is float:
            return f"{key}={draw(st.sampled_from(['nan', 'inf', '-inf']))}"
        lo, hi = meta.get("ge"), meta.get("le")
        options = ([lo - draw(st.integers(1, 1000))] if lo is not None else []) + (
            [hi + draw(st.integers(1, 1000))] if hi is not None else []
        )
        return f"{key}={draw(st.sampled_from(options))}"
    if kind == "bool":
        return f"{draw(st.sampled_from(BOOLEANS))}={draw(st.sampled_from(['2', '0', 'yes', '1.5', 'abc']))}"
    if kind == "typo":
        key, _, _ = draw(st.sampled_from(NUMERIC))
        head, _, last = key.rpartition(".")
        cut = draw(st.integers(0, len(last) - 1))
        typo = last[:cut] + last[cut + 1 :] + "x"
        return f"{draw(st.sampled_from(['', '+', '++']))}{head + '.' if head else ''}{typo}=1"
    if kind == "name":
        field = draw(st.sampled_from(["policy.name", "region.name", "behaviour.name"]))
        return f"{field}='{draw(st.sampled_from(['../x', 'a/b', 'a b', '.x', '~/y']))}'"
    if kind == "busy":
        return "region.busy_months=[]"
    bad = draw(st.sampled_from(["{2016:nan}", "{2016:-1}", "{2016:0}", "{}", "{2016:4000,2018:100}"]))
    return f"{draw(st.sampled_from(['poverty_line', 'policy.social_security.dibao_line']))}={bad}"


@PROPERTY
@given(base=valid_overrides(), bad=invalid_override())
def test_random_invalid_configs_are_refused_before_anything_is_written(base, bad, tmp_path_factory):
    from sim.__main__ import cli

    with pytest.raises(ConfigError):
        load([*base, bad])
    out = Path(tmp_path_factory.mktemp("refused"))
    with pytest.raises(SystemExit) as exit_:
        cli([*base, bad, f"hydra.run.dir={out / 'run'}"])
    assert exit_.value.code == 2
    assert list(out.iterdir()) == []
