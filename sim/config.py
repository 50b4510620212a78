"""Loading configs: the schema registered with Hydra, and composing a validated run config from
Python (tests, notebooks, benchmarks) the same way the command line does."""

from __future__ import annotations

from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.config_store import ConfigStore
from omegaconf import DictConfig

from sim.schema import RunConfig, build_schema
from sim.validate import to_run_config

CONF_DIR = Path(__file__).resolve().parent.parent / "conf"


def register_schema() -> None:
    """Make `run_schema` (the typed `RunConfig`) and `programme_settings` (each registered
    programme's `programme/<name>: reports` option) available to `conf/config.yaml`'s defaults.
    Called again after a programme is registered (e.g. one defined in a test), it includes that one."""
    from sim.programmes import levers

    store = ConfigStore.instance()
    store.store(name="run_schema", node=build_schema())
    store.store(name="programme_settings", node={"defaults": [{f"programme/{c.name}": "reports"} for c in levers()]})


def compose_config(overrides: list[str] | tuple[str, ...] = ()) -> DictConfig:
    """The composed config for `overrides`, exactly as `python -m sim <overrides>` would see it."""
    register_schema()
    with initialize_config_dir(config_dir=str(CONF_DIR), version_base="1.3", job_name="sim"):
        return compose(config_name="config", overrides=list(overrides))


def load(overrides: list[str] | tuple[str, ...] = ()) -> RunConfig:
    """A validated `RunConfig`, e.g. `load(["policy=none", "seed=3", "scale=0.1"])`."""
    return to_run_config(compose_config(overrides))
