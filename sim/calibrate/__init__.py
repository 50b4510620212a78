"""Calibration: fit the behavioural parameters no report quotes to the outcomes the reports measured.

`targets` reads the targets and their scenarios (conf/targets/), `statistics` computes them from a run
in the reports' terms, `objective` averages the weighted distance over replicate seeds, `fit` runs the
Optuna search and measures each parameter's uncertainty, `report` writes the fit table, the plot and
the fitted behaviour config. Run it with `python -m sim.calibrate` (see conf/calibrate.yaml).
"""
