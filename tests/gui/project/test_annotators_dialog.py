"""The Annotators dialog: roles and overlap."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

TEXT = "Abe said Japan wants the four islands back, and Putin said Russia would not give them up."

def test_annotators_dialog_sets_roles_and_overlap(qtbot: Any, repo: Any) -> None:
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
