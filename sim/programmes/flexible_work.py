"""TODO(issue 4): programme module under construction in this session."""

from __future__ import annotations

from sim.programmes.base import Programme


class FlexibleWork(Programme):
    name = "flexible_work"
