"""A QLabel of fixed height whose text changes often, kept from redoing its window's layouts.

The claim editor shows the current claim's source, cue and content, and they change every few key presses.
``QLabel::setText`` calls ``updateGeometry``, and unless the label's minimum and maximum sizes are equal in both
directions Qt then redoes the layout it is in: the editor's whole form (its combo boxes' size hints included) and
the splitter around it, before the press's frame is painted (1-3 ms of a press onto a claim). A label of fixed
height cannot have a fixed width in a form the analyst resizes, so it sits in a box of its own, without a layout,
that gives it exactly the box's size whenever the box is resized: a new text repaints the label and nothing else.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: Space between the label's edge and its text, as the editor's labels have always had.
_MARGIN = 2


class LabelBox(QWidget):
    """A box ``lines`` lines of ``label``'s font high, as wide as its layout makes it, holding ``label``."""

    def __init__(self, label: QLabel, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        label.setParent(self)
        self.setFixedHeight(label.fontMetrics().lineSpacing() * lines + 2 * _MARGIN)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(self.label.fontMetrics().horizontalAdvance("x" * 30), self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        # Minimum equal to maximum in both directions: Qt then leaves the layouts above alone on a new text.
        self.label.setFixedSize(event.size())
        super().resizeEvent(event)
