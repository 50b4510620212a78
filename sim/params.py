"""Building blocks of the typed config: fields with unit and range, and provenance records."""

from __future__ import annotations

from dataclasses import dataclass, field

from omegaconf import MISSING


def param(unit: str, ge: float | None = None, le: float | None = None, **extra):
    """A config field with its unit and allowed range (inclusive), and no value of its own: every value
    of a run comes from the config files (conf/), where its source or reason is written beside it."""
    meta = {"unit": unit, "ge": ge, "le": le, **extra}
    return field(default=MISSING, metadata=meta)


@dataclass
class Quoted:
    """Where a quoted value comes from: a figure key of data/figures.yaml and its report file."""

    figure: str = MISSING
    source: str = MISSING
    note: str = ""


@dataclass
class Uncertain:
    """A value no report pins down (a capacity, pay or size): the config holds the central value, which
    lies in [low, high]; `reason` says where the bounds come from (e.g. the period of a cumulative
    count). `figures` and `source` name the figures the bounds are derived from, if any, and `note`
    holds the arithmetic. The sensitivity analysis samples these ranges (`sim.uncertainty`)."""

    low: float = MISSING
    high: float = MISSING
    reason: str = MISSING
    figures: list[str] = field(default_factory=list)
    source: str = ""
    note: str = ""


@dataclass
class Fitted:
    """A value fitted by calibration (`python -m sim.calibrate`): the search bounds, the targets of
    conf/targets/ it was fitted to, and how well they pin it down (see sim/calibrate/fit.py)."""

    value: float = MISSING
    bounds: list[float] = field(default_factory=list)
    log: bool = False
    near_best: list[float] = field(default_factory=list)  # 10-90% range over the trials meeting every target
    sd_interval: list[float] = field(default_factory=list)  # value -/+ one joint standard deviation
    sd_share_of_bounds: float = 0.0
    identified: bool = True
    trades_off_with: str = ""  # the parameter it is most correlated with in the fit, if strongly
    targets: list[str] = field(default_factory=list)


@dataclass
class Documented:
    """A config section whose values say where they come from: `quoted` (key -> figure and report)
    and `assumed` (key -> one-line reason) and `uncertain` (key -> range and reason). Keys are relative
    to the section."""

    quoted: dict[str, Quoted] = field(default_factory=dict)
    assumed: dict[str, str] = field(default_factory=dict)
    uncertain: dict[str, Uncertain] = field(default_factory=dict)


@dataclass
class ProgrammeConfig(Documented):
    """Every programme can be switched on and off by the policy mix (each option file of
    conf/programme/ sets `enabled: false`; the mixes of conf/policy/ switch programmes on)."""

    enabled: bool = param("switch: the programme runs")
