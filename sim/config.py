"""Loading configs: the schema registered with Hydra, and composing a validated run config from
Python (tests, notebooks, benchmarks) the same way the command line does: the config files and the
overrides are checked first (`sim.validate`), schedules given as overrides replace the files' ones,
and every problem is raised at once as a `ConfigError`."""

from __future__ import annotations

import re
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from hydra.errors import HydraException
from omegaconf import DictConfig, OmegaConf

from sim.schema import RunConfig, build_schema
from sim.validate import (
    ConfigError,
    file_problems,
    for_hydra,
    override_problems,
    replace_schedules,
    to_run_config,
    unknown_key,
)

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"


def register_schema() -> None:
    """Make `run_schema` (the typed `RunConfig`) and `programme_settings` (each registered
    programme's `programme/<name>: reports` option) available to `conf/config.yaml`'s defaults.
    Called again after a programme is registered (e.g. one defined in a test), it includes that one."""
    from sim.programmes import levers

    store = ConfigStore.instance()
    store.store(name="run_schema", node=build_schema())
    store.store(name="programme_settings", node={"defaults": [{f"programme/{c.name}": "reports"} for c in levers()]})


def composition_message(exc: BaseException, retry=None) -> str:
    """Hydra's composition error in one line, in the project's words where it is a user's mistake:
    a key not in the config gets the keys that are there (`retry(without)` composes the config
    without the override that failed, to list them)."""
    text = " ".join(str(exc).split())
    failed = re.search(r"Could not override '([^']+)'", text)
    cause = " ".join(str(exc.__cause__ or "").split())
    missing = re.search(r"Key '([^']+)' is not in struct full_key: (\S+)", cause)
    if failed and missing and retry is not None:
        key, part, full = failed.group(1), missing.group(1), missing.group(2)
        parent = full.rsplit(".", 1)[0] if "." in full else ""
        try:
            cfg = retry(key)
            node = OmegaConf.select(cfg, parent) if parent else cfg
            if node is not None:
                return unknown_key(key, part, parent, [str(k) for k in node])
        except Exception:
            pass
    text = text.split(" Config search path:")[0]
    if cause and "full_key" in cause:
        text += f" ({cause})"
    return text


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """The composed config for `overrides`, exactly as `python -m sim <overrides>` would see it."""
    overrides = list(overrides)
    problems = file_problems([CONF_DIR]) + override_problems(overrides)
    if problems:
        raise ConfigError(problems)
    register_schema()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="sim"):
        try:
            cfg = compose(config_name="config", overrides=for_hydra(overrides))
        except HydraException as exc:

            def retry(key: str) -> DictConfig:
                kept = [o for o in overrides if o.lstrip("+~").partition("=")[0] != key]
                return compose(config_name="config", overrides=for_hydra(kept))

            raise ConfigError([composition_message(exc, retry)]) from None
    return replace_schedules(cfg, overrides)


def load(overrides: list[str] | tuple[str, ...] = ()) -> RunConfig:
    """A validated `RunConfig`, e.g. `load(["policy=none", "seed=3", "scale=0.1"])`."""
    return to_run_config(compose_config(overrides))
