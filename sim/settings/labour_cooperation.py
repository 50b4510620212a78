"""Settings of organised migration through labour cooperation (`sim/programmes/labour_cooperation.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class LabourCooperationConfig(ProgrammeConfig):
    fairs_per_year: int = param("job fairs per year held in the county (turnout is drawn per labourer)", ge=0, le=120)
    fair_destination: str = param("destination name: where the fairs' employers are")
    places_per_fair_per_labourer: float = param("jobs offered per fair per poor labourer", ge=0, le=1)
    placements_per_labourer_month: float = param(
        "organised placements outside fairs per poor labourer per month", ge=0, le=1
    )
    placement_destinations: list[str] = param("destination names")
    transport_subsidy_share: float = param("share of the long-distance ticket", ge=0, le=1)
    job_search_subsidy: float = param("yuan once per organised departure", ge=0)
    follow_up_services: bool = param("switch: placed workers are followed up (lowers their quit hazard)")
    max_age: int = param("years, oldest accepted for organised placement", ge=16, le=100)
    min_skill: int = param(
        "lowest schooling level employers take (0 primary .. 2 senior high or vocational)", ge=0, le=2
    )
