"""Comparison plots of a sweep, drawn from the aggregated tables alone."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

if "MPLBACKEND" not in os.environ and "ipykernel" not in sys.modules:
    matplotlib.use("Agg")  # files only; a notebook keeps its inline backend
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.plots import channel_colour, channel_label, save
from sim.state import exit_channels

MIX_ORDER = [
    "none",
    "floor",
    "workshops",
    "labour_cooperation",
    "welfare_posts",
    "bazhong_2018",
    "hainan_2022",
    "employment_mix",
    "full_mix",
]
MIX_COLOURS = {
    "none": "#555555",
    "floor": "#969696",
    "workshops": "#1b9e77",
    "labour_cooperation": "#3a5fcd",
    "welfare_posts": "#e7298a",
    "bazhong_2018": "#7570b3",
    "hainan_2022": "#66a61e",
    "employment_mix": "#a6761d",
    "full_mix": "#d95f02",
}
DIMENSION_TITLES = {
    "caring_duty": "Caring duty",
    "age_band": "Age band",
    "health": "Health",
    "skill": "Schooling / skill",
}


def mixes(frame: pd.DataFrame) -> list[str]:
    present = list(dict.fromkeys(frame["policy"]))
    return [m for m in MIX_ORDER if m in present] + sorted(m for m in present if m not in MIX_ORDER)


def _colour(mix: str, i: int) -> str:
    return MIX_COLOURS.get(mix, plt.cm.tab10(i % 10))


def headcount(monthly: pd.DataFrame, path: Path, start_year: int) -> Path:
    """Poverty headcount over time per mix: mean across seeds and the 10-90% band."""
    fig, ax = plt.subplots(figsize=(10, 6), constrained_layout=True)
    for i, mix in enumerate(mixes(monthly)):
        g = monthly[monthly["policy"] == mix].groupby("month")["poor_people"]
        x = start_year + g.mean().index / 12
        c = _colour(mix, i)
        ax.fill_between(x, g.quantile(0.1) / 1000, g.quantile(0.9) / 1000, color=c, alpha=0.2, lw=0)
        ax.plot(x, g.mean() / 1000, color=c, lw=2, label=mix.replace("_", " "))
    n_seeds = monthly.groupby("policy")["seed"].nunique().min()
    ax.set(
        title=f"People in poor households, by policy mix (mean and 10-90% band over {n_seeds} seeds)",
        xlabel="year",
        ylabel="thousands of people",
    )
    ax.set_ylim(bottom=0)
    ax.legend(title="Policy mix")
    return save(fig, path)


def exits_by_channel(jobs: pd.DataFrame, path: Path) -> Path:
    """Net household exits per mix, stacked by the channel credited (mean over seeds)."""
    order = mixes(jobs)
    columns = [f"net_exits_by_channel_{c}" for c in exit_channels().values() if f"net_exits_by_channel_{c}" in jobs]
    means = jobs.groupby("policy")[columns].mean().loc[order]
    fig, ax = plt.subplots(figsize=(13, 6), constrained_layout=True)
    bottom = np.zeros(len(order))
    labels = [m.replace("_", " ") for m in order]
    for channel in exit_channels().values():
        column = f"net_exits_by_channel_{channel}"
        if column not in means or not means[column].any():
            continue
        values = means[column].to_numpy() / 1000
        label = "No work beyond farm (farm and transfers)" if channel == "farm" else channel_label(channel)
        ax.bar(labels, values, bottom=bottom, color=channel_colour(channel), label=label)
        bottom += values
    ax.set(
        title="Households out of poverty by the end, by the channel that got them out (mean over seeds)",
        ylabel="thousands of households",
        xlabel="policy mix",
    )
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))  # beside the bars, never over one
    return save(fig, path)


GROUP_COLOURS = {"work": "#2166ac", "transfers": "#969696", "other": "#dfc27d"}
GROUP_LABELS = {
    "work": "through work",
    "transfers": "through transfers (minimum living guarantee)",
    "other": "other (farm income, standing transfers)",
}


def exits_by_group(jobs: pd.DataFrame, path: Path) -> Path:
    """Per mix, exits through work, through transfers and other, side by side for the two counts:
    net exits of the monthly line crossing, and households exited at the end of the yearly assessment
    (mean over seeds). A count a past sweep lacks is left out."""
    order = mixes(jobs)
    counts = [
        ("net_exits_by_group", "net exits, monthly count"),
        ("exited_by_group", "exited at the end, yearly assessment"),
    ]
    counts = [(prefix, title) for prefix, title in counts if f"{prefix}_work" in jobs]
    fig, ax = plt.subplots(figsize=(11, 6), constrained_layout=True)
    x = np.arange(len(order))
    width = 0.8 / max(len(counts), 1)
    for k, (prefix, title) in enumerate(counts):
        means = jobs.groupby("policy")[[f"{prefix}_{g}" for g in GROUP_COLOURS]].mean().loc[order]
        bottom = np.zeros(len(order))
        for g, colour in GROUP_COLOURS.items():
            values = means[f"{prefix}_{g}"].to_numpy() / 1000
            ax.bar(
                x + (k - (len(counts) - 1) / 2) * width, values, width * 0.95, bottom=bottom, color=colour,
                hatch="//" if k else None, edgecolor="white", label=f"{GROUP_LABELS[g]}: {title}",
            )  # fmt: skip
            bottom += values
    ax.set_xticks(x, [m.replace("_", " ") for m in order])
    ax.set(
        title="Households out of poverty by the end: through work, through transfers, other (mean over seeds)",
        ylabel="thousands of households",
        xlabel="policy mix (left bar: monthly count; right, hatched: yearly assessment)",
    )
    ax.legend(fontsize=8, loc="upper left")
    return save(fig, path)


def cost_vs_reduction(paired: pd.DataFrame, path: Path) -> Path:
    """Cost per additional exit against poverty reduction, per mix, relative to no programme."""
    fig, ax = plt.subplots(figsize=(10, 6), constrained_layout=True)
    costs = paired["cost_per_additional_exit_yuan"] / 1000
    positive = costs[costs > 0]
    # One mix that barely moves poverty costs a hundred times more per exit: on a linear axis it
    # flattens every other mix against zero.
    log = positive.size > 0 and positive.max() > 20 * positive.min()
    for i, mix in enumerate(mixes(paired)):
        g = paired[paired["policy"] == mix]
        x = g["reduction_poor_people"] / 1000
        y = g["cost_per_additional_exit_yuan"] / 1000
        xm, ym = x.mean(), y.mean()
        xerr = [[xm - x.quantile(0.1)], [x.quantile(0.9) - xm]]
        yerr = [[ym - y.quantile(0.1)], [y.quantile(0.9) - ym]]
        ax.errorbar(
            xm, ym, xerr=xerr, yerr=yerr, fmt="o", ms=9, capsize=4, color=_colour(mix, i), label=mix.replace("_", " ")
        )
    ax.set(
        title="Cost per additional household out of poverty vs. poverty reduction (against no programme)",
        xlabel="fewer people in poverty at the end than without programmes (thousands)",
        ylabel="programme spending per additional household exit (thousand yuan)",
    )
    ax.set_xlim(left=0)
    if log:
        ax.set_yscale("log")
        ax.set_ylabel(ax.get_ylabel() + ", log scale")
    else:
        ax.set_ylim(bottom=0)
    ax.legend(title="Policy mix (10-90% over seeds)")
    return save(fig, path)


def left_behind(table: pd.DataFrame, path: Path) -> Path:
    """Share of labourers left behind (farm only, in a poor household) per group and mix."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 9), layout="constrained")
    order = mixes(table)
    for ax, (dimension, title) in zip(axes.flat, DIMENSION_TITLES.items(), strict=True):
        sub = table[table["dimension"] == dimension]
        means = sub.groupby(["group", "policy"])["share_left_behind"].mean().unstack("policy")
        means = means[[m for m in order if m in means.columns]]
        width = 0.8 / max(len(means.columns), 1)
        x = np.arange(len(means.index))
        for i, mix in enumerate(means.columns):
            ax.bar(x + i * width, means[mix] * 100, width, color=_colour(mix, i), label=mix.replace("_", " "))
        ax.set_xticks(x + width * (len(means.columns) - 1) / 2, [g.replace("_", " ") for g in means.index], fontsize=8)
        ax.set(title=title, ylabel="% of labourers: farm only, household poor")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), title="Policy mix")
    fig.suptitle("Who is left behind at the end of the run (mean over seeds)", fontsize=13)
    return save(fig, path)


