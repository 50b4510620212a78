"""The model version: a fingerprint of the code that computes a run, and of a run (that code plus the
resolved config). A job's results are reused only when both match (see `sim.outputs.check_results`)."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# Modules that only read finished results (or fit parameters): they cannot change a run's tables.
READERS = ("aggregate.py", "compare.py", "compare_plots.py", "paired.py", "reproduce.py", "fingerprint.py", "api.py")


@functools.cache
def code_version() -> str:
    """Hash of the package's source that a run executes (every `sim/**/*.py` but the readers,
    `sim/calibrate/` and `sim/explore/`, which drive runs but never change one), 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] in ("calibrate", "explore") or (len(rel.parts) == 1 and rel.name in READERS):
            continue
        digest.update(str(rel).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def config_hash(config_text: str) -> str:
    return hashlib.sha256(config_text.encode()).hexdigest()[:16]


def run_fingerprint(config_text: str) -> str:
    """Fingerprint of a run: the model version and the resolved config (as saved in config.yaml)."""
    return hashlib.sha256(f"{code_version()}\0{config_text}".encode()).hexdigest()[:16]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
