"""Run long jobs (import, suggest, export) off the GUI thread, one at a time.

A :class:`JobRunner` starts a worker ``QThread`` when a job arrives and stops it when no job is left; a small
``_Worker`` QObject lives in that thread and executes the jobs handed to it through a queued signal. Everything
the worker reports (progress, result, error) travels back to the GUI thread through queued signals, so slots
connected to the runner's public signals always run on the GUI thread and may touch widgets.

Policy for a second ``run`` while busy: the job is **queued** and started when the current one ends (first
in, first out). ``cancel()`` stops the running job *and* drops the queued ones: a user who presses Cancel
expects the background work to stop, not the next job to start.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from annotator.core.errors import AnnotatorError, CancelledError
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback

log = logging.getLogger(__name__)

#: A job as the runner takes it: it reports through the callback and checks the flag between units of work.
Job = Callable[[ProgressCallback, CancelFlag], object]

#: Minimum seconds between two progress signals (~20 per second): a job reporting every article of a 100,000
#: article corpus must not flood the GUI event queue.
PROGRESS_INTERVAL = 0.05

#: How long an idle worker thread may take to leave its event loop after its last job returned.
SHUTDOWN_GRACE_MS = 10_000

_SUCCEEDED, _FAILED, _CANCELLED = "succeeded", "failed", "cancelled"


@dataclass
class _Pending:
    """A job waiting for (or holding) the worker thread."""

    title: str
    job: Job
    on_result: Callable[[object], None] | None
    flag: CancelFlag = field(default_factory=CancelFlag)


def describe_exception(exc: BaseException) -> str:
    """A short message for the user; AnnotatorErrors already explain themselves, anything else is a bug."""
    if isinstance(exc, AnnotatorError):
        return str(exc)
    detail = str(exc).strip()
    kind = type(exc).__name__
    return (
        f"Unexpected error ({kind}{': ' + detail if detail else ''}). "
        "This is a bug in annotator; the details were written to the log."
    )


class _Worker(QObject):
    """Lives in the worker thread and runs one job per ``execute`` call."""

    progress = Signal(int, int, str)
    done = Signal(str, object)  # outcome (_SUCCEEDED / _FAILED / _CANCELLED), payload

    @Slot(object)
    def execute(self, pending: _Pending) -> None:
        last = [float("-inf")]

        def report(p: Progress) -> None:
            # Throttled here, in the worker thread, so that dropped reports never reach the event queue; the
            # final report of a known total always goes through so the bar ends full.
            now = time.monotonic()
            if now - last[0] >= PROGRESS_INTERVAL or (p.total > 0 and p.done >= p.total):
                last[0] = now
                self.progress.emit(int(p.done), int(p.total), str(p.message))

        try:
            pending.flag.check()  # cancelled while it was queued
            result = pending.job(report, pending.flag)
        except CancelledError:
            self.done.emit(_CANCELLED, None)
        except AnnotatorError as exc:
            self.done.emit(_FAILED, describe_exception(exc))
        except Exception as exc:  # a bug: keep the GUI alive, tell the user, log the traceback
            log.exception("job %r failed", pending.title)
            self.done.emit(_FAILED, describe_exception(exc))
        else:
            self.done.emit(_SUCCEEDED, result)


class JobRunner(QObject):
    """Runs jobs on one background thread and reports on the GUI thread.

    Signals (all delivered on the GUI thread):
        started(title): a job begins.
        progress(done, total, message): throttled to ~20 per second; total 0 means "unknown".
        succeeded(result): the job returned ``result`` (a summary; it may say ``cancelled`` when the job
            stopped early at a cancel and returned what it had done).
        failed(message): the job raised; ``message`` is the AnnotatorError text, or a short description of an
            unexpected exception (its traceback is logged).
        cancelled(): the job stopped by raising CancelledError after ``cancel()``.
        finished(): after exactly one of succeeded / failed / cancelled.
    """

    started = Signal(str)
    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()

    _submit = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[_Pending] = deque()
        self._current: _Pending | None = None
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._closed = False

    # ------------------------------------------------------------------ public API
    @property
    def busy(self) -> bool:
        """True while a job runs or waits in the queue."""
        return self._current is not None or bool(self._queue)

    @property
    def current_title(self) -> str | None:
        """Title of the running job, if any."""
        return self._current.title if self._current else None

    def run(self, title: str, job: Job, *, on_result: Callable[[object], None] | None = None) -> None:
        """Run ``job(progress, cancel)`` on the worker thread; queued if another job is running.

        Args:
            title: shown in the status bar while the job runs ("Importing 12 files").
            job: the work; it must not touch widgets (it runs off the GUI thread).
            on_result: optional callback for *this* job's result, called on the GUI thread after
                ``succeeded`` and ``finished`` (handy to chain "import, then suggest what was imported", or to
                show a summary dialog once the progress bar is gone).

        Raises:
            RuntimeError: after ``shutdown()``.
        """
        if self._closed:
            raise RuntimeError("the job runner was shut down")
        self._queue.append(_Pending(title, job, on_result))
        if self._current is None:
            self._start_next()

    def cancel(self) -> None:
        """Ask the running job to stop at its next checkpoint and drop the queued ones."""
        self._queue.clear()
        if self._current is not None:
            self._current.flag.cancel()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Cancel everything and stop the worker thread; call before the application quits.

        Returns:
            True when the thread stopped in time. A job that ignores the cancel flag for ``timeout_ms`` is
            terminated as a last resort, because a QThread destroyed while running aborts the process.
        """
        self._closed = True
        self.cancel()
        stopped = self._stop_thread(timeout_ms)
        self._current = None
        return stopped

    # ------------------------------------------------------------------ internals
    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        # A thread per busy period (started by the first job, stopped when the queue drains): an idle runner
        # owns no running thread, so dropping one without shutdown() can never abort the process.
        thread = QThread()
        thread.setObjectName("annotator-jobs")
        worker = _Worker()
        worker.moveToThread(thread)
        thread.finished.connect(worker.deleteLater)  # deleted in its own thread as it ends (Qt's pattern)
        self._submit.connect(worker.execute)  # queued: the receiver lives in the worker thread
        worker.progress.connect(self._on_progress)
        worker.done.connect(self._on_done)
        thread.start()
        self._thread, self._worker = thread, worker

    def _stop_thread(self, timeout_ms: int) -> bool:
        thread, worker = self._thread, self._worker
        self._thread = self._worker = None
        if thread is None or worker is None:
            return True
        # Disconnect first: a late report of the old worker must not reach the next busy period.
        self._submit.disconnect(worker.execute)
        worker.progress.disconnect(self._on_progress)
        worker.done.disconnect(self._on_done)
        thread.quit()  # processed by the thread's event loop once the current job returns
        stopped = bool(thread.wait(max(0, timeout_ms)))
        if not stopped:
            log.warning(
                "background job %r ignored the cancel for %d ms; terminating it", self.current_title, timeout_ms
            )
            thread.terminate()
            thread.wait()
        return stopped

    def _start_next(self) -> None:
        if not self._queue:
            return
        self._ensure_thread()
        self._current = self._queue.popleft()
        self.started.emit(self._current.title)
        self._submit.emit(self._current)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if self._current is not None:
            self.progress.emit(done, total, message)

    @Slot(str, object)
    def _on_done(self, outcome: str, payload: Any) -> None:
        pending, self._current = self._current, None
        try:
            if outcome == _SUCCEEDED:
                self.succeeded.emit(payload)
            elif outcome == _FAILED:
                self.failed.emit(str(payload))
            else:
                self.cancelled.emit()
        finally:
            # Even when a slot raised: the runner must not stay "busy" forever.
            if not self._queue:
                # The job has returned; its thread only has to leave the slot and its event loop.
                self._stop_thread(SHUTDOWN_GRACE_MS)
            self.finished.emit()
            if not self._closed:
                self._start_next()
        # Last, once the runner is idle (or on its next job): on_result often opens a modal summary, and the
        # progress bar must not sit there with a live Cancel button while the user reads it.
        if outcome == _SUCCEEDED and pending is not None and pending.on_result is not None:
            pending.on_result(payload)
