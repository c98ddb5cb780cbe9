"""Store results on a second thread while the producer goes on computing the next ones.

spaCy spends most of its time in native code that releases the GIL, so writing one article's suggestions to the
database while the next batch is parsed hides most of the writing time on a machine with two cores or more.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")

_DONE = object()


class BackgroundWriter(Generic[T]):
    """Calls ``write(item)`` for each submitted item, in order, on one worker thread.

    ``submit`` blocks when ``capacity`` items wait (memory stays bounded) and re-raises, on the producer's thread,
    the first error the writer met; after an error the writer drops further items. ``close`` waits for every
    submitted item to be written (or dropped) and re-raises that error. ``on_thread_exit`` runs on the worker
    thread before it ends (e.g. to close that thread's database connection).
    """

    def __init__(self, write: Callable[[T], object], capacity: int = 64,
                 on_thread_exit: Callable[[], None] | None = None) -> None:
        self._write = write
        self._queue: queue.Queue[object] = queue.Queue(maxsize=capacity)
        self._error: BaseException | None = None
        self._on_exit = on_thread_exit
        self.written = 0
        #: CPU seconds the writer thread used (``time.thread_time``), set when it ends: with the producer's own
        #: thread time it shows where a run's CPU went (bench/training.py).
        self.cpu_seconds = 0.0
        self._thread = threading.Thread(target=self._run, name="annotator-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while True:
                item = self._queue.get()
                if item is _DONE:
                    return
                if self._error is None:
                    try:
                        self._write(item)  # type: ignore[arg-type]
                        self.written += 1
                    except BaseException as exc:  # handed to the producer, which decides what to do
                        self._error = exc
        finally:
            try:
                if self._on_exit is not None:
                    self._on_exit()
            finally:
                self.cpu_seconds = time.thread_time()

    @property
    def error(self) -> BaseException | None:
        """The first error the writer met (then it drops further items), or None."""
        return self._error

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, item: T) -> None:
        self._raise()
        self._queue.put(item)

    def close(self) -> None:
        """Wait until everything submitted is written; re-raise the writer's error, if any."""
        if self._thread.is_alive():
            self._queue.put(_DONE)
            self._thread.join()
        self._raise()
