"""What every programme declares and the hooks the model calls, in the order it calls them.

A programme is one class in one module (plus its config folder `conf/programme/<name>/`). Its class
declares:
- `name` (its key under `policy.`), `settings` (the dataclass of its settings, in `sim/settings/`),
  `order` (its place within each phase of the month: lower runs first) and `lever` (False for what no
  policy switches: migration people arrange themselves);
- `states`: the labour states it owns (`sim.state.State`: channel label, colour, home labour, whether
  it is work, away from home, stable income);
- `measures`: its counters, spending items and stocks (`sim.measures.counter`, `spending`, `stock`).
The registry (`sim.programmes.registered`), `PolicyConfig`, the home-labour table, plot legends,
channel tables and the monthly table are derived from these. Defining the class registers it.

At set-up the model calls `start_state` once. The month, as `PovertyModel.step` runs it (every hook
is called only from there): `start_month` -> (January) `new_year` -> `supply` -> `adjust_search`,
`hold_search` -> `options`, `job_bonus`, `admit` -> `assign` -> `pay_workers`, `pay_transfers` ->
`quit_hazard`, `quit_factor`,
`leave` -> `finish_month`. Programmes never call each other's hooks; they hand things on through
named state on people and households.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np

from sim.choice import Option
from sim.measures import FLOW, Measure
from sim.state import State, register_state

if TYPE_CHECKING:
    from sim.model import PovertyModel


class Programme:
    name: ClassVar[str]
    settings: ClassVar[type | None] = None
    order: ClassVar[int] = 50
    lever: ClassVar[bool] = True
    states: ClassVar[tuple[State, ...]] = ()
    measures: ClassVar[tuple[Measure, ...]] = ()
    targeted: ClassVar[bool] = True  # reaches only households the poverty ledger identifies (see targeting)
    brokered: ClassVar[bool] = True  # its options are jobs brought by the programme, which services and
    # training make easier to take (not jobs people find for themselves)
    codes: ClassVar[dict[str, int]] = {}  # state name -> code, filled at registration

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" not in cls.__dict__:
            return  # a shared base (e.g. seat employers), not a programme
        cls.codes = {s.name: register_state(s, cls.name) for s in cls.states}
        from sim.programmes import register

        register(cls)

    def __init__(self, model: PovertyModel):
        self.model = model
        self.cfg = getattr(model.cfg.policy, self.name) if self.settings is not None else None
        self.flows = {m.name: 0.0 if m.unit == "yuan" else 0 for m in self.measures if m.kind == FLOW}

    def per_labourer(self, rate: float) -> float:
        """A capacity given per poor labourer (a stock, or a flow per month or year) for the simulated
        county: the rate times the region's poor labourers times the simulated share (`scale`), so a
        region of any size gets its capacity from the same rate."""
        return rate * self.model.cfg.region.labourers * self.model.cfg.scale

    # ------------------------------------------------------------------ bookkeeping
    def spend(self, item: str, amount: float) -> None:
        self.flows[item] += float(amount)

    def count(self, counter: str, n: int = 1) -> None:
        self.flows[counter] += int(n)

    def value(self, m: Measure) -> float:
        """This month's value of one of its measures."""
        return self.flows[m.name] if m.kind == FLOW else m.get(self)

    # ------------------------------------------------------------------ set-up
    def start_state(self) -> None:
        """Once, before the run: put the people who already hold its states at the start in them
        (as the steady state of its dynamics, `sim.stationary`), before the year before the run is
        filled with their pay."""

    # ------------------------------------------------------------------ the month, in order
    def start_month(self) -> None:
        """First of the month: flows start from zero."""
        for k, v in self.flows.items():
            self.flows[k] = type(v)()

    def new_year(self) -> None:
        """After January's demography (ageing, school leaving, care duties recomputed)."""

    def supply(self) -> None:
        """This month's capacity: openings, closures, vacancies, intakes."""

    def adjust_search(self, rate: np.ndarray) -> None:
        """Raise or lower, in place, each person's chance of weighing options this month."""

    def hold_search(self, held: np.ndarray) -> None:
        """Mark, in place, persons who do not search this month whatever their chance (e.g. waiting
        for a booked course); applied after every `adjust_search`."""

    def options(self, searchers: np.ndarray) -> list[Option]:
        """Options this programme offers to the searching labourers `searchers`."""
        return []

    def job_bonus(self, searchers: np.ndarray, bonus: np.ndarray) -> None:
        """Add, in place, to the utility each searcher sees in every brokered job option."""

    def admit(self, option: Option, persons: np.ndarray) -> None:
        """Take in the persons who chose `option` and got a place."""

    def assign(self) -> None:
        """Administrative placements and events (posts, job fairs, enrolment), after the choices."""

    def pay_workers(self) -> None:
        """Add this month's net earnings of the people in its states to `people.earnings` and book
        what that costs. Also called at set-up, to fill the year before the run."""

    def pay_transfers(self) -> None:
        """Transfers to households (`households.transfer`): rewards, guarantees. Not called at set-up:
        they start with the run."""

    def quit_hazard(self, hazard: np.ndarray) -> None:
        """Write, in place, this month's hazard of leaving for the people in its states."""

    def quit_factor(self, hazard: np.ndarray) -> None:
        """Scale, in place, hazards written by `quit_hazard` (follow-up services, rewards ahead)."""

    def leave(self, leavers: np.ndarray) -> None:
        """`leavers` drew a quit this month and go back to the farm after this hook: record what
        their leaving means for this programme (e.g. the spell away that ended)."""

    def finish_month(self) -> None:
        """Month-end bookkeeping after separations: close cases of those now in work, open new ones."""
