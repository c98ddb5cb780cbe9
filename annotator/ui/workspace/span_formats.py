"""The text formats spans are drawn with, one shared object per style.

See :mod:`annotator.ui.workspace.article_text`.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat

from annotator.core.records import Status
from annotator.ui.shared.colors import CONTENT_FAINT, CONTENT_TINT, REJECTED_TEXT, LabelStyle
from annotator.ui.workspace.span_painter import BOXED


def entity_format(style: LabelStyle, status: str) -> QTextCharFormat:
    """An entity mention of a label (``style``) in a decision status."""
    fmt = QTextCharFormat()
    if status == Status.REJECTED:
        fmt.setFontStrikeOut(True)
        fmt.setForeground(REJECTED_TEXT)
        return fmt
    fmt.setUnderlineColor(style.color)
    if status == Status.SUGGESTED:
        fmt.setBackground(style.light)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    else:
        fmt.setBackground(style.strong)
        if status == Status.CORRECTED:
            # Boxed in the label colour: a corrected span must not pass for an accepted one (issue 15, point 26).
            fmt.setProperty(BOXED, True)
        else:
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    return fmt


def role_format(color: QColor, muted: bool) -> QTextCharFormat:
    # ExtraSelections cannot change the font (no relayout), so roles are told apart by colour only.
    fmt = QTextCharFormat()
    fmt.setForeground(REJECTED_TEXT if muted else color)
    return fmt


def content_format(current: bool, muted: bool) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if muted:
        fmt.setForeground(REJECTED_TEXT)
    else:
        fmt.setBackground(CONTENT_TINT if current else CONTENT_FAINT)
    return fmt
