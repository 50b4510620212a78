"""Settings of stable-employment rewards (`sim/programmes/rewards.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class RewardsConfig(ProgrammeConfig):
    migrant_months: int = param("continuous months of work away that earn a reward", ge=1, le=60)
    flexible_months: int = param("continuous months of flexible work that earn a reward", ge=1, le=60)
    amount: float = param("yuan per reward, to the household", ge=0)
