"""Settings of the social-security floor, the minimum living guarantee 低保
(`sim/programmes/social_security.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class SocialSecurityConfig(ProgrammeConfig):
    # By year, like the poverty line: interpolated between the years given, flat beyond them.
    dibao_line: dict[int, float] = param("yuan/person/year guaranteed, by calendar year (interpolated)")
    take_up: float = param("share of eligible households enrolled", ge=0, le=1)
