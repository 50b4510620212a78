"""Benchmark: build and step the default county for 60 months on one core.

Reports seconds for imports, config, population + model build, and stepping, and the stepping cost
per household-month and per person-month. Run: .venv/bin/python benchmarks/bench_step.py [overrides]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the target says

import sys
import time

t0 = time.perf_counter()
from sim.config import load  # noqa: E402
from sim.model import PovertyModel  # noqa: E402

t_import = time.perf_counter() - t0


def main(overrides: list[str], repeats: int = 3) -> None:
    t = time.perf_counter()
    cfg = load(overrides)
    t_config = time.perf_counter() - t
    builds, steps = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        model = PovertyModel(cfg)
        builds.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.run()
        steps.append(time.perf_counter() - t)
    hh, persons, months = model.households.n, model.people.n, cfg.months
    best = min(steps)
    print(f"config: {' '.join(overrides) or '(defaults)'}; {hh} households, {persons} persons, {months} months")
    print(f"imports {t_import:.2f} s, config {t_config:.2f} s, build {min(builds):.2f} s (best of {repeats})")
    print(f"stepping {best:.3f} s (best of {repeats}; all: {', '.join(f'{s:.3f}' for s in steps)})")
    per_hh = best / (hh * months) * 1e9
    per_person = best / (persons * months) * 1e9
    print(f"per household-month {per_hh:.0f} ns; per person-month {per_person:.0f} ns")


if __name__ == "__main__":
    main(sys.argv[1:])
