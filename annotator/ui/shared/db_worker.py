"""One database thread for the window's decisions: operations run there in the order they were asked for.

A key press must never wait for the database on the GUI thread: a suggestion run holds SQLite's write lock for
a moment per article, and on PostgreSQL every statement is a network round trip. So each decision is handed to
the :class:`DatabaseWorker` as an *operation* (a plain callable that opens its own transaction through the
repository), runs on the worker's thread, and its result comes back to the GUI thread through a queued signal,
where the caller's callback draws it. Operations run strictly one after another, first in, first out, so the
database sees the decisions in the order the analyst made them, and each one is still its own transaction (a
killed process loses at most the decision in flight).

An operation asked for while a key press is handled reaches the thread only after that key press's frame is
painted: the thread's Python work (building the statements) would otherwise take turns with the paint for the
interpreter lock, and the analyst would see the decision later. The hand-over is a low-priority posted event,
which Qt delivers after the repaint the key press asked for (also a low-priority posted event, posted before).

The thread is a plain Python daemon thread rather than a ``QThread``: it owns no Qt object, so a window that is
dropped without a clean shutdown can never abort the process, and the signal it emits is delivered queued to the
worker object, which lives on the GUI thread.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)

#: The event that hands the operations asked for so far to the thread (after the frame is painted).
_HAND_OVER = QEvent.Type(QEvent.registerEventType())
#: How long a shutdown waits for the operations already queued (each is one short transaction).
SHUTDOWN_TIMEOUT_S = 30.0


@dataclass
class _Operation:
    run: Callable[[], Any]
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None]
    result: Any = None
    error: BaseException | None = None


class DatabaseWorker(QObject):
    """Runs database operations on one background thread, in order; results are delivered on the GUI thread.

    Args:
        on_start: called on the worker thread before its first operation (marks its writes interactive).
        on_exit: called on the worker thread after its last operation (closes that thread's connection).

    Signals:
        idle(): the result of the last queued operation was delivered; nothing is waiting.
    """

    idle = Signal()
    _finished = Signal(object)  # emitted on the worker thread, delivered queued on the GUI thread

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        on_start: Callable[[], None] | None = None,
        on_exit: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._queue: queue.SimpleQueue[_Operation | None] = queue.SimpleQueue()
        self._outbox: list[_Operation] = []  # asked for, not yet handed to the thread (in order)
        self._pending = 0
        self._on_start = on_start
        self._on_exit = on_exit
        self._closed = False
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._loop, name="annotator-database", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """True while an operation runs, waits, or its result is not yet delivered."""
        return self._pending > 0

    @property
    def closed(self) -> bool:
        """True after :meth:`shutdown`: nothing more can be submitted."""
        return self._closed

    def submit(
        self,
        run: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        """Queue ``run`` for the worker thread; ``on_done(result)`` or ``on_error(exc)`` follows on the GUI thread.

        Raises:
            RuntimeError: after :meth:`shutdown`.
        """
        if self._closed:
            raise RuntimeError("the database worker was shut down")
        self._pending += 1
        self._outbox.append(_Operation(run, on_done, on_error))
        if len(self._outbox) == 1:
            QCoreApplication.postEvent(self, QEvent(_HAND_OVER), Qt.EventPriority.LowEventPriority.value)

    def event(self, event: QEvent) -> bool:
        if event.type() == _HAND_OVER:
            self._hand_over()
            return True
        return super().event(event)

    def _hand_over(self) -> None:
        """Queue what was asked for, in order, for the thread."""
        outbox, self._outbox = self._outbox, []
        for operation in outbox:
            self._queue.put(operation)

    def shutdown(self, timeout_s: float = SHUTDOWN_TIMEOUT_S) -> bool:
        """Let the queued operations finish (their results are not delivered), then stop the thread.

        Returns:
            True when the thread ended within ``timeout_s``.
        """
        if self._closed:
            return not self._thread.is_alive()
        self._closed = True
        self._hand_over()  # what was asked for still runs
        self._queue.put(None)
        self._thread.join(timeout_s)
        stopped = not self._thread.is_alive()
        if not stopped:
            log.warning("database operations still running after %.0f s at shutdown", timeout_s)
        return stopped

    # ------------------------------------------------------------------ internals
    def _loop(self) -> None:
        if self._on_start is not None:
            self._on_start()
        while True:
            operation = self._queue.get()
            if operation is None:
                break
            try:
                operation.result = operation.run()
            except BaseException as exc:  # handed to the caller's on_error on the GUI thread
                operation.error = exc
            if self._closed:
                continue  # the window is going away: nobody draws the result
            try:
                self._finished.emit(operation)
            except RuntimeError:  # the QObject was deleted under us (the window was destroyed)
                break
        if self._on_exit is not None:
            try:
                self._on_exit()
            except Exception:
                log.exception("closing the database worker's connection failed")

    @Slot(object)
    def _deliver(self, operation: _Operation) -> None:
        self._pending -= 1
        try:
            if operation.error is not None:
                operation.on_error(operation.error)
            else:
                operation.on_done(operation.result)
        finally:
            if self._pending == 0:
                self.idle.emit()
