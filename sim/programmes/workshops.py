"""Local poverty-alleviation workshops (扶贫车间): factory-type, home-based and cooperative.

Seats in villages, piece-rate pay, openings that respond to the award per poor worker hired, and
closures: the shared mechanism is in `seats.py`. Home-based work is fully compatible with caring and
open to disabled labourers; factory-type work only partly.
"""

from __future__ import annotations

from sim.programmes.seats import SeatEmployers
from sim.state import WORKSHOP_STATES


class Workshops(SeatEmployers):
    name = "workshops"
    kinds = ("factory", "home", "coop")
    states = WORKSHOP_STATES
    constant_names = ("constant_workshop_factory", "constant_workshop_home", "constant_workshop_coop")
