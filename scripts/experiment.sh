#!/usr/bin/env bash
# Runs a named experiment (conf/experiment/NAME.yaml) and writes its committed results: the sweep
# into outputs/sweeps/NAME, the comparison, then experiments/NAME/summary.md, experiments/NAME/figures/
# (the comparison's plots) and experiments/NAME/fingerprint.json (checked by tests/test_results.py).
# Usage: scripts/experiment.sh policy_mix        (re-running resumes: finished jobs are skipped)
set -uo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: scripts/experiment.sh NAME (one of: $(ls conf/experiment | sed 's/\.yaml$//' | tr '\n' ' '))}
shift
[ -f "conf/experiment/$name.yaml" ] || { echo "error: no experiment '$name' in conf/experiment/" >&2; exit 2; }
scripts/setup.sh || exit 1
sweep_dir="outputs/sweeps/$name"
.venv/bin/python -m sim -m "+experiment=$name" "hydra.sweep.dir=$sweep_dir" "$@" || exit 1
.venv/bin/python -m sim.compare "$sweep_dir" || exit 1
out="experiments/$name"
mkdir -p "$out/figures"
rm -f "$out"/figures/*.png
cp "$sweep_dir"/compare/*.png "$out/figures/"
sed "s|^# Sweep summary: .*|# Sweep summary: \`$name\` (written by scripts/experiment.sh $name)|" "$sweep_dir/compare/summary.md" > "$out/summary.md"
.venv/bin/python -m sim.fingerprint update --experiment "$name" || exit 1
echo "results of '$name' written to $out (summary.md, figures/, fingerprint.json); update its README.md prose to match"
