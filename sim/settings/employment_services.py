"""Settings of employment services: guaranteed rounds of job offers
(`sim/programmes/employment_services.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class EmploymentServicesConfig(ProgrammeConfig):
    offer_rounds_per_year: int = param("rounds of job offers to each labourer who wants work", ge=0, le=12)
    offers_per_round: int = param("job offers per round", ge=0, le=50)
    round_search_rate: float = param("chance a labourer without work weighs a round's offers", ge=0, le=1)
    cost_per_round: float = param("yuan per labourer served per round", ge=0)
