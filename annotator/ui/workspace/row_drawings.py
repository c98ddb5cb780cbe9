"""What each row of the open article (a mention or a claim) draws in its text, kept while the row is unchanged.

A row's spans are either painted by the text pane itself (tints and lines, :mod:`span_painter`) or, when they
colour the glyphs (claim roles, rejected spans), ExtraSelections, whose order matters: later ones win where their
properties overlap. A decision changes one or two of ~340 rows and rows are immutable, so each row's drawing is
kept by the row object and reused while it is the same object; a decision drawn ahead replaces one drawing in
place. Building an ExtraSelection needs a ``QTextCursor`` each, so they are also kept by (start, end, format).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from annotator.core.records import ClaimView, EntityView
from annotator.ui.workspace.span_geometry import DrawnSpan, SpanKey
from annotator.ui.workspace.span_painter import paints_glyphs

Row = EntityView | ClaimView
#: An ExtraSelection with its key (start, end, id of the format) and the format it keeps alive.
Selected = tuple[SpanKey, QTextEdit.ExtraSelection, QTextCharFormat]


class RowDrawing(NamedTuple):
    """What one row drew: its painted spans and its ExtraSelections (with their keys)."""

    row: Row
    current: bool  # drawn as the current claim (its content has a stronger tint)
    painted: tuple[DrawnSpan, ...]
    selected: tuple[Selected, ...]


class RowDrawings:
    """The drawings of the shown rows in drawing order: claims first (entity tints must stay visible over a
    claim's), then mentions, each in the order of the view's rows.

    Args:
        document: the text's document (ExtraSelections hold cursors into it).
    """

    def __init__(self, document: Callable[[], QTextDocument]) -> None:
        self._document = document
        self.claims: list[RowDrawing] = []
        self.entities: list[RowDrawing] = []
        self._by_row: dict[int, RowDrawing] = {}  # by id() of the row drawn (the drawing keeps the row alive)
        self._selections: dict[SpanKey, tuple[QTextEdit.ExtraSelection, QTextCharFormat]] = {}
        # Whether a format colours glyphs, by id() of the format (kept with it, so an id is never mistaken).
        self._glyph_formats: dict[int, tuple[QTextCharFormat, bool]] = {}

    def reset(self) -> None:
        """Forget everything (a new document)."""
        self.claims, self.entities = [], []
        self._by_row, self._selections, self._glyph_formats = {}, {}, {}

    def forget_rows(self) -> None:
        """Draw every row anew next time (its formats or the rules of drawing changed)."""
        self._by_row = {}

    def in_step(self, claims: Sequence[ClaimView], entities: Sequence[EntityView]) -> bool:
        """Whether there is a drawing for each of these rows, in order (the view's rows were drawn)."""
        return len(self.claims) == len(claims) and len(self.entities) == len(entities)

    def kept(self, row: Row, current: bool) -> RowDrawing | None:
        """The drawing ``row`` had, if it is the same row object drawn the same way."""
        before = self._by_row.get(id(row))
        return before if before is not None and before.row is row and before.current == current else None

    def draw(self, row: Row, current: bool, spans: Sequence[tuple[int, int, QTextCharFormat]]) -> RowDrawing:
        """A drawing of ``row`` with ``spans`` (UTF-16 ranges of the document and their formats)."""
        painted: list[DrawnSpan] = []
        selected: list[Selected] = []
        cache, glyph_formats = self._selections, self._glyph_formats
        for start, end, fmt in spans:
            # Formats are shared objects (one per label and status), kept alive by the drawings that use them,
            # so their identity is a fine cache key.
            fmt_id = id(fmt)
            known = glyph_formats.get(fmt_id)
            if known is None or known[0] is not fmt:
                known = glyph_formats[fmt_id] = (fmt, paints_glyphs(fmt))
            if not known[1]:
                painted.append(DrawnSpan(start, end, fmt))
                continue
            key = (start, end, fmt_id)
            hit = cache.get(key)
            if hit is not None and hit[1] is fmt:
                selection = hit[0]
            else:
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(self._document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = fmt
                cache[key] = (selection, fmt)
            selected.append((key, selection, fmt))
        return RowDrawing(row, current, tuple(painted), tuple(selected))

    def set_all(self, claims: list[RowDrawing], entities: list[RowDrawing], keep: bool) -> None:
        """Take these as the drawings of every shown row (``keep``: reuse them for the same rows later)."""
        self.claims, self.entities = claims, entities
        everything = claims + entities
        self._by_row = {id(drawing.row): drawing for drawing in everything} if keep else {}
        # The cache keeps only what is drawn (and the formats it refers to alive); glyph checks start afresh.
        self._selections = {key: (selection, fmt) for drawing in everything for key, selection, fmt in drawing.selected}
        self._glyph_formats = {}

    def replace(self, is_claim: bool, index: int, drawing: RowDrawing) -> tuple[RowDrawing, int]:
        """Put ``drawing`` at ``index`` of the claims or the mentions; returns the drawing it replaced and the
        position of that drawing's first painted span in :meth:`painted`."""
        drawings = self.claims if is_claim else self.entities
        before = drawings[index]
        drawings[index] = drawing
        self._by_row.pop(id(before.row), None)
        self._by_row[id(drawing.row)] = drawing
        earlier = self.claims[:index] if is_claim else self.claims + self.entities[:index]
        return before, sum(len(d.painted) for d in earlier)

    def painted(self) -> list[DrawnSpan]:
        """Every painted span, in drawing order."""
        return [span for drawing in self.claims + self.entities for span in drawing.painted]

    def selections(self) -> list[QTextEdit.ExtraSelection]:
        """Every ExtraSelection, in drawing order."""
        return [selection for drawing in self.claims + self.entities for _, selection, _ in drawing.selected]
