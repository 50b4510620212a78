"""Exploratory modelling: which parameters matter, whether a ranking of mixes holds across what nobody
knows, and which levers buy most exits per yuan (`python -m sim.explore COMMAND`, conf/explore/).

- `space`: levers and uncertainties, declared in one place, with their ranges and checks
- `runner`: a study's jobs (sample, mix, seed), run in parallel, stored as they finish, resumed
- `sensitivity`: Morris and Sobol (SALib); `robust`: Latin hypercube, wins, regret, PRIM (EMA Workbench)
- `search`: equal-cost comparison (budget lever) and the Optuna NSGA-II front of exits against cost
- `functions`: known-answer functions run through the same runner, to test the wiring
"""
