"""The Annotators dialog: roles and overlap."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository

TEXT = "Abe said Japan wants the four islands back, and Putin said Russia would not give them up."

def test_annotators_dialog_sets_roles_and_overlap(qtbot: QtBot, repo: Repository) -> None:
    from annotator.ui.project.annotators_dialog import AnnotatorsDialog

    repo.ensure_annotator("alice")
    dialog = AnnotatorsDialog(repo)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    qtbot.keyClicks(dialog.name, "carol")
    dialog.role.setCurrentText("reviewer")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert repo.annotators() == [("alice", "annotator"), ("carol", "reviewer")]
    assert "carol: added (reviewer)" in dialog.message.text()
    box = dialog.role_box("alice")
    assert box is not None
    box.setCurrentText("reviewer")
    assert dict(repo.annotators())["alice"] == "reviewer"
    dialog.overlap.setValue(2)
    assert repo.overlap() == 2
    qtbot.keyClicks(dialog.name, "gold")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert "name of a layer" in dialog.message.text()
    assert len(repo.annotators()) == 2


def test_tab_leaves_the_table_for_every_field(qtbot: QtBot, repo: Repository) -> None:
    """Issue 15, point 22: Tab cycled inside the table, so name, role and overlap could not be reached."""
    from PySide6.QtWidgets import QApplication

    from annotator.ui.project.annotators_dialog import AnnotatorsDialog

    for name in ("alice", "bob", "carol"):
        repo.ensure_annotator(name)
    dialog = AnnotatorsDialog(repo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dialog.table.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.table)
    reached = set()
    for _ in range(12):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        reached.add(QApplication.focusWidget())
    assert {dialog.name, dialog.role, dialog.overlap} <= reached
    box = dialog.role_box("bob")
    assert box is not None and box in reached  # each row's role box is on the Tab path too
    # ... and the overlap can be typed once reached.
    dialog.overlap.setFocus()
    dialog.overlap.selectAll()
    qtbot.keyClicks(dialog.overlap, "3")
    qtbot.keyClick(dialog.overlap, Qt.Key.Key_Return)
    assert repo.overlap() == 3
