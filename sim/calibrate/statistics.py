"""Statistics in the reports' terms, computed from one run of the model.

A target names one statistic kind and its settings (`conf/targets/*.yaml`, key `statistic`). A
`Statistic` may watch the run month by month (`observe`, after each step) and gives one number at the
end (`value`). They read only the model's arrays, its monthly table and a `Moves` log of who entered
which labour state when; they never change the model.

Counts are given for the whole county: columns whose declaration says they scale (`sim.measures`)
are divided by the run's `scale`; shares and means are not.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim import measures
from sim.programmes.migration import gross_wage
from sim.state import Labour
from sim.state import labour_states as declared_states

if TYPE_CHECKING:
    from sim.model import PovertyModel


def labour_states(names: list[str]) -> np.ndarray:
    """Codes of the labour states named as in `sim.state.Labour` (`JOB` stands for every job state)."""
    codes: list[int] = []
    for name in names:
        codes += list(declared_states(work=True)) if name == "JOB" else [int(getattr(Labour, name))]
    return np.array(sorted(set(codes)), np.int8)


class Moves:
    """Who entered which labour state in which month: every `People.set_state` call (so a move and a
    quit in the same month are both seen), plus state changes found by comparing month-end states
    (for any rule that writes `people.state` directly)."""

    def __init__(self, model: PovertyModel):
        self.model = model
        self.month: list[np.ndarray] = []
        self.person: list[np.ndarray] = []
        self.state: list[np.ndarray] = []
        self.dest: list[np.ndarray] = []
        people = model.people
        original = people.set_state

        def logged_set_state(idx, state, dest=-1, seat=-1):
            original(idx, state, dest=dest, seat=seat)
            idx = np.asarray(idx)
            if idx.size:
                self._add(idx, people.state[idx], people.dest[idx])

        people.set_state = logged_set_state  # on this run's instance only
        self.previous = people.state.copy()

    def _add(self, idx: np.ndarray, state: np.ndarray, dest: np.ndarray) -> None:
        # A step advances `model.t` first, so every move within step t is logged as month t.
        self.month.append(np.full(idx.size, self.model.t, np.int32))
        self.person.append(idx.astype(np.int64, copy=True))
        self.state.append(state.astype(np.int8, copy=True))
        self.dest.append(dest.astype(np.int8, copy=True))

    def observe(self) -> None:
        """After a step: add the moves the log missed (state changed without `set_state`)."""
        state = self.model.people.state
        changed = np.flatnonzero(state != self.previous)
        logged = [p for m, p in zip(self.month, self.person, strict=True) if m.size and m[0] == self.model.t]
        missed = changed[~np.isin(changed, np.concatenate(logged))] if logged else changed
        if missed.size:
            self._add(missed, state[missed], self.model.people.dest[missed])
        self.previous = state.copy()

    def entered(self, first: int, last: int, states: np.ndarray | None, dest: int | None = None) -> np.ndarray:
        """Distinct persons who entered one of `states` (any, if None), at `dest` if given, in months
        `first`..`last` (month t is the t-th step)."""
        if not self.month:
            return np.zeros(0, np.int64)
        month, person = np.concatenate(self.month), np.concatenate(self.person)
        keep = (month >= first) & (month <= last)
        if states is not None:
            keep &= np.isin(np.concatenate(self.state), states)
        if dest is not None:
            keep &= np.concatenate(self.dest) == dest
        return np.unique(person[keep])


@dataclass
class Group:
    """Persons selected at the month a statistic is read: in one of `states`, at destination `dest`
    (a name of `region.destinations`), at least `min_tenure` months in the state, and, if `joined`
    is given, having entered those states (at `dest`) within those months."""

    states: list[str]
    dest: str | None = None
    min_tenure: int = 0
    joined: list[int] | None = None

    def select(self, model: PovertyModel, moves: Moves | None) -> np.ndarray:
        p = model.people
        mask = np.isin(p.state, labour_states(self.states)) & (p.tenure >= self.min_tenure)
        dest = _dest_index(model, self.dest)
        if dest is not None:
            mask &= p.dest == dest
        members = np.flatnonzero(mask)
        if self.joined is not None:
            members = np.intersect1d(members, self.cohort(model, moves))
        return members

    def cohort(self, model: PovertyModel, moves: Moves) -> np.ndarray:
        first, last = self.joined
        return moves.entered(first, last, labour_states(self.states), _dest_index(model, self.dest))


def _dest_index(model: PovertyModel, name: str | None) -> int | None:
    return None if name is None else model.destinations.index(name)


class Statistic:
    """One number from one run. `columns` lists the monthly-table columns it reads (a target whose
    columns the model does not produce is not usable yet); `needs_moves` asks for a `Moves` log."""

    needs_moves = False

    def columns(self) -> list[str]:
        return []

    def observe(self, model: PovertyModel, moves: Moves | None) -> None:
        """Called after every step."""

    def value(self, model: PovertyModel, table: pd.DataFrame) -> float:
        raise NotImplementedError


def _months(table: pd.DataFrame, months: list[int]) -> pd.DataFrame:
    first, last = months
    return table[(table["month"] >= first) & (table["month"] <= last)]


def _at(table: pd.DataFrame, month: int) -> pd.Series:
    return table.loc[table["month"] == month].iloc[0]


@dataclass
class ColumnRatio(Statistic):
    """Sum of the `numerator` columns over `months` divided by the sum of the `denominator` columns
    (e.g. fair intents per attendee)."""

    numerator: list[str]
    denominator: list[str]
    months: list[int]

    def columns(self) -> list[str]:
        return [*self.numerator, *self.denominator]

    def value(self, model, table):
        rows = _months(table, self.months)
        den = float(rows[self.denominator].to_numpy().sum())
        return float(rows[self.numerator].to_numpy().sum()) / den if den > 0 else np.nan


@dataclass
class ColumnTotal(Statistic):
    """County-wide count: the sum of `columns_` over `months`, at county level."""

    columns_: list[str]
    months: list[int]

    def columns(self) -> list[str]:
        return list(self.columns_)

    def value(self, model, table):
        return float(measures.county_level(_months(table, self.months))[self.columns_].to_numpy().sum())


@dataclass
class ColumnAt(Statistic):
    """The `columns_` summed at the end of `month`, at county level."""

    columns_: list[str]
    month: int

    def columns(self) -> list[str]:
        return list(self.columns_)

    def value(self, model, table):
        rows = measures.county_level(table.loc[table["month"] == self.month])
        return float(rows[self.columns_].iloc[0].sum())


@dataclass
class ColumnPerStart(Statistic):
    """The `numerator` columns at the end of `month` per the `denominator` columns at the start
    (month 0): e.g. people exited through work by the end of 2018 per poor labourer of 2016."""

    numerator: list[str]
    denominator: list[str]
    month: int

    def columns(self) -> list[str]:
        return [*self.numerator, *self.denominator]

    def value(self, model, table):
        den = float(_at(table, 0)[self.denominator].sum())
        return float(_at(table, self.month)[self.numerator].sum()) / den if den > 0 else np.nan


@dataclass
class ColumnPerMean(ColumnRatio):
    """Sum of the `numerator` columns over `months` per average month-end value of the `denominator`
    columns over the same months (e.g. rewards paid per migrant in a year)."""

    def value(self, model, table):
        rows = _months(table, self.months)
        mean = float(rows[self.denominator].to_numpy().sum(axis=1).mean())
        return float(rows[self.numerator].to_numpy().sum()) / mean if mean > 0 else np.nan


@dataclass
class ChannelShare(Statistic):
    """Labourers in the `channels` (names of `sim.state.CHANNEL`) per labourer, at the end of `month`."""

    channels: list[str]
    month: int

    def columns(self) -> list[str]:
        return [measures.employment_column(c) for c in self.channels] + ["labourers"]

    def value(self, model, table):
        row = _at(table, self.month)
        return float(sum(row[c] for c in self.columns()[:-1])) / max(float(row["labourers"]), 1.0)


@dataclass
class EntriesShare(Statistic):
    """Distinct labourers who entered `states` (at `dest`) in `months`, per labourer at the end."""

    states: list[str]
    months: list[int]
    dest: str | None = None
    needs_moves = True

    def columns(self) -> list[str]:
        return ["labourers"]

    def value(self, model, table):
        self._moves: Moves
        entered = self._moves.entered(*self.months, labour_states(self.states), _dest_index(model, self.dest))
        return entered.size / max(float(_at(table, self.months[1])["labourers"]), 1.0)

    def observe(self, model, moves):
        self._moves = moves


@dataclass
class AtMonth(Statistic):
    """A statistic measured once, at the end of month `at`, from the model's state then
    (subclasses say what in `measure`)."""

    at: int
    needs_moves = True
    _value: float = field(default=np.nan, init=False)

    def observe(self, model, moves):
        if model.t == self.at:
            self._value = self.measure(model, moves)

    def measure(self, model, moves) -> float:
        raise NotImplementedError

    def value(self, model, table):
        return self._value


@dataclass
class CohortRetention(AtMonth):
    """Of the persons who entered `group.states` (at `group.dest`) in the months `group.joined`, the
    share still in those states there at the end of month `at` (e.g. pilot migrants still on the job)."""

    group: Group

    def measure(self, model, moves):
        cohort = self.group.cohort(model, moves)
        still = self.group.select(model, moves)
        return still.size / cohort.size if cohort.size else np.nan


@dataclass
class StockRetention(Statistic):
    """Of the persons in `group` at the end of month `start` (0 = the initial state), the share still
    in the same spell `span` months later (same states and destination, tenure grown by `span`)."""

    group: Group
    start: int
    span: int
    _value: float = field(default=np.nan, init=False)

    def observe(self, model, moves):
        if model.t == self.start:
            self._stock = self.group.select(model, moves)
            self._tenure = model.people.tenure[self._stock].astype(np.int64)
        if model.t == self.start + self.span and self._stock.size:
            still = np.isin(self._stock, self.group.select(model, moves))
            unbroken = model.people.tenure[self._stock] == self._tenure + self.span
            self._value = float((still & unbroken).mean())

    def value(self, model, table):
        return self._value


@dataclass
class MeanWage(AtMonth):
    """Mean gross monthly wage of the migrants in `group` in month `at`: what the month paid them (the
    destination wage in that year's money, their tenure pay and productivity; `migration.gross_wage`)."""

    group: Group

    def measure(self, model, moves):
        who = self.group.select(model, moves)
        p = model.people
        paid_at = np.maximum(p.tenure[who] - 1, 0)  # tenure moved on after the month's pay
        wage = gross_wage(model, who, p.dest[who], paid_at)
        return float(wage.mean()) if who.size else np.nan


@dataclass
class HouseholdIncome(AtMonth):
    """Mean per-capita net income over the trailing 12 months (yuan/person/year) of the households
    with at least one member in `group` at the end of month `at`."""

    group: Group

    def measure(self, model, moves):
        households = np.unique(model.people.hh[self.group.select(model, moves)])
        return float(model.income_per_capita[households].mean()) if households.size else np.nan


@dataclass
class OutcomeAfter(AtMonth):
    """Of the persons who entered `entered` states in months `joined` (e.g. a course), the share in
    one of the `outcome` states at the end of month `at` (e.g. in work)."""

    entered: list[str]
    joined: list[int]
    outcome: list[str]

    def measure(self, model, moves):
        cohort = moves.entered(*self.joined, labour_states(self.entered))
        in_outcome = np.isin(model.people.state[cohort], labour_states(self.outcome))
        return float(in_outcome.mean()) if cohort.size else np.nan


KINDS: dict[str, type[Statistic]] = {
    "column_ratio": ColumnRatio,
    "column_total": ColumnTotal,
    "column_at": ColumnAt,
    "column_per_mean": ColumnPerMean,
    "column_per_start": ColumnPerStart,
    "channel_share": ChannelShare,
    "entries_share": EntriesShare,
    "cohort_retention": CohortRetention,
    "stock_retention": StockRetention,
    "mean_wage": MeanWage,
    "household_income": HouseholdIncome,
    "outcome_after": OutcomeAfter,
}


def make_statistic(spec: dict[str, Any]) -> Statistic:
    """The statistic a target's `statistic:` block describes, e.g.
    `{kind: column_ratio, numerator: [a], denominator: [b], months: [1, 12]}`."""
    spec = dict(spec)
    kind = spec.pop("kind")
    if kind not in KINDS:
        raise ValueError(f"unknown statistic kind {kind!r}; known: {sorted(KINDS)}")
    if "group" in spec:
        spec["group"] = Group(**spec["group"])
    if kind in ("column_total", "column_at"):
        spec["columns_"] = spec.pop("columns")
    return KINDS[kind](**spec)


def last_month(spec: dict[str, Any]) -> int:
    """The last month a statistic reads (a run must last at least that long)."""
    months = [spec.get(k) for k in ("at", "month")] + list(spec.get("months") or [])
    months += list(spec.get("joined") or []) + list((spec.get("group") or {}).get("joined") or [])
    if "start" in spec:
        months.append(spec["start"] + spec["span"])
    return max(int(m) for m in months if m is not None)


def simulate(model: PovertyModel, statistics: list[Statistic]) -> list[float]:
    """Step `model` to the end of its configured months, let each statistic watch, return the values."""
    moves = Moves(model) if any(s.needs_moves for s in statistics) else None
    for stat in statistics:
        stat.observe(model, moves)  # month 0: the initial state
    for _ in range(model.cfg.months):
        model.step()
        if moves is not None:
            moves.observe()
        for stat in statistics:
            stat.observe(model, moves)
    table = model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    return [stat.value(model, table) for stat in statistics]
