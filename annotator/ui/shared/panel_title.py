"""The one-line title above a side panel's table, whose counts change with every decision."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from annotator.core.records import ClaimView, EntityView, Status

#: Space around the text, as the panels' titles have always had: each side, above, below.
_SIDE, _ABOVE, _BELOW = 4, 6, 2


_status = attrgetter("status")


class PanelTitle(QWidget):
    """A bold line of plain text ("Entities · 300 mentions, 12 to decide"), cut with "…" when narrow.

    A QLabel whose text changes asks its layout to be redone, and Qt redoes every layout up to the window (each
    panel's, the splitters', the main window's) before the key press's frame is painted. This title has a
    fixed height and takes the width its panel gives it, so a new count only repaints its own line.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        self.setFont(font)
        self._text = ""
        self.setFixedHeight(self.fontMetrics().height() + _ABOVE + _BELOW)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        """Show ``text`` (plain text, never markup); only this line is repainted."""
        if text == self._text:
            return
        self._text = text
        self.setAccessibleName(text)
        self.update()

    def show_counts(self, heading: str, rows: Sequence[EntityView] | Sequence[ClaimView], one: str, many: str) -> None:
        """"Heading · N rows, M to decide": how many rows the panel lists and how many are open suggestions."""
        open_count = list(map(_status, rows)).count(Status.SUGGESTED)  # in C: a panel's title is set on every press
        self.setText(f"{heading}  ·  {len(rows)} {one if len(rows) == 1 else many}, {open_count} to decide")

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance(self._text) + 2 * _SIDE, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        area = self.rect().adjusted(_SIDE, _ABOVE, -_SIDE, -_BELOW)
        shown = self.fontMetrics().elidedText(self._text, Qt.TextElideMode.ElideRight, area.width())
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown)
        painter.end()
