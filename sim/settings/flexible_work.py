"""Settings of flexible work in farm-slack months (`sim/programmes/flexible_work.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class FlexibleWorkConfig(ProgrammeConfig):
    jobs_per_labourer: float = param("flexible jobs open in a slack month per poor labourer", ge=0, le=1)
    pay: float = param("yuan/month at full productivity: home handicraft, hourly and seasonal work", ge=0)
    care_compatibility: float = param("0: incompatible with caring, 1: fully", ge=0, le=1)
    home_labour: float = param("farm labour units a flexible worker still gives", ge=0, le=1)
    quit_rate: float = param("per month, flexible workers leaving for own reasons", ge=0, le=1)
    allow_disabled: bool = param("switch: disabled labourers may take flexible work")
    max_age: int = param("years", ge=16, le=100)
