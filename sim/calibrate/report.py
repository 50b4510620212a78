"""The fit report and the fitted behaviour config.

`fit_table` re-simulates every usable target at the fitted values on fresh seeds (never the fitting
seeds) and tabulates reported against simulated (mean, standard deviation, range over seeds) and
whether the mean is within the target's tolerance, calibration and validation targets apart; targets
not yet usable are listed with the reason. `write_behaviour` writes the fitted values, with bounds and
uncertainty, into a behaviour config the model's runs can use (`behaviour=fitted`).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from sim.calibrate.fit import Bounds, Uncertainty
from sim.calibrate.objective import Evaluator, Setup
from sim.config import CONF_DIR


def _reason(text: str) -> str:
    """The reason a config gives, without the verdicts earlier calibrations appended to it."""
    reason = re.split(r"(?:^|\. )Not fitted(?: yet)?: ", text)[0].strip()
    return reason + "." if reason and not reason.endswith(".") else reason


def _default_reasons() -> dict[str, str]:
    return yaml.safe_load((CONF_DIR / "behaviour" / "default.yaml").read_text()).get("assumed") or {}


COLUMNS = ["target", "role", "source", "reported", "simulated_mean", "simulated_sd", "simulated_min"]
COLUMNS += ["simulated_max", "tolerance", "bound", "within_tolerance", "unit", "statistic"]


def fit_table(evaluator: Evaluator, params: dict[str, float], seeds: list[int]) -> tuple[pd.DataFrame, np.ndarray]:
    """One row per usable target: reported, simulated over `seeds`, within tolerance or not."""
    values = evaluator.simulate(params, seeds)
    rows = []
    for j, t in enumerate(evaluator.targets):
        v = values[:, j]
        ok = v[np.isfinite(v)]
        mean = float(ok.mean()) if ok.size else np.nan
        rows.append(
            {
                "target": t.name,
                "role": t.role,
                "source": f"{t.source} ({', '.join(t.figures)})",
                "reported": t.reported,
                "simulated_mean": mean,
                "simulated_sd": float(ok.std()) if ok.size else np.nan,
                "simulated_min": float(ok.min()) if ok.size else np.nan,
                "simulated_max": float(ok.max()) if ok.size else np.nan,
                "tolerance": t.tolerance,
                "bound": t.bound,
                "within_tolerance": t.within(mean),
                "unit": t.unit,
                "statistic": t.description,
            }
        )
    return pd.DataFrame(rows, columns=COLUMNS), values


def unusable_table(setup: Setup) -> pd.DataFrame:
    rows = [
        {"target": t.name, "role": t.role, "source": t.source, "reported": t.reported, "why not yet usable": why}
        for t in setup.targets
        if (why := setup.problems[t.name]) is not None
    ]
    return pd.DataFrame(rows, columns=["target", "role", "source", "reported", "why not yet usable"])


def _markdown(df: pd.DataFrame) -> str:
    lines = ["| " + " | ".join(df.columns) + " |", "|" + "---|" * len(df.columns)]
    lines += ["| " + " | ".join(_fmt(v) if isinstance(v, float) else str(v) for v in row) + " |" for row in df.values]
    return "\n".join(lines)


def _fmt(x: float) -> str:
    if isinstance(x, float) and not np.isfinite(x):
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) >= 1 else f"{x:.3f}"


def _tolerance(r) -> str:
    return f"at least {_fmt(r.reported - r.tolerance)}" if r.bound == "lower" else f"±{_fmt(r.tolerance)}"


def table_markdown(table: pd.DataFrame, role: str) -> str:
    lines = [
        "| target | source | reported | simulated mean | sd | range over seeds | tolerance | within |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table[table.role == role].itertuples():
        lines.append(
            f"| {r.target} | {r.source} | {_fmt(r.reported)} | {_fmt(r.simulated_mean)} | {_fmt(r.simulated_sd)} "
            f"| {_fmt(r.simulated_min)} - {_fmt(r.simulated_max)} | {_tolerance(r)} "
            f"| {'yes' if r.within_tolerance else '**no**'} |"
        )
    return "\n".join(lines)


def parameters_markdown(params: list[Bounds], values: dict[str, float], unc: dict[str, Uncertainty]) -> str:
    lines = [
        "| parameter | value | bounds | near-best 10-90% | ± 1 sd | sd / bounds: joint, with the checked "
        "ones free, others held | identified | trades off with | targets |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for p in params:
        u = unc[p.name]
        partner = f"{u.trades_off_with} ({u.correlation:+.2f})" if u.trades_off_with else ""
        near = f"{u.near_best[0]:.4g} - {u.near_best[1]:.4g}" if u.near_best else "(assumed)"
        lines.append(
            f"| {p.name} | {values[p.name]:.4g} | {p.low:g} - {p.high:g}{' (log)' if p.log else ''} | {near} "
            f"| {u.sd_interval[0]:.4g} - {u.sd_interval[1]:.4g} "
            f"| {u.sd_unit:.2f}, {u.sd_unit_all_free:.2f}, {u.conditional_sd_unit:.2f} "
            f"| {'yes' if u.identified else '**no**'} | {partner} | {', '.join(t.split('.')[-1] for t in p.targets)} |"
        )
    return "\n".join(lines)


def plot(table: pd.DataFrame, path: Path) -> None:
    """Left: reported against simulated (log axes, error bars over seeds). Right: each target's
    simulated mean relative to the reported value, with the tolerance band."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 0.35 * len(table) + 3), gridspec_kw={"width_ratios": [1, 1.3]})
    colours = {"calibrate": "tab:blue", "validation": "tab:orange"}
    for role, rows in table.groupby("role"):
        ax1.errorbar(
            rows.reported,
            rows.simulated_mean,
            yerr=rows.simulated_sd,
            fmt="o",
            color=colours[role],
            label=role,
            capsize=3,
        )
    lo = min(table.reported.min(), table.simulated_mean.min()) * 0.5
    hi = max(table.reported.max(), table.simulated_mean.max()) * 2
    ax1.plot([lo, hi], [lo, hi], color="grey", lw=0.8)
    ax1.set(xscale="log", yscale="log", xlabel="reported", ylabel="simulated (mean ± sd over seeds)")
    ax1.legend()
    ax1.set_title("Reported against simulated")
    y = np.arange(len(table))[::-1]
    rel = table.simulated_mean / table.reported
    for yi, r, rr in zip(y, table.itertuples(), rel, strict=True):
        band = r.tolerance / r.reported
        ax2.fill_betweenx([yi - 0.35, yi + 0.35], max(1 - band, 0.01), 1 + band, color="lightgrey")
        ax2.errorbar(
            rr,
            yi,
            xerr=[[rr - r.simulated_min / r.reported], [r.simulated_max / r.reported - rr]],
            fmt="o",
            color=colours[r.role],
            capsize=3,
        )
    ax2.axvline(1, color="grey", lw=0.8)
    ax2.set_xscale("log")
    ax2.set_yticks(y, table.target.str.split(".").str[-1])
    ax2.set_xlabel("simulated / reported, log scale (dot: mean; bar: range over seeds; grey: tolerance)")
    ax2.set_title("Each target")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_behaviour(
    path: Path,
    start: dict,
    params: list[Bounds],
    checked: list[Bounds],
    best: dict[str, float],
    unc: dict[str, Uncertainty],
    objectives: dict[str, float],
    waiting: dict[str, str],
) -> None:
    """The behaviour config with the fitted values: `fitted:` entries (bounds, value, uncertainty,
    targets), `assumed:` for every value not fitted (with its reason, kept from the start config, and
    what the calibration found about the checked ones)."""
    values = {k: v for k, v in start.items() if k not in ("name", "quoted", "assumed", "fitted")}
    assumed = {k: _reason(v) for k, v in (start.get("assumed") or {}).items()}
    defaults = _default_reasons()
    for name in start.get("fitted") or {}:
        if name not in best:  # fitted before, not now: the starting config's own reason, if it gives one
            assumed.setdefault(
                name, defaults.get(name) or "Kept at an earlier fit's value: not fitted in this calibration."
            )
    for name, why in waiting.items():
        assumed[name] = f"{assumed.get(name, '').rstrip('.')}. Not fitted yet: {why}.".lstrip(". ")
    for c in checked:
        u = unc[c.name]
        verdict = "could not identify it" if not u.identified else "could pin it down"
        partner = f", trading off with {u.trades_off_with}" if u.trades_off_with else ""
        assumed[c.name] = (
            f"{assumed.get(c.name, '').rstrip('.')}. Not fitted: the calibration targets {verdict} "
            f"(joint sd {u.sd_unit:.2f} of its bounds{partner})."
        ).lstrip(". ")
    fitted = {}
    for p in params:
        u = unc[p.name]
        values[p.name] = float(best[p.name])
        assumed.pop(p.name, None)
        fitted[p.name] = {
            "value": values[p.name],
            "bounds": [p.low, p.high],
            "log": p.log,
            "near_best": [float(f"{u.near_best[0]:.4g}"), float(f"{u.near_best[1]:.4g}")],
            "sd_interval": [float(f"{u.sd_interval[0]:.4g}"), float(f"{u.sd_interval[1]:.4g}")],
            "sd_share_of_bounds": round(u.sd_unit, 4),
            "identified": u.identified,
            "trades_off_with": u.trades_off_with,
            "targets": list(p.targets),
        }
    header = (
        "# Behavioural parameters after calibration: written by `python -m sim.calibrate` "
        f"({datetime.now(UTC):%Y-%m-%d}); do not edit by hand, re-run it.\n"
        "# fitted: value, search bounds, near_best (10-90% over the trials that met every calibration target),\n"
        "#   sd_interval (value -/+ one joint standard deviation, linearised, tolerances read as one standard\n"
        "#   deviation), identified (joint sd within a quarter of the bounds), trades_off_with, and the targets\n"
        "#   (conf/targets/) it was fitted to. See experiments/calibration/README.md.\n"
        "# Objective at the fitted values, per stage (mean weighted squared distance in tolerances): "
        + ", ".join(f"{k} {v:.4f}" for k, v in objectives.items())
        + ".\n"
        "# assumed: values not fitted, with the reason (from conf/behaviour/default.yaml).\n"
    )
    body = {"name": path.stem, **values, "fitted": fitted, "assumed": assumed}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=200))


