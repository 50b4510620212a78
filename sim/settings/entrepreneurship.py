"""Settings of return-home entrepreneurship (`sim/programmes/entrepreneurship.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params import ProgrammeConfig, param
from sim.settings.workshops import WorkshopType


@dataclass
class EntrepreneurshipConfig(ProgrammeConfig):
    start_rate: float = param("monthly chance an eligible returnee starts a business, with support", ge=0, le=1)
    returnee_window_months: int = param("months after returning in which a returnee may start", ge=1, le=600)
    min_months_away: int = param("months worked away in the latest spell, at least", ge=0, le=600)
    max_age: int = param("years, oldest starter", ge=16, le=100)
    startup_subsidy: float = param("yuan once per business", ge=0)
    loan: float = param("yuan, guaranteed start-up loan per business (the usual loan, not the cap)", ge=0)
    loan_months: int = param("months the loan runs", ge=0, le=120)
    interest_subsidy_rate: float = param("per year of the loan outstanding, paid by the programme", ge=0, le=1)
    default_share: float = param("share of the outstanding loan the guarantee fund repays on failure", ge=0, le=1)
    owner_income: float = param("yuan/month, the owner's net income", ge=0)
    owner_home_labour: float = param("farm labour units an owner still gives", ge=0, le=1)
    award_per_worker: float = param("yuan per poor worker hired, once, paid to the business", ge=0)
    # Jobs for poor workers at each business: `seats_mean` jobs per business, `closure_rate` the
    # yearly failure hazard, `piece_wage` the monthly wage. Businesses are opened by returnees only:
    # `initial_per_labourer` is 0 (none at the start) and `openings_per_labourer_year` is not used.
    business: WorkshopType = field(default_factory=WorkshopType)
