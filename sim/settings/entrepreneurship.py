"""Settings of return-home entrepreneurship (`sim/programmes/entrepreneurship.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class EntrepreneurshipConfig(ProgrammeConfig):
    start_rate: float = param(0.01, "monthly chance a recent returnee starts a business, with support", ge=0, le=1)
    returnee_window_months: int = param(24, "months after returning in which a returnee may start", ge=1)
    min_months_away: int = param(12, "months worked away before returning", ge=0)
    loan_cap: float = param(100000.0, "yuan, guaranteed start-up loan cap", ge=0)
    loan_mean: float = param(60000.0, "yuan, average loan taken", ge=0)
    interest_subsidy_rate: float = param(0.05, "per year of the loan, paid by the programme", ge=0, le=1)
    startup_subsidy: float = param(5000.0, "yuan once per business", ge=0)
    jobs_mean: float = param(4.15, "poor workers per business (Poisson mean)", ge=0)
    wage: float = param(1800.0, "yuan/month paid to a worker", ge=0)
    owner_income: float = param(3000.0, "yuan/month, the owner's net income", ge=0)
    failure_rate: float = param(0.15, "per business per year", ge=0, le=12)
