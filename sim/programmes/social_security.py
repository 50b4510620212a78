"""The social-security floor: the minimum living guarantee (低保) for households that cannot work.

Without it the model would count households with nobody able to work as "left behind by employment
policy" without saying so. A household has no labour capacity when none of its labourers is able to
work: it has no labourer, or every labourer is disabled (`labour_capacity`). A bound carer is able to
work: a caring duty limits which work (at home, near home, part-time) but is not a loss of labour
capacity, which is what the guarantee's rule (无劳动能力, 丧失劳动能力) asks. Counting carers as without
capacity put carer households on the floor and made them, in the full mix, end less poor than
households free to work: the caring constraint reversed. A chronically ill labourer is able to work
too: the model's chronic illness lowers pay (`behaviour.chronic_productivity`) and weighs against
work away, but no programme excludes it, and the guarantee's rule is about the loss of capacity
(disability, or a serious illness the model's health codes do not separate from chronic illness).
Such a household is on the floor when its trailing 12-month income per person, leaving out the
guarantee itself, is below the year's dibao
line, and it took the guarantee up (one draw per household, so the same households take it up in
every month and every policy mix). Each month it is paid the gap to the line: (line - own income
per person) x members / 12, into `households.transfer`. Being paid on last year's income is how the
guarantee's yearly means test works; after a year on the floor the household's income per person
is the line. Exits with this transfer as the only income beyond the farm are credited to the
`social_security` channel (`income.credit_exits`, through `households.transfer_channel`).

The floor starts with the run (nothing is paid while the initial year of income is filled in), so the
households poor at the start are the same in every mix. It is run by civil affairs on its own means
test, not through the poverty ledger: targeting does not limit it.
"""

from __future__ import annotations

import numpy as np

from sim import income
from sim.measures import counter, spending
from sim.programmes.base import Programme
from sim.settings import SocialSecurityConfig
from sim.state import Health, Role, State

# An exit channel, not a labour state: households out of poverty on the guarantee alone.
FLOOR = State("SOCIAL_SECURITY", "social_security", "Social-security floor", "#969696", channel_only=True, code=99)


class SocialSecurity(Programme):
    name = "social_security"
    settings = SocialSecurityConfig
    order = 100  # last: tops up what households have from everything else
    states = (FLOOR,)
    measures = (
        spending("transfer", "Minimum living guarantee paid"),
        counter("households", "Households paid the guarantee", "households"),
        counter("people", "People in households paid the guarantee"),
    )
    targeted = False
    brokered = False

    def __init__(self, model):
        super().__init__(model)
        n = model.households.n
        self.channel = self.codes["SOCIAL_SECURITY"]
        self.takes_up = model.streams.per_household("social_security.take_up", n) < self.cfg.take_up
        self.candidates = np.zeros(0, np.int64)
        self.paid_ring = np.zeros((12, 0))  # paid to each candidate in each of the last 12 months
        self._find_candidates()

    def _find_candidates(self) -> None:
        """Households with no labour capacity that take the guarantee up, and their sizes: both change
        only with January's demography. Payments still in the 12-month window go with them."""
        p, h = self.model.people, self.model.households
        found = np.flatnonzero(~labour_capacity(p, h.n) & self.takes_up & (h.size > 0))
        ring = np.zeros((12, h.n))
        ring[:, self.candidates] = self.paid_ring
        self.candidates, self.paid_ring = found, ring[:, found]
        self.paid_trailing = self.paid_ring.sum(axis=0)
        self.size = h.size[found].astype(float)

    def new_year(self) -> None:
        self._find_candidates()

    def pay_transfers(self) -> None:
        m = self.model
        h = m.households
        h.on_floor[:] = False
        # Own income over the last 12 months (the window `h.trailing` covers now); this month's
        # payment then replaces the one of 12 months ago, as the month's income will in `h.trailing`.
        cand = self.candidates
        own = (h.trailing[cand] - self.paid_trailing) / self.size
        line = income.poverty_line(self.cfg.dibao_line, m.year)
        paid = np.maximum(line - own, 0.0) * (self.size / 12)
        slot = m.t % 12
        self.paid_trailing += paid - self.paid_ring[slot]
        self.paid_ring[slot] = paid
        h.transfer[cand] += paid
        on = paid > 0
        h.on_floor[cand] = on
        h.transfer_channel[cand[on]] = self.channel
        self.spend("transfer", paid.sum())
        self.count("households", int(on.sum()))
        self.count("people", int(self.size[on].sum()))


def labour_capacity(p, n_households: int) -> np.ndarray:
    """Whether each household has labour capacity: a labourer (16-64, not in school) who is not
    disabled. Bound carers and the chronically ill count as able (see the module's docstring)."""
    able = (p.role == Role.LABOURER) & (p.health != Health.DISABLED)
    return np.bincount(p.hh[able], minlength=n_households) > 0
