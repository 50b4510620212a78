"""`python -m sim.calibrate`: fit the behavioural parameters to the reports' targets.

Reads conf/calibrate.yaml (Hydra: any key can be overridden on the command line), finds the targets
usable now, runs (or resumes) the Optuna study, measures each fitted parameter's uncertainty, writes
the fitted values into a behaviour config and the fit report, and prints a summary.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import hydra
from omegaconf import DictConfig, OmegaConf

from sim.calibrate.fit import Bounds, fingerprint, run_study, uncertainty
from sim.calibrate.objective import Evaluator, setup_from
from sim.calibrate.report import fit_table, write_behaviour, write_report
from sim.calibrate.settings import check as check_settings
from sim.calibrate.settings import explicit_keys, settings
from sim.calibrate.targets import ROOT
from sim.validate import ConfigError

log = logging.getLogger("sim.calibrate")


def path(value: str | None) -> Path | None:
    if value is None:
        return None
    p = Path(value)
    return p if p.is_absolute() else ROOT / p


def source_hash() -> str:
    """Hash of the model's code: a study is resumed only by the same code."""
    files = sorted((ROOT / "sim").rglob("*.py"))
    return fingerprint([f.read_text() for f in files if "calibrate" not in f.parts])


def bounds(cfg: DictConfig, names, usable: set[str]) -> tuple[list[Bounds], dict[str, str]]:
    """Search bounds of the parameters `names` that a usable calibration target identifies, and the
    reason each other one waits."""
    out, waiting = [], {}
    for name in names:
        p = cfg.parameters[name]
        targets = [t for t in p.targets if t in usable]
        if targets:
            out.append(Bounds(name, float(p.low), float(p.high), bool(p.log), targets))
        else:
            waiting[name] = f"its targets ({', '.join(p.targets)}) are not usable yet"
    return out, waiting


def check_parameters(cfg: DictConfig, behaviour: dict) -> None:
    staged = [n for stage in cfg.stages.values() for n in [*stage.parameters, *stage.get("check", [])]]
    for name in cfg.parameters:
        if name not in behaviour:
            raise ValueError(f"parameters.{name}: not a behaviour parameter")
        if staged.count(name) != 1:
            raise ValueError(f"parameters.{name}: must be in exactly one of the stages {list(cfg.stages)}")


