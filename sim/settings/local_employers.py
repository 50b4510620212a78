"""Settings of local employers and producers that hire poor labourers (`sim/programmes/local_employers.py`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.params import ProgrammeConfig, param
from sim.settings.workshops import WorkshopType


@dataclass
class LocalEmployersConfig(ProgrammeConfig):
    award_per_worker: float = param("yuan per poor worker hired, once, paid to the employer", ge=0)
    award_reference: float = param("yuan, award at which openings are 1+elasticity times base", ge=1)
    award_elasticity: float = param("relative rise in openings per award_reference", ge=0, le=10)
    firm: WorkshopType = field(default_factory=WorkshopType)  # enterprises and employment bases
    producer: WorkshopType = field(default_factory=WorkshopType)  # cooperatives, large and family farms
