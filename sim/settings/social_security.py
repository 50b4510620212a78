"""Settings of the social-security floor, the minimum living guarantee 低保
(`sim/programmes/social_security.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class SocialSecurityConfig(ProgrammeConfig):
    dibao_line: float = param(3200.0, "yuan/person/year guaranteed", ge=0)
    take_up: float = param(0.9, "share of eligible households enrolled", ge=0, le=1)
