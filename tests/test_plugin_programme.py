"""A programme defined outside `sim/` (here) with its own settings, labour state and measures runs
through the model, and appears in the monthly table, the summary and the channel totals, with nothing
in `sim/` edited: declaring the class and giving its config folder is all it takes."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pytest
from omegaconf import MISSING

from sim import measures, programmes
from sim.config import load
from sim.measures import counter, spending, stock
from sim.model import PovertyModel
from sim.outputs import run_table
from sim.params import ProgrammeConfig
from sim.programmes.base import Programme
from sim.state import Labour, State, channels, exit_channels
from sim.summary import summarise

CONFIG = """\
# @package policy.beekeeping
enabled: false
starts_per_month: 0.01
pay: 2500
kit_cost: 800
assumed:
  starts_per_month: "A test programme."
  pay: "A test programme."
  kit_cost: "A test programme."
"""


@pytest.fixture
def beekeeping(tmp_path):
    """Define the programme and its config folder; forget both afterwards."""

    @dataclass
    class BeekeepingConfig(ProgrammeConfig):
        starts_per_month: float = MISSING
        pay: float = MISSING
        kit_cost: float = MISSING

    class Beekeeping(Programme):
        name = "beekeeping"
        settings = BeekeepingConfig
        order = 45
        states = (State("BEEKEEPER", "beekeeping", "Beekeeping", "#ffcc00", 0.6, stable=True),)
        measures = (
            counter("started", "Beekeepers who started"),
            spending("kit", "Hives and kit given to starters"),
            stock(
                "keepers", "Beekeepers", "people", lambda prog: int((prog.model.people.state == Labour.BEEKEEPER).sum())
            ),
        )

        def assign(self) -> None:
            m = self.model
            p = m.people
            farm = np.flatnonzero(p.state == Labour.FARM)
            starters = farm[m.streams.per_person("beekeeping.start")[farm] < self.cfg.starts_per_month]
            p.set_state(starters, Labour.BEEKEEPER)
            self.count("started", starters.size)
            self.spend("kit", self.cfg.kit_cost * starters.size)

        def pay_workers(self) -> None:
            p = self.model.people
            p.earnings[p.state == Labour.BEEKEEPER] += self.cfg.pay

    folder = tmp_path / "programme" / "beekeeping"
    folder.mkdir(parents=True)
    (folder / "reports.yaml").write_text(textwrap.dedent(CONFIG))
    yield f"hydra.searchpath=[file://{tmp_path}]"
    programmes.unregister("beekeeping")


def test_a_programme_defined_in_a_test_runs_and_reports(beekeeping):
    cfg = load([beekeeping, "scale=0.02", "months=14", "policy=workshops", "policy.beekeeping.enabled=true"])
    assert cfg.policy.beekeeping.pay == 2500
    model = PovertyModel(cfg, agents=False)
    assert "beekeeping" in [p.name for p in model.programmes]
    model.run()
    table = run_table(model, [])
    # Its state, measures and channel are columns, declared like every other.
    for column in (
        "n_beekeeping",
        "exits_cum_beekeeping",
        "beekeeping_started",
        "spend_beekeeping_kit",
        "beekeeping_keepers",
    ):
        assert column in table.columns and column in measures.of_table(table)
    assert table["beekeeping_started"].iloc[1:].sum() > 0
    assert table["spend_beekeeping_kit"].sum() == pytest.approx(800 * table["beekeeping_started"].sum())
    np.testing.assert_array_equal(table["n_beekeeping"], table["beekeeping_keepers"])
    assert table["spend_total"].sum() >= table["spend_beekeeping_kit"].sum() > 0
    # Beekeepers give 0.6 of a farm labour unit at home, as declared.
    assert model.labour_weight[Labour.BEEKEEPER] == pytest.approx(0.6)
    # Exits credited to it are in the channel totals and the summary.
    summary = summarise(model, table)
    assert "beekeeping" in summary["net_exits_by_channel"] and "beekeeping" in summary["employment_end"]
    assert table["exits_cum_beekeeping"].iloc[-1] > 0
    assert sum(summary["net_exits_by_channel"].values()) == summary["net_exits_households"]
    assert "beekeeping" in channels().values() and "beekeeping" in exit_channels().values()


def test_switched_off_it_reports_zeros(beekeeping):
    model = PovertyModel(load([beekeeping, "scale=0.02", "months=3", "policy=workshops"]), agents=False)
    model.run()
    table = run_table(model, [])
    assert (table[["n_beekeeping", "beekeeping_started", "spend_beekeeping_kit"]] == 0).all().all()


def test_forgotten_afterwards():
    """The fixture's programme is gone once its test ends: the default config composes without it."""
    assert "beekeeping" not in [c.name for c in programmes.registered()]
    assert not hasattr(Labour, "BEEKEEPER")
    assert not hasattr(load(["scale=0.02"]).policy, "beekeeping")
