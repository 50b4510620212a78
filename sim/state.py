"""Codes of the columnar state: roles, health and labour states, and the registry of labour states.

Person and household attributes are plain numpy arrays (see `sim.population.Population`); these
classes name their integer codes (plain ints, see `Codes`). Every labourer is in exactly one labour
state each month; everyone else is in `Labour.NONE`.

`Labour` holds only the two states every run has (`NONE`, `FARM`); each programme declares the states
it owns (`sim.programmes.base.State`) and they are added here when its module is imported, so
`Labour.WORKSHOP_HOME` exists once `sim.programmes` is. Groups of states (work away, stable work...)
and channel names are derived from those declarations by the functions below, never listed by hand.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


class Codes(type):
    """Named integer codes. Members are plain ints, because numpy compares an int8 array with an
    `IntEnum` member by first casting the whole array to int64 (about 20 times slower); the class
    still iterates over its codes, has a length and names each code."""

    def __new__(mcs, name, bases, namespace):
        cls = super().__new__(mcs, name, bases, namespace)
        cls._names = {v: k for k, v in namespace.items() if k.isupper() and isinstance(v, int)}
        return cls

    def __iter__(cls):
        return iter(sorted(cls._names))

    def __len__(cls) -> int:
        return max(cls._names) + 1

    def name_of(cls, code) -> str:
        return cls._names[int(code)]


class Role(metaclass=Codes):
    CHILD = 0  # under 6: needs care
    STUDENT = 1  # 6-15, in school
    LABOURER = 2  # 16-64, not in school
    ELDER = 3  # 65 and over
    DECEASED = 4


class Health(metaclass=Codes):
    HEALTHY = 0
    CHRONIC = 1
    DISABLED = 2


class Labour(metaclass=Codes):
    """Labour states. Programmes add theirs (see `register_state`)."""

    NONE = 0  # not a labourer
    FARM = 1  # farming only, or no work: the state everyone returns to


MAX_CODE = 127  # people.state is int8


@dataclass(frozen=True)
class State:
    """A labour state, or an exit channel that is no labour state (`channel_only`).

    name: the `Labour` attribute (e.g. "WORKSHOP_HOME"); channel: its name in tables and summaries;
    label and colour: how plots show it; home_labour: farm labour units a person in it still gives at
    home, as a number or as the key of a value in the owning programme's settings (e.g.
    "home.home_labour"); work: paid work (a job found, an exit credited to it); away: lives away from
    home (cannot care for anyone); stable: counts as a stable household income (the welfare-post
    rule); code: a fixed code, or None for the next free one."""

    name: str
    channel: str
    label: str
    colour: str
    home_labour: float | str = 0.0
    work: bool = True
    away: bool = False
    stable: bool = False
    channel_only: bool = False
    code: int | None = None


FARM_STATE = State("FARM", "farm", "Farming only (farm income and transfers)", "#bbbbbb", 1.0, work=False)
_STATES: dict[int, State] = {Labour.FARM: FARM_STATE}  # code -> declaration (NONE is no channel)
_OWNER: dict[int, str] = {Labour.FARM: ""}  # code -> programme name


def register_state(state: State, owner: str) -> int:
    """Add a programme's state to `Labour` (or an exit channel) and return its code. Registering the
    same declaration again (a module reloaded) returns the same code."""
    for code, known in _STATES.items():
        if known.name == state.name or known.channel == state.channel:
            if known == state and _OWNER[code] == owner:
                return code
            raise ValueError(f"labour state {state.name}/{state.channel} of {owner!r} is already {_OWNER[code]!r}'s")
    code = state.code
    if code is None:
        used = set(_STATES) | {Labour.NONE}
        code = next(c for c in range(2, MAX_CODE) if c not in used)
    if code in _STATES or code == Labour.NONE or not 0 < code <= MAX_CODE:
        raise ValueError(f"labour state {state.name} of {owner!r}: code {code} is taken or out of 1..{MAX_CODE}")
    _STATES[code] = state
    _OWNER[code] = owner
    if not state.channel_only:
        setattr(Labour, state.name, code)
        Labour._names[code] = state.name
    return code


def unregister_owner(owner: str) -> None:
    """Remove every state a programme registered (for programmes defined in tests)."""
    for code in [c for c, o in _OWNER.items() if o == owner]:
        state = _STATES.pop(code)
        del _OWNER[code]
        if not state.channel_only:
            delattr(Labour, state.name)
            Labour._names.pop(code, None)


def _registered() -> dict[int, State]:
    import sim.programmes  # noqa: F401  (declares the programmes' states on import)

    return _STATES


def declared(code: int) -> State:
    return _registered()[int(code)]


def owner_of(code: int) -> str:
    """The programme that declared a state ("" for FARM)."""
    _registered()
    return _OWNER[int(code)]


def labour_states(**flags) -> tuple[int, ...]:
    """Codes of the labour states whose declaration has every given flag, e.g. `work=True, away=True`."""
    return tuple(
        c
        for c, s in sorted(_registered().items())
        if not s.channel_only and all(getattr(s, k) == v for k, v in flags.items())
    )


def owned_by(owner: str) -> tuple[int, ...]:
    """Codes (labour states and exit channels) a programme declared."""
    _registered()
    return tuple(sorted(c for c, o in _OWNER.items() if o == owner))


def channels() -> dict[int, str]:
    """Labour state code -> channel name, for every labour state (not `NONE`)."""
    return {c: s.channel for c, s in sorted(_registered().items()) if not s.channel_only}


def exit_channels() -> dict[int, str]:
    """Code -> channel name of everything an exit from poverty can be credited to."""
    return {c: s.channel for c, s in sorted(_registered().items())}


def by_channel() -> dict[str, State]:
    return {s.channel: s for s in _registered().values()}


EXIT_GROUPS = ("work", "transfers", "other")


def exit_group(code: int) -> str:
    """The group of an exit channel: `work` (a state declared `work`: a job, a post, a business),
    `transfers` (a programme transfer channel, an exit channel that is no labour state: the
    minimum living guarantee), or `other` (FARM: farm income, standing transfers, one-off payments)."""
    s = declared(code)
    return "transfers" if s.channel_only else "work" if s.work else "other"


def exit_groups() -> dict[str, str]:
    """Exit channel name -> its group (`EXIT_GROUPS`), for every exit channel."""
    return {name: exit_group(code) for code, name in exit_channels().items()}


def exit_group_table() -> np.ndarray:
    """Index into `EXIT_GROUPS` by exit channel code (-1 for codes that are no exit channel), so a
    household's `exit_channel` array maps to its group in one lookup."""
    table = np.full(MAX_CODE + 1, -1, np.int8)
    for code in exit_channels():
        table[code] = EXIT_GROUPS.index(exit_group(code))
    return table


