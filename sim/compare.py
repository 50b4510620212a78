"""Compare the jobs of a sweep: `python -m sim.compare <sweep dir> [--out DIR]`.

Collects every job's results into one tidy table (one row per job and month, with the overrides and
seed as columns; counts and amounts at county level), the same summarised over seeds as each measure
declares (`monthly_over_seeds.csv`), a per-job summary table, comparison plots and a Markdown summary
of the key figures with their uncertainty (paired differences against the `none` mix). Reads only the files the jobs
wrote, so any past sweep can be compared again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from sim import compare_plots as cp
from sim import measures
from sim.aggregate import Sweep, collect, job_dirs
from sim.paired import BASELINE, interval, paired_differences, spread

FLOOR = "floor"  # the social-security floor alone: the second baseline, when the sweep has it


class CompareError(Exception):
    """A comparison that cannot be made (a user's mistake or an empty sweep): nothing is written."""


def compare(sweep_dir: Path, out_dir: Path | None = None) -> Path:
    """Write tables, plots and summary.md for the sweep in `sweep_dir`; returns the output folder.
    Jobs that failed, did not finish or cannot be read are listed (`failed_jobs.csv`, summary.md),
    the others aggregated. Raises `CompareError`, having written nothing, when there is nothing to
    compare or `out_dir` cannot be a folder."""
    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        raise CompareError(f"no sweep folder at {sweep_dir}")
    out = Path(out_dir) if out_dir else sweep_dir / "compare"
    if out.exists() and not out.is_dir():
        raise CompareError(f"--out {out}: exists and is not a folder (give a folder, new or existing)")
    if not job_dirs(sweep_dir):
        raise CompareError(f"no job folders under {sweep_dir} (a sweep folder holds one per job, with .hydra/)")
    sweep = collect(sweep_dir)
    if sweep.jobs.empty:
        listed = "; ".join(f"{r.job}: {r.error}" for r in sweep.failed.head(5).itertuples())
        raise CompareError(f"no complete job under {sweep_dir} ({len(sweep.failed)} failed or unfinished: {listed})")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompareError(f"--out {out}: cannot be created ({exc.strerror or exc})") from None
    sweep.failed.to_csv(out / "failed_jobs.csv", index=False)
    sweep.monthly.to_parquet(out / "sweep_monthly.parquet", index=False)
    group = ["region", "policy", *[k for k in sweep.swept if k not in ("policy", "seed")]]
    measures.over_seeds(sweep.monthly, group).to_csv(out / "monthly_over_seeds.csv", index=False)
    sweep.jobs.to_parquet(out / "sweep_jobs.parquet", index=False)
    sweep.jobs.to_csv(out / "sweep_jobs.csv", index=False)
    sweep.left_behind.to_parquet(out / "sweep_left_behind.parquet", index=False)
    paired = paired_differences(sweep.jobs, sweep.swept)
    if not paired.empty:
        paired.to_csv(out / "paired_vs_none.csv", index=False)
    paired_floor = paired_differences(sweep.jobs, sweep.swept, FLOOR)
    if not paired_floor.empty:
        paired_floor = paired_floor[paired_floor["policy"] != BASELINE]
        paired_floor.to_csv(out / "paired_vs_floor.csv", index=False)
    plot_all(sweep, paired, out)
    (out / "summary.md").write_text(markdown(sweep, paired, sweep_dir, paired_floor))
    return out


def start_year(monthly: pd.DataFrame) -> int:
    return int(monthly.loc[monthly["month"] == 1, "year"].min())


def plot_all(sweep: Sweep, paired: pd.DataFrame, out: Path) -> list[Path]:
    """Every comparison plot that the sweep's dimensions allow, from the tables alone."""
    year = start_year(sweep.monthly)
    plots = [
        cp.headcount(sweep.monthly, out / "headcount_by_mix.png", year),
        cp.exits_by_channel(sweep.jobs, out / "exits_by_channel.png"),
        cp.exits_by_group(sweep.jobs, out / "exits_by_group.png"),
        cp.left_behind(sweep.left_behind, out / "left_behind.png"),
    ]
    if not paired.empty and paired["cost_per_additional_exit_yuan"].notna().any():
        plots.append(cp.cost_vs_reduction(paired, out / "cost_vs_reduction.png"))
    numeric = [k for k in sweep.swept if pd.api.types.is_numeric_dtype(sweep.jobs[k])]
    others = [k for k in sweep.swept if k != "seed"] + (["policy"] if sweep.jobs["policy"].nunique() > 1 else [])
    for key in numeric:
        name = key.replace(".", "_")
        plots.append(cp.outcome_vs_parameter(sweep.jobs, key, others, out / f"outcome_vs_{name}.png"))
    return plots


def _fmt(x: float, scale: float = 1.0, digits: int = 0) -> str:
    return "n/a" if pd.isna(x) else f"{x / scale:,.{digits}f}"


def in_mix_order(frame: pd.DataFrame) -> pd.DataFrame:
    rank = {m: i for i, m in enumerate(cp.mixes(frame))}
    return frame.sort_values("policy", key=lambda s: s.map(rank), kind="stable")


def _mean(g: pd.DataFrame, column: str) -> float:
    """Mean of a summary column over a group's jobs; NaN for a column that a past sweep lacks."""
    return g[column].mean() if column in g else float("nan")


def _label(key) -> str:
    return " ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))


def markdown(sweep: Sweep, paired: pd.DataFrame, sweep_dir: Path, paired_floor: pd.DataFrame | None = None) -> str:
    jobs = in_mix_order(sweep.jobs)
    paired = in_mix_order(paired) if not paired.empty else paired
    combination = ["policy", *[k for k in sweep.swept if k not in ("policy", "seed")]]
    n_seeds = jobs.groupby(combination)["seed"].nunique().min()
    lines = [
        f"# Sweep summary: `{sweep_dir}`",
        "",
        f"{len(jobs)} complete jobs, {len(sweep.failed)} failed, unfinished or unreadable; {n_seeds} seeds per "
        + ("mix" if len(combination) == 1 else f"combination of {', '.join(combination)}")
        + (f"; swept: {', '.join(sweep.swept)}" if sweep.swept else "")
        + ".",
        "",
        "## Outcomes by policy mix",
        "",
        "Mean over seeds, with the 10-90% range across seeds in brackets. People in poverty: members of",
        "households whose trailing 12-month net income per person is below the year's poverty line (the",
        "monthly count). Net exits: households poor at the start and not at the end, by the channel of their",
        "latest exit: through work (a job, a post, a business), through transfers (the minimum living",
        "guarantee) or other (farm income, standing transfers).",
        "",
        "| mix | poor people, start | poor people, end | net household exits | exits through work |"
        " exits through transfers | spending (million yuan) | cost per net exit (yuan) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    group_cols = ["policy", *[k for k in sweep.swept if k != "policy"]]
    for key, g in jobs.groupby(group_cols, sort=False):
        lo, hi = spread(g["poor_people_end"])
        lines.append(
            f"| {_label(key)} | {_fmt(g['poor_people_start'].mean())} | {_fmt(g['poor_people_end'].mean())} "
            f"[{_fmt(lo)}-{_fmt(hi)}] | {_fmt(g['net_exits_households'].mean())} | "
            f"{_fmt(_mean(g, 'net_exits_by_group_work'))} | {_fmt(_mean(g, 'net_exits_by_group_transfers'))} | "
            f"{_fmt(g['spending_total_yuan'].mean(), 1e6, 1)} | {_fmt(g['cost_per_net_exit_yuan'].mean())} |"
        )
    if "exited_households_end" in jobs:
        lines += [
            "",
            "## The yearly assessment of the registered poor",
            "",
            "Every household is registered poor at the start; each December those on the ledger as poor",
            "are assessed on the calendar year's income per person: above the line, they exit (脱贫) and stay",
            "exited until a later December finds them below it (返贫, back on the ledger). Exited households at",
            "the end, by the channel credited at their exit; returns to poverty over the run. Mean over seeds.",
            "Exited households include those registered but above the line at the start (they exit at the",
            "first December), so they may outnumber the monthly count's net exits.",
            "",
            "| mix | registered poor households, end | exited households, end | exited through work |"
            " exited through transfers | exited, other | assessed exits, all years | returns to poverty (返贫) |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for key, g in jobs.groupby(group_cols, sort=False):
            assessed = sum(_mean(g, f"assessed_exits_by_group_{x}") for x in ("work", "transfers", "other"))
            lines.append(
                f"| {_label(key)} | {_fmt(_mean(g, 'registered_poor_households_end'))} | "
                f"{_fmt(_mean(g, 'exited_households_end'))} | {_fmt(_mean(g, 'exited_by_group_work'))} | "
                f"{_fmt(_mean(g, 'exited_by_group_transfers'))} | {_fmt(_mean(g, 'exited_by_group_other'))} | "
                f"{_fmt(assessed)} | {_fmt(_mean(g, 'returned_to_poverty'))} |"
            )
    for base, table in ((BASELINE, paired), (FLOOR, paired_floor)):
        if table is None or table.empty:
            continue
        table = in_mix_order(table)
        what = "no programme" if base == BASELINE else "the social-security floor alone"
        lines += [
            "",
            f"## Against {what} (`{base}`), paired by seed",
            "",
            f"Each mix is compared with the `{base}` run of the same seed: both share the population and",
            "every random draw that the mix does not change, so the difference is the mix's effect.",
            "Mean difference with its 90% confidence interval over seeds (t distribution). Additional exits",
            "through work and through transfers: net exits of the monthly count, by group of channel.",
            "",
            "| mix | fewer poor people at the end | additional household exits | of which through work |"
            " of which through transfers | additional spending (million yuan) | cost per additional exit (yuan) |",
            "|---|---|---|---|---|---|---|",
        ]
        for key, g in table.groupby(group_cols, sort=False):
            cells = []
            for col, scale, digits in (
                ("reduction_poor_people", 1, 0),
                ("additional_exits", 1, 0),
                ("additional_exits_through_work", 1, 0),
                ("additional_exits_through_transfers", 1, 0),
                ("additional_spending_yuan", 1e6, 1),
                ("cost_per_additional_exit_yuan", 1, 0),
            ):
                m, lo, hi = interval(g[col])
                cells.append(f"{_fmt(m, scale, digits)} ({_fmt(lo, scale, digits)} to {_fmt(hi, scale, digits)})")
            lines.append(f"| {_label(key)} | " + " | ".join(cells) + " |")
    if not sweep.failed.empty:
        lines += ["", "## Failed or unfinished jobs", "", "| job | overrides | error |", "|---|---|---|"]
        for row in sweep.failed.itertuples():
            error = " ".join(str(row.error).split()).replace("|", "/")
            lines.append(f"| {row.job} | `{row.overrides}` | {error} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.compare", description=__doc__.splitlines()[0])
    parser.add_argument("sweep_dir", type=Path, help="a Hydra multirun directory (e.g. outputs/sweeps/policy_mix)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: <sweep_dir>/compare)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    try:
        out = compare(args.sweep_dir, args.out)
    except CompareError as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    failed = pd.read_csv(out / "failed_jobs.csv")
    if len(failed):
        print(
            f"warning: {len(failed)} job(s) failed, unfinished or unreadable; listed in {out / 'summary.md'}:",
            file=sys.stderr,
        )
        for row in failed.itertuples():
            print(f"  {row.job}: {row.error}", file=sys.stderr)
    print(f"comparison written to {out}")
    for f in sorted(out.iterdir()):
        print(f"  {f.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
