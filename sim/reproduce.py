"""Re-run a saved run from its folder and check that it gives the same table:
`python -m sim.reproduce RUN_DIR [--out DIR]`.

Reads the run's resolved config (`config.yaml`) and its overrides (`run.json`), validates the config,
runs the model again in memory and compares the new monthly table with the saved one, column by
column. Nothing is written into RUN_DIR; `--out DIR` writes the new run's files there as well.
Exit 0: the table is reproduced exactly; 1: it differs (the columns and first months that differ are
listed, and whether the model code changed since); 2: the folder is not a readable saved run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd
from omegaconf import OmegaConf

from sim.outputs import TABLES, read_marker, run_table, write_run
from sim.validate import ConfigError, to_run_config
from sim.version import code_version


class NotARun(Exception):
    """The folder is not a saved run that can be re-run."""


def saved_run(run_dir: Path) -> tuple[object, pd.DataFrame, dict]:
    """The validated config, the saved table and run.json of the run in `run_dir`."""
    if not run_dir.is_dir():
        raise NotARun(f"no run folder at {run_dir}")
    config = run_dir / "config.yaml"
    if not config.is_file():
        raise NotARun(f"{run_dir} has no config.yaml: not the folder of a run")
    record, problem = read_marker(run_dir)
    if record is None:
        raise NotARun(f"{run_dir}: {problem or 'no run.json: the run did not complete'}")
    try:
        cfg = to_run_config(OmegaConf.load(config))
    except ConfigError as err:
        raise NotARun(f"{config}: {err}") from None
    except Exception as exc:
        raise NotARun(f"{config} cannot be read ({type(exc).__name__}: {exc})") from None
    table = next((run_dir / t for t in TABLES if (run_dir / t).is_file()), None)
    if table is None:
        raise NotARun(f"{run_dir} has no monthly table ({' or '.join(TABLES)})")
    try:
        saved = pd.read_parquet(table) if table.suffix == ".parquet" else pd.read_csv(table)
    except Exception as exc:
        raise NotARun(f"{table} cannot be read ({type(exc).__name__}: {exc})") from None
    return cfg, saved, record


def differences(saved: pd.DataFrame, new: pd.DataFrame) -> list[str]:
    """Where the new table differs from the saved one: shape, columns, values (exactly, as saved)."""
    out = []
    if list(saved.columns) != list(new.columns):
        missing, extra = set(saved.columns) - set(new.columns), set(new.columns) - set(saved.columns)
        out.append(f"columns differ (only saved: {sorted(missing)}; only new: {sorted(extra)})")
    if len(saved) != len(new):
        out.append(f"{len(saved)} saved rows, {len(new)} new")
        return out
    for col in [c for c in saved.columns if c in new.columns]:
        a, b = saved[col].reset_index(drop=True), new[col].reset_index(drop=True)
        same = (a == b) | (a.isna() & b.isna())
        if not same.all():
            months = list(saved.loc[~same.to_numpy(), "month"].head(3)) if "month" in saved else []
            out.append(f"{col}: differs in {int((~same).sum())} of {len(a)} months (first: {months})")
    return out


def reproduce(run_dir: Path, out: Path | None = None) -> list[str]:
    """Re-run the saved run; the differences found (empty: reproduced exactly)."""
    from sim.model import PovertyModel

    cfg, saved, record = saved_run(run_dir)
    start = time.perf_counter()
    model = PovertyModel(cfg)
    model.run()
    overrides = list(record.get("overrides") or [])
    new = run_table(model, overrides)
    if out is not None:
        write_run(model, out, overrides, time.perf_counter() - start)
    if run_dir.joinpath("monthly.csv").is_file() and not run_dir.joinpath("monthly.parquet").is_file():
        new = pd.read_csv(pd.io.common.StringIO(new.to_csv(index=False)))  # compare as the csv was read
    return differences(saved, new)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.reproduce", description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path, help="a run's folder (holds config.yaml, run.json, monthly.*)")
    parser.add_argument("--out", type=Path, default=None, help="also write the new run's files into this folder")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    args = parser.parse_args(argv)
    try:
        diffs = reproduce(args.run_dir, args.out)
    except NotARun as err:
        if args.debug:
            raise
        print(f"error: {err}", file=sys.stderr)
        return 2
    if not diffs:
        print(f"reproduced: the monthly table of {args.run_dir} is the same, value for value")
        return 0
    print(f"NOT reproduced: the table of {args.run_dir} differs:", file=sys.stderr)
    for line in diffs:
        print(f"  {line}", file=sys.stderr)
    saved_version = json.loads((args.run_dir / "run.json").read_text()).get("model_version")
    if saved_version != code_version():
        print(f"  (the model code changed: run with version {saved_version}, now {code_version()})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