def outcome_vs_parameter(jobs: pd.DataFrame, key: str, others: list[str], path: Path) -> Path:
    """For a numeric sweep: poverty at the end and cost per exit against the swept value, with
    the 10-90% band over seeds; one line per combination of the other swept values."""
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.5), constrained_layout=True)
    label_cols = [c for c in others if c != key]
    groups = jobs.groupby(label_cols) if label_cols else [((), jobs)]
    for i, (label, g) in enumerate(groups):
        label = label if isinstance(label, tuple) else (label,)
        name = ", ".join(f"{c.split('.')[-1]}={v}" for c, v in zip(label_cols, label, strict=True)) or "all"
        colour = plt.cm.viridis(i / max(len(groups) - 1, 1)) if label_cols else "#2166ac"
        for ax, column, scale in (
            (axes[0], "poor_people_end", 1000),
            (axes[1], "cost_per_net_exit_yuan", 1000),
        ):
            s = g.groupby(key)[column]
            x = s.mean().index.to_numpy(float)
            ax.fill_between(x, s.quantile(0.1) / scale, s.quantile(0.9) / scale, color=colour, alpha=0.2, lw=0)
            ax.plot(x, s.mean() / scale, "o-", color=colour, label=name)
    pretty = key.split(".")[-1].replace("_", " ")
    axes[0].set(title=f"People in poverty at the end vs. {pretty}", xlabel=key, ylabel="thousands of people")
    axes[1].set(
        title=f"Spending per household out of poverty vs. {pretty}", xlabel=key, ylabel="thousand yuan per exit"
    )
    axes[0].legend(fontsize=8)
    fig.suptitle("Mean and 10-90% band over seeds", fontsize=11)
    return save(fig, path)
