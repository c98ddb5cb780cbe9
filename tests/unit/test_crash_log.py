"""Issue 15, point 31: the app runs under faulthandler with a crash log, so a vanished window leaves evidence.

The crash log module has no Qt in it, so these run as plain subprocesses (a real crash must not take pytest down).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import os, sys, time, threading
from pathlib import Path
from annotator.ui.window import crash_log
log = crash_log.install(Path(sys.argv[1]))
what = sys.argv[2]
if what == "segfault":
    import faulthandler
    faulthandler._sigsegv()
elif what == "uncaught":
    def boom():
        raise ValueError("a slot went wrong")
    try:
        boom()
    except ValueError:
        sys.excepthook(*sys.exc_info())  # what PySide6 does with an exception escaping a slot
    t = threading.Thread(target=boom, name="annotator-writer")
    t.start(); t.join()
    log.close()
elif what == "sigterm":
    print("ready", flush=True)
    time.sleep(60)
else:
    log.close()
"""


def run(path: Path, what: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", SCRIPT, str(path), what], capture_output=True, text=True,
                          timeout=120, check=False)


def test_a_normal_run_writes_started_and_ended(tmp_path: Path) -> None:
    log = tmp_path / "data" / "crash.log"
    assert run(log, "normal").returncode == 0
    lines = log.read_text().splitlines()
    assert "started annotator" in lines[0] and "ended normally" in lines[-1]


def test_a_native_crash_leaves_the_traceback(tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    proc = run(log, "segfault")
    assert proc.returncode != 0
    text = log.read_text()
    assert "started annotator" in text and "Fatal Python error: Segmentation fault" in text
    assert "ended normally" not in text


def test_uncaught_exceptions_in_slots_and_threads_are_logged(tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    proc = run(log, "uncaught")
    assert proc.returncode == 0
    text = log.read_text()
    assert text.count("ValueError: a slot went wrong") == 2
    assert "in thread annotator-writer" in text
    assert "a slot went wrong" in proc.stderr  # still printed as before


@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_an_outside_sigterm_is_recorded(tmp_path: Path) -> None:
    log = tmp_path / "crash.log"
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, str(log), "sigterm"], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    os.kill(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGTERM  # chained: the process still ends as it would have
    text = log.read_text()
    assert "time.sleep" in text or "line" in text  # the traceback of where it was when killed
    assert "ended normally" not in text


def test_a_large_log_is_rotated(tmp_path: Path) -> None:
    from annotator.ui.window import crash_log

    log = tmp_path / "crash.log"
    log.write_text("x" * (crash_log.MAX_BYTES + 10))
    assert run(log, "normal").returncode == 0
    assert (tmp_path / "crash.log.1").stat().st_size > crash_log.MAX_BYTES
    assert log.stat().st_size < 1000
