"""Results that stay true: a pinned baseline of one default run, and a fingerprint beside each
experiment's committed results. When a change of mechanism moves results on purpose, update them with
`python -m sim.fingerprint update` (baseline) and `scripts/experiment.sh NAME` (an experiment), and
say by how much in the commit."""

from __future__ import annotations

import pytest

from sim import fingerprint as fp

UPDATE_HINT = "results changed: if on purpose, run `python -m sim.fingerprint update` and review the diff"


def test_default_run_matches_the_pinned_baseline():
    assert fp.BASELINE.is_file(), f"no baseline at {fp.BASELINE}"
    diff = fp.differences(fp.read(fp.BASELINE), fp.key_outputs(fp.BASELINE_RUN))
    assert not diff, UPDATE_HINT + "\n" + "\n".join(diff[:30])


@pytest.mark.parametrize("name", fp.fingerprinted_experiments())
def test_committed_experiment_results_match_the_code(name):
    diff = fp.differences(fp.read(fp.experiment_file(name)), fp.experiment_fingerprint(name))
    assert not diff, f"experiments/{name} is stale: re-run scripts/experiment.sh {name}\n" + "\n".join(diff[:30])


def test_every_experiment_with_committed_results_has_a_fingerprint():
    """A folder under experiments/ holds either the calibration (checked by test_calibration), the
    exploratory study (written by `python -m sim.explore`, see experiments/exploration/README.md;
    its commands are checked by test_explore) or a named experiment's results, written by
    scripts/experiment.sh with their fingerprint."""
    folders = sorted(p.name for p in (fp.ROOT / "experiments").iterdir() if p.is_dir())
    for name in folders:
        if name in ("calibration", "exploration"):
            continue
        assert (fp.ROOT / "conf" / "experiment" / f"{name}.yaml").is_file(), f"experiments/{name}: no such experiment"
        assert name in fp.fingerprinted_experiments(), f"experiments/{name} has results but no fingerprint.json"
        produced = {"README.md", "summary.md", "fingerprint.json", "figures"}
        extra = {p.name for p in (fp.ROOT / "experiments" / name).iterdir()} - produced
        assert not extra, f"experiments/{name}: {extra} are not written by scripts/experiment.sh"


def test_a_change_of_results_is_reported_key_by_key():
    old = {"poor_people_end": 10, "net_exits_by_channel": {"farm": 3, "workshops": 2}}
    new = {"poor_people_end": 11, "net_exits_by_channel": {"farm": 3}}
    assert fp.differences(old, new) == ["net_exits_by_channel.workshops: 2 -> None", "poor_people_end: 10 -> 11"]
