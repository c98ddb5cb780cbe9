"""Issue 15, point 15: `annotator suggest --processes 2` leaves no spaCy worker behind when it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core.records import ArticleIn
from annotator.store import open_repository

EXE = Path(sys.executable).with_name("annotator")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")]


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    db = tmp_path / "p.db"
    paragraph = ("Prime Minister Shinzo Abe said on Monday that Japan wants the islands back, and Russian "
                 "President Vladimir Putin insisted the talks would go on. ")
    with open_repository(str(db)) as repo:
        for i in range(400):
            repo.add_article(ArticleIn(text=f"Report {i}\n\n" + paragraph * 12, title=f"Report {i}"))
    return db


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_workers_end_with_a_killed_parent(corpus: Path, sig: signal.Signals) -> None:
    proc = subprocess.Popen([str(EXE), "--db", str(corpus), "suggest", "--processes", "2", "--batch-size", "4"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        workers: list[int] = []
        while time.monotonic() < deadline and len(workers) < 2:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            workers = _children(proc.pid)
            time.sleep(0.2)
        assert len(workers) >= 2, "the workers never started"
        time.sleep(1.0)  # let them get to work
        proc.send_signal(sig)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.2)
        left = [w for w in workers if _alive(w)]
        assert not left, f"workers still running after {sig.name} of the parent: {left}"
        if sig == signal.SIGTERM:
            assert proc.returncode == 143
            assert b"Traceback" not in (proc.stderr.read() if proc.stderr else b"")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for w in _children(proc.pid):
            os.kill(w, signal.SIGKILL)
