"""Issue 15, point 14: killed exports leave no pile of ``.part`` files, and a full disk is one clear line."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.errors import AnnotatorError
from annotator.io.atomic import _owner_tag, atomic_open, remove_stale_parts


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_parts_of_killed_exports_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    host = _owner_tag().rsplit("-", 1)[0]
    dead = tmp_path / f".out.json.{host}-{_dead_pid()}.abc123.part"
    live = tmp_path / f".out.json.{host}-{os.getpid()}.def456.part"
    legacy_old = tmp_path / ".out.json.k2j3h4.part"
    legacy_new = tmp_path / ".out.json.z9y8x7.part"
    other_host_new = tmp_path / ".out.json.elsewhere-12.q1w2e3.part"
    other_target = tmp_path / f".other.json.{host}-{_dead_pid()}.r4t5y6.part"
    for part in (dead, live, legacy_old, legacy_new, other_host_new, other_target):
        part.write_bytes(b"x" * 100)
    two_hours_ago = time.time() - 7200
    os.utime(legacy_old, (two_hours_ago, two_hours_ago))
    with atomic_open(target) as handle:
        handle.write("{}")
    assert target.read_text() == "{}"
    left = sorted(p.name for p in tmp_path.iterdir())
    assert dead.name not in left and legacy_old.name not in left
    for kept in (live, legacy_new, other_host_new, other_target):
        assert kept.name in left
    assert remove_stale_parts(target) == []


def test_write_error_is_one_line_and_leaves_no_part(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("previous")
    error = "No space left on device; the previous file is unchanged"
    with pytest.raises(AnnotatorError, match=error), atomic_open(target) as handle:
        handle.write("partial")
        raise OSError(28, "No space left on device")
    assert target.read_text() == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_FSIZE")
def test_file_size_limit_ends_an_export_without_a_traceback(tmp_path: Path) -> None:
    """``ulimit -f`` as in the walk-through: the export fails with one line, nothing half-written is left."""
    script = """
import resource, sys
from annotator.core.records import ArticleIn
from annotator.store import open_repository
from annotator.cli.main import main
repo = open_repository(sys.argv[1])
for i in range(60):
    repo.add_article(ArticleIn(text=f"Article {i}. " + "Abe met Putin in Sochi and talked at length. " * 200))
repo.close()
resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))
raise SystemExit(main(["--db", sys.argv[1], "export", "--format", "json", "-o", sys.argv[2]]))
"""
    out = tmp_path / "exports" / "big.json"
    out.parent.mkdir()
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path / "p.db"), str(out)], capture_output=True,
                          text=True, timeout=300, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "File too large" in lines[0] and str(out) in lines[0]
    assert list(out.parent.iterdir()) == []
