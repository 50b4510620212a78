"""Codes of the columnar state: roles, health and labour states.

Person and household attributes are plain numpy arrays (see `sim.population.Population`); these
classes name their integer codes (plain ints, see `Codes`). Every labourer is in exactly one labour
state each month; everyone else is in `Labour.NONE`.
"""

from __future__ import annotations

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
    NONE = 0  # not a labourer
    FARM = 1  # farming only, or no work: the state everyone returns to
    WORKSHOP_FACTORY = 2
    WORKSHOP_HOME = 3
    WORKSHOP_COOP = 4
    MIGRANT_SELF = 5  # migration arranged by the person
    MIGRANT_ORGANISED = 6  # placed through labour cooperation
    WELFARE_POST = 7
    TRAINING = 8  # on a skills course (not working; paid an allowance)
    TECH_SCHOOL = 9  # a school leaver in free technical school (两后生)
    LOCAL_FIRM = 10  # enterprises and employment bases
    LOCAL_PRODUCER = 11  # cooperatives, large and family farms
    BUSINESS_WORKER = 12  # working for a returnee's business
    ENTREPRENEUR = 13  # running a business after returning home
    FLEXIBLE = 14  # home handicraft, hourly and seasonal work in slack months


WORKSHOP_STATES = (Labour.WORKSHOP_FACTORY, Labour.WORKSHOP_HOME, Labour.WORKSHOP_COOP)
LOCAL_EMPLOYER_STATES = (Labour.LOCAL_FIRM, Labour.LOCAL_PRODUCER)
MIGRANT_STATES = (Labour.MIGRANT_SELF, Labour.MIGRANT_ORGANISED)
LABOUR_STATES = tuple(s for s in Labour if s != Labour.NONE)
# Work at an employer's seat (`people.seat` holds the employer's id in that programme's table).
SEAT_STATES = (*WORKSHOP_STATES, *LOCAL_EMPLOYER_STATES, Labour.BUSINESS_WORKER)
# Work that counts as a stable household income (the welfare-post rule and the reports' wording).
STABLE_WORK_STATES = (
    *WORKSHOP_STATES,
    *LOCAL_EMPLOYER_STATES,
    *MIGRANT_STATES,
    Labour.BUSINESS_WORKER,
    Labour.ENTREPRENEUR,
)
# Not a labour state: the channel credited when a household leaves poverty on the social-security
# floor alone (no member working).
SOCIAL_SECURITY = 99
# Labels for outputs: the channel each labour state belongs to.
CHANNEL = {
    Labour.FARM: "farm",
    Labour.WORKSHOP_FACTORY: "workshop_factory",
    Labour.WORKSHOP_HOME: "workshop_home",
    Labour.WORKSHOP_COOP: "workshop_coop",
    Labour.MIGRANT_SELF: "migrant_self",
    Labour.MIGRANT_ORGANISED: "labour_cooperation",
    Labour.WELFARE_POST: "welfare_post",
    Labour.TRAINING: "training",
    Labour.TECH_SCHOOL: "tech_school",
    Labour.LOCAL_FIRM: "local_firm",
    Labour.LOCAL_PRODUCER: "local_producer",
    Labour.BUSINESS_WORKER: "returnee_business",
    Labour.ENTREPRENEUR: "entrepreneur",
    Labour.FLEXIBLE: "flexible_work",
}
EXIT_CHANNEL = {**CHANNEL, SOCIAL_SECURITY: "social_security"}


def in_states(state: np.ndarray, codes) -> np.ndarray:
    """Mask of `state` values among `codes`, as range comparisons over runs of consecutive codes:
    an order of magnitude faster than a table lookup or `np.isin` on an int8 array."""
    codes = sorted(set(int(c) for c in codes))
    mask = np.zeros(state.shape, bool)
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
SKILL_NAMES = ("primary_or_less", "junior_high", "senior_high_or_vocational", "certified_trade")
