"""Measures, declared once: each column of the monthly table with its label, unit, period and scaling.

`kind` says what a value is over time: a `stock` at the end of the month, a `flow` during the month
(zero in the month-0 row, which is the initial state only), a `cumulative` total since the start, or a
`level` (a line, a rate, a mean). `scales` is true for counts and amounts of the simulated households:
the table holds them at simulation scale (its `scale` column says which share of the county that is),
and `county_level` divides by the scale. `over_seeds` says how runs of several seeds are summarised.

Programmes declare their own (`Programme.measures`); the core measures and the per-state columns are
declared here. The DataCollector, the summary, plots, `sim.compare` and the calibration statistics
read these declarations, never the column names' prefixes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from sim.state import EXIT_GROUPS

STOCK, FLOW, CUMULATIVE, LEVEL = "stock", "flow", "cumulative", "level"


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    unit: str
    kind: str = STOCK
    scales: bool = True
    over_seeds: str = "mean"
    group: str = ""  # poverty, exit_groups, assessment, income, employment, exits, spending, programme, calendar
    programme: str = ""  # the programme that declares it ("" for the core)
    get: Callable | None = field(default=None, compare=False, repr=False)  # programme -> value, for stocks


def counter(name: str, label: str, unit: str = "people") -> Measure:
    """A monthly count a programme keeps with `Programme.count` (column `<programme>_<name>`)."""
    return Measure(name, label, unit, FLOW, group="programme")


def spending(name: str, label: str) -> Measure:
    """A budget line a programme books with `Programme.spend` (column `spend_<programme>_<name>`)."""
    return Measure(name, label, "yuan", FLOW, group="spending")


def stock(name: str, label: str, unit: str, get: Callable, scales: bool = True) -> Measure:
    """A programme's standing count at the end of the month, `get(programme)` (column `<programme>_<name>`)."""
    return Measure(name, label, unit, STOCK, scales=scales, group="programme", get=get)


CORE = (
    Measure("month", "Month of the run (0: the initial state)", "month", LEVEL, False, "first", "calendar"),
    Measure("year", "Calendar year", "year", LEVEL, False, "first", "calendar"),
    Measure("calendar_month", "Calendar month", "month", LEVEL, False, "first", "calendar"),
    Measure("scale", "Share of the county's households simulated", "share", LEVEL, False, "first", "calendar"),
    Measure("poverty_line", "Poverty line of the year", "yuan/person/year", LEVEL, False, group="poverty"),
    Measure("poor_people", "People below the line (monthly, trailing 12 months)", "people", STOCK, group="poverty"),
    Measure("poor_households", "Households below the line (monthly, trailing 12 months)", "households", STOCK,
            group="poverty"),
    Measure("poverty_rate", "Share of people below the line (monthly, trailing 12 months)", "share", LEVEL, False,
            group="poverty"),
    Measure("exits", "Households rising above the line this month (monthly, trailing 12 months)", "households",
            FLOW, group="poverty"),
    Measure("returns_to_poverty", "Households falling below the line this month (monthly, trailing 12 months)",
            "households", FLOW, group="poverty"),
    *(Measure(f"exits_through_{g}", f"Households rising above the line this month through {g} (monthly)",
              "households", FLOW, group="exit_groups") for g in EXIT_GROUPS),
    Measure("exits_total_cum", "Households risen above the line since the start (monthly, trailing 12 months)",
            "households", CUMULATIVE, group="exit_groups"),
    *(Measure(f"exits_through_{g}_cum", f"Households risen above the line since the start through {g} (monthly)",
              "households", CUMULATIVE, group="exit_groups") for g in EXIT_GROUPS),
    Measure("registered_poor_households", "Registered households on the ledger as poor (yearly assessment)",
            "households", STOCK, group="assessment"),
    Measure("registered_poor_people", "People in registered households on the ledger as poor (yearly assessment)",
            "people", STOCK, group="assessment"),
    Measure("exited_households", "Registered households exited from poverty (脱贫, yearly assessment)",
            "households", STOCK, group="assessment"),
    *(Measure(f"exited_people_through_{g}", f"People in households exited from poverty through {g} (yearly assessment)",
              "people", STOCK, group="assessment") for g in EXIT_GROUPS),
    Measure("assessed_exits", "Households exiting at this month's assessment (December; 0 in other months)",
            "households", FLOW, group="assessment"),
    *(Measure(f"assessed_exits_through_{g}", f"Households exiting at this month's assessment through {g} (December)",
              "households", FLOW, group="assessment") for g in EXIT_GROUPS),
    Measure("returned_to_poverty", "Exited households assessed poor again this month (返贫; December)",
            "households", FLOW, group="assessment"),
    Measure("assessed_exits_cum", "Households exited at the yearly assessments since the start", "households",
            CUMULATIVE, group="assessment"),
    *(Measure(f"assessed_exits_through_{g}_cum", f"Households exited at the yearly assessments through {g}",
              "households", CUMULATIVE, group="assessment") for g in EXIT_GROUPS),
    Measure("returned_to_poverty_cum", "Returns to poverty (返贫) at the yearly assessments since the start",
            "households", CUMULATIVE, group="assessment"),
    Measure("labourers", "Labourers (16-64, not in school)", "people", STOCK, group="employment"),
    Measure("income_pc_mean", "Mean net income per person, trailing 12 months", "yuan/person/year", LEVEL, False,
            group="income"),
    Measure("income_pc_p10", "10th percentile of income per person", "yuan/person/year", LEVEL, False,
            group="income"),
    Measure("income_pc_p50", "Median income per person", "yuan/person/year", LEVEL, False, group="income"),
    Measure("income_pc_p90", "90th percentile of income per person", "yuan/person/year", LEVEL, False,
            group="income"),
    Measure("household_income_total", "Net income of all households this month", "yuan", FLOW, group="income"),
    Measure("spend_total", "Programme spending this month, all items", "yuan", FLOW, group="spending_total"),
)  # fmt: skip


