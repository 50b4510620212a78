"""Figures of the studies, drawn from their tables (so any past study can be re-plotted)."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd


def _short(key: str) -> str:
    parts = key.split(".")
    return ".".join(parts[-2:]) if parts[0] == "policy" else parts[-1]


def _save(fig, path: Path | None):
    if path is not None:
        fig.savefig(path, dpi=120, bbox_inches="tight")
    return fig


def sensitivity(indices: pd.DataFrame, path: Path | None = None, top: int = 12):
    """One panel per outcome: the `top` parameters by total effect (ST or mu*), with intervals."""
    outcomes = list(dict.fromkeys(indices["outcome"]))
    # one row per outcome: parameter names are long, and a row gives each panel the page's width
    fig, axes = plt.subplots(len(outcomes), 1, figsize=(10, len(outcomes) * (0.32 * top + 1.2)), squeeze=False)
    method = indices["method"].iloc[0]
    main, other = ("ST", "S1") if method == "sobol" else ("mu_star", "sigma")
    for ax, outcome in zip(axes[:, 0], outcomes, strict=True):
        sel = indices[indices["outcome"] == outcome]
        wide = sel.pivot(index="parameter", columns="index", values="value")
        order = wide[main].sort_values().index[-top:]
        y = np.arange(len(order))
        for offset, name, colour in ((0.2, main, "tab:blue"), (-0.2, other, "tab:orange")):
            part = sel[sel["index"] == name].set_index("parameter").loc[order]
            err = np.vstack([part["value"] - part["conf_low"], part["conf_high"] - part["value"]])
            ax.barh(y + offset, part["value"], height=0.4, color=colour, label=name,
                    xerr=np.nan_to_num(np.abs(err)), ecolor="grey")  # fmt: skip
        ax.set_yticks(y, [_short(p) for p in order])
        ax.set_title(outcome.replace("_", " "), loc="left")
        ax.legend(loc="lower right", fontsize="small")
    fig.suptitle(f"{method.capitalize()} sensitivity, mix {indices['mix'].iloc[0]}", y=1.01)
    fig.tight_layout()
    return _save(fig, path)


def robust(result: dict, space: pd.DataFrame, path: Path | None = None):
    """Left: how often the row mix beats the column mix. Middle: regret. Right: where the most
    frequent winner wins, on the two uncertainties PRIM restricts first."""
    pairs, regrets, boxes, samples = result["pairwise"], result["regret"], result["scenarios"], result["samples"]
    mixes = list(regrets["mix"])
    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    share = pairs.pivot(index="mix", columns="other", values="share_better").reindex(index=mixes, columns=mixes)
    ax = axes[0]
    ax.imshow(share.to_numpy(float), vmin=0, vmax=1, cmap="RdYlGn")
    ax.set_xticks(range(len(mixes)), mixes, rotation=45, ha="right")
    ax.set_yticks(range(len(mixes)), mixes)
    for i in range(len(mixes)):
        for j in range(len(mixes)):
            if i != j:
                ax.text(j, i, f"{share.iat[i, j]:.0%}", ha="center", va="center", fontsize=8)
    ax.set_title(f"share of samples where row beats column\n({result['outcome']})")
    ax = axes[1]
    ax.barh(mixes, regrets["mean_regret"], color="tab:blue", label="mean")
    ax.barh(mixes, regrets["max_regret"], color="none", edgecolor="black", label="max")
    ax.set_title("regret: shortfall from the sample's best mix")
    ax.legend()
    ax = axes[2]
    keys = list(dict.fromkeys(boxes["uncertainty"])) if len(boxes) else []
    if len(boxes) and len(keys) >= 1:
        mix = boxes["mix"].iloc[0]
        box = boxes[boxes["mix"] == mix]
        kx = box["uncertainty"].iloc[0]
        ky = box["uncertainty"].iloc[1] if len(box) > 1 else next((k for k in space["key"] if k != kx), kx)
        wins = samples["best"] == mix
        ax.scatter(samples.loc[~wins, kx], samples.loc[~wins, ky], c="lightgrey", label="other mix best")
        ax.scatter(samples.loc[wins, kx], samples.loc[wins, ky], c="tab:green", label=f"{mix} best")
        lim = box.set_index("uncertainty")
        x0, x1 = lim.loc[kx, ["low", "high"]]
        y0, y1 = lim.loc[ky, ["low", "high"]] if ky in lim.index else (samples[ky].min(), samples[ky].max())
        ax.add_patch(plt.Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor="tab:green", lw=2))
        ax.set_xlabel(_short(kx))
        ax.set_ylabel(_short(ky))
        ax.set_title("\n".join(result["sentences"][:1]), fontsize=8, wrap=True)
        ax.legend(fontsize=8)
    else:
        best = regrets.sort_values("share_best").iloc[-1]
        ax.text(0.5, 0.5, f"{best['mix']} is best in {best['share_best']:.0%} of the samples:\nno scenario to find",
                ha="center", va="center")  # fmt: skip
        ax.set_axis_off()
    fig.tight_layout()
    return _save(fig, path)


def front(trials: pd.DataFrame, objective: str, path: Path | None = None):
    """Every trial's exits against spending; the Pareto front joined."""
    fig, ax = plt.subplots(figsize=(7, 5))
    ax.scatter(trials["spending_yuan"] / 1e6, trials[objective], c="lightgrey", label="trials")
    f = trials[trials["on_front"]].sort_values("spending_yuan")
    ax.plot(f["spending_yuan"] / 1e6, f[objective], "o-", color="tab:red", label="Pareto front")
    for _, r in f.iterrows():
        ax.annotate(str(int(r["trial"])), (r["spending_yuan"] / 1e6, r[objective]), fontsize=7)
    ax.set_xlabel("spending over the run, million yuan (county)")
    ax.set_ylabel(objective.replace("_", " "))
    ax.set_title("Policy search (NSGA-II): exits through work against cost")
    ax.legend()
    return _save(fig, path)


def equal_cost(table: pd.DataFrame, outcome: str, path: Path | None = None):
    """Each mix's outcome with its levels scaled to the budget (hatched: budget not reached)."""
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(table) + 1.5))
    reached = table["note"].fillna("") == ""
    ax.barh(table["mix"], table[outcome], color=np.where(reached, "tab:blue", "lightgrey"),
            hatch=None, edgecolor="black")  # fmt: skip
    for i, r in enumerate(table.itertuples()):
        ax.text(getattr(r, outcome), i, f"  x{r.factor:.2g}, {r.spending_yuan / 1e6:.1f} M", va="center", fontsize=8)
    ax.set_xlabel(outcome.replace("_", " "))
    ax.set_title(f"At equal cost: {table['budget_yuan'].iloc[0] / 1e6:.1f} million yuan (grey: not reached)")
    return _save(fig, path)
