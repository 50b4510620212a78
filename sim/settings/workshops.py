"""Settings of local poverty-alleviation workshops (`sim/programmes/workshops.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params import ProgrammeConfig, param


@dataclass
class WorkshopType:
    """One workshop model: factory-type, home-based or cooperative."""

    initial_per_labourer: float = param("employers open at the start per poor labourer", ge=0, le=1)
    openings_per_labourer_year: float = param("new employers per year per poor labourer at zero award", ge=0, le=1)
    closure_rate: float = param("per workshop per year", ge=0, le=12)
    seats_mean: float = param("seats per workshop (Poisson mean)", ge=1)
    piece_wage: float = param("yuan/month at full productivity", ge=0)
    busy_month_pay_factor: float = param("pay factor in farm-busy months", ge=0, le=1)
    care_compatibility: float = param("0: incompatible with caring, 1: fully", ge=0, le=1)
    home_labour: float = param("farm labour units a worker still gives", ge=0, le=1)
    allow_disabled: bool = param("switch: disabled labourers may work here")
    max_age: int = param("years", ge=16, le=100)
    min_skill: int = param("lowest schooling level taken (0 primary .. 2 senior high or vocational)", ge=0, le=2)


@dataclass
class WorkshopsConfig(ProgrammeConfig):
    award_per_worker: float = param("yuan per poor worker hired, once, paid to workshop", ge=0)
    award_reference: float = param("yuan, award at which openings are 1+elasticity times base", ge=1)
    award_elasticity: float = param("relative rise in openings per award_reference", ge=0, le=10)
    factory: WorkshopType = field(default_factory=WorkshopType)
    home: WorkshopType = field(default_factory=WorkshopType)
    coop: WorkshopType = field(default_factory=WorkshopType)
