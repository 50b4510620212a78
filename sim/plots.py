"""Plots drawn from a run's monthly table alone (never from live model objects), so any saved run
can be re-plotted."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # files only; a notebook keeps its inline backend
import matplotlib.pyplot as plt
import pandas as pd

from sim import measures
from sim.state import by_channel


def channel_label(channel: str) -> str:
    return by_channel()[channel].label


def channel_colour(channel: str) -> str:
    return by_channel()[channel].colour


def save(fig, path: Path) -> Path:
    """Write a figure and free it (plots are drawn in batches; open figures would pile up)."""
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def time_axis(table: pd.DataFrame, start_year: int) -> pd.Series:
    """Months since the start as fractional calendar years (month 0 = 1 January of start_year)."""
    return start_year + table["month"] / 12


def overview(table: pd.DataFrame, path: Path, title: str, start_year: int) -> Path:
    """Four panels: poverty headcount, employment by channel, spending, incomes; counts and amounts
    at county level (the table's are at simulation scale)."""
    x = time_axis(table, start_year)
    table = measures.county_level(table)
    fig, axes = plt.subplots(2, 2, figsize=(13, 8.5), constrained_layout=True)
    fig.suptitle(title, fontsize=13)

    ax = axes[0, 0]
    ax.plot(x, table["poor_people"] / 1000, color="#b2182b", lw=2, label="People in poor households")
    ax.plot(x, table["poor_households"] / 1000, color="#ef8a62", lw=1.5, label="Poor households")
    ax.set(title="Poverty headcount", ylabel="thousands", xlabel="year")
    ax.set_ylim(bottom=0)
    ax.legend(loc="lower left")

    ax = axes[0, 1]
    catalogue = measures.of_table(table)
    columns = [c for c in measures.in_group(table, "employment") if c != "labourers" and table[c].any()]
    columns = [c for c in columns if catalogue[c].programme != "farm"]
    ax.stackplot(
        x,
        [table[c] / 1000 for c in columns],
        labels=[channel_label(catalogue[c].programme) for c in columns],
        colors=[channel_colour(catalogue[c].programme) for c in columns],
    )
    ax.set(title="Labourers in work beyond the farm, by channel", ylabel="thousands of labourers", xlabel="year")
    ax.legend(loc="upper left", fontsize=8)

    ax = axes[1, 0]
    spend = [c for c in measures.in_group(table, "spending") if table[c].sum() > 0]
    if spend:
        labels = [f"{catalogue[c].programme.replace('_', ' ').capitalize()}: {catalogue[c].label}" for c in spend]
        ax.stackplot(x, [table[c].cumsum() / 1e6 for c in spend], labels=labels)
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
