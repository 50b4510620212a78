"""Command line: `python -m sim region=yunxi policy=full_mix seed=3 months=60`.

One run writes its monthly table, summary, left-behind table, resolved config and overview plot into
Hydra's output directory (printed at the end). `-m` sweeps over comma-separated values, e.g.
`python -m sim -m policy=none,full_mix seed=range(0,20)`, or a named experiment:
`python -m sim -m +experiment=policy_mix`. In a sweep, a job whose directory already holds complete
results for the same config is skipped (so an interrupted sweep resumes), and a job that fails writes
`error.json` instead of stopping the others.
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import register_schema
from sim.model import PovertyModel
from sim.outputs import existing_summary, write_error, write_run
from sim.validate import override_problems, to_run_config

register_schema()
log = logging.getLogger(__name__)


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> dict | None:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    try:
        run_cfg = to_run_config(cfg)
        done = existing_summary(out_dir, run_cfg)
        if done is not None:
            log.info(f"skipped (complete results with the same config): {out_dir}")
            return done
        start = time.perf_counter()
        model = PovertyModel(run_cfg)
        model.run()
        summary = write_run(model, out_dir, overrides, time.perf_counter() - start)
    except Exception as exc:
        if hc.mode != RunMode.MULTIRUN:
            raise
        write_error(out_dir, overrides, exc)
        print(f"FAILED {' '.join(overrides)}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return None
    line = (
        f"{run_cfg.policy.name}, seed {run_cfg.seed}: poor people {summary['poor_people_start']} -> "
        f"{summary['poor_people_end']}, spending {summary['spending_total_yuan'] / 1e6:.1f} million yuan; "
        f"results in {out_dir}"
    )
    if hc.mode == RunMode.MULTIRUN:
        log.info(line)  # to the job's log; the sweep shows a progress bar instead
    else:
        print(line)
    return summary


def cli() -> None:
    problems = override_problems(sys.argv[1:])
    if problems:
        print("error: invalid configuration:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(2)
    main()


if __name__ == "__main__":
    cli()
