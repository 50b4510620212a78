"""Local poverty-alleviation workshops (扶贫车间): factory-type, home-based and cooperative.

Seats in villages, piece-rate pay, openings that respond to the award per poor worker hired, and
closures: the shared mechanism is in `seats.py`. Home-based work is fully compatible with caring and
open to disabled labourers; factory-type work only partly.
"""

from __future__ import annotations

from sim.programmes.seats import SeatEmployers, seat_measures
from sim.settings import WorkshopsConfig
from sim.state import State


class Workshops(SeatEmployers):
    name = "workshops"
    settings = WorkshopsConfig
    order = 10
    kinds = ("factory", "home", "coop")
    states = (
        State("WORKSHOP_FACTORY", "workshop_factory", "Workshop, factory-type", "#1b9e77", "factory.home_labour",
              stable=True, code=2),
        State("WORKSHOP_HOME", "workshop_home", "Workshop, home-based", "#66c2a5", "home.home_labour",
              stable=True, code=3),
        State("WORKSHOP_COOP", "workshop_coop", "Workshop, cooperative", "#a6d854", "coop.home_labour",
              stable=True, code=4),
    )  # fmt: skip
    measures = seat_measures("workshops")
    constant_names = ("constant_workshop_factory", "constant_workshop_home", "constant_workshop_coop")
