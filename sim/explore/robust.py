"""Robust comparison of mixes: every mix on each point of a Latin hypercube sample of the uncertainties,
with the same seeds (paired), then per pair how often one beats the other, each mix's regret (how far
it falls short of the best mix of that sample: max and mean), and which uncertainties decide which mix
wins, as PRIM boxes (EMA Workbench's scenario discovery): "workshops win when care_penalty < 1.4 and
...". PRIM is EMA Workbench's; only the sample's wiring is here."""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from sim.explore.runner import Job, Parallelism, mean_over_seeds, run_jobs
from sim.explore.space import latin_hypercube, table


def outcome_by_mix(means: pd.DataFrame, outcome: str, mixes: list[str]) -> pd.DataFrame:
    return means.pivot(index="sample", columns="mix", values=outcome)[mixes]


def pairwise(wide: pd.DataFrame, maximise: bool) -> pd.DataFrame:
    """For each ordered pair of mixes: the share of samples where the first does better, worse, equal."""
    rows = []
    for a, b in itertools.permutations(wide.columns, 2):
        diff = (wide[a] - wide[b]) * (1 if maximise else -1)
        rows.append({"mix": a, "other": b, "share_better": float((diff > 0).mean()),
                     "share_worse": float((diff < 0).mean()), "share_equal": float((diff == 0).mean()),
                     "mean_difference": float(diff.mean())})  # fmt: skip
    return pd.DataFrame(rows)


def regret(wide: pd.DataFrame, maximise: bool) -> pd.DataFrame:
    """Regret of each mix in each sample: how much worse than the sample's best mix (0 for the best)."""
    return wide.max(axis=1).to_numpy()[:, None] - wide if maximise else wide - wide.min(axis=1).to_numpy()[:, None]


def winners(wide: pd.DataFrame, maximise: bool) -> pd.Series:
    return wide.idxmax(axis=1) if maximise else wide.idxmin(axis=1)


def scenarios(x: pd.DataFrame, winner: pd.Series, peel_alpha: float, mass_min: float) -> pd.DataFrame:
    """For each mix that wins in some samples but not all: EMA Workbench's PRIM box of the samples where
    it wins (the box it chooses on the peeling trajectory), one row per restricted uncertainty."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ema_workbench warns that ipyparallel is absent: not needed here
        from ema_workbench.analysis import prim
    rows = []
    for mix, share in winner.value_counts(normalize=True).items():
        if share >= 1 or len(x) < 4:
            continue
        y = (winner == mix).to_numpy()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = prim.Prim(x.reset_index(drop=True), y, peel_alpha=peel_alpha, mass_min=mass_min).find_box()
        if box is None:
            continue
        stats, limits = box.inspect(style="data")[0]
        for key, lim in limits.iterrows():
            rows.append({"mix": mix, "share_of_wins": float(share), "uncertainty": key, "low": float(lim.iloc[0]),
                         "high": float(lim.iloc[1]), "coverage": float(stats["coverage"]),
                         "density": float(stats["density"]), "samples_in_box": int(stats["n"])})  # fmt: skip
    return pd.DataFrame(rows, columns=["mix", "share_of_wins", "uncertainty", "low", "high", "coverage", "density",
                                       "samples_in_box"])  # fmt: skip


def sentence(box: pd.DataFrame, x: pd.DataFrame) -> str:
    """One readable line per PRIM box: 'workshops wins when a > .. and b < ..'. A side PRIM did not
    peel is at the sample's own extreme, and is not stated."""
    parts = []
    for _, r in box.iterrows():
        lo, hi = x[r["uncertainty"]].min(), x[r["uncertainty"]].max()
        name = r["uncertainty"].split(".")[-1]
        if r["low"] > lo and r["high"] < hi:
            parts.append(f"{name} in [{r['low']:.3g}, {r['high']:.3g}]")
        elif r["low"] > lo:
            parts.append(f"{name} >= {r['low']:.3g}")
        else:
            parts.append(f"{name} <= {r['high']:.3g}")
    first = box.iloc[0]
    share = f"coverage {first['coverage']:.0%}, density {first['density']:.0%}"
    return f"{first['mix']} wins when {' and '.join(parts)} ({share} of the samples in the box)"


def run(evaluator, s: Mapping, folder: Path, par: Parallelism) -> dict[str, pd.DataFrame]:
    rob = s["robust"]
    mixes, outcome, maximise = list(s["mixes"]), rob["outcome"], bool(rob["maximise"])
    space = evaluator.space(s["uncertainties"])
    x = latin_hypercube(space, rob["samples"], rob["seed"])
    jobs = [Job.of(i, mix, seed, row.to_dict()) for i, row in x.iterrows() for mix in mixes for seed in s["seeds"]]
    results = run_jobs(evaluator, jobs, folder, par, label=f"robust ({len(mixes)} mixes)")
    means = mean_over_seeds(results, evaluator.outcomes)
    wide = outcome_by_mix(means, outcome, mixes)
    win = winners(wide, maximise)
    reg = regret(wide, maximise)
    regrets = pd.DataFrame({"mix": mixes, "max_regret": reg.max().to_numpy(), "mean_regret": reg.mean().to_numpy(),
                            "share_best": [float((win == m).mean()) for m in mixes],
                            f"mean_{outcome}": wide.mean().to_numpy()})  # fmt: skip
    boxes = scenarios(x, win.reset_index(drop=True), rob["peel_alpha"], rob["mass_min"])
    space_table = table(space)
    lines = [sentence(group, x) for _, group in boxes.groupby("mix", sort=False)] if len(boxes) else []
    samples = pd.concat([x, wide.add_prefix(f"{outcome}:").reset_index(drop=True)], axis=1).assign(best=win.to_numpy())
    space_table.to_csv(folder / "space.csv", index=False)
    means.to_parquet(folder / "outcomes.parquet")
    samples.to_csv(folder / "samples.csv", index=False)
    pairs = pairwise(wide, maximise)
    pairs.to_csv(folder / "pairwise.csv", index=False)
    regrets.to_csv(folder / "regret.csv", index=False)
    boxes.to_csv(folder / "scenarios.csv", index=False)
    (folder / "notes.txt").write_text("\n".join([*par.log, *lines]) + "\n")
    return {"pairwise": pairs, "regret": regrets, "scenarios": boxes, "samples": samples, "sentences": lines,
            "outcome": outcome, "maximise": maximise}  # fmt: skip
