"""Article data shown as text, never as markup, in the places Qt would read it as HTML (issue 15, point 17).

Qt renders a tooltip, a ``QLabel`` and a ``QMessageBox`` text as rich text whenever the string *looks* like HTML
(``Qt::mightBeRichText``): a title "DU PONT CO <DD> LAUNCHES" loses its ticker, and ``<img src="/local/file">``
in an origin loads that file. Tooltips have no format switch, so data goes into them escaped inside an explicit
rich-text envelope; labels and message boxes are switched to plain text.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox


def tooltip(text: str | None) -> str:
    """A tooltip that shows ``text`` verbatim, whatever it holds (line breaks kept)."""
    if not text:
        return ""
    escaped = html.escape(text, quote=False).replace("\n", "<br>")
    # <qt> makes Qt take the string as rich text, so the escapes are shown as the characters they stand for.
    return f'<qt><span style="white-space: pre-wrap">{escaped}</span></qt>'


def plain_label(label: QLabel) -> QLabel:
    """``label`` set to show its text as typed (never as HTML); returns it for chaining."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def plain_message_box(box: QMessageBox) -> QMessageBox:
    """A message box whose text and informative text are plain text (a job's message can quote data)."""
    box.setTextFormat(Qt.TextFormat.PlainText)
    for label in box.findChildren(QLabel):
        if label.objectName() in ("qt_msgbox_label", "qt_msgbox_informativelabel"):
            label.setTextFormat(Qt.TextFormat.PlainText)
    return box
