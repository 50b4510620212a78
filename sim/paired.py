"""Paired comparison of policy mixes against the `none` mix run with the same seed (and the same
values of any other swept parameter): common random numbers make these differences sharp."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

BASELINE = "none"


# Exits by group of channel (work, transfers) in a job's summary: net exits of the monthly count and
# households exited at the end of the yearly assessment. Absent from sweeps run before they existed.
GROUP_COLUMNS = {
    "additional_exits_through_work": "net_exits_by_group_work",
    "additional_exits_through_transfers": "net_exits_by_group_transfers",
    "additional_exited_through_work": "exited_by_group_work",
    "additional_exited_through_transfers": "exited_by_group_transfers",
}


def paired_differences(jobs: pd.DataFrame, swept: list[str], baseline: str = BASELINE) -> pd.DataFrame:
    """Per job (except baseline jobs): reduction in poor people at the end, additional net exits
    (in all and through work and through transfers) and spending relative to its `baseline` twin,
    and the cost per additional exit."""
    keys = ["region", "seed", *[k for k in swept if k != "policy"]]
    base = jobs[jobs["policy"] == baseline]
    if base.empty:
        return pd.DataFrame()
    groups = {new: old for new, old in GROUP_COLUMNS.items() if old in jobs}
    cols = ["poor_people_end", "net_exits_households", "spending_total_yuan", *groups.values()]
    twin = base[keys + cols].rename(columns={c: f"{c}_baseline" for c in cols})
    merged = jobs[jobs["policy"] != baseline].merge(twin, on=keys, how="inner")
    merged["baseline"] = baseline
    merged["reduction_poor_people"] = merged["poor_people_end_baseline"] - merged["poor_people_end"]
    merged["additional_exits"] = merged["net_exits_households"] - merged["net_exits_households_baseline"]
    for new, old in GROUP_COLUMNS.items():
        merged[new] = merged[old] - merged[f"{old}_baseline"] if new in groups else np.nan
    merged["additional_spending_yuan"] = merged["spending_total_yuan"] - merged["spending_total_yuan_baseline"]
    with np.errstate(divide="ignore", invalid="ignore"):
        cost = merged["additional_spending_yuan"] / merged["additional_exits"]
    merged["cost_per_additional_exit_yuan"] = cost.where(merged["additional_exits"] > 0)
    return merged


def interval(values: pd.Series, level: float = 0.9) -> tuple[float, float, float]:
    """Mean and a `level` confidence interval of the mean (t distribution over seeds)."""
    v = values.dropna().to_numpy(float)
    if v.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(v.mean())
    if v.size < 2:
        return (mean, np.nan, np.nan)
    half = stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return (mean, mean - half, mean + half)


def spread(values: pd.Series) -> tuple[float, float]:
    """The 10th and 90th percentiles across seeds."""
    v = values.dropna()
    return (float(v.quantile(0.1)), float(v.quantile(0.9))) if len(v) else (np.nan, np.nan)
