"""The test harness removes PostgreSQL clusters left behind by killed runs, and only those."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.postgres_server import OWNER_FILE, sweep_stale_clusters


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _cluster(tmp_path: Path, name: str, owner: int | None) -> Path:
    root = tmp_path / f"annotator-pg-{name}"
    (root / "data").mkdir(parents=True)
    if owner is not None:
        (root / OWNER_FILE).write_text(f"{owner}\n")
    return root


def test_sweep_removes_only_clusters_whose_owner_is_gone(tmp_path: Path) -> None:
    dead = _cluster(tmp_path, "dead", _dead_pid())
    mine = _cluster(tmp_path, "mine", os.getpid())
    fresh = _cluster(tmp_path, "fresh", None)  # being created right now: no owner file yet
    old = _cluster(tmp_path, "old", None)  # from before owner files
    hour_ago = time.time() - 7200
    os.utime(old, (hour_ago, hour_ago))
    other = tmp_path / "something-else"
    other.mkdir()

    removed = sweep_stale_clusters(Path("/nonexistent"), tmp_path)

    assert sorted(removed) == sorted([dead, old])
    assert not dead.exists() and not old.exists()
    assert mine.exists() and fresh.exists() and other.exists()
