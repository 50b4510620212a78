#!/usr/bin/env bash
# The main job: compare the five policy mixes on the default county (Yunxi), 20 seeds each, then
# write the comparison tables, plots and summary. Sets up .venv if needed. Re-running resumes:
# finished jobs are skipped. Extra arguments are passed to the sweep (e.g. scale=0.2 for a quick look).
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh || exit 1
sweep_dir=outputs/sweeps/policy_mix
.venv/bin/python -m sim -m +experiment=policy_mix "hydra.sweep.dir=$sweep_dir" "$@"
sweep_status=$?
.venv/bin/python -m sim.compare "$sweep_dir" || exit 1
echo
echo "Summary: $sweep_dir/compare/summary.md"
echo "Plots:   $sweep_dir/compare/*.png"
exit $sweep_status
