"""One-line text fields as the dialogs and filters build them: a name, a hint, a clear button."""

from __future__ import annotations

from PySide6.QtWidgets import QLineEdit, QWidget


def line_edit(
    hint: str = "", *, name: str = "", text: str = "", clearable: bool = False, parent: QWidget | None = None
) -> QLineEdit:
    """A text field.

    Args:
        hint: the grey placeholder shown while the field is empty.
        name: the object name (what tests and ``findChild`` look it up by).
        text: the text it starts with.
        clearable: show the clear (×) button while there is text.
        parent: the owning widget (None: the layout it is added to adopts it).
    """
    edit = QLineEdit(text, parent)
    if name:
        edit.setObjectName(name)
    if hint:
        edit.setPlaceholderText(hint)
    edit.setClearButtonEnabled(clearable)
    return edit


def date_range_edits() -> tuple[QLineEdit, QLineEdit]:
    """The "from" and "to" fields of a date filter (ISO dates, as articles store them)."""
    return line_edit("from YYYY-MM-DD"), line_edit("to YYYY-MM-DD")
