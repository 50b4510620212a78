"""Fingerprints of committed results: the key outputs of cheap runs, stored beside what they stand for,
so that a test fails when the code no longer produces what is committed.

- The baseline (`tests/data/baseline.json`): one default run (every setting as shipped) at a tenth of
  the county, its key outputs month by year. Any change of results shows up in review, and is
  accepted on purpose by `python -m sim.fingerprint update`.
- An experiment's fingerprint (`experiments/<name>/fingerprint.json`): one seed of each policy mix
  the experiment sweeps, at a twentieth of the county. Written by `scripts/experiment.sh <name>`
  together with the experiment's tables and figures, so a stale write-up is caught.

`python -m sim.fingerprint check` compares all of them with what the code produces now.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

from sim.config import CONF_DIR, load
from sim.model import PovertyModel
from sim.outputs import run_table
from sim.summary import summarise

ROOT = CONF_DIR.parent
BASELINE = ROOT / "tests" / "data" / "baseline.json"
BASELINE_RUN = ("scale=0.1", "seed=0")
EXPERIMENT_RUN = ("scale=0.05", "seed=0")
DIGITS = 6  # significant digits kept: platform rounding never reaches them, any change of mechanism does


def _round(x):
    return float(f"{x:.{DIGITS}g}") if isinstance(x, float) else x


def key_outputs(overrides: list[str] | tuple[str, ...]) -> dict:
    """Key outputs of one run: the summary's headline figures and, each December, the headcount,
    employment beyond the farm and spending."""
    model = PovertyModel(load(list(overrides)), agents=False)
    model.run()
    table = run_table(model, list(overrides))
    s = summarise(model, table)
    keys = ("poor_people_start", "poor_people_end", "net_exits_households", "spending_total_yuan")
    out = {k: _round(s[k]) for k in keys}
    out["net_exits_by_channel"] = {k: v for k, v in s["net_exits_by_channel"].items() if v}
    out["employment_end"] = {k: v for k, v in s["employment_end"].items() if v}
    december = table[table["calendar_month"] == 12]
    for column in ("poor_people", "labourers", "n_farm", "spend_total"):
        out[f"{column}_by_year"] = {
            int(y): _round(float(v)) for y, v in zip(december["year"], december[column], strict=True)
        }
    return out


def experiment_mixes(name: str) -> list[str]:
    """The policy mixes an experiment sweeps (`hydra.sweeper.params.policy` of its config)."""
    config = yaml.safe_load((CONF_DIR / "experiment" / f"{name}.yaml").read_text())
    mixes = str(config["hydra"]["sweeper"]["params"]["policy"])
    return [m.strip() for m in mixes.split(",")]


def experiment_fingerprint(name: str) -> dict:
    return {mix: key_outputs([f"policy={mix}", *EXPERIMENT_RUN]) for mix in experiment_mixes(name)}


def experiment_file(name: str) -> Path:
    return ROOT / "experiments" / name / "fingerprint.json"


def fingerprinted_experiments() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "experiments").glob("*/fingerprint.json"))


def write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def read(path: Path) -> dict:
    return json.loads(path.read_text())


def differences(expected: dict, actual: dict, prefix: str = "") -> list[str]:
    """Every key whose value differs, as `key: expected -> actual`."""
    out = []
    for key in sorted(set(expected) | set(actual), key=str):
        e, a = expected.get(key), actual.get(key)
        if isinstance(e, dict) and isinstance(a, dict):
            out += differences(e, a, f"{prefix}{key}.")
        elif e != a:
            out.append(f"{prefix}{key}: {e} -> {a}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.fingerprint", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "update"], help="compare with the committed ones, or rewrite")
    parser.add_argument("--experiment", action="append", help="only this experiment (default: baseline and all)")
    args = parser.parse_args(argv)
    targets = {
        f"experiment {n}": (experiment_file(n), lambda n=n: experiment_fingerprint(n)) for n in args.experiment or []
    }
    if not args.experiment:
        targets = {"baseline": (BASELINE, lambda: key_outputs(BASELINE_RUN))}
        targets |= {
            f"experiment {n}": (experiment_file(n), lambda n=n: experiment_fingerprint(n))
            for n in fingerprinted_experiments()
        }
    status = 0
    for label, (path, compute) in targets.items():
        actual = compute()
        if args.action == "update":
            write(path, actual)
            print(f"{label}: written to {path.relative_to(ROOT)}")
            continue
        diff = differences(read(path), actual) if path.is_file() else [f"no file {path}"]
        print(f"{label}: {'matches' if not diff else f'{len(diff)} difference(s)'}")
        for line in diff[:40]:
            print(f"  {line}")
        status |= bool(diff)
    return status


if __name__ == "__main__":
    sys.exit(main())
