"""The yearly poverty assessment of the registered poor (建档立卡): who is on the ledger as poor, who
has exited (脱贫), and who has returned to poverty (返贫).

The monthly `households.poor` (sim.model `_income_and_poverty`) is a line crossing: income over the
trailing 12 months against the year's line, every month. The campaign did not count that way. Every
simulated household is a registered poor household at the start (`ledger_poor`). At the end of each
December every household on the ledger is assessed on its net income per person over the calendar
year (the trailing 12 months at December are January to December) against that year's line:

- a household on the ledger as poor whose income is at or above the line exits (脱贫): it gets the
  persistent `exited` status, and the exit is credited to a channel by the rule of the monthly exits
  (`income.credit_exits`, from the household's December), kept in `assessed_channel`;
- an exited household whose income is below the line is a return to poverty (返贫): counted, and back
  on the ledger as poor (its `assessed_channel` is cleared; a later exit is credited afresh).

Between Decembers nothing changes: an exited household stays exited through a bad month or a
trailing income that dips below the line in, say, June, as the campaign's status did.

Exited households are re-assessed every December, not only when their income is seen to fall. The
campaign kept exited households on the ledger (脱贫不脱政策) and re-checked all of them in each year's
dynamic adjustment (动态管理, 回头看), and the 2021 monitoring against returns to poverty (防返贫监测)
watched every exited household yearly; a rule that looked only at households whose income fell would
need a trigger the model does not have (the monitoring's own reports, applications, visits). Assessing
every December on the calendar year's income is both rules at once in a model whose only criterion
is income: an exited household below the line at December is found.

So, right after each December's assessment, the households on the ledger as poor are those below
the line that month, as in the monthly count; the two differ in the eleven months between (the
ledger holds its December status), in the flows (an exit or a return is counted once a year, on the
calendar year's income, so churn across the line within a year is no exit and no 返贫) and in the
credited channel (of the December of the exit).

Households that died out (no living member) leave the ledger: they are neither poor nor exited.
Income is the only criterion; the campaign's other criteria (两不愁三保障: food, clothing, schooling,
health care, safe housing) are not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim import income
from sim.state import EXIT_GROUPS, exit_channels, exit_group_table, exit_groups

if TYPE_CHECKING:
    from sim.model import PovertyModel

DECEMBER = 12


class Assessment:
    """The ledger's yearly assessment of one run. `assess()` is called each month after income; it
    acts only in December. Flows of the month (`exits`, `returned`) are empty in other months."""

    def __init__(self, model: PovertyModel):
        self.model = model
        n = model.households.n
        self.ledger_poor = np.ones(n, bool)  # registered and not (or no longer) exited
        self.exited = np.zeros(n, bool)  # 脱贫 at the latest assessment
        self.assessed_channel = np.full(n, -1, np.int8)  # exit channel of the latest assessed exit
        self.exits = np.zeros(0, np.int64)  # households exiting at this month's assessment
        self.returned = np.zeros(0, np.int64)  # exited households assessed poor this month (返贫)
        self.cumulative_exits = dict.fromkeys(exit_channels().values(), 0)
        self.cumulative_returns = 0
        self._groups = exit_group_table()

    def assess(self) -> None:
        """At the end of December: assess every household on the ledger on its calendar year's income."""
        m = self.model
        self.exits = self.returned = np.zeros(0, np.int64)
        if m.calendar_month != DECEMBER:
            return
        h = m.households
        alive = h.size > 0
        self.ledger_poor &= alive
        self.exited &= alive
        above = income.per_capita(h) >= m.line
        self.exits = np.flatnonzero(self.ledger_poor & above)
        self.returned = np.flatnonzero(self.exited & ~above)
        channel = income.credit_exits(m.people, h, self.exits, m.is_work)
        self.ledger_poor[self.exits] = False
        self.exited[self.exits] = True
        self.assessed_channel[self.exits] = channel
        self.exited[self.returned] = False
        self.ledger_poor[self.returned] = True
        self.assessed_channel[self.returned] = -1
        for code, name in exit_channels().items():
            self.cumulative_exits[name] += int((channel == code).sum())
        self.cumulative_returns += self.returned.size

    def groups_of(self, channels: np.ndarray) -> np.ndarray:
        """Group index (into `EXIT_GROUPS`) of each exit channel code; -1 where none."""
        return np.where(channels >= 0, self._groups[np.maximum(channels, 0)], -1)

    def by_group(self, channels: np.ndarray) -> dict[str, int]:
        """Counts of exit channel codes `channels` by group (`EXIT_GROUPS`)."""
        groups = self._groups[channels[channels >= 0]]
        counts = np.bincount(groups[groups >= 0], minlength=len(EXIT_GROUPS))
        return {g: int(n) for g, n in zip(EXIT_GROUPS, counts, strict=True)}

    def exits_by_group(self) -> dict[str, int]:
        """This month's assessed exits by group."""
        return self.by_group(self.assessed_channel[self.exits])


def cumulative_by_group(by_channel: dict[str, int]) -> dict[str, int]:
    """Cumulative exits by channel name summed into the groups (`EXIT_GROUPS`)."""
    groups = exit_groups()
    out = dict.fromkeys(EXIT_GROUPS, 0)
    for name, n in by_channel.items():
        out[groups[name]] += n
    return out