def employment_column(channel: str) -> str:
    return f"n_{channel}"


def exits_column(channel: str) -> str:
    return f"exits_cum_{channel}"


def destination_column(destination: str) -> str:
    return f"migrants_{destination}"


def programme_column(programme: str, m: Measure) -> str:
    return f"spend_{programme}_{m.name}" if m.group == "spending" else f"{programme}_{m.name}"


def catalogue(destinations: Iterable[str] = ()) -> dict[str, Measure]:
    """Every column of the monthly table (beyond the run's identity), by column name, in table order."""
    from sim import state
    from sim.programmes import registered

    out = {m.name: m for m in CORE}
    for code, channel in state.channels().items():
        label = state.declared(code).label
        out[employment_column(channel)] = Measure(
            employment_column(channel), f"Labourers: {label}", "people", STOCK, group="employment", programme=channel
        )
    for code, channel in state.exit_channels().items():
        label = state.declared(code).label
        out[exits_column(channel)] = Measure(
            exits_column(channel), f"Exits from poverty credited to: {label}", "households", CUMULATIVE,
            group="exits", programme=channel,
        )  # fmt: skip
    for d in destinations:
        out[destination_column(d)] = Measure(
            destination_column(d), f"Labourers working away in {d}", "people", STOCK, group="destination"
        )
    for cls in registered():
        for m in cls.measures:
            name = programme_column(cls.name, m)
            out[name] = Measure(name, m.label, m.unit, m.kind, m.scales, m.over_seeds, m.group, cls.name, m.get)
    return out


def of_table(table: pd.DataFrame) -> dict[str, Measure]:
    """The declarations of a saved table's columns (its destinations are read from its columns)."""
    prefix = destination_column("")
    return catalogue([c.removeprefix(prefix) for c in table.columns if c.startswith(prefix)])


def in_group(table: pd.DataFrame, group: str) -> list[str]:
    """The table's columns of one group (e.g. every spending item), in catalogue order."""
    return [name for name, m in of_table(table).items() if m.group == group and name in table.columns]


def over_seeds(monthly: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per `keys` and month: each measure summarised over the seeds as it declares."""
    catalogue = of_table(monthly)
    groups = monthly.groupby([*keys, "month"], sort=False)
    parts = []
    for how in sorted({m.over_seeds for m in catalogue.values()}):
        columns = [c for c, m in catalogue.items() if m.over_seeds == how and c in monthly and c != "month"]
        parts.append(groups[columns].agg(how))
    return pd.concat(parts, axis=1)[[c for c in catalogue if c in monthly and c != "month"]].reset_index()


def county_level(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a monthly table with every measure that scales divided by the run's scale."""
    scale = table["scale"]
    scaled = {name: table[name] / scale for name, m in of_table(table).items() if m.scales and name in table}
    return pd.concat([table.drop(columns=list(scaled)), pd.DataFrame(scaled)], axis=1)[table.columns]
