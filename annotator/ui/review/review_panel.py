"""The review panel: a table of every version of every item with its agreement, holders and gold state.

Also the drawing styles of review mode (agreement on the text): agreed = solid green tint, disputed = red wavy
underline on a pale red tint, only some annotators = dashed amber underline; a version in gold gets a dark green
overline (a "lid": decided), a rejected one is struck through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QTextCharFormat
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from annotator.core.agreement import AGREED, DISPUTED, SINGLE
from annotator.core.records import ClaimView, EntityView
from annotator.ui.review.review_rows import CLAIM, GOLD_ONLY, STATUS_TEXT, ReviewRow
from annotator.ui.shared import icons, plain_text
from annotator.ui.shared.colors import CAUTION, GOLD, NEGATIVE, POSITIVE, REJECTED_TEXT
from annotator.ui.shared.icons import static_icon
from annotator.ui.shared.panel_table import TITLE_STYLE, QuietSelection, panel_table
from annotator.ui.shared.row_table_model import Index, RowTableModel
from annotator.ui.workspace.claim_panel import claim_summary

ROW_ROLE = Qt.ItemDataRole.UserRole + 1

AGREED_COLOR = POSITIVE
AGREED_TINT = QColor("#d3ecd5")
DISPUTED_COLOR = NEGATIVE
DISPUTED_TINT = QColor("#fbe3e3")
SINGLE_COLOR = CAUTION
SINGLE_TINT = QColor("#fff3d6")
GOLD_MARK = GOLD

#: The key above the text in review mode (our own fixed markup, no article data in it).
REVIEW_LEGEND = (
    "<span style='color:#555'>"
    f"<span style='background:{AGREED_TINT.name()}; text-decoration:underline'>&nbsp;all agree&nbsp;</span>&nbsp; "
    f"<span style='background:{DISPUTED_TINT.name()}; color:{DISPUTED_COLOR.name()}'>&nbsp;disputed ≈&nbsp;</span>"
    f"&nbsp; <span style='background:{SINGLE_TINT.name()}'>&nbsp;only some&nbsp;</span>&nbsp; "
    "<span style='text-decoration:overline'>in gold</span>&nbsp; "
    "<span style='text-decoration:line-through'>rejected</span></span>"
)

#: (icon, colour) per agreement status.
STATUS_ICON: dict[str, tuple[str, QColor]] = {
    AGREED: ("fa5s.check-double", AGREED_COLOR),
    DISPUTED: ("fa5s.exclamation-triangle", DISPUTED_COLOR),
    SINGLE: ("fa5s.user", SINGLE_COLOR),
    GOLD_ONLY: ("fa5s.star", GOLD_MARK),
}


def review_format(status: str, in_gold: bool, rejected: bool) -> QTextCharFormat:
    """The text format of a version in review mode (see the module docstring)."""
    fmt = QTextCharFormat()
    if rejected:
        fmt.setFontStrikeOut(True)
        fmt.setForeground(REJECTED_TEXT)
        return fmt
    if status == DISPUTED:
        fmt.setBackground(DISPUTED_TINT)
        fmt.setUnderlineColor(DISPUTED_COLOR)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
    elif status == SINGLE:
        fmt.setBackground(SINGLE_TINT)
        fmt.setUnderlineColor(SINGLE_COLOR)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
    else:  # agreed, or the reviewer's own gold row
        fmt.setBackground(AGREED_TINT)
        fmt.setUnderlineColor(AGREED_COLOR)
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    if in_gold:
        fmt.setFontOverline(True)
    return fmt


def _item_text(row: ReviewRow) -> str:
    view = row.representative
    if isinstance(view, EntityView):
        return view.text
    assert isinstance(view, ClaimView)
    # The content is what tells claims apart at a glance; source and cue are in the tooltip.
    return f"“{view.content.text}”" if view.content is not None else claim_summary(view, 48)


def _label_text(row: ReviewRow) -> str:
    view = row.representative
    if isinstance(view, EntityView):
        return view.label
    assert isinstance(view, ClaimView)
    stance = {-1: "−", 0: "0", 1: "+"}.get(view.stance, "?") if view.stance is not None else "?"
    return f"{view.kind} · {view.form} · {stance}"


def _gold_text(row: ReviewRow) -> str:
    if row.rejected:
        return "rejected"
    if row.in_gold:
        return "in gold"
    if row.changed:
        return "in gold, edited by the reviewer"
    return ""


class ReviewModel(RowTableModel):
    """The review rows of one article (read-only); every new list resets the view (the rows have no ids)."""

    HEADERS = ("Item", "Label / kind", "Agreement", "Annotators", "Gold")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ReviewRow] = []
        self._icons: dict[str, QIcon] = {}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: ReviewRow | None = self.row_at(index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return ("💬 " if row.kind == CLAIM else "") + _item_text(row)
            if column == 1:
                return _label_text(row)
            if column == 2:
                return STATUS_TEXT.get(row.status, row.status)
            if column == 3:
                return ", ".join(row.annotators) or "—"
            if column == 4:
                return ""  # an icon says it; the text is in the tooltip
        elif role == Qt.ItemDataRole.DecorationRole:
            if column == 2:
                return self._icon(row.status)
            if column == 4 and row.decided:
                return self._icon("rejected" if row.rejected else "gold" if row.in_gold else "changed")
        elif role == Qt.ItemDataRole.ForegroundRole and column == 2:
            return STATUS_ICON.get(row.status, ("", QColor("#333")))[1]
        elif role == Qt.ItemDataRole.ToolTipRole:
            if column == 4:
                return plain_text.tooltip(_gold_text(row) or "not in gold yet")
            lines = [f"{name}: {_label_text(ReviewRow(row.kind, row.key, row.status, ((name, view),), None))}"
                     for name, view in row.holders]
            if row.others:
                lines.append("other versions: " + "; ".join(row.others))
            if isinstance(row.representative, ClaimView):
                lines.insert(0, claim_summary(row.representative, 200))
            return plain_text.tooltip("\n".join(lines)) or None
        elif role == ROW_ROLE:
            return index.row()
        return None

    def _icon(self, name: str) -> QIcon:
        if not icons.loaded():
            return icons.placeholder()  # the glyph is drawn once the icons are loaded (icons.repaint_when_loaded)
        icon = self._icons.get(name)
        if icon is None:
            if name == "gold":
                spec: tuple[str, QColor] = ("fa5s.check", GOLD_MARK)
            elif name == "rejected":
                spec = ("fa5s.times", DISPUTED_COLOR)
            elif name == "changed":
                spec = ("fa5s.pen", GOLD_MARK)
            else:
                spec = STATUS_ICON.get(name, ("fa5.circle", QColor("#999")))
            icon = self._icons[name] = static_icon(spec[0], spec[1])
        return icon

    def set_rows(self, rows: Sequence[ReviewRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[ReviewRow]:
        return list(self._rows)


class ReviewPanel(QWidget):
    """Title with counts, the review table, and a one-line key to the keys.

    Signals:
        rowSelected(int): the user selected a row (its index in :meth:`ReviewModel.rows`).
    """

    rowSelected = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ReviewModel(self)
        self.title = QLabel("Review")
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # annotator names are user data: never markup
        self.title.setStyleSheet(TITLE_STYLE)
        self.keys = QLabel("A / Enter adopt · X reject · Shift+A adopt all agreed · 1–9 relabel gold · "
                           "Ctrl+Enter reviewed, next")
        self.keys.setWordWrap(True)
        self.keys.setStyleSheet("color: #555; padding: 2px 4px 4px 4px;")
        columns = ((1, "indirect · statement · −", 0), (2, "only some", 26), (3, "alice, bob", 14), (4, "Gold", 12))
        self.table = panel_table(self.model, self.model.HEADERS, columns, self)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.keys)
        self.quiet = QuietSelection()
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)

    def set_rows(self, rows: Sequence[ReviewRow], annotators: Sequence[str]) -> None:
        with self.quiet():
            self.model.set_rows(rows)
        counts = {status: sum(1 for r in rows if r.status == status) for status in (AGREED, DISPUTED, SINGLE)}
        gold = sum(1 for r in rows if r.in_gold)
        who = ", ".join(annotators) or "no annotator done"
        self.title.setText(f"Review  ·  {who}  ·  {counts[AGREED]} agreed, {counts[DISPUTED]} disputed, "
                           f"{counts[SINGLE]} only some  ·  {gold} in gold")

    def select_row(self, row: int | None) -> None:
        """Select (and scroll to) a row without emitting ``rowSelected``."""
        with self.quiet():
            selection = self.table.selectionModel()
            if row is None or not 0 <= row < self.model.rowCount():
                selection.clearSelection()
                selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
                return
            index = self.model.index(row, 0)
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.scrollTo(index)

    def current_row(self) -> int | None:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else None

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not self.quiet.on and current.isValid():
            self.rowSelected.emit(current.row())