def fit_stage(cfg, name, stage, setup, behaviour, best, params, checked, code) -> tuple:
    """Search one stage's parameters with the earlier stages' values held; its uncertainty."""
    opt, u = cfg.optimiser, cfg.uncertainty
    targets = [t for t in setup.usable if t.name in {n for p in params for n in p.targets}]
    evaluator = Evaluator(setup, list(cfg.seeds), cfg.n_jobs, targets=targets, fixed=best)
    start = {p.name: float(behaviour[p.name]) for p in params}
    log.info(
        f"stage {name}: fitting {len(params)} parameters ({', '.join(p.name for p in params)}) "
        f"to {len(targets)} targets, {len(cfg.seeds)} seeds per trial"
    )
    key = fingerprint(
        [[p.name, p.low, p.high, p.log] for p in params],
        [(t.name, t.reported, t.tolerance, t.weight, t.statistic) for t in targets],
        list(cfg.seeds),
        {k: repr(v) for k, v in setup.configs.items()},
        best,
        start,
        code,
        [opt.prior_weight, opt.sampler, opt.popsize, opt.seed],
    )
    trials = stage.trials if opt.max_trials_per_stage is None else min(stage.trials, opt.max_trials_per_stage)
    study_name = f"{opt.study_name}-{name}-{key}"
    study = run_study(
        evaluator,
        params,
        start,
        trials=trials,
        storage=path(cfg.output.storage),
        study_name=study_name,
        seed=opt.seed,
        startup_trials=min(opt.startup_trials, max(trials // 2, 1)),
        timeout_minutes=stage.timeout_minutes,
        progress_every=opt.progress_every,
        prior_weight=opt.prior_weight,
        sampler_name=opt.sampler,
        popsize=opt.popsize,
    )
    found = {p.name: float(f"{study.best_params[p.name]:.6g}") for p in params}  # as written to the config
    log.info(f"stage {name}: best objective {study.best_value:.4f} (trial {study.best_trial.number}); uncertainty")
    values = {**best, **found, **{c.name: float(behaviour[c.name]) for c in checked}}
    probe = Evaluator(setup, list(u.seeds), cfg.n_jobs, targets=targets, fixed=best)
    unc = uncertainty(study, probe, params, checked, values, u.step, u.minimum_near_best, u.identified_sd)
    return found, unc, study.best_value, study_name


def calibrate(cfg: DictConfig, explicit: list[str] | tuple[str, ...] = ()) -> dict:
    """Fit, write and report. `explicit`: keys given on the command line, which quick mode keeps.
    Raises `ConfigError` (having run and written nothing) when a setting is wrong."""
    start_time = time.perf_counter()
    cfg = settings(cfg, explicit)
    check_settings(cfg)
    behaviour = OmegaConf.to_container(cfg.behaviour, resolve=True)
    check_parameters(cfg, behaviour)
    setup = setup_from(cfg, behaviour)
    for t in setup.targets:
        why = setup.problems[t.name]
        log.info(f"{t.role:10s} {t.name}: {'usable' if why is None else 'not yet usable: ' + why}")
    usable = {t.name for t in setup.usable if t.role == "calibrate"}
    code = source_hash()
    best: dict[str, float] = {}
    fitted, checked_all = [], []
    unc, waiting, objectives, studies = {}, {}, {}, {}
    for name, stage in cfg.stages.items():
        params, waits = bounds(cfg, stage.parameters, usable)
        checked, _ = bounds(cfg, stage.get("check", []), usable)
        waiting.update(waits)
        if not params:
            log.info(f"stage {name}: no usable target identifies its parameters; skipped")
            continue
        found, stage_unc, objectives[name], studies[name] = fit_stage(
            cfg, name, stage, setup, behaviour, best, params, checked, code
        )
        best.update(found)
        unc.update(stage_unc)
        fitted += params
        checked_all += checked
    if not fitted:
        raise SystemExit("no usable calibration target identifies any parameter: nothing to fit")
    behaviour_file = path(cfg.output.behaviour_file)
    write_behaviour(behaviour_file, behaviour, fitted, checked_all, best, unc, objectives, waiting)
    if cfg.output.storage is not None:
        prune_studies(path(cfg.output.storage), cfg.optimiser.study_name, set(studies.values()))
    log.info(f"report: simulating the fitted values on {len(cfg.report_seeds)} fresh seeds")
    report_evaluator = Evaluator(setup, list(cfg.report_seeds), cfg.n_jobs)
    table, values = fit_table(report_evaluator, best, list(cfg.report_seeds))
    elapsed = time.perf_counter() - start_time
    meta = {
        "behaviour_file": str(
            behaviour_file.relative_to(ROOT) if behaviour_file.is_relative_to(ROOT) else behaviour_file
        ),
        "report_seeds": list(cfg.report_seeds),
        "fitting_seeds": list(cfg.seeds),
        "scale_factor": cfg.scale_factor,
        "model_overrides": list(cfg.model_overrides),
        "scales": {k: v.scale for k, v in setup.configs.items()},
        "objectives": objectives,
        "studies": studies,
        "seconds": round(elapsed, 1),
        "quick": bool(cfg.quick),
        "start": {c.name: float(behaviour[c.name]) for c in checked_all},
    }
    report_dir = path(cfg.output.report_dir)
    write_report(report_dir, setup, table, values, report_evaluator, fitted, checked_all, best, unc, meta)
    print(summary(table, fitted, best, unc, behaviour_file, report_dir, elapsed))
    return meta


def prune_studies(storage: Path, prefix: str, keep: set[str]) -> None:
    """Drop earlier studies of this calibration from the storage file, so it stays small."""
    import optuna

    url = f"sqlite:///{storage}"
    for s in optuna.get_all_study_summaries(url):
        if s.study_name.startswith(f"{prefix}-") and s.study_name not in keep:
            optuna.delete_study(study_name=s.study_name, storage=url)


def summary(table, params, best, unc, behaviour_file, report_dir, elapsed) -> str:
    lines = [f"calibration finished in {elapsed / 60:.1f} min"]
    for role in ("calibrate", "validation"):
        rows = table[table.role == role]
        lines.append(f"{role} targets within tolerance: {int(rows.within_tolerance.sum())}/{len(rows)}")
        lines += [
            f"  missed: {r.target} (reported {r.reported:g}, simulated {r.simulated_mean:.4g})"
            for r in rows[~rows.within_tolerance].itertuples()
        ]
    for p in params:
        flag = "" if unc[p.name].identified else "  (not identified by the targets)"
        lines.append(f"  {p.name} = {best[p.name]:.4g}{flag}")
    unidentified = [k for k, u in unc.items() if not u.fitted and not u.identified]
    if unidentified:
        lines.append(f"assumed, and not identifiable by the targets: {', '.join(unidentified)}")
    lines.append(f"fitted values: {behaviour_file}")
    lines.append(f"fit report: {report_dir / 'fit_table.md'}")
    return "\n".join(lines)


@hydra.main(version_base="1.3", config_path="../../conf", config_name="calibrate")
def main(cfg: DictConfig) -> None:
    from hydra.core.hydra_config import HydraConfig

    try:
        calibrate(cfg, explicit_keys(HydraConfig.get().overrides.task))
    except ConfigError as err:
        if os.environ.get("HYDRA_FULL_ERROR") == "1":
            raise
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


def cli() -> None:
    argv = sys.argv[1:]
    if "--debug" in argv:
        os.environ["HYDRA_FULL_ERROR"] = "1"
        sys.argv = [sys.argv[0], *[a for a in argv if a != "--debug"]]
    main()


if __name__ == "__main__":
    cli()
