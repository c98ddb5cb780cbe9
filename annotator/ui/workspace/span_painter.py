"""Span tints and lines painted straight onto the article text, under and over the glyphs.

QTextEdit draws ExtraSelections, but each needs its own ``QTextCursor`` and Qt compares the whole list on every
change: building ~400 of them took 13 ms of the 45 ms it took to open an article, and part of every decision.
Tints (backgrounds) and lines (underline, overline, strike-through) do not change the glyphs, so the text pane
paints them itself, for the visible lines only: tints before the text is drawn, lines after. Only formats that
colour the glyphs (claim source and cue, rejected spans) remain ExtraSelections.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QTextCharFormat, QTextFormat


class LineBox(NamedTuple):
    """The part of a span on one visual line: its rectangle and the baseline of its glyphs."""

    rect: QRectF
    baseline: float


def paints_glyphs(fmt: QTextCharFormat) -> bool:
    """Whether ``fmt`` colours the glyphs themselves (only Qt's text drawing can do that)."""
    return fmt.hasProperty(QTextFormat.Property.ForegroundBrush)


#: A format property of ours: draw a box around the span (a corrected mention), in its underline colour.
BOXED = int(QTextFormat.Property.UserProperty) + 15
#: Width of the box around a corrected mention: twice a text line, so that it reads at a glance (point 26).
BOX_WIDTH = 2.0


def has_lines(fmt: QTextCharFormat) -> bool:
    return (
        fmt.underlineStyle() != QTextCharFormat.UnderlineStyle.NoUnderline
        or fmt.fontOverline()
        or fmt.fontStrikeOut()
        or fmt.boolProperty(BOXED)
    )


def paint_tints(painter: QPainter, spans: Iterable[tuple[QTextCharFormat, list[LineBox]]]) -> None:
    """Fill each span's background, in order (a later span's tint covers an earlier one's, as Qt's would)."""
    for fmt, boxes in spans:
        if not fmt.hasProperty(QTextFormat.Property.BackgroundBrush):
            continue
        brush = fmt.background()
        for box in boxes:
            painter.fillRect(box.rect, brush)


def paint_lines(
    painter: QPainter, spans: Iterable[tuple[QTextCharFormat, list[LineBox]]], metrics: QFontMetricsF,
    text_color: QColor,
) -> None:
    """Draw each span's underline, overline and strike-through where Qt puts them for this font.

    The positions follow Qt's own text decoration (``QPainter::drawTextItem``): the underline just below the
    baseline but within the descent, the overline at the ascent, the strike-through a third of the ascent up.
    """
    width = max(1.0, float(round(metrics.lineWidth())))
    under = math.ceil(metrics.underlinePos()) + width / 2
    if metrics.underlinePos() <= metrics.descent():
        under = min(under, metrics.descent() - width / 2)
    for fmt, boxes in spans:
        if not has_lines(fmt):
            continue
        style = fmt.underlineStyle()
        color = fmt.underlineColor()
        if not color.isValid():
            color = text_color
        for box in boxes:
            left, right = box.rect.left(), box.rect.right()
            if style == QTextCharFormat.UnderlineStyle.WaveUnderline:
                _wave(painter, left, right, box.baseline, metrics, color, width)
            elif style != QTextCharFormat.UnderlineStyle.NoUnderline:
                _line(painter, left, right, box.baseline + under, _pen(color, width, style))
            if fmt.fontOverline():
                _line(painter, left, right, box.baseline - metrics.ascent(), _pen(color, width))
            if fmt.fontStrikeOut():
                _line(painter, left, right, box.baseline - metrics.ascent() / 3, _pen(text_color, width))
            if fmt.boolProperty(BOXED):
                painter.setPen(_pen(color, max(BOX_WIDTH, width)))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                # Around the tint, not over it: the span keeps its label tint inside the box.
                out = max(BOX_WIDTH, width) / 2
                painter.drawRect(box.rect.adjusted(-out, -out, out, out))


def _line(painter: QPainter, left: float, right: float, y: float, pen: QPen) -> None:
    painter.setPen(pen)
    painter.drawLine(QPointF(left, y), QPointF(right, y))


def _pen(
    color: QColor, width: float, style: QTextCharFormat.UnderlineStyle = QTextCharFormat.UnderlineStyle.SingleUnderline
) -> QPen:
    pen = QPen(color, width)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if style == QTextCharFormat.UnderlineStyle.DashUnderline:
        pen.setStyle(Qt.PenStyle.DashLine)
    elif style == QTextCharFormat.UnderlineStyle.DotLine:
        pen.setStyle(Qt.PenStyle.DotLine)
    return pen


def _wave(painter: QPainter, left: float, right: float, baseline: float, metrics: QFontMetricsF, color: QColor,
          width: float) -> None:
    """A wavy underline shaped as Qt draws ``WaveUnderline`` (quadratic arcs, a golden-ratio half period)."""
    radius_base = max(1.0, min(max(metrics.underlinePos(), width), (metrics.descent() - 1) / 2))
    half_period = max(2.0, radius_base * 1.61803399)
    radius = math.floor(radius_base * 2) / 2
    middle = baseline + 1 + radius
    path = QPainterPath(QPointF(left, middle))
    x, y = left, radius
    while x < right:
        x += half_period
        y = -y
        path.quadTo(QPointF(x - half_period / 2, middle + y), QPointF(x, middle))
    painter.save()
    painter.setClipRect(QRectF(left, middle - radius - width, right - left, 2 * (radius + width)))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = _pen(color, min(width, 0.8 * radius))
    pen.setCapStyle(Qt.PenCapStyle.SquareCap)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)
    painter.restore()
