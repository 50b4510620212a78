"""The monthly measures: one row of the run's tidy table, one value per declared measure
(`sim.measures.catalogue`), at simulation scale.

Columns are the same for every policy mix (a programme that is off reports zeros), so tables from
different mixes stack into one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.assessment import cumulative_by_group
from sim.measures import FLOW, destination_column, employment_column, exits_column, programme_column
from sim.programmes import registered
from sim.state import EXIT_GROUPS, Labour, channels

if TYPE_CHECKING:
    from sim.model import PovertyModel


def measures(model: PovertyModel, exits: np.ndarray, returns: int) -> dict[str, float]:
    p, h = model.people, model.households
    poor_people = int(h.size[h.poor].sum())
    alive = h.size > 0
    pc = model.income_per_capita
    q10, q50, q90 = np.quantile(pc[alive], [0.1, 0.5, 0.9], method="inverted_cdf")
    by_state = np.bincount(p.state, minlength=len(Labour))
    values: dict[str, float] = {
        "month": model.t,
        "year": model.year,
        "calendar_month": model.calendar_month,
        "scale": model.cfg.scale,
        "poverty_line": model.line,
        "poor_people": poor_people,
        "poor_households": int(h.poor.sum()),
        "poverty_rate": poor_people / max(int(h.size.sum()), 1),
        "exits": exits.size,
        "returns_to_poverty": returns,
        "labourers": int(by_state[1:].sum()),
        "income_pc_mean": float(np.average(pc[alive], weights=h.size[alive])),
        "income_pc_p10": q10,
        "income_pc_p50": q50,
        "income_pc_p90": q90,
        "household_income_total": float(h.income.sum()),
    }
    for code, name in channels().items():
        values[employment_column(name)] = int(by_state[code])
    for name, n in model.cumulative_exits.items():
        values[exits_column(name)] = n
    a = model.assessment
    monthly_now = a.by_group(h.exit_channel[exits])
    monthly_cum = cumulative_by_group(model.cumulative_exits)
    assessed_now = a.exits_by_group()
    assessed_cum = cumulative_by_group(a.cumulative_exits)
    for g in EXIT_GROUPS:
        values[f"exits_through_{g}"] = monthly_now[g]
        values[f"exits_through_{g}_cum"] = monthly_cum[g]
        values[f"assessed_exits_through_{g}"] = assessed_now[g]
        values[f"assessed_exits_through_{g}_cum"] = assessed_cum[g]
    values["exits_total_cum"] = sum(model.cumulative_exits.values())
    on_ledger = a.ledger_poor & alive
    values["registered_poor_households"] = int(on_ledger.sum())
    values["registered_poor_people"] = int(h.size[on_ledger].sum())
    values["exited_households"] = int((a.exited & alive).sum())
    exited = np.flatnonzero(a.exited & alive)
    group = a.groups_of(a.assessed_channel[exited])
    people = np.bincount(group[group >= 0], weights=h.size[exited][group >= 0], minlength=len(EXIT_GROUPS))
    for g, n in zip(EXIT_GROUPS, people, strict=True):
        values[f"exited_people_through_{g}"] = int(n)
    values["assessed_exits"] = a.exits.size
    values["returned_to_poverty"] = a.returned.size
    values["assessed_exits_cum"] = sum(a.cumulative_exits.values())
    values["returned_to_poverty_cum"] = a.cumulative_returns
    away = np.bincount(p.dest[p.dest >= 0], minlength=len(model.destinations.names))
    for name, n in zip(model.destinations.names, away, strict=True):
        values[destination_column(name)] = int(n)

    running = {prog.name: prog for prog in model.programmes}
    total = 0.0
    for cls in registered():
        prog = running.get(cls.name)
        for m in cls.measures:
            value = prog.value(m) if prog else _zero(m)
            values[programme_column(cls.name, m)] = value
            if m.group == "spending":
                total += value
    values["spend_total"] = total
    if model.t == 0:  # the initial state: no flow has happened yet
        for name, m in model.columns.items():
            if m.kind == FLOW:
                values[name] = _zero(m)
    return {name: values[name] for name in model.columns}


def _zero(m) -> float:
    """Zero of the measure's type (amounts are floats in every mix, so tables of mixes stack)."""
    return 0.0 if m.unit == "yuan" else 0
