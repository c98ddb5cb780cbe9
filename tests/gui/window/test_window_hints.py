"""Issue 15, point 25: every key the analyst presses says what it did, and the claim panel never contradicts itself."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from tests.gui.helpers import drag_select, find, press

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def message(window: Any) -> str:
    return str(window.statusBar().currentMessage())


def test_ctrl_r_as_a_non_reviewer_explains(qtbot: Any, window: Any) -> None:
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert "reviewer" in message(window) and "Annotators" in message(window)
    assert not window.review.active and not window.actions_by_name["review_mode"].isChecked()


def test_ctrl_enter_with_undecided_suggestions_says_so(qtbot: Any, window: Any, articles: dict[str, str]) -> None:
    undecided = sum(1 for e in window.workspace.entities if e.status == "suggested")
    undecided += sum(1 for c in window.workspace.claims if c.status == "suggested")
    assert undecided == 6
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert window.current_article_id != articles["abe"]
    assert "marked done with 6 suggestions undecided" in message(window)


def test_undo_and_redo_say_what_they_did(qtbot: Any, window: Any) -> None:
    press(qtbot, window, "n")
    press(qtbot, window, "a")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert message(window).startswith("Undone: ")
    assert len(message(window)) > len("Undone: ")
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert message(window).startswith("Redone: ")


def test_after_undoing_a_claim_no_row_stays_highlighted_and_the_editor_is_blank(qtbot: Any, window: Any) -> None:
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
