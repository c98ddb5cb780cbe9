"""The look shared by the side panels' tables and titles (entities, claims, review)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.ui.shared import icons
from annotator.ui.shared.row_table_model import ID_ROLE, RowTableModel

TITLE_STYLE = "font-weight: 600; padding: 6px 4px 2px 4px;"


def fitted_width(view: QTableView, header: str, sample: str) -> int:
    """A column width that shows both its header and ``sample`` in the view's current fonts."""
    cells = view.fontMetrics().horizontalAdvance(sample)
    head = view.horizontalHeader().fontMetrics().horizontalAdvance(header)
    return max(cells, head) + 16 if (header or sample) else 0


def quiet_header(header: QHeaderView) -> None:
    """A column header that is not repainted when the current row moves.

    With whole-row selection every column is always "selected", so highlighting the selected sections (QTableView
    turns it on) says nothing, but it repaints the header on every change of the selection: each key press that
    moves to the next item. Turning the highlight off is not enough: a header shares its table's selection model
    and repaints every section a selection change covers (all of them, for a row), 0.5-1 ms of a key press. The
    header gets a selection model of its own, which nothing changes. Call it after the table's model is set (a new
    model gives the header the table's selection model again).
    """
    header.setHighlightSections(False)
    model = header.model()
    if model is not None:
        header.setSelectionModel(QItemSelectionModel(model, header))


class QuietSelection:
    """Tells the selection changes a panel makes itself (new rows, a row chosen by the workspace) from the
    analyst's: the panel's ``currentRowChanged`` handler ignores them while :attr:`on`."""

    def __init__(self) -> None:
        self.on = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        self.on = True
        try:
            yield
        finally:
            self.on = False


def follow_current_row(table: QTableView, quiet: QuietSelection, picked: Callable[[int], None]) -> None:
    """Call ``picked`` with the id (``ID_ROLE``) of each row the analyst makes current, not while ``quiet``."""

    def changed(current: QModelIndex, _previous: QModelIndex) -> None:
        if quiet.on or not current.isValid():
            return
        row_id = table.model().data(current, ID_ROLE)
        if row_id is not None:
            picked(int(row_id))

    table.selectionModel().currentRowChanged.connect(changed)


def panel_table(
    model: QAbstractItemModel, headers: Sequence[str], columns: Sequence[tuple[int, str, int]], parent: QWidget
) -> QTableView:
    """A read-only, single-row-selection table; column 0 stretches, the others fit a sample value.

    Args:
        model: the rows.
        headers: the model's column titles (for the widths).
        columns: (column, widest typical value, extra pixels for an icon) for each column after the first.
        parent: the owning panel.
    """
    table = QTableView(parent)
    table.setModel(model)
    icons.repaint_when_loaded(table)  # its status icons come after the window's first paint
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    quiet_header(header)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column, sample, extra in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(column, fitted_width(table, headers[column], sample) + extra)
    return table


#: Rows kept in view beyond the current row when it moves to a neighbouring row. The table then scrolls a row at a
#: time, which Qt does by moving the pixels already painted and painting the one row that comes into view; a jump
#: repaints every visible cell (about 5 ms of a key press for the ~11 rows of the entity panel at 1400x900).
SCROLL_MARGIN_ROWS = 2


def reveal_row(table: QTableView, index: QModelIndex) -> None:
    """Scroll ``index`` into view: a row at a time for a neighbouring row, a third of the way down after a jump.

    Moving to the next row (the usual step, rows being in text order) keeps ``SCROLL_MARGIN_ROWS`` rows visible
    beyond it, so the table scrolls by one row when the current row nears an edge. A row further away (a click in
    the text, wrapping around) lands a third of the way down: ``scrollTo``'s least scroll would leave it on the
    bottom edge.
    """
    viewport = table.viewport().rect()
    row = index.row()
    model = table.model()
    per_screen = max(1, viewport.height() // max(1, table.rowHeight(row)))
    margin = min(SCROLL_MARGIN_ROWS, (per_screen - 1) // 2)
    first_shown = table.rowAt(0)
    last_shown = table.rowAt(viewport.height() - 1)
    if last_shown < 0:  # the rows end above the bottom edge
        last_shown = model.rowCount() - 1
    if first_shown >= 0 and first_shown - margin - 1 <= row <= last_shown + margin + 1:
        # A neighbour: the least scroll that shows the margin rows beyond it, above and below.
        table.scrollTo(model.index(min(model.rowCount() - 1, row + margin), 0))
        table.scrollTo(model.index(max(0, row - margin), 0))
        return
    rect = table.visualRect(index)
    if rect.isValid() and viewport.contains(rect):
        return
    top = model.index(max(0, row - per_screen // 3), 0)
    table.scrollTo(top, QAbstractItemView.ScrollHint.PositionAtTop)
    table.scrollTo(index)  # still in view if the rows are taller than expected


def select_row(table: QTableView, row: int | None) -> None:
    """Make ``row`` the selected, current and visible row of ``table`` (None: clear the selection)."""
    selection = table.selectionModel()
    if row is None:
        selection.clearSelection()
        selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.NoUpdate)
        return
    index = table.model().index(row, 0)
    # Revealed first: the view's own scroll on a current-row change (autoScroll) then has nothing left to do.
    reveal_row(table, index)
    selection.setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
    )


class PanelRows:
    """The rows of a side panel's table, shown and selected by the workspace without the panel telling it back.

    Args:
        table: the panel's table.
        model: its rows (a :class:`~annotator.ui.shared.row_table_model.RowTableModel`).
        picked: called with the id of each row the analyst makes current.
    """

    def __init__(self, table: QTableView, model: RowTableModel, picked: Callable[[int], None]) -> None:
        self.table = table
        self.model = model
        self.quiet = QuietSelection()
        follow_current_row(table, self.quiet, picked)

    def set_rows(self, rows: Sequence[Any]) -> None:
        with self.quiet():
            self.model.set_rows(rows)

    def select(self, row_id: int | None) -> int | None:
        """Select (and scroll to) the row of ``row_id`` (None: no row); returns its position."""
        row = self.model.row_of(row_id) if row_id is not None else None
        if row is not None and self.table.currentIndex().row() == row and self.table.selectionModel().isRowSelected(
                row, QModelIndex()):
            return row  # selected already (the answer to a decision drawn ahead): nothing to select or scroll
        with self.quiet():
            select_row(self.table, row)
        return row
