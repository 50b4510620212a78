"""Settings of skills training (`sim/programmes/training.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params import ProgrammeConfig, param


@dataclass
class CourseConfig:
    """One kind of course: general, labour-brand (named trades) or special classes."""

    places_per_labourer_month: float = param("course starts per intake month per poor labourer", ge=0, le=1)
    months: int = param("course length", ge=1, le=24)
    certificate: bool = param("switch: graduates get a vocational certificate (schooling is unchanged)")
    placement_rate: float = param("share of graduates the course's placement service takes on", ge=0, le=1)
    wage_premium: float = param("relative pay rise of graduates in their trade", ge=0, le=2)
    slack_months_only: bool = param("switch: classes start only in farm-slack months")
    disadvantaged_only: bool = param("switch: only older, least schooled or disabled labourers")
    allow_disabled: bool = param("switch: disabled labourers may take the course")
    min_age: int = param("years", ge=16, le=100)
    max_age: int = param("years", ge=16, le=100)


@dataclass
class TrainingConfig(ProgrammeConfig):
    allowance_per_day: float = param("yuan per training day, living allowance", ge=0)
    days_per_month: float = param("training days in a course month", ge=0, le=31)
    course_cost_per_month: float = param("yuan per trainee-month paid to the provider", ge=0)
    request_delay_days: float = param("days from a request to the course start, at most", ge=0, le=365)
    placement_months: int = param("months a placed graduate searches with priority and the job bonus", ge=0, le=24)
    reference_wage: float = param("yuan/month a graduate expects, to value the pay rise", ge=0)
    disadvantaged_age: int = param("years; from this age a labourer counts as older", ge=16, le=100)
    general: CourseConfig = field(default_factory=CourseConfig)
    brand: CourseConfig = field(default_factory=CourseConfig)
    special: CourseConfig = field(default_factory=CourseConfig)
