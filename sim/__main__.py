"""Command line: `python -m sim region=yunxi policy=full_mix seed=3 months=60`.

One run writes its monthly table, summary, left-behind table, resolved config and overview plot into
Hydra's output directory (printed at the end). `-m` sweeps over comma-separated values, e.g.
`python -m sim -m policy=none,full_mix seed=range(0,20)`, or a named experiment:
`python -m sim -m +experiment=policy_mix`.

Before anything runs, the config files and the overrides are checked (`sim.validate`), and a sweep is
validated job by job: a bad value anywhere refuses the whole sweep, listing every problem (exit 2).
A job whose folder holds complete results of the same config and model version is skipped (so an
interrupted sweep resumes); otherwise it runs, and says why when earlier results were not reusable.
A job that fails while running writes `error.json` instead of stopping the others (the sweep exits 1).
`--debug` (or HYDRA_FULL_ERROR=1) shows tracebacks; a user's mistake gets a message, never one.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import CONF_DIR, register_schema
from sim.outputs import check_results, job_lock, write_error, write_run
from sim.validate import ConfigError, file_problems, for_hydra, override_problems, to_run_config

register_schema()
log = logging.getLogger(__name__)

# Hydra's flags that take a value (`--flag value` or `--flag=value`).
VALUE_FLAGS = {
    "--config-path": "--config-path",
    "-cp": "--config-path",
    "--config-name": "--config-name",
    "-cn": "--config-name",
    "--config-dir": "--config-dir",
    "-cd": "--config-dir",
    "--cfg": "--cfg",
    "-c": "--cfg",
    "--package": "--package",
    "-p": "--package",
    "--experimental-rerun": "--experimental-rerun",
}
NO_RUN_FLAGS = ("--help", "-h", "--hydra-help", "--cfg", "-c", "--info", "-i", "--shell-completion", "-sc", "--version")


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> dict | None:
    hc = HydraConfig.get()
    out_dir = Path(hc.runtime.output_dir)
    overrides = list(hc.overrides.task)
    multirun = hc.mode == RunMode.MULTIRUN
    try:
        run_cfg = to_run_config(cfg, overrides)
    except ConfigError as err:
        if not multirun:
            print(f"error: {err}", file=sys.stderr)
            sys.exit(2)
        run_cfg = err
    with job_lock(out_dir):
        try:
            if isinstance(run_cfg, ConfigError):
                raise run_cfg
            done, reason = check_results(out_dir, run_cfg)
            if done is not None:
                line = f"skipped: complete results of the same config and model version are already in {out_dir}"
                log.info(line)
                if not multirun:
                    print(line + " (choose another hydra.run.dir, or delete the folder, to run again)")
                return done
            if reason:
                log.info(f"re-running: {reason}")
                if not multirun:
                    print(f"re-running into {out_dir}: {reason}", file=sys.stderr)
            start = time.perf_counter()
            from sim.model import PovertyModel

            model = PovertyModel(run_cfg)
            model.run()
            summary = write_run(model, out_dir, overrides, time.perf_counter() - start, rerun_reason=reason)
        except Exception as exc:
            if not multirun:
                raise
            write_error(out_dir, overrides, exc)
            print(f"FAILED {' '.join(overrides)}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return None
    line = (
        f"{run_cfg.policy.name}, seed {run_cfg.seed}: poor people {summary['poor_people_start']} -> "
        f"{summary['poor_people_end']}, spending {summary['spending_total_yuan'] / 1e6:.1f} million yuan; "
        f"results in {out_dir}"
    )
    if multirun:
        log.info(f"ran: {line}")  # to the job's log; the sweep shows a progress bar instead
    else:
        print(line)
    return summary


def normalise(argv: list[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """Split the arguments into Hydra's flags (`--config-dir=DIR` written as `--config-dir DIR`, short
    forms spelled out) and overrides; also the values of the flags that take one."""
    flags, overrides, values = [], [], {}
    i = 0
    while i < len(argv):
        item = argv[i]
        name, eq, value = item.partition("=")
        if item.startswith("-") and name in VALUE_FLAGS:
            name = VALUE_FLAGS[name]
            if not eq:
                i += 1
                value = argv[i] if i < len(argv) else ""
            flags += [name, value]
            values[name] = value
        elif item.startswith("-"):
            flags.append(item)
        else:
            overrides.append(item)
        i += 1
    return flags, overrides, values


def saved_run_as_primary(flags: list[str], values: dict[str, str]) -> list[str]:
    """`--config-dir RUN` where RUN holds the config asked for (a saved run folder) would otherwise
    be shadowed by the project's own conf/config.yaml: make RUN the primary config folder instead."""
    extra = values.get("--config-dir")
    name = values.get("--config-name", "config")
    if not extra or "--config-path" in values:
        return flags
    folder = Path(extra).expanduser().resolve()
    if folder == CONF_DIR or not (folder / f"{name}.yaml").is_file():
        return flags
    print(f"note: {folder / name}.yaml is used as the config (as --config-path {folder})", file=sys.stderr)
    out, i = [], 0
    while i < len(flags):
        if flags[i] == "--config-dir":
            out += ["--config-path", str(folder)]
            i += 2
        else:
            out.append(flags[i])
            i += 1
    values["--config-path"] = str(folder)
    del values["--config-dir"]
    return out


def first_job(overrides: list[str]) -> list[str]:
    """The overrides of a sweep's first job (each sweep replaced by its first value), to compose once."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    out = []
    for item in overrides:
        parsed = OverridesParser.create().parse_overrides([item])[0]
        if parsed.is_sweep_override():
            first = next(iter(parsed.sweep_string_iterator()), None)
            if first is None:
                continue
            out.append(f"{parsed.get_key_element()}={first}")
        else:
            out.append(item)
    return out


def precheck(flags: list[str], values: dict[str, str], overrides: list[str]) -> list[str]:
    """Every problem found before Hydra starts: the config files, the overrides, and the composed
    config of a single run (or of a sweep's first job: the rest are checked job by job)."""
    extra = [Path(values["--config-dir"]).expanduser().resolve()] if "--config-dir" in values else []
    primary = Path(values["--config-path"]).expanduser().resolve() if "--config-path" in values else CONF_DIR
    problems = file_problems([CONF_DIR, *extra]) if primary == CONF_DIR else []
    problems += override_problems(overrides, extra)
    if problems or primary != CONF_DIR or extra or any(f in flags for f in NO_RUN_FLAGS):
        return problems
    from sim.config import compose_config

    task = [o for o in first_job(overrides) if not o.lstrip("+~").startswith("hydra")]
    try:
        to_run_config(compose_config(task), task)
    except ConfigError as err:
        return err.problems
    return []


def cli(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv or os.environ.get("HYDRA_FULL_ERROR") == "1"
    argv = [a for a in argv if a != "--debug"]
    if debug:
        os.environ["HYDRA_FULL_ERROR"] = "1"
    flags, overrides, values = normalise(argv)
    flags = saved_run_as_primary(flags, values)
    try:
        problems = precheck(flags, values, overrides)
    except Exception:
        if debug:
            raise
        problems = []  # not a user's mistake we know of: Hydra reports it in its own words
    if problems:
        print("error: invalid configuration:\n  " + "\n  ".join(problems), file=sys.stderr)
        sys.exit(2)
    sys.argv = [sys.argv[0], *flags, *for_hydra(overrides)]
    main()


if __name__ == "__main__":
    cli()
