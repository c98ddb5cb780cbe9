"""The database worker: operations in order, each handed to its thread after the frame that asked for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QWidget

from annotator.ui.shared.db_worker import DatabaseWorker

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


class _Canvas(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        self.paints += 1


def test_an_operation_runs_after_the_frame_of_the_key_press_that_asked_for_it_is_painted(qtbot: QtBot) -> None:
    # Run at once, the thread's Python work took turns with the paint for the interpreter lock: the analyst saw
    # the decision later.
    canvas = _Canvas()
    qtbot.addWidget(canvas)
    canvas.show()
    qtbot.waitExposed(canvas)
    qtbot.waitUntil(lambda: canvas.paints > 0)
    worker = DatabaseWorker()
    seen: list[tuple[int, str]] = []
    done: list[int] = []
    try:
        before = canvas.paints
        canvas.update()  # what a key press draws ...

        def operation(n: int) -> Callable[[], int]:
            def run() -> int:
                seen.append((canvas.paints, threading.current_thread().name))
                return n

            return run

        for n in range(3):  # ... and the decisions it asks for
            worker.submit(operation(n), done.append, lambda exc: None)
        qtbot.waitUntil(lambda: len(done) == 3)
        assert done == [0, 1, 2]  # in order
        assert all(paints > before for paints, _ in seen)  # after the frame was painted
        assert {name for _, name in seen} == {"annotator-database"}
    finally:
        worker.shutdown()


def test_a_shutdown_still_runs_what_was_asked_for(qtbot: QtBot) -> None:
    worker = DatabaseWorker()
    ran: list[int] = []
    worker.submit(lambda: ran.append(1), lambda _result: None, lambda exc: None)
    assert worker.shutdown()
    assert ran == [1]
