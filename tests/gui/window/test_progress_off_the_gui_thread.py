"""The status bar's progress is read on the database thread: its total counts every article of the project (40-50
ms at a million, which the GUI thread paid before the first paint and after every article marked done)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from tests.gui.helpers import press

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository


def test_progress_is_read_on_the_database_thread_and_shown(qtbot: QtBot, window: Any, repo: Repository,
                                                           monkeypatch: Any) -> None:
    threads: list[str] = []
    original = repo.progress

    def progress(annotator: str) -> tuple[int, int]:
        threads.append(threading.current_thread().name)
        return original(annotator)

    monkeypatch.setattr(repo, "progress", progress)
    label = window.session_status.progress_label
    qtbot.waitUntil(lambda: label.text() == f"0/{repo.count_articles()} done", timeout=5000)
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # mark done, go to the next
    qtbot.waitUntil(lambda: label.text() == f"1/{repo.count_articles()} done", timeout=5000)
    assert threads and threading.main_thread().name not in threads
