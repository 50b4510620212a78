"""Settings of free technical schooling for school leavers of poor families, 两后生
(`sim/programmes/tech_school.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class TechSchoolConfig(ProgrammeConfig):
    enrol_rate: float = param("share of eligible school leavers who enrol", ge=0, le=1)
    places_per_labourer_year: float = param("new students per year per poor labourer", ge=0, le=1)
    years: int = param("years in school", ge=1, le=5)
    max_age: int = param("years; oldest school leaver without work who may enrol", ge=16, le=30)
    allow_disabled: bool = param("switch: disabled school leavers may enrol")
    cost_per_student_month: float = param("yuan: free tuition, board and subsidy", ge=0)
    graduate_schooling: int = param(
        "schooling level of a graduate (who also gets a vocational certificate)", ge=0, le=2
    )
    placement_months: int = param("months a graduate searches with priority and the job bonus", ge=0, le=24)
