"""Money over time: the one place where the calendar year moves money amounts.

The config files give wages, piece rates, post pay, farm income and standing transfers as of
`economy.base_year`. Each is paid, in a calendar year, times the index of its series: the series'
nominal level that year over its level in the base year (conf/economy/; levels interpolated between
the years given, flat beyond them, like the poverty line). The model sets `model.pay_index` (series
name -> float) at the start of each month from `Economy.index(year)`, so it changes on 1 January;
each programme multiplies at the point where it pays, and values its options with the same factor.

Which amounts follow which series (and which do not):
- `migrant_wage`: destination wages and living costs (migration, labour cooperation, the training's
  reference wage);
- `rural_wage_income`: local wages and piece rates (workshops, local employers, flexible work,
  returnees' businesses and their owners' income) and welfare-post pay;
- `rural_business_income`: farm income;
- `rural_transfer_income`: the rural pension and other standing per-person transfers.
Amounts a policy sets (subsidies, awards, rewards, the job-search subsidy, the training allowance,
loans, the dibao line, which has its own schedule by year) stay nominal: they are not indexed.
"""

from __future__ import annotations

import numpy as np

SERIES = ("migrant_wage", "rural_wage_income", "rural_business_income", "rural_transfer_income")


class Economy:
    """Each series' levels by year (`years`, `levels` arrays) and its level in the base year."""

    def __init__(self, cfg):
        self.base_year = cfg.base_year
        self.years = {s: np.array(sorted(getattr(cfg, s)), np.int64) for s in SERIES}
        self.levels = {s: np.array([getattr(cfg, s)[y] for y in self.years[s]], float) for s in SERIES}
        self.base = {s: self.level(s, self.base_year) for s in SERIES}
        self._cache: dict[int, dict[str, float]] = {}

    def level(self, series: str, year: int) -> float:
        """The series' level in `year`: interpolated linearly between the years given, flat beyond."""
        return float(np.interp(year, self.years[series], self.levels[series]))

    def index(self, year: int) -> dict[str, float]:
        """level(year) / level(base_year) of every series: the factor on base-year money in `year`."""
        if year not in self._cache:
            self._cache[year] = {s: self.level(s, year) / self.base[s] for s in SERIES}
        return dict(self._cache[year])
