"""Inside one process, an interactive write goes before the next background write.

SQLite has one write lock per file, and a writer that finds it taken sleeps in growing steps (its busy handler)
while a suggestion run, releasing the lock after one article and taking it again for the next at once, wins the
race again and again: a key press could wait for seconds. The gate hands the lock over in the process instead:
writers take turns, and a waiting write of an *interactive* thread (the window's database thread, which registers
itself) goes before any background writer's next transaction. Between processes SQLite's busy timeout still
applies; on PostgreSQL the gate only saves serialisation retries.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class WriteGate:
    """Turns for the write transactions of one repository's threads, interactive ones first."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._writing = False
        self._interactive_waiting = 0
        self._interactive: set[int] = set()

    def prefer_current_thread(self) -> None:
        """The calling thread's writes are interactive: they go before the background writers' next ones."""
        with self._turn:
            self._interactive.add(threading.get_ident())

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the process's write turn for one transaction."""
        interactive = threading.get_ident() in self._interactive
        with self._turn:
            if interactive:
                self._interactive_waiting += 1
            try:
                while self._writing or (not interactive and self._interactive_waiting):
                    self._turn.wait()
            finally:
                if interactive:
                    self._interactive_waiting -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._turn:
                self._writing = False
                self._turn.notify_all()
