"""TODO(issue 4): programme module under construction in this session."""

from __future__ import annotations

from sim.programmes.base import Programme


class ReturnMonitoring(Programme):
    name = "return_monitoring"
