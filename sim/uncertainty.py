"""The uncertainties of a run: every setting a config file marks `uncertain:` with a range.

A value no report pins down (a capacity, pay or size) is not a point assumption: its config file gives
the central value and, under `uncertain:`, a range `{low, high, reason}` (with the figures, source
and arithmetic the bounds come from, when a report gives them). `ranged_settings(cfg)` lists them
for a composed run config, for a sensitivity analysis to sample:

    from sim.config import load
    from sim.uncertainty import ranged_settings
    for s in ranged_settings(load(["policy=bazhong_2018"])):
        print(s.key, s.value, s.low, s.high)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import yaml

from sim.config import CONF_DIR


@dataclass(frozen=True)
class RangedSetting:
    key: str  # dotted key in the run config, e.g. "policy.welfare_posts.posts_per_labourer"
    value: float  # the central value the run uses
    low: float
    high: float
    reason: str
    file: str  # the config file (relative to conf/) whose `uncertain:` gives the range

    @property
    def inside(self) -> bool:
        return self.low <= self.value <= self.high


def _sections(obj, prefix: str = "") -> dict[str, object]:
    """Every config section that can hold `uncertain:` entries, by its dotted path ("" for the top)."""
    out = {prefix.rstrip("."): obj} if hasattr(obj, "uncertain") else {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out |= _sections(value, f"{prefix}{f.name}.")
    return out


def _value(section, key: str):
    for part in key.split("."):
        section = getattr(section, part)
    return section


def _file_of(section_path: str, key: str, cfg) -> str:
    """The config file whose own `uncertain:` holds `key`: a programme's option files (reports.yaml
    first), or the policy mix's file."""
    parts = section_path.split(".")
    if parts == ["policy"]:
        candidates = [CONF_DIR / "policy" / f"{cfg.policy.name}.yaml"]
    elif len(parts) == 2 and parts[0] == "policy":
        folder = CONF_DIR / "programme" / parts[1]
        candidates = sorted(folder.glob("*.yaml"), key=lambda p: (p.stem != "reports", p.stem))
    else:
        candidates = sorted(CONF_DIR.glob(f"{parts[0]}/*.yaml")) if parts[0] else [CONF_DIR / "config.yaml"]
    for path in candidates:
        data = yaml.safe_load(Path(path).read_text()) or {}
        if key in (data.get("uncertain") or {}):
            return str(Path(path).relative_to(CONF_DIR))
    return ""


def ranged_settings(cfg) -> list[RangedSetting]:
    """Every ranged setting of a composed run config (`sim.config.load`), in config order: its full
    key, the value the run uses, the range, the reason and the file it is stated in."""
    out = []
    for path, section in _sections(cfg).items():
        for key, entry in section.uncertain.items():
            full = f"{path}.{key}" if path else key
            value = _value(section, key)
            out.append(
                RangedSetting(
                    full, float(value), float(entry.low), float(entry.high), entry.reason, _file_of(path, key, cfg)
                )
            )
    return out


def outside_range(cfg) -> list[RangedSetting]:
    """Ranged settings whose value lies outside their range (a command-line override may put one there:
    that is allowed, but a sensitivity analysis should know)."""
    return [s for s in ranged_settings(cfg) if not s.inside]
