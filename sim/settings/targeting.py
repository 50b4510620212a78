"""Settings of targeting: how completely the poverty ledger identifies the registered poor and their
labour status (`sim/programmes/targeting.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class TargetingConfig(ProgrammeConfig):
    identified_share: float = param(
        1.0, "share of registered-poor households whose labour status is in the ledger", ge=0, le=1
    )
