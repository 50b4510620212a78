"""The run summary: exits by channel, spending, cost per exit, and who is left behind."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from sim import measures
from sim.assessment import cumulative_by_group
from sim.state import AGE_BANDS, SKILL_NAMES, Health, Labour, Role, channels, exit_channels

if TYPE_CHECKING:
    from sim.model import PovertyModel


def summarise(model: PovertyModel, table: pd.DataFrame) -> dict:
    """Counts and amounts at simulation scale (the summary's `scale` says which share of the county).

    Two counts of poverty stand side by side: the monthly line crossing (`poor_*`, `net_exits_*`,
    `gross_exits_*`: trailing 12-month income against the line, every month) and the yearly
    assessment of the registered poor (`registered_poor_*`, `exited_*`, `assessed_exits_*`,
    `returned_to_poverty`; see `sim.assessment`). Exits of both are also given by group of channel
    (`*_by_group`: work, transfers, other; `sim.state.exit_group`)."""
    h = model.households
    a = model.assessment
    alive = h.size > 0
    start, end = h.initially_poor, h.poor
    net_exit = start & ~end & (h.size > 0)  # households that died out did not exit poverty
    credited = h.exit_channel[net_exit]
    net_by_channel = {name: int((credited == code).sum()) for code, name in exit_channels().items()}
    # Keyed `<programme>_<item>`: the column's name without its `spend_`.
    spending = {c.removeprefix("spend_"): float(table[c].sum()) for c in measures.in_group(table, "spending")}
    total = float(table["spend_total"].sum())
    n_net = int(net_exit.sum())
    exited_end = a.exited & alive
    exited_by_channel = {
        name: int((a.assessed_channel[exited_end] == code).sum()) for code, name in exit_channels().items()
    }
    first, last = table.iloc[0], table.iloc[-1]
    return {
        "months": int(model.t),
        "scale": model.cfg.scale,  # counts and amounts below are at simulation scale: divide by it for the county
        "households": int(h.n),
        "people": int(h.size.sum()),
        "poor_households_start": int(start.sum()),
        "poor_households_end": int(end.sum()),
        "poor_people_start": int(first["poor_people"]),
        "poor_people_end": int(last["poor_people"]),
        "net_exits_households": n_net,
        "net_exits_people": int(h.size[net_exit].sum()),
        "net_exits_by_channel": net_by_channel,
        "net_exits_by_group": cumulative_by_group(net_by_channel),
        "gross_exits_by_channel": dict(model.cumulative_exits),
        "gross_exits_by_group": cumulative_by_group(model.cumulative_exits),
        "registered_poor_households_start": int(first["registered_poor_households"]),
        "registered_poor_households_end": int((a.ledger_poor & alive).sum()),
        "registered_poor_people_end": int(h.size[a.ledger_poor & alive].sum()),
        "exited_households_end": int(exited_end.sum()),
        "exited_people_end": int(h.size[exited_end].sum()),
        "exited_by_channel": exited_by_channel,
        "exited_by_group": cumulative_by_group(exited_by_channel),
        "assessed_exits_by_channel": dict(a.cumulative_exits),
        "assessed_exits_by_group": cumulative_by_group(a.cumulative_exits),
        "returned_to_poverty": int(a.cumulative_returns),
        "spending_total_yuan": total,
        "spending_by_item_yuan": spending,
        "cost_per_net_exit_yuan": total / n_net if n_net else None,
        "employment_end": {name: int(last[measures.employment_column(name)]) for name in channels().values()},
    }


def left_behind(model: PovertyModel) -> pd.DataFrame:
    """Labourers at the end of the run by group: how many, what share is without work beyond the
    farm, what share lives in a poor household, and both (the left behind). The left behind are split
    into those whose household is on the social-security floor (nobody able to work; see
    `programmes/social_security.py`) and those left behind by employment policy. Farm-only labourers
    on the floor are also counted whether poor or not, as the floor lifts some of them out."""
    p, h = model.people, model.households
    lab = np.flatnonzero(p.role == Role.LABOURER)
    poor = h.poor[p.hh[lab]]
    idle = p.state[lab] == Labour.FARM
    floor = h.on_floor[p.hh[lab]]
    groups = {
        "caring_duty": np.where(p.bound_carer[lab], "bound carer", "no binding duty"),
        "age_band": _age_band(p.age[lab]),
        "health": np.array([Health.name_of(x).lower() for x in range(3)])[p.health[lab]],
        "skill": np.array(SKILL_NAMES)[p.skill[lab]],
    }
    rows = []
    for dimension, labels in groups.items():
        for label in sorted(set(labels)):
            sel = labels == label
            rows.append(
                {
                    "dimension": dimension,
                    "group": label,
                    "labourers": int(sel.sum()),
                    "share_farm_only": float(idle[sel].mean()),
                    "share_in_poor_household": float(poor[sel].mean()),
                    "share_left_behind": float((idle & poor)[sel].mean()),
                    "share_left_behind_on_floor": float((idle & poor & floor)[sel].mean()),
                    "share_left_behind_by_employment": float((idle & poor & ~floor)[sel].mean()),
                    "share_farm_only_on_floor": float((idle & floor)[sel].mean()),
                }
            )
    return pd.DataFrame(rows)


def _age_band(age: np.ndarray) -> np.ndarray:
    out = np.empty(age.size, dtype=object)
    for lo, hi, label in AGE_BANDS:
        out[(age >= lo) & (age < hi)] = label
    return out.astype(str)
