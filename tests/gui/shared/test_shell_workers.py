"""JobRunner and JobStatusWidget: jobs run off the GUI thread and report back on it."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from annotator.core.errors import ConfigError
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window.job_status import JobStatusWidget
from tests.gui import shell_fixtures as fx

# Fixtures shared by the shell tests (assigned, not imported, so pytest finds them here).
runner = fx.runner


# The offscreen platform warns about size hints when a top-level widget is shown; it says nothing about us.

WAIT = 10_000  # generous safety net for a loaded 2-core machine; no assertion depends on timing


def test_job_result_and_progress_arrive_on_the_gui_thread(qtbot, runner: JobRunner) -> None:
    gui_thread = threading.get_ident()
    seen: dict[str, object] = {}
    reports: list[tuple[int, int, str]] = []

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        seen["job_thread"] = threading.get_ident()
        for i in range(1, 5001):
            progress(Progress(i, 5000, f"article {i}"))
        return 42

    events: list[tuple[str, object]] = []
    runner.started.connect(lambda title: events.append(("started", title)))
    runner.progress.connect(lambda d, t, m: reports.append((d, t, m)))
    runner.succeeded.connect(lambda value: events.append(("succeeded", value)))
    runner.succeeded.connect(lambda value: seen.setdefault("slot_thread", threading.get_ident()))
    runner.finished.connect(lambda: events.append(("finished", None)))
    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        runner.run("Counting", job)
        assert runner.busy
    assert events == [("started", "Counting"), ("succeeded", 42), ("finished", None)]
    assert seen["job_thread"] != gui_thread
    assert seen["slot_thread"] == gui_thread
    # Throttled: far fewer signals than reports, and the final one always arrives.
    assert 1 <= len(reports) < 5000
    assert reports[-1] == (5000, 5000, "article 5000")
    assert not runner.busy


def test_annotator_error_becomes_failed_with_its_message(qtbot, runner: JobRunner) -> None:
    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        raise ConfigError("no spaCy pipeline loads: set the --pipeline option")

    with qtbot.waitSignal(runner.failed, timeout=WAIT) as blocker:
        runner.run("Suggesting", job)
    assert blocker.args == ["no spaCy pipeline loads: set the --pipeline option"]


def test_unexpected_exception_is_described_and_logged(qtbot, runner: JobRunner, caplog) -> None:
    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        raise KeyError("boom")

    with (
        caplog.at_level(logging.ERROR, logger="annotator.ui.shared.workers"),
        qtbot.waitSignal(runner.failed, timeout=WAIT) as blocker,
    ):
        runner.run("Exporting", job)
    message = blocker.args[0]
    assert "KeyError" in message and "bug" in message
    assert any(r.exc_info for r in caplog.records), "the traceback is logged"


def test_cancel_stops_the_job(qtbot, runner: JobRunner) -> None:
    running = threading.Event()
    stopped = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        running.set()
        try:
            while True:  # a long job: checks the flag between units of work
                progress(Progress(0, 0, "working"))
                cancel.check()
                threading.Event().wait(0.002)
        finally:
            stopped.set()

    runner.progress.connect(lambda *_: runner.cancel())  # the user presses Cancel once work is visible
    with qtbot.waitSignals([runner.cancelled, runner.finished], timeout=WAIT):
        runner.run("Long", job)
    assert running.is_set() and stopped.is_set()
    assert not runner.busy


def test_gui_thread_stays_responsive_during_a_job(qtbot, runner: JobRunner) -> None:
    gui_ran = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        # Finishes only once the GUI thread has run a timer: a frozen event loop would make this time out.
        return "responsive" if gui_ran.wait(WAIT / 1000) else "frozen"

    with qtbot.waitSignal(runner.started, timeout=WAIT):
        runner.run("Waiting", job)
    with qtbot.waitSignal(runner.succeeded, timeout=2 * WAIT) as blocker:
        QTimer.singleShot(0, gui_ran.set)
    assert blocker.args == ["responsive"]


def test_second_run_is_queued_and_cancel_drops_the_queue(qtbot, runner: JobRunner) -> None:
    order: list[str] = []
    results: list[object] = []
    gate = threading.Event()

    def first(progress: ProgressCallback, cancel: CancelFlag) -> object:
        gate.wait(WAIT / 1000)
        order.append("first")
        return 1

    def second(progress: ProgressCallback, cancel: CancelFlag) -> object:
        order.append("second")
        return 2

    runner.succeeded.connect(results.append)
    chained: list[object] = []
    with qtbot.waitSignals([runner.succeeded, runner.succeeded], timeout=WAIT):
        runner.run("First", first)
        runner.run("Second", second, on_result=chained.append)
        assert runner.busy
        gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert order == ["first", "second"]
    assert results == [1, 2]
    assert chained == [2]

    # cancel() while one runs and one waits: the waiting job never starts.
    gate.clear()
    never: list[str] = []

    def blocked(progress: ProgressCallback, cancel: CancelFlag) -> object:
        gate.wait(WAIT / 1000)
        cancel.check()
        return None

    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        runner.run("Blocked", blocked)
        runner.run("Never", lambda p, c: never.append("ran"))
        runner.cancel()
        gate.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=WAIT)
    assert never == []


def test_shutdown_cancels_and_stops_the_thread(qtbot) -> None:
    job_runner = JobRunner()
    running = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        running.set()
        while not cancel.cancelled:
            threading.Event().wait(0.002)
        return None

    job_runner.run("Endless", job)
    assert running.wait(WAIT / 1000)
    assert job_runner.shutdown(WAIT)
    assert job_runner.shutdown(WAIT)  # idempotent


def test_job_status_widget_follows_the_runner(qtbot, runner: JobRunner) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    widget = JobStatusWidget(runner, window)
    QHBoxLayout(window).addWidget(widget)
    window.show()
    assert not widget.isVisible(), "hidden while idle"
    gate = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        progress(Progress(3, 10, "file 3"))
        gate.wait(WAIT / 1000)
        cancel.check()
        return None

    with qtbot.waitSignal(runner.progress, timeout=WAIT):
        runner.run("Importing 10 files", job)
    assert widget.isVisible()
    assert (widget.bar.value(), widget.bar.maximum()) == (3, 10)
    assert "Importing 10 files" in widget.label.text() and "file 3" in widget.label.toolTip()

    with qtbot.waitSignal(runner.cancelled, timeout=WAIT):
        widget.cancel_button.click()
        assert not widget.cancel_button.isEnabled()
        gate.set()
    assert not widget.isVisible()


def test_job_status_widget_shows_busy_indicator_for_unknown_total(qtbot, runner: JobRunner) -> None:
    widget = JobStatusWidget(runner)
    qtbot.addWidget(widget)
    gate = threading.Event()

    def job(progress: ProgressCallback, cancel: CancelFlag) -> object:
        progress(Progress(0, 0, "loading the spaCy pipeline"))
        gate.wait(WAIT / 1000)
        return None

    with qtbot.waitSignal(runner.progress, timeout=WAIT):
        runner.run("Suggesting", job)
    assert widget.bar.maximum() == 0  # Qt's busy indicator
    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        gate.set()


def test_on_result_runs_once_the_runner_is_idle(qtbot, runner: JobRunner) -> None:
    widget = JobStatusWidget(runner)
    qtbot.addWidget(widget)
    seen: list[tuple[object, bool, bool]] = []

    def on_result(value: object) -> None:
        # What a modal summary dialog opened here would see.
        seen.append((value, runner.busy, widget.isVisible()))

    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        runner.run("Export", lambda p, c: "summary", on_result=on_result)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen == [("summary", False, False)]


def test_an_idle_runner_holds_no_running_thread(qtbot) -> None:
    import gc

    job_runner = JobRunner()
    with qtbot.waitSignal(job_runner.finished, timeout=WAIT):
        job_runner.run("Quick", lambda p, c: None)
    assert not job_runner.busy
    # Dropped without shutdown(): a running QThread here would abort the whole test process.
    del job_runner
    gc.collect()
