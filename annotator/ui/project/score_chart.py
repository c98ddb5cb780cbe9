"""A bar chart of the training report: each figure's current and new value side by side (0 to 1)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

CURRENT_COLOR = QColor("#90a4ae")
NEW_COLOR = QColor("#1e88e5")
_ROW = 26
_LABEL_WIDTH = 170
_VALUE_WIDTH = 44


class ScoreChart(QWidget):
    """Horizontal bars, two per figure (current in grey, new in blue), with the values written beside them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, float | None, float | None]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName("Training scores chart")

    def set_rows(self, rows: list[tuple[str, float | None, float | None]]) -> None:
        """Show ``(figure, current, new)`` rows (values between 0 and 1; None draws no bar)."""
        self.rows = list(rows)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(480, max(60, 24 + _ROW * len(self.rows)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        text_color = self.palette().text().color()
        legend_y = 4
        for k, (name, color) in enumerate((("current", CURRENT_COLOR), ("new", NEW_COLOR))):
            x = _LABEL_WIDTH + k * 90
            painter.fillRect(QRectF(x, legend_y + 3, 12, 10), color)
            painter.setPen(text_color)
            painter.drawText(QRectF(x + 16, legend_y, 70, 16), Qt.AlignmentFlag.AlignVCenter, name)
        bar_width = max(40.0, self.width() - _LABEL_WIDTH - _VALUE_WIDTH - 12)
        top = 24
        for k, (figure, current, new) in enumerate(self.rows):
            y = top + k * _ROW
            painter.setPen(text_color)
            painter.drawText(QRectF(4, y, _LABEL_WIDTH - 8, _ROW - 4),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, figure)
            for j, (value, color) in enumerate(((current, CURRENT_COLOR), (new, NEW_COLOR))):
                bar_y = y + 2 + j * 10
                if value is None:
                    continue
                length = bar_width * max(0.0, min(1.0, value))
                painter.fillRect(QRectF(_LABEL_WIDTH, bar_y, length, 9), color)
                painter.setPen(QPen(text_color))
                font = painter.font()
                font.setPointSizeF(max(7.0, font.pointSizeF() * 0.8))
                painter.setFont(font)
                painter.drawText(QRectF(_LABEL_WIDTH + length + 4, bar_y - 3, _VALUE_WIDTH, 14),
                                 Qt.AlignmentFlag.AlignVCenter, f"{value:.2f}")
                painter.setFont(self.font())
        painter.end()