def write_report(
    report_dir: Path,
    setup: Setup,
    table: pd.DataFrame,
    values: np.ndarray,
    evaluator: Evaluator,
    params: list[Bounds],
    checked: list[Bounds],
    best: dict[str, float],
    unc: dict[str, Uncertainty],
    meta: dict,
) -> None:
    """fit_table.md/.csv, fit.png, parameters.md and fit_report.json (what the tests re-simulate)."""
    report_dir.mkdir(parents=True, exist_ok=True)
    table.to_csv(report_dir / "fit_table.csv", index=False)
    unusable = unusable_table(setup)
    plot(table, report_dir / "fit.png")
    text = [
        "# Fit report",
        "",
        f"Simulated at the fitted values on {len(meta['report_seeds'])} fresh seeds "
        f"({meta['report_seeds'][0]}-{meta['report_seeds'][-1]}, not the fitting seeds); "
        "within: |simulated mean - reported| <= tolerance.",
        "",
        "## Calibration targets (fitted to)",
        "",
        table_markdown(table, "calibrate"),
        "",
        "## Validation targets (never fitted to)",
        "",
        table_markdown(table, "validation"),
        "",
        "## Targets not yet usable",
        "",
        _markdown(unusable) if len(unusable) else "None.",
        "",
        "## Fitted parameters",
        "",
        parameters_markdown(params, best, unc),
        "",
        "## Assumed parameters checked for identification",
        "",
        "Not fitted; the same targets respond to them. Their line shows what fitting them too would give.",
        "",
        parameters_markdown(checked, {**meta["start"], **best}, unc) if checked else "None.",
        "",
        f"Near-best set: {next(iter(unc.values())).near_best_rule if unc else 'n/a'}; "
        "sd: linearised joint standard deviation, tolerances read as one standard deviation "
        "(sim/calibrate/fit.py); identified: joint sd within a quarter of the bounds.",
        "",
        "![reported against simulated](fit.png)",
        "",
    ]
    (report_dir / "fit_table.md").write_text("\n".join(text))
    report = {
        **meta,
        "params": best,
        "targets": [t.name for t in evaluator.targets],
        "values": values.tolist(),
        "table": json.loads(table.to_json(orient="records")),
        "not_usable": unusable.to_dict(orient="records"),
        "uncertainty": {k: asdict(v) for k, v in unc.items()},
    }
    (report_dir / "fit_report.json").write_text(json.dumps(report, indent=1))
