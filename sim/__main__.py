"""Command line: `python -m sim region=yunxi policy=full_mix seed=3 months=60`.

One run writes its monthly table, summary, left-behind table, resolved config and overview plot into
Hydra's output directory (printed at the end). `-m` sweeps over comma-separated values.
"""

from __future__ import annotations

import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from omegaconf import DictConfig

from sim.config import register_schema
from sim.model import PovertyModel
from sim.outputs import write_run
from sim.validate import to_run_config

register_schema()


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> dict:
    run_cfg = to_run_config(cfg)
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    start = time.perf_counter()
    model = PovertyModel(run_cfg)
    model.run()
    summary = write_run(model, out_dir, overrides, time.perf_counter() - start)
    print(
        f"{run_cfg.policy.name}, seed {run_cfg.seed}: poor people {summary['poor_people_start']} -> "
        f"{summary['poor_people_end']}, spending {summary['spending_total_yuan'] / 1e6:.1f} million yuan; "
        f"results in {out_dir}"
    )
    return summary


if __name__ == "__main__":
    main()
