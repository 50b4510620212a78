"""Settings of organised migration through labour cooperation (`sim/programmes/labour_cooperation.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class LabourCooperationConfig(ProgrammeConfig):
    fairs_per_year: int = param(0, "job fairs per year", ge=0, le=120)
    fair_destination: str = "guangdong"
    places_per_fair: int = param(300, "jobs offered per fair", ge=0)
    placements_per_month: int = param(0, "organised placements outside fairs, county-wide", ge=0)
    placement_destinations: list[str] = param(["guangdong", "intra_province"], "destination names")
    transport_subsidy_share: float = param(0.5, "share of the long-distance ticket", ge=0, le=1)
    job_search_subsidy: float = param(500.0, "yuan once per organised departure", ge=0)
    follow_up_services: bool = True
    max_age: int = param(55, "years, oldest accepted for organised placement", ge=16, le=100)
    min_skill: int = param(0, "lowest schooling level employers take (0 primary .. 3 certified trade)", ge=0, le=3)
