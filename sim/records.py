"""The monthly measures: one row of the run's tidy table.

Columns are the same for every policy mix (a programme that is off reports zeros), so tables from
different mixes stack into one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.programmes import PROGRAMMES
from sim.programmes.migration import Migration
from sim.state import CHANNEL, Labour

if TYPE_CHECKING:
    from sim.model import PovertyModel

PROGRAMME_CLASSES = (Migration, *PROGRAMMES.values())


def measures(model: PovertyModel, exits: np.ndarray, returns: int) -> dict[str, float]:
    p, h = model.people, model.households
    row: dict[str, float] = {
        "month": model.t,
        "year": model.year,
        "calendar_month": model.calendar_month,
        "poverty_line": model.line,
    }
    poor_people = int(h.size[h.poor].sum())
    row["poor_people"] = poor_people
    row["poor_households"] = int(h.poor.sum())
    row["poverty_rate"] = poor_people / max(int(h.size.sum()), 1)
    row["exits"] = exits.size
    row["returns_to_poverty"] = returns

    by_state = np.bincount(p.state, minlength=len(Labour))
    row["labourers"] = int(by_state[1:].sum())
    for state, name in CHANNEL.items():
        row[f"n_{name}"] = int(by_state[state])
    for name, n in model.cumulative_exits.items():
        row[f"exits_cum_{name}"] = n

    pc = model.income_per_capita
    alive = h.size > 0
    row["income_pc_mean"] = float(np.average(pc[alive], weights=h.size[alive]))
    q10, q50, q90 = np.quantile(pc[alive], [0.1, 0.5, 0.9], method="inverted_cdf")
    row.update(income_pc_p10=q10, income_pc_p50=q50, income_pc_p90=q90)
    row["household_income_total"] = float(h.income.sum())

    running = {prog.name: prog for prog in model.programmes}
    total = 0.0
    for cls in PROGRAMME_CLASSES:
        prog = running.get(cls.name)
        for item in cls.spending_items:
            value = prog.spending[item] if prog else 0.0
            row[f"spend_{cls.name}_{item}"] = value
            total += value
        for counter in cls.counters:
            row[f"{cls.name}_{counter}"] = prog.counts[counter] if prog else 0
        extra = prog.record() if prog else dict.fromkeys(cls.measure_names(), 0)
        row.update(extra)
    row["spend_total"] = total
    return row
