"""Plots drawn from a run's monthly table alone (never from live model objects), so any saved run
can be re-plotted."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pandas as pd

from sim.state import CHANNEL

CHANNEL_LABELS = {
    "workshop_factory": "Workshop, factory-type",
    "workshop_home": "Workshop, home-based",
    "workshop_coop": "Workshop, cooperative",
    "local_firm": "Local firm or employment base",
    "local_producer": "Cooperative or farm",
    "returnee_business": "Returnee's business",
    "entrepreneur": "Own business (returnee)",
    "flexible_work": "Flexible work (slack months)",
    "migrant_self": "Migrant, self-arranged",
    "labour_cooperation": "Migrant, labour cooperation",
    "welfare_post": "Public-welfare post",
    "training": "In training",
    "tech_school": "In technical school",
    "social_security": "Social-security floor",
    "farm": "Farming only",
}
CHANNEL_COLOURS = {
    "workshop_factory": "#1b9e77",
    "workshop_home": "#66c2a5",
    "workshop_coop": "#a6d854",
    "local_firm": "#8c6d31",
    "local_producer": "#bd9e39",
    "returnee_business": "#e7ba52",
    "entrepreneur": "#e6550d",
    "flexible_work": "#fdae6b",
    "migrant_self": "#8da0cb",
    "labour_cooperation": "#3a5fcd",
    "welfare_post": "#e78ac3",
    "training": "#9e9ac8",
    "tech_school": "#6a51a3",
    "social_security": "#969696",
    "farm": "#bbbbbb",
}


def save(fig, path: Path) -> Path:
    """Write a figure and free it (plots are drawn in batches; open figures would pile up)."""
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def time_axis(table: pd.DataFrame, start_year: int) -> pd.Series:
    """Months since the start as fractional calendar years (month 0 = 1 January of start_year)."""
    return start_year + table["month"] / 12


def overview(table: pd.DataFrame, path: Path, title: str, start_year: int) -> Path:
    """Four panels: poverty headcount, employment by channel, spending, incomes."""
    x = time_axis(table, start_year)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5), constrained_layout=True)
    fig.suptitle(title, fontsize=13)

    ax = axes[0, 0]
    ax.plot(x, table["poor_people"] / 1000, color="#b2182b", lw=2, label="People in poor households")
    ax.plot(x, table["poor_households"] / 1000, color="#ef8a62", lw=1.5, label="Poor households")
    ax.set(title="Poverty headcount", ylabel="thousands", xlabel="year")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left")

    ax = axes[0, 1]
    names = [n for n in CHANNEL.values() if n != "farm" and table[f"n_{n}"].any()]
    ax.stackplot(
        x,
        [table[f"n_{n}"] / 1000 for n in names],
        labels=[CHANNEL_LABELS[n] for n in names],
        colors=[CHANNEL_COLOURS[n] for n in names],
    )
    ax.set(title="Labourers in work beyond the farm, by channel", ylabel="thousands of labourers", xlabel="year")
    ax.legend(loc="upper left", fontsize=8)

    ax = axes[1, 0]
    spend = [c for c in table.columns if c.startswith("spend_") and c != "spend_total"]
    spend = [c for c in spend if table[c].sum() > 0]
    if spend:
        ax.stackplot(x, [table[c].cumsum() / 1e6 for c in spend], labels=[_spend_label(c) for c in spend])
        ax.legend(loc="upper left", fontsize=8)
    else:
        ax.text(0.5, 0.5, "no programme spending", ha="center", va="center", transform=ax.transAxes)
    ax.set(title="Programme spending, cumulative", ylabel="million yuan", xlabel="year")

    ax = axes[1, 1]
    ax.fill_between(
        x, table["income_pc_p10"], table["income_pc_p90"], color="#4393c3", alpha=0.25, label="10th-90th percentile"
    )
    ax.plot(x, table["income_pc_p50"], color="#2166ac", lw=2, label="Median")
    ax.plot(x, table["poverty_line"], color="black", ls="--", lw=1.2, label="Poverty line")
    ax.set(
        title="Household net income per person, trailing 12 months",
        ylabel="yuan per person per year",
        xlabel="year",
    )
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left")

    return save(fig, path)


def _spend_label(column: str) -> str:
    return column.removeprefix("spend_").replace("_", " ").capitalize()
