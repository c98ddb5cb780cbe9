"""Evidence when the app dies: a crash log in the user data folder (issue 15, point 31).

Once, the window vanished without output in the middle of a suggestion run. To make the next such event leave
evidence, the GUI runs with :mod:`faulthandler` writing to ``crash.log``:

- a fatal error in native code (a segmentation fault in Qt or spaCy, an abort) writes the Python traceback of
  every thread;
- SIGTERM (an outside kill that can be caught) writes the tracebacks too, then ends the process as before;
- an exception no code caught (in a Qt slot, in a thread) is appended with its traceback;
- each run writes a ``started`` line and, when it quits normally, an ``ended`` line: a ``started`` without its
  ``ended`` is a run that was killed (SIGKILL cannot be caught) or crashed.

The log is plain text, kept below :data:`MAX_BYTES` (the previous one is kept as ``crash.log.1``).
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from annotator import __version__

#: A log larger than this is moved to ``crash.log.1`` at the next start.
MAX_BYTES = 1024 * 1024


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CrashLog:
    """The open crash log of this process; :meth:`close` on a normal quit."""

    def __init__(self, path: Path, handle: IO[str], previous_hooks: tuple[Any, Any], faulthandler_was_on: bool,
                 sigterm: bool) -> None:
        self.path = path
        self._handle = handle
        self._previous_hooks = previous_hooks
        self._faulthandler_was_on = faulthandler_was_on
        self._sigterm = sigterm
        self._lock = threading.Lock()

    def write(self, text: str) -> None:
        with self._lock:
            try:
                self._handle.write(text if text.endswith("\n") else text + "\n")
                self._handle.flush()
            except (OSError, ValueError):  # the disk is full or the log was closed: never fail because of it
                pass

    def exception(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None,
                  where: str = "") -> None:
        lines = "".join(traceback.format_exception(kind, value, tb))
        self.write(f"{_now()} pid {os.getpid()} uncaught exception{where}:\n{lines}")

    def close(self) -> None:
        """Record a normal end and stop writing (faulthandler goes back to how it was)."""
        faulthandler.disable()
        if self._sigterm:
            faulthandler.unregister(signal.SIGTERM)
        if self._faulthandler_was_on:
            with contextlib.suppress(AttributeError, OSError, ValueError, RuntimeError):  # e.g. pytest's own
                faulthandler.enable(file=sys.stderr, all_threads=True)
        with self._lock:
            try:
                self._handle.write(f"{_now()} pid {os.getpid()} ended normally\n")
                self._handle.close()
            except (OSError, ValueError):
                pass
        sys.excepthook, threading.excepthook = self._previous_hooks


def install(path: Path, *, register_sigterm: bool = True) -> CrashLog | None:
    """Start writing crash evidence to ``path``; None (and nothing installed) if the file cannot be opened.

    Args:
        path: the log file (its folder is created).
        register_sigterm: also dump the tracebacks on SIGTERM (chained: the process still ends).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        handle = path.open("a", encoding="utf-8", errors="backslashreplace")
    except OSError:
        return None
    sigterm = register_sigterm and hasattr(faulthandler, "register") and hasattr(signal, "SIGTERM")
    log = CrashLog(path, handle, (sys.excepthook, threading.excepthook), faulthandler.is_enabled(), sigterm)
    log.write(f"{_now()} pid {os.getpid()} started annotator {__version__} (Python {sys.version.split()[0]})")
    faulthandler.enable(file=handle, all_threads=True)
    if sigterm:
        faulthandler.register(signal.SIGTERM, file=handle, all_threads=True, chain=True)
    previous_hook: Callable[..., Any] = sys.excepthook

    def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        log.exception(kind, value, tb)
        previous_hook(kind, value, tb)  # still printed on stderr as before

    previous_thread_hook = threading.excepthook

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            log.exception(args.exc_type, args.exc_value, args.exc_traceback,
                          f" in thread {args.thread.name if args.thread else '?'}")
        previous_thread_hook(args)

    sys.excepthook = excepthook
    threading.excepthook = thread_hook
    return log
