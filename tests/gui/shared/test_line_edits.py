"""The text fields the dialogs and filters are built with (ui/shared/line_edits)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from annotator.ui.shared.line_edits import date_range_edits, line_edit


def test_a_line_edit_has_its_name_hint_text_and_clear_button(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    edit = line_edit("e.g. Abe", name="actorEdit", text="Putin", clearable=True, parent=owner)
    assert edit.parent() is owner and owner.findChild(type(edit), "actorEdit") is edit
    assert (edit.placeholderText(), edit.text(), edit.isClearButtonEnabled()) == ("e.g. Abe", "Putin", True)

    plain = line_edit()
    qtbot.addWidget(plain)
    assert (plain.objectName(), plain.placeholderText(), plain.text()) == ("", "", "")
    assert not plain.isClearButtonEnabled()


def test_a_date_range_is_two_iso_date_fields(qtbot: QtBot) -> None:
    first, last = date_range_edits()
    qtbot.addWidget(first)
    qtbot.addWidget(last)
    assert (first.placeholderText(), last.placeholderText()) == ("from YYYY-MM-DD", "to YYYY-MM-DD")
    assert first is not last
