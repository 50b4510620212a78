"""Global sensitivity of the outcomes of one mix to the uncertainties: Morris screening (elementary
effects: cheap, ranks many parameters) or Sobol indices (first order S1 and total ST: how much of the
outcome's variance each explains alone and with its interactions). Sampling and estimators are SALib's;
this module only turns SALib's design into jobs (every row of the design with the same seeds) and its
results into a tidy table."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from sim.explore.runner import Job, Parallelism, mean_over_seeds, run_jobs
from sim.explore.space import Uncertainty, problem, table


def design(space: list[Uncertainty], method: str, samples: int, levels: int, seed: int) -> np.ndarray:
    """SALib's sample: Sobol (Saltelli's scheme, first and total order only) or Morris trajectories."""
    prob = problem(space)
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(prob, samples, calc_second_order=False, seed=seed)
    from SALib.sample import morris

    return morris.sample(prob, samples, num_levels=levels, seed=seed)


def indices(space: list[Uncertainty], x: np.ndarray, y: np.ndarray, method: str, levels: int, confidence: float,
            seed: int) -> pd.DataFrame:  # fmt: skip
    """SALib's analysis of one outcome as rows: parameter, index, value and its confidence interval."""
    prob = problem(space)
    if method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(prob, y, calc_second_order=False, conf_level=confidence, seed=seed)
        pairs = (("S1", "S1_conf"), ("ST", "ST_conf"))
    else:
        from SALib.analyze import morris

        res = morris.analyze(prob, x, y, num_levels=levels, conf_level=confidence, seed=seed)
        res["sigma_conf"] = np.full(len(space), np.nan)  # SALib gives an interval for mu* only
        pairs = (("mu_star", "mu_star_conf"), ("sigma", "sigma_conf"))
    rows = []
    for i, u in enumerate(space):
        for name, conf in pairs:
            value, half = float(res[name][i]), float(res[conf][i])
            rows.append({"parameter": u.key, "source": u.source, "index": name, "value": value,
                         "conf_low": value - half, "conf_high": value + half})  # fmt: skip
    return pd.DataFrame(rows)


def run(evaluator, s: Mapping, folder: Path, par: Parallelism) -> dict[str, pd.DataFrame]:
    """The study: design, jobs (resumed), mean over seeds, indices per outcome. Writes space.csv,
    design.parquet (the sample with each outcome), indices.csv and notes.txt into `folder`."""
    sens = s["sensitivity"]
    space = evaluator.space(s["uncertainties"])
    x = design(space, sens["method"], sens["samples"], sens["levels"], sens["seed"])
    names = [u.key for u in space]
    jobs = [Job.of(i, s["mix"], seed, dict(zip(names, row, strict=True))) for i, row in enumerate(x)
            for seed in s["seeds"]]  # fmt: skip
    results = run_jobs(evaluator, jobs, folder, par, label=f"sensitivity ({sens['method']}, {s['mix']})")
    means = mean_over_seeds(results, evaluator.outcomes).sort_values("sample").reset_index(drop=True)
    parts, notes = [], []
    for outcome in sens["outcomes"]:
        y = means[outcome].to_numpy(float)
        if not np.isfinite(y).all():
            notes.append(f"{outcome}: left out, {int((~np.isfinite(y)).sum())} of {y.size} samples have no value "
                         "(e.g. no exits, so no cost per exit)")  # fmt: skip
            continue
        found = indices(space, x, y, sens["method"], sens["levels"], sens["confidence"], sens["seed"])
        parts.append(found.assign(method=sens["method"], mix=s["mix"], outcome=outcome))
    tidy = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if not tidy.empty:
        tidy = tidy[["method", "mix", "outcome", "parameter", "source", "index", "value", "conf_low", "conf_high"]]
    table(space).to_csv(folder / "space.csv", index=False)
    pd.concat([pd.DataFrame(x, columns=names), means.drop(columns=["sample", "mix"])], axis=1).to_parquet(
        folder / "design.parquet"
    )
    tidy.to_csv(folder / "indices.csv", index=False)
    (folder / "notes.txt").write_text("\n".join([*par.log, *notes]) + "\n")
    return {"indices": tidy, "design": means, "notes": notes}
