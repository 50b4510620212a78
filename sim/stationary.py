"""The starting labour market as the steady state of the no-programme dynamics.

Without programmes a labourer alternates between the farm and spells of work she arranges herself:
each month at home she weighs her options with the month's search chance and leaves for option k
with its logit probability; a spell at k ends with a hazard that depends on its tenure. That is an
alternating renewal process, so its long-run state is known without simulating it:

- from the farm, the chance of being at k at the end of next month is a_k = s * P_k * (1 - q_k(0))
  (s: the search chance averaged over the year's busy and slack months; a spell that ends in its
  first month leaves her at home at the month's end);
- a spell at k, counted in month-ends, lasts T_k months with P(T_k >= n) = G_k(n), the survival
  from tenure 1 to n, and E[T_k] = sum_n G_k(n);
- the long-run chance of being at k is pi_k = a_k E[T_k] / (1 + sum_j a_j E[T_j]), and the tenure
  of someone found at k has probability G_k(n) / E[T_k] (a spell in progress is longer than a
  typical spell: inspection, not completed-spell, lengths);
- a young labourer has not had a long run: one who could first leave W months ago started at home.
  Her chance of being away approaches pi by (1 - r)^W, as a two-state chain with r the arrival rate
  plus one over the mean spell (exact for a constant hazard), and a spell in progress is at most W
  months old: its tenure follows G_k(n) on n <= W.

Starting each labourer in that state makes the world without programmes stand still apart from
ageing and other documented trends: the entry and return flows balance from month one. The
household's interactions (one member away changes what the farm loses when the next one leaves)
are second order and left to the run.
"""

from __future__ import annotations

import numpy as np


def spell_survival(hazard_by_tenure: np.ndarray) -> np.ndarray:
    """G(n) for n = 1..len(hazard)-1: the chance that a spell seen at tenure 1 is still going at
    tenure n, from the monthly hazard at each tenure (index = tenure)."""
    return np.concatenate(([1.0], np.cumprod(1.0 - hazard_by_tenure[1:-1])))


def steady_state(
    entry: np.ndarray, first_month_hazard: np.ndarray, survival: np.ndarray, cap: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Chances of each person being in each option (and, by difference, at home) after `cap` months
    of the process from home (the months since she could first leave).

    entry: (options, persons) monthly chance of choosing each option from home;
    first_month_hazard: (options,) hazard at tenure 0; survival: (options, tenures) G_k(n), n >= 1,
    at least as many tenures as the largest cap. Returns (pi, mean_spell): pi is (options, persons),
    mean_spell (options,) is E[T_k]."""
    arrive = entry * (1.0 - first_month_hazard)[:, None]
    mean_spell = survival.sum(axis=1)
    weight = arrive * mean_spell[:, None]
    pi = weight / (1.0 + weight.sum(axis=0))
    # the approach from home: as a two-state chain leaving at the total arrival rate and coming back
    # at one over the mean spell of the spells it starts, the gap closes by (1 - rate) a month
    total = arrive.sum(axis=0)
    spell = weight.sum(axis=0) / np.maximum(total, 1e-300)
    rate = np.minimum(total + 1.0 / np.maximum(spell, 1.0), 1.0)
    cap = np.maximum(np.asarray(cap, np.int64), 1)
    _cap_index(survival, cap)
    return pi * (1.0 - (1.0 - rate) ** cap), mean_spell


def _cap_index(survival: np.ndarray, cap: np.ndarray) -> np.ndarray:
    cap = np.asarray(cap, np.int64)
    if cap.size and cap.max() > survival.shape[1]:
        raise ValueError(f"survival covers {survival.shape[1]} months of tenure, a cap is {cap.max()}")
    return np.maximum(cap, 1) - 1


def draw_states(pi: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Option index for each person (-1: at home) with one uniform draw each."""
    cum = np.cumsum(pi, axis=0)
    chosen = (u[None, :] >= cum).sum(axis=0)
    return np.where(chosen == pi.shape[0], -1, chosen)


def draw_tenure(survival: np.ndarray, option: np.ndarray, u: np.ndarray, cap: np.ndarray) -> np.ndarray:
    """Tenure (months, >= 1) of a spell in progress at each person's option, by inverse CDF of
    G_k(n) / sum_{m<=cap} G_k(m) on n = 1..cap (`cap`: the months since the person could first work)."""
    cum = np.cumsum(survival, axis=1)
    last = _cap_index(survival, cap)
    tenure = np.empty(option.size, np.int64)
    for k in np.unique(option):
        mine = option == k
        tenure[mine] = 1 + np.searchsorted(cum[k], u[mine] * cum[k, last[mine]], side="right")
    return np.minimum(tenure, last + 1)
