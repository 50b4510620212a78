"""Targeting: how completely the poverty ledger (建档立卡) knows the registered poor and their labour
status, which limits whom the programmes reach.

At the start a share `identified_share` of households is in the ledger with its labour status; each
January's review adds a share `found_per_year` of those still missing, so the share missed after k
years is (1 - identified_share) (1 - found_per_year)^k. Who is known follows one draw per household
(household i is known once its draw falls below the share known that year), so the same households
are known in every month and every policy mix, and a household once found stays found.

What the ledger limits: the options of every programme with `targeted = True` (closed to households
it does not know, in `PovertyModel._offers_and_choices`), welfare posts, and job-fair mobilisation
(`PovertyModel.identified`). Not limited: migration people arrange themselves, and the minimum
living guarantee, which civil affairs runs on its own means test. Switched off, the ledger is taken as
complete.
"""

from __future__ import annotations

from sim.measures import stock
from sim.programmes.base import Programme
from sim.settings import TargetingConfig


class Targeting(Programme):
    name = "targeting"
    settings = TargetingConfig
    order = 5  # first after migration: sets who the ledger identifies before anyone is placed
    measures = (
        stock("identified_households", "Households the ledger identifies", "households",
              lambda prog: int(prog.model.households.identified.sum())),
    )  # fmt: skip
    targeted = False
    brokered = False

    def __init__(self, model):
        super().__init__(model)
        self.u = model.streams.per_household("targeting.identified", model.households.n)
        self._review(years=0)

    def _review(self, years: int) -> None:
        missed = (1 - self.cfg.identified_share) * (1 - self.cfg.found_per_year) ** years
        self.model.households.identified = self.u < 1 - missed

    def new_year(self) -> None:
        self._review(self.model.year - self.model.cfg.start_year)
