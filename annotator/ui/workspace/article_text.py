"""The article text with its spans drawn in place.

The text is inserted as plain text (``QTextCursor.insertText``, as ``setPlainText`` does; never HTML): markup in an
article is shown as characters, never interpreted. Span tints and lines are painted on the visible lines by
:mod:`annotator.ui.workspace.span_painter`; formats that colour the glyphs (claim roles, rejected spans) are
ExtraSelections, built in one batch; the current item gets an outline painted over the viewport. Offsets are code
points everywhere else; Qt counts UTF-16 units, so every offset crossing this widget goes through
:class:`~annotator.core.offsets.OffsetMap`.

Styles:
    suggested  light label tint + dashed underline in the label colour (a hint, not a decision)
    accepted   stronger label tint + solid underline; manual the same
    corrected  as accepted, with an overline too (a box: "changed by a human")
    rejected   grey, struck through (hidden when "show rejected" is off)
    claims     source: navy text, cue: rust text, content: a faint warm tint (stronger for the current claim)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import QFrame, QTextEdit, QWidget

from annotator.core.offsets import OffsetMap
from annotator.core.records import ClaimView, EntityView, Status
from annotator.core.tokens import Tokens
from annotator.ui.shared.colors import CUE_COLOR, CURRENT_OUTLINE, SOURCE_COLOR, TEXT_COLOR, Palette
from annotator.ui.workspace.row_drawings import RowDrawing, RowDrawings
from annotator.ui.workspace.span_formats import content_format, entity_format, role_format
from annotator.ui.workspace.span_geometry import DrawnSpan, LineGeometry, PaintedSpans
from annotator.ui.workspace.span_painter import LineBox, paint_lines, paint_tints

ENTITY, CLAIM = "entity", "claim"
MARGIN = 18  # pixels around the text
MEASURE_CHARS = 84  # longest line, in average characters: longer lines are tiring to follow
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
Item = tuple[str, int]  # (ENTITY or CLAIM, row id): the item keyboard decisions apply to
#: Above this many changed spans a redraw repaints the whole pane instead of each span's lines.
MAX_SPAN_UPDATES = 40


def display_text(text: str) -> str:
    """The text as given to Qt, with the same length in UTF-16 as the original.

    QTextDocument turns ``\\r\\n`` into one paragraph break, which would shift every later offset by one; a
    space before the newline keeps positions aligned and shows nothing.
    """
    if "\r" not in text:
        return text
    return text.replace("\r\n", " \n").replace("\r", "\n")


class ArticleText(QTextEdit):
    """Read-only, selectable text with span formats; emits which item was clicked.

    Signals:
        itemClicked(str, int): an entity or claim span was clicked (kind, id).
    """

    itemClicked = Signal(str, int)

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setAcceptRichText(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 10.0) * 1.25)
        self.setFont(font)
        self.document().setDocumentMargin(MARGIN)
        # Fixed light colours: the tints are checked for contrast against this text on this background, so a dark
        # desktop theme must not turn the article into white text on pale tints.
        colors = self.palette()
        colors.setColor(QPalette.ColorRole.Base, QColor("#ffffff"))
        colors.setColor(QPalette.ColorRole.Text, TEXT_COLOR)
        self.setPalette(colors)
        self._side = 0
        self._pending_scroll: tuple[int, int] | None = None
        self._text = ""
        self._offsets = OffsetMap("")
        self._tokens: Tokens | None = None
        self._entities: list[EntityView] = []
        self._claims: list[ClaimView] = []
        self._current: Item | None = None
        self._formats: dict[tuple[str, str], QTextCharFormat] = {}
        # ExtraSelections of the text shown, by (start, end, format): a decision changes one or two spans, so a
        # redraw reuses the rest instead of building ~400 cursors (the largest cost of a key press otherwise).
        # Each entry keeps its format alive, so no other format can take its id while the entry exists.
        self._drawings = RowDrawings(self.document)  # what each shown row draws (see ``_draw``)
        self._role_formats = {
            muted: (role_format(SOURCE_COLOR, muted), role_format(CUE_COLOR, muted)) for muted in (False, True)
        }
        self._content_formats = {
            (cur, muted): content_format(cur, muted) for cur in (False, True) for muted in (False, True)
        }
        self._outline: tuple[int, int] | None = None  # UTF-16 range of the current item
        # Spans painted by this widget (tints and lines), and where they are, measured once per layout.
        self._painted = PaintedSpans()
        self._geometry = LineGeometry(self.document())
        self._repaint_all = True
        self._show_rejected = True
        # Review mode draws agreement instead of decision status: it maps a row to its format (None: the usual).
        self.entity_style: Callable[[EntityView], QTextCharFormat | None] | None = None
        self.claim_style: Callable[[ClaimView], QTextCharFormat | None] | None = None

    # ------------------------------------------------------------------ content
    def set_text(self, text: str) -> None:
        """Show ``text`` as plain text (never markup) and prepare the offset and token maps."""
        self._text = text
        # Scanning for astral characters in C is ~30x faster than building the map; most articles have none.
        self._offsets = OffsetMap(text if _ASTRAL.search(text) else "")
        self._tokens = None
        self._entities, self._claims, self._current, self._outline = [], [], None, None
        self._drawings.reset()
        self._painted = PaintedSpans()
        self._repaint_all = True  # a new document is painted whole anyway: no span needs comparing
        # The text goes into a new document that no view lays out yet: setting its paragraphs' taller line height
        # (which makes a whole day of reading bearable) then costs nothing, where on the shown document it would
        # lay the article out twice. setPlainText never parses markup. The old document is a child of this widget,
        # so setDocument deletes it.
        document = QTextDocument(self)
        document.setUndoRedoEnabled(False)
        document.setDocumentMargin(MARGIN)
        document.setDefaultFont(self.font())
        document.setPlainText(display_text(text))
        block = QTextBlockFormat()
        block.setLineHeight(145, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        block.setBottomMargin(6)
        cursor = QTextCursor(document)
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.mergeBlockFormat(block)
        self.setDocument(document)
        self._geometry.reset(document)
        document.documentLayout().documentSizeChanged.connect(self._forget_geometry)
        self._side = -1
        self._apply_measure()
        # A new article starts at its top (the scroll bar would otherwise keep the previous article's position).
        self.verticalScrollBar().setValue(0)
        self._pending_scroll = None
        self.moveCursor(QTextCursor.MoveOperation.Start)

    @property
    def tokens(self) -> Tokens:
        """Token boundaries of the text, built on first use (only selections and resizing need them)."""
        if self._tokens is None:
            self._tokens = Tokens(self._text)
        return self._tokens

    def _apply_measure(self) -> None:
        """Keep lines at a readable length (about 80 characters) on a wide window, centred in the pane."""
        measure = self.fontMetrics().averageCharWidth() * MEASURE_CHARS
        side = max(0, (self.viewport().width() - 2 * MARGIN - measure) // 2)
        if side == self._side:
            return
        self._side = side
        root = self.document().rootFrame()
        frame = root.frameFormat()
        # The document margin is the root frame's margin: set the sides on top of it, keep top and bottom.
        frame.setLeftMargin(MARGIN + side)
        frame.setRightMargin(MARGIN + side)
        root.setFrameFormat(frame)

    def _forget_geometry(self) -> None:
        """The text was laid out anew (another width): span positions must be measured again."""
        self._geometry.reset()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._geometry.reset()  # a new width wraps the lines differently
        self._apply_measure()
        if self._pending_scroll is not None and self.isVisible():
            self._scroll_to(*self._pending_scroll)

    @property
    def text(self) -> str:
        return self._text

    @property
    def label_palette(self) -> Palette:
        """The colours the spans are drawn in, by label."""
        return self._palette

    @property
    def outline(self) -> tuple[int, int] | None:
        """The UTF-16 range of the current item (outlined), or None."""
        return self._outline

    def to_qt(self, offset: int) -> int:
        return self._offsets.to_utf16(offset)

    def from_qt(self, offset: int) -> int:
        return self._offsets.from_utf16(offset)

    def selection(self) -> tuple[int, int] | None:
        """The selected range in code points, or None without a selection."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.from_qt(cursor.selectionStart()), self.from_qt(cursor.selectionEnd())

    def select_range(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points), as a user dragging over it would."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def clear_selection(self) -> None:
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)

    # ------------------------------------------------------------------ spans
    def set_spans(self, entities: Sequence[EntityView], claims: Sequence[ClaimView], current: Item | None) -> None:
        """Draw every span in one batch, the current item outlined."""
        self._entities = list(entities)
        self._claims = list(claims)
        self._current = current
        self.redraw()

    def take_rows(self, entities: Sequence[EntityView], claims: Sequence[ClaimView], current: Item | None) -> None:
        """Take rows that are drawn as they are already: the database's answer to a decision drawn ahead (new
        ids, the same spans, labels and statuses). Nothing is rebuilt or repainted but a moved outline."""
        self._entities = list(entities)
        self._claims = list(claims)
        self._current = current
        old = self._outline
        self._outline = self._current_range()
        if old != self._outline:
            self._update_outlines(old, self._outline)

    def scroll_to_current(self) -> None:
        """Bring the current item into view (as :meth:`set_current` does)."""
        if self._outline is not None:
            self._scroll_to(*self._outline)

    def set_current(self, current: Item | None, scroll: bool = True) -> None:
        """Outline another item (and scroll it into view) without rebuilding anything else."""
        claim_changed = any(item is not None and item[0] == CLAIM for item in (current, self._current))
        # The current claim's content has its own tint: the claims that become and stop being current are
        # drawn anew (the whole drawing where rows are styled by review).
        if not claim_changed or not self.patch((), current):
            old = self._outline
            self._current = current
            self._outline = self._current_range()
            if claim_changed:
                self._draw()
            self._update_outlines(old, self._outline)
        if scroll and self._outline is not None:
            self._scroll_to(*self._outline)

    def redraw(self) -> None:
        old = self._outline
        self._outline = self._current_range()
        self._draw()
        self._update_outlines(old, self._outline)

    def _update_outlines(self, *ranges: tuple[int, int] | None) -> None:
        """Repaint where an outline was and where it is now (a full repaint costs a few ms per key press)."""
        viewport = self.viewport()
        for outline in ranges:
            if outline is not None:
                for rect in self.range_rects(*outline):
                    viewport.update(rect.adjusted(-4, -4, 4, 4).toAlignedRect())

    def _current_range(self) -> tuple[int, int] | None:
        if self._current is None:
            return None
        kind, item_id = self._current
        if kind == ENTITY:
            for entity in self._entities:
                if entity.id == item_id:
                    return self.to_qt(entity.start), self.to_qt(entity.end)
        else:
            for claim in self._claims:
                if claim.id == item_id:
                    roles = [r for r in (claim.source, claim.cue, claim.content) if r is not None]
                    if roles:
                        return self.to_qt(min(r.start for r in roles)), self.to_qt(max(r.end for r in roles))
        return None

    def _draw(self) -> None:
        # Each row is drawn as last time if it is the same row object: a decision changes one or two of ~340
        # rows (the loop over every span was most of a redraw). Only in the annotator's view: a review style
        # depends on the other layers' rows too.
        reuse = self._reusable()
        drawings = self._drawings
        if not reuse:
            drawings.forget_rows()
        current_claim = self._current_claim_id()
        claims = []
        for claim in self._claims:
            is_current = claim.id == current_claim
            claims.append(drawings.kept(claim, is_current) or self._drawing_of(claim, is_current))
        entities = [drawings.kept(entity, False) or self._drawing_of(entity, False) for entity in self._entities]
        drawings.set_all(claims, entities, keep=reuse)
        self._set_painted(drawings.painted())
        self._show_selections()

    def _reusable(self) -> bool:
        """Whether rows are drawn by their own status alone (not in review, where agreement decides the look)."""
        return self.entity_style is None and self.claim_style is None

    def _current_claim_id(self) -> int | None:
        return self._current[1] if self._current and self._current[0] == CLAIM else None

    def _show_selections(self) -> None:
        # Qt compares these with the previous selections and repaints only the spans that changed.
        self.setExtraSelections(self._drawings.selections())

    def _drawing_of(self, row: EntityView | ClaimView, current: bool) -> RowDrawing:
        """Draw one row with the formats its status (or the review's style) gives it; a rejected row that is
        hidden draws nothing."""
        spans: list[tuple[int, int, QTextCharFormat]] = []
        if row.status == Status.REJECTED and not self.show_rejected:
            return self._drawings.draw(row, current, spans)
        if isinstance(row, ClaimView):
            muted = row.status == Status.REJECTED
            source_format, cue_format = self._role_formats[muted]
            content_format = self.claim_style(row) if self.claim_style is not None else None
            for role, fmt in (
                (row.content, content_format or self._content_formats[(current, muted)]),
                (row.source, source_format),
                (row.cue, cue_format),
            ):
                if role is not None:
                    spans += [(span.start, span.end, fmt) for span in role.spans]
        else:
            styled = self.entity_style(row) if self.entity_style is not None else None
            spans.append((row.start, row.end, styled or self._entity_format(row)))
        if not self._offsets.trivial:  # most articles: code points and UTF-16 positions are equal
            to_qt = self._offsets.to_utf16
            spans = [(to_qt(start), to_qt(end), fmt) for start, end, fmt in spans]
        return self._drawings.draw(row, current, spans)

    def patch(self, replaced: Sequence[tuple[EntityView | ClaimView, EntityView | ClaimView]],
              current: Item | None) -> bool:
        """Draw each new row in place of its old one (a decision drawn ahead: the same row in another status)
        and outline ``current``, redrawing only those rows and the claims that become or stop being current.

        Returns False, with nothing changed, where the whole drawing is needed (:meth:`set_spans`): in review,
        or when an old row is not the one shown.
        """
        if not self._reusable() or not self._drawings.in_step(self._claims, self._entities):
            return False
        places: list[tuple[bool, int, EntityView | ClaimView]] = []
        for old, new in replaced:
            is_claim = isinstance(old, ClaimView)
            rows: Sequence[EntityView | ClaimView] = self._claims if is_claim else self._entities
            index = next((i for i, shown in enumerate(rows) if shown is old), None)
            if index is None or isinstance(new, ClaimView) != is_claim:
                return False
            places.append((is_claim, index, new))
        was_current = self._current_claim_id()
        self._current = current
        now_current = self._current_claim_id()
        redo: dict[tuple[bool, int], EntityView | ClaimView] = {}
        for is_claim, index, new in places:
            if isinstance(new, ClaimView):
                self._claims[index] = new
            else:
                self._entities[index] = new
            redo[(is_claim, index)] = new
        if was_current != now_current:
            for index, claim in enumerate(self._claims):
                if claim.id in (was_current, now_current):
                    redo[(True, index)] = claim
        changed: set[tuple[int, int, int]] = set()
        selections_changed = False
        # From the last row in drawing order to the first: a splice does not move the spans of earlier rows.
        for (is_claim, index), row in sorted(redo.items(), key=lambda item: (not item[0][0], item[0][1]),
                                             reverse=True):
            after = self._drawing_of(row, isinstance(row, ClaimView) and row.id == now_current)
            before, at = self._drawings.replace(is_claim, index, after)
            changed |= self._painted.splice(at, len(before.painted), list(after.painted))
            selections_changed = selections_changed or [k for k, _, _ in before.selected] != \
                [k for k, _, _ in after.selected]
        if selections_changed:
            self._show_selections()
        outline, self._outline = self._outline, self._current_range()
        self._repaint_spans(changed)
        self._update_outlines(outline, self._outline)
        return True

    @property
    def show_rejected(self) -> bool:
        """Whether rejected rows are drawn (struck through and muted) or left out; :meth:`redraw` shows a change."""
        return self._show_rejected

    @show_rejected.setter
    def show_rejected(self, shown: bool) -> None:
        if shown != self._show_rejected:
            self._show_rejected = shown
            self._drawings.forget_rows()  # each rejected row's drawing depends on it

    def _set_painted(self, spans: list[DrawnSpan]) -> None:
        """Paint ``spans`` from now on, repainting only where a span appeared, went or changed format."""
        self._repaint_spans(self._painted.replace(spans))

    def _repaint_spans(self, changed: set[tuple[int, int, int]]) -> None:
        viewport = self.viewport()
        if self._repaint_all:
            self._repaint_all = False
            viewport.update()
            return
        if len(changed) > MAX_SPAN_UPDATES:
            viewport.update()
            return
        for start, end, _ in changed:
            for rect in self.range_rects(start, end):
                viewport.update(rect.adjusted(-3, -3, 3, 3).toAlignedRect())

    def drawn_spans(self) -> list[DrawnSpan]:
        """Every span drawn, painted or ExtraSelection, in drawing order within each (for checking what is shown)."""
        selections = [
            DrawnSpan(s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format) for s in self.extraSelections()
        ]
        return selections + list(self._painted.spans)

    def forget_formats(self) -> None:
        """The palette changed (a label recoloured or renamed): build the span formats anew on the next draw."""
        self._formats.clear()
        self._drawings.forget_rows()

    def _entity_format(self, entity: EntityView) -> QTextCharFormat:
        # One format per (label, status), shared by every span: building 300 formats per key press would cost
        # more than the whole rest of a decision.
        key = (entity.label, str(entity.status))
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = self._formats[key] = entity_format(self._palette.style(entity.label), entity.status)
        return fmt

    # ------------------------------------------------------------------ current-item outline and scrolling
    def _scroll_to(self, start_u16: int, end_u16: int) -> None:
        """Bring a range into view; when it is off screen, put it a third of the way down, with context."""
        if not self.isVisible():
            # Before the window is shown the viewport has no real height yet: scroll once it has (resizeEvent).
            self._pending_scroll = (start_u16, end_u16)
            return
        self._pending_scroll = None
        rects = self.range_rects(start_u16, end_u16)
        if rects:
            top, bottom = rects[0].top(), rects[-1].bottom()
            height = self.viewport().height()
            if top < 0 or bottom > height:
                bar = self.verticalScrollBar()
                bar.setValue(bar.value() + int(top - min(height / 3, max(0.0, height - (bottom - top)))))
        # The cursor moves after scrolling: setTextCursor scrolls just enough to show the cursor, which would put
        # the item on the bottom line and make every next item scroll again (a whole repaint per key press).
        cursor = QTextCursor(self.document())
        cursor.setPosition(start_u16)
        self.setTextCursor(cursor)  # keyboard selection (Shift+arrows) starts at the current item

    def range_rects(self, start: int, end: int) -> list[QRectF]:
        """Viewport rectangles covering ``[start, end)`` (UTF-16), one per visual line."""
        dx, dy = -self.horizontalScrollBar().value(), -self.verticalScrollBar().value()
        return [box.rect.translated(dx, dy) for box in self.line_boxes(start, end)]

    def line_boxes(self, start: int, end: int) -> list[LineBox]:
        """Where ``[start, end)`` (UTF-16) is, in document coordinates: a box per visual line."""
        return self._geometry.boxes(start, end)

    def _visible_painted(self, top: float, bottom: float) -> list[tuple[QTextCharFormat, list[LineBox]]]:
        """Painted spans between two document heights, in drawing order, with their line boxes there."""
        if not self._painted.spans:
            return []
        visible = []
        for span in self._painted.overlapping(*self._geometry.positions_between(top, bottom)):
            boxes = [box for box in self._geometry.boxes(span.start, span.end)
                     if box.rect.bottom() >= top and box.rect.top() <= bottom]
            if boxes:
                visible.append((span.format, boxes))
        return visible

    def paintEvent(self, event: QPaintEvent) -> None:
        dx, dy = self.horizontalScrollBar().value(), self.verticalScrollBar().value()
        area = event.rect()
        spans = self._visible_painted(area.top() + dy - 4, area.bottom() + dy + 4)
        if spans:
            # Tints go under the glyphs: the viewport's white is already filled, and the text is drawn next.
            painter = QPainter(self.viewport())
            painter.translate(-dx, -dy)  # the boxes are in document coordinates
            paint_tints(painter, spans)
            painter.end()
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        if spans:
            painter.save()
            painter.translate(-dx, -dy)
            paint_lines(painter, spans, QFontMetricsF(self.font()), TEXT_COLOR)
            painter.restore()
        if self._outline is not None:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(CURRENT_OUTLINE, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for rect in self.range_rects(*self._outline):
                painter.drawRoundedRect(rect.adjusted(-2, 0, 2, 0), 3, 3)
        painter.end()

    # ------------------------------------------------------------------ clicks
    def item_at(self, offset: int) -> Item | None:
        """The entity (preferred) or claim under a code-point offset; the shortest span wins."""
        best: tuple[int, Item] | None = None
        for entity in self._entities:
            if entity.start <= offset < entity.end and (entity.status != Status.REJECTED or self.show_rejected):
                length = entity.end - entity.start
                if best is None or length < best[0]:
                    best = (length, (ENTITY, entity.id))
        if best is not None:
            return best[1]
        for claim in self._claims:
            for role in (claim.source, claim.cue, claim.content):
                if role is not None and any(s.start <= offset < s.end for s in role.spans):
                    return CLAIM, claim.id
        return None

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        position = self.cursorForPosition(event.position().toPoint()).position()
        item = self.item_at(self.from_qt(position))
        if item is not None:
            self.itemClicked.emit(*item)