def code_of_channel(channel: str) -> int:
    return next(c for c, s in _registered().items() if s.channel == channel)


def code_table(values: dict[int, float], default: float = 0.0, dtype=float) -> np.ndarray:
    """An array indexed by labour state code (e.g. a home-labour share per state)."""
    table = np.full(len(Labour), default, dtype)
    for code, v in values.items():
        if code < table.size:
            table[code] = v
    return table


def __getattr__(name: str):
    """Groups that scripts and notebooks may still import by name; sim's own code calls the
    functions above, which see programmes registered later too."""
    groups = {
        "MIGRANT_STATES": lambda: labour_states(work=True, away=True),
        "STABLE_WORK_STATES": lambda: labour_states(stable=True),
        "LABOUR_STATES": lambda: tuple(channels()),
        "CHANNEL": channels,
        "EXIT_CHANNEL": exit_channels,
    }
    if name in groups:
        return groups[name]()
    raise AttributeError(f"module 'sim.state' has no attribute {name!r}")


def in_states(state: np.ndarray, codes) -> np.ndarray:
    """Mask of `state` values among `codes`, as range comparisons over runs of consecutive codes:
    an order of magnitude faster than a table lookup or `np.isin` on an int8 array."""
    codes = sorted(set(int(c) for c in codes))
    mask = np.zeros(state.shape, bool)
    if not codes:
        return mask
    start = prev = codes[0]
    for c in [*codes[1:], None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        mask |= (state == start) if start == prev else ((state >= start) & (state <= prev))
        if c is not None:
            start = prev = c
    return mask


AGE_BANDS = ((16, 30, "16-29"), (30, 45, "30-44"), (45, 55, "45-54"), (55, 65, "55-64"))
# Schooling levels (`people.skill`); a vocational certificate is held apart (`people.certificate`).
SKILL_NAMES = ("primary_or_less", "junior_high", "senior_high_or_vocational")
