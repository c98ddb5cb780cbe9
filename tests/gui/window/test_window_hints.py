"""Issue 15, point 25: every key the analyst presses says what it did, and the claim panel never contradicts itself."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from tests.gui.helpers import drag_select, find, press

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def message(window: MainWindow) -> str:
    return str(window.statusBar().currentMessage())


def test_ctrl_r_as_a_non_reviewer_explains(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert "reviewer" in message(window) and "Annotators" in message(window)
    assert not window.review.active and not window.actions_by_name["review_mode"].isChecked()


def test_ctrl_enter_with_undecided_suggestions_says_so(
    qtbot: QtBot, window: MainWindow, articles: dict[str, str]
) -> None:
    undecided = sum(1 for e in window.workspace.entities if e.status == "suggested")
    undecided += sum(1 for c in window.workspace.claims if c.status == "suggested")
    assert undecided == 6
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert window.current_article_id != articles["abe"]
    assert "marked done with 6 suggestions undecided" in message(window)


def test_undo_and_redo_say_what_they_did(qtbot: QtBot, window: MainWindow) -> None:
    press(qtbot, window, "n")
    press(qtbot, window, "a")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert message(window).startswith("Undone: ")
    assert len(message(window)) > len("Undone: ")
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert message(window).startswith("Redone: ")


def test_after_undoing_a_claim_no_row_stays_highlighted_and_the_editor_is_blank(
    qtbot: QtBot, window: MainWindow
) -> None:
    panel = window.workspace.claim_panel
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "the Kuril islands belong to Russia"))
    press(qtbot, window, "c")
    assert panel.editor.claim is not None and panel.table.selectionModel().hasSelection()
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # the new claim is gone
    assert panel.editor.claim is None
    assert "No claim selected" in panel.editor.content.text()
    assert not panel.table.selectionModel().hasSelection()
    # The disabled editor shows nothing of the claim it showed before.
    for box in (panel.editor.kind, panel.editor.form, panel.editor.stance):
        assert not box.isEnabled() and box.currentText() == ""


# --------------------------------------------------------------------------- point 28: wording


def test_claims_header_names_its_noun(window: MainWindow) -> None:
    title = window.workspace.claim_panel.title.text()
    assert "1 claim, 1 to decide" in title


def test_stance_is_said_by_its_name(qtbot: QtBot, window: MainWindow) -> None:
    window.workspace.set_current(("claim", window.workspace.claims[0].id))
    press(qtbot, window, "=")
    assert "Claim stance: for (+1)" in message(window)
    press(qtbot, window, "-")
    assert "Claim stance: against (-1)" in message(window)


def test_shortcut_sheet_keys_do_not_run_into_their_descriptions(qtbot: QtBot) -> None:
    from PySide6.QtGui import QFontMetrics

    from annotator.ui.workspace import shortcuts
    from annotator.ui.workspace.shortcut_sheet import ShortcutSheet

    sheet = ShortcutSheet(None, shortcuts.sheet_rows())
    qtbot.addWidget(sheet)
    sheet.show()
    item = next(i for i in sheet.key_items() if "Ctrl+Y" in i.text(0))
    needed = QFontMetrics(item.font(0)).horizontalAdvance(item.text(0)) + sheet.tree.indentation()
    assert sheet.tree.columnWidth(0) >= needed + 12


def test_the_clock_shows_the_time_stored_for_the_article(
    qtbot: QtBot, repo: Repository, articles: dict[str, str]
) -> None:
    from annotator.ui.window.main_window import MainWindow
    from tests.gui.helpers import show_window

    repo.ensure_annotator("alice")
    repo.add_time(articles["lavrov"], "alice", 60)
    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    window.open_article(articles["lavrov"])
    status = window.session_status
    status.refresh()
    assert status.time_label.text() in ("1:00", "1:01", "1:02")  # not 0:00: 60 s were stored
    assert "on this article" in status.time_label.toolTip() and "5 minutes" in status.time_label.toolTip()
    window.close()


def test_a_clock_that_cannot_read_the_stored_time_starts_at_zero_and_logs_why(
    qtbot: QtBot, repo: Repository, articles: dict[str, str], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Issue 14, point 7: the failure is bookkeeping, so the article opens, but the traceback is kept."""
    from annotator.ui.window.main_window import MainWindow
    from tests.gui.helpers import show_window

    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)

    def broken(article_id: str, annotator: str) -> float:
        raise OSError("disk I/O error")

    monkeypatch.setattr(repo, "time_spent", broken)
    with caplog.at_level(logging.ERROR, logger="annotator.ui.window.main_window"):
        window.open_article(articles["lavrov"])
        qtbot.waitUntil(lambda: window.current_article_id == articles["lavrov"])
    assert window.session_status.time_label.text() in ("0:00", "0:01")
    (record,) = [r for r in caplog.records if "could not be read" in r.getMessage()]
    assert record.exc_info is not None and "disk I/O error" in str(record.exc_info[1])
    window.close()
