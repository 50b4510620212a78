"""Settings of targeting: how completely the poverty ledger identifies the registered poor and their
labour status (`sim/programmes/targeting.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class TargetingConfig(ProgrammeConfig):
    identified_share: float = param(
        "share of registered-poor households whose labour status is in the ledger at the start", ge=0, le=1
    )
    found_per_year: float = param(
        "share of the households still missing that each January's ledger review adds", ge=0, le=1
    )
