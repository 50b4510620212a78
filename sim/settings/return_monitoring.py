"""Settings of return-flow monitoring and re-employment (`sim/programmes/return_monitoring.py`)."""

from __future__ import annotations

from dataclasses import dataclass

from sim.params import ProgrammeConfig, param


@dataclass
class ReturnMonitoringConfig(ProgrammeConfig):
    detection_rate: float = param("share of returned migrants the monitoring finds", ge=0, le=1)
    follow_up_months: int = param("months a found returnee gets help looking for work", ge=1, le=24)
    search_rate: float = param("monthly chance a followed-up returnee weighs the offers", ge=0, le=1)
    cost_per_case_month: float = param("yuan per returnee followed up per month", ge=0)
