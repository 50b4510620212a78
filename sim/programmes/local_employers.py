"""Local employers and producers that hire poor labourers near home.

Enterprises and employment bases (firms) and cooperatives, large and family farms and rural
e-commerce (producers) get a one-off award per poor worker hired; like workshops they sit in villages
with seats, open at a rate that rises with the award and close at a yearly rate (`seats.py`).
"""

from __future__ import annotations

from sim.programmes.seats import SeatEmployers
from sim.state import LOCAL_EMPLOYER_STATES


class LocalEmployers(SeatEmployers):
    name = "local_employers"
    kinds = ("firm", "producer")
    states = LOCAL_EMPLOYER_STATES
    constant_names = ("constant_local_firm", "constant_local_producer")
