"""Where text ranges sit in a laid-out document, and which painted spans a region of it needs.

The text pane paints span tints and lines itself (:mod:`annotator.ui.workspace.span_painter`); this module keeps the two
things that makes cheap: line boxes measured once per layout, and spans indexed by start, so a paint visits only
the spans on the lines it repaints.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from operator import sub
from typing import NamedTuple

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QTextCharFormat, QTextDocument

from annotator.ui.workspace.span_painter import LineBox

SpanKey = tuple[int, int, int]  # (start, end, id of the format)


class DrawnSpan(NamedTuple):
    """A range of the shown text (UTF-16 positions) and the format it is drawn with."""

    start: int
    end: int
    format: QTextCharFormat


class LineGeometry:
    """Line boxes of text ranges in document coordinates, cached until the layout changes (:meth:`reset`)."""

    def __init__(self, document: QTextDocument) -> None:
        self._document = document
        self._boxes: dict[tuple[int, int], list[LineBox]] = {}

    def reset(self, document: QTextDocument | None = None) -> None:
        """Forget every measure (the text was laid out anew), optionally for another document."""
        if document is not None:
            self._document = document
        self._boxes = {}

    def boxes(self, start: int, end: int) -> list[LineBox]:
        """Where ``[start, end)`` (UTF-16) is: a box per visual line, ending at the last glyph of a wrapped line."""
        boxes = self._boxes.get((start, end))
        if boxes is not None:
            return boxes
        boxes = []
        document = self._document
        layout = document.documentLayout()
        block = document.findBlock(start)
        while block.isValid() and block.position() < end:
            origin = layout.blockBoundingRect(block).topLeft()  # lays the block out first if it is not yet
            block_layout = block.layout()
            for i in range(block_layout.lineCount()):
                line = block_layout.lineAt(i)
                line_start = block.position() + line.textStart()
                line_end = line_start + line.textLength()
                lo, hi = max(start, line_start), min(end, line_end)
                if lo >= hi:
                    continue
                x1 = _x_of(line.cursorToX(lo - block.position()))
                x2 = _x_of(line.cursorToX(hi - block.position()))
                if hi == line_end:  # a span running on to the next line stops at the last glyph, not the space
                    x2 = max(x1, min(x2, line.x() + line.naturalTextWidth()))
                top = origin.y() + line.y()
                boxes.append(LineBox(QRectF(origin.x() + x1, top, x2 - x1, line.height()), top + line.ascent()))
            block = block.next()
        if boxes:  # nothing laid out yet (no width): measure again next time
            self._boxes[(start, end)] = boxes
        return boxes

    def positions_between(self, top: float, bottom: float) -> tuple[int, int]:
        """The first and last text positions on the lines between two document heights."""
        layout = self._document.documentLayout()
        first = layout.hitTest(QPointF(0, top), Qt.HitTestAccuracy.FuzzyHit)
        last = layout.hitTest(QPointF(self._document.textWidth(), bottom), Qt.HitTestAccuracy.FuzzyHit)
        if first < 0 or last < 0:
            return 0, self._document.characterCount()
        return first, last


class PaintedSpans:
    """The spans the pane paints, in drawing order, indexed by start."""

    def __init__(self) -> None:
        self.spans: list[DrawnSpan] = []
        self._keys: Counter[SpanKey] = Counter()  # two rows may draw the same range with the same format
        self._index: list[tuple[int, int]] = []  # (start, position in ``spans``), sorted
        self._longest = 0  # at least the longest span's length (a bound for the look-up by start)

    def replace(self, spans: list[DrawnSpan]) -> set[SpanKey]:
        """Paint ``spans`` from now on; returns the spans that appeared, went or changed format."""
        old = self.spans  # alive until the comparison is done, and with it every format it uses
        self.spans = spans
        before = self._keys
        if spans:
            starts, ends, formats = zip(*spans, strict=True)  # column by column, in C: a full draw has ~400 spans
            self._index = sorted(zip(starts, range(len(spans)), strict=True))
            self._longest = max(map(sub, ends, starts))
            # Old and new formats are all alive here, so an id names one format during this comparison.
            self._keys = Counter(zip(starts, ends, map(id, formats), strict=True))
        else:
            self._index, self._longest, self._keys = [], 0, Counter()
        del old
        return set(before.keys() ^ self._keys.keys())

    def splice(self, at: int, count: int, spans: list[DrawnSpan]) -> set[SpanKey]:
        """Paint ``spans`` in place of the ``count`` spans from position ``at`` of the drawing order (one row drawn
        anew), keeping the index of the others; returns the spans that appeared, went or changed format."""
        removed = self.spans[at:at + count]  # alive until the comparison is done, as in replace
        self.spans[at:at + count] = spans
        delta = len(spans) - count
        if delta or [span.start for span in removed] != [span.start for span in spans]:
            end = at + count
            index = [(start, i if i < at else i + delta) for start, i in self._index if not at <= i < end]
            for k, span in enumerate(spans):
                insort(index, (span.start, at + k))
            self._index = index
        self._longest = max([self._longest] + [span.end - span.start for span in spans])
        keys = self._keys
        gone = [(span.start, span.end, id(span.format)) for span in removed]
        came = [(span.start, span.end, id(span.format)) for span in spans]
        drawn_before = {key: key in keys for key in gone + came}
        keys.subtract(gone)
        keys.update(came)
        for key in set(gone):
            if keys[key] <= 0:
                del keys[key]
        return {key for key, was in drawn_before.items() if (key in keys) != was}

    def overlapping(self, first: int, last: int) -> list[DrawnSpan]:
        """The spans overlapping positions ``first`` to ``last``, in drawing order."""
        lo = bisect_left(self._index, (first - self._longest, -1))
        hi = bisect_right(self._index, (last, len(self.spans)))
        spans = self.spans
        return [spans[i] for i in sorted(i for _, i in self._index[lo:hi] if spans[i].end > first)]


def _x_of(result: object) -> float:
    """PySide returns ``(x, position)`` from ``QTextLine.cursorToX``; its stub only says ``object``."""
    if isinstance(result, tuple):
        return float(result[0])
    return float(result)  # type: ignore[arg-type]
