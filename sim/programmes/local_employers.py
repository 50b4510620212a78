"""Local employers and producers that hire poor labourers near home.

Enterprises and employment bases (firms) and cooperatives, large and family farms and rural
e-commerce (producers) get a one-off award per poor worker hired; like workshops they sit in villages
with seats, open at a rate that rises with the award and close at a yearly rate (`seats.py`).
"""

from __future__ import annotations

from sim.programmes.seats import SeatEmployers, seat_measures
from sim.settings import LocalEmployersConfig
from sim.state import State


class LocalEmployers(SeatEmployers):
    name = "local_employers"
    settings = LocalEmployersConfig
    order = 20
    kinds = ("firm", "producer")
    states = (
        State("LOCAL_FIRM", "local_firm", "Local firm or employment base", "#8c6d31", "firm.home_labour",
              stable=True, code=10),
        State("LOCAL_PRODUCER", "local_producer", "Cooperative or farm", "#bd9e39", "producer.home_labour",
              stable=True, code=11),
    )  # fmt: skip
    measures = seat_measures("local employers")
    constant_names = ("constant_local_firm", "constant_local_producer")
