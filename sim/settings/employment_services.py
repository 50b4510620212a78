"""Settings of employment services: guaranteed rounds of job offers
(`sim/programmes/employment_services.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class EmploymentServicesConfig(ProgrammeConfig):
    offer_rounds_per_year: int = param(3, "rounds of job offers to each labourer who wants work", ge=0, le=12)
    offers_per_round: int = param(5, "job offers per round", ge=0, le=50)
    round_search_rate: float = param(0.3, "chance a labourer without work weighs a round's offers", ge=0, le=1)
    cost_per_round: float = param(30.0, "yuan per labourer served per round", ge=0)
