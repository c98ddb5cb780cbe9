"""A thin table model over a list of immutable rows (views from the repository), shared by the panels."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QIcon

from annotator.core.records import Status
from annotator.ui.shared import icons, plain_text
from annotator.ui.shared.colors import REJECTED_TEXT, STATUS_COLORS, STATUS_ICONS
from annotator.ui.shared.icons import static_icon

Index = QModelIndex | QPersistentModelIndex
#: The data role under which the panels' and the article list's models give a row's id.
ID_ROLE = Qt.ItemDataRole.UserRole + 1
# The roles ``DecisionRowsModel.data`` answers, as plain ints: Qt's item delegate asks for about ten roles per cell
# on every repaint (a key press repaints 15-30 cells), and each look-up of ``Qt.ItemDataRole.X`` and each
# comparison of an int with the enum member cost more than the answer itself.
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_DECORATION = Qt.ItemDataRole.DecorationRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_ID = ID_ROLE
R = TypeVar("R")


def _runs(positions: list[int]) -> list[tuple[int, int]]:
    """Ascending ``positions`` as runs of consecutive ones, (first, last) each: one repaint per run, so two rows
    far apart do not repaint every row between them."""
    runs: list[tuple[int, int]] = []
    for position in positions:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def row_at(rows: Sequence[R], index: Index) -> R | None:
    """The row an index points at, or None for an invalid index or one past the rows (a stale view)."""
    if not index.isValid() or not 0 <= index.row() < len(rows):
        return None
    return rows[index.row()]


class RowTableModel(QAbstractTableModel):
    """Rows replaced wholesale per article and updated in place after a decision.

    Subclasses set ``HEADERS``, implement ``data`` and may override ``row_key`` (what makes two row lists "the
    same rows", so an update emits ``dataChanged`` and keeps the selection instead of resetting the view).
    """

    HEADERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._status_icons: dict[str, QIcon] = {}

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def status_icon(self, status: str) -> QIcon:
        """The icon of a decision status (suggested, accepted, ...), built once per model."""
        if not icons.loaded():
            return icons.placeholder()  # the glyph once the icons are loaded (panels: icons.repaint_when_loaded)
        icon = self._status_icons.get(status)
        if icon is None:
            color = STATUS_COLORS.get(status, QColor("#666"))
            icon = self._status_icons[status] = static_icon(STATUS_ICONS.get(status, "fa5s.circle"), color)
        return icon

    def row_key(self, row: Any) -> object:
        """Identity of a row across updates (default: its id)."""
        return row.id

    def looks(self, row: Any) -> object:
        """What a row shows in its cells (default: the row itself): two rows that look the same are not repainted."""
        return row

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``; the same rows in the same order only emit dataChanged (keeps the selection), and only
        for the rows that look different."""
        rows = list(rows)
        old = self._rows
        # Only the rows that differ are compared by key (a decision changes one or two of ~300): the rest are the
        # same objects, or equal, and so have equal keys.
        same_length = len(rows) == len(old)
        pairs = enumerate(zip(old, rows, strict=True)) if same_length else iter(())
        changed = [i for i, (a, b) in pairs if a is not b and a != b]
        row_key = self.row_key
        if same_length and all(row_key(old[i]) == row_key(rows[i]) for i in changed):
            self._rows = rows
            # The database's answer to a decision drawn ahead is a new row (its id, origin) that shows what the
            # guess showed: repainting its cells (about 1 ms a row) would paint the same pixels again.
            looks = self.looks
            for first, last in _runs([i for i in changed if looks(old[i]) != looks(rows[i])]):
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.HEADERS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_at(self, index: Index) -> Any | None:
        return row_at(self._rows, index)

    def row_of(self, row_id: int) -> int | None:
        for i, row in enumerate(self._rows):
            if row.id == row_id:
                return i
        return None


class DecisionRowsModel(RowTableModel):
    """Rows of decided items (an article's entity mentions or claims): what every such row shows alike.

    Each row shows its ``cells``, its status icon in ``STATUS_COLUMN``, its ``tooltip`` as plain text, greyed text
    when rejected, and its id under ``ID_ROLE``. Subclasses give the cells and the tooltip, and may draw other
    icons with ``decoration``.
    """

    STATUS_COLUMN: ClassVar[int] = 0

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cells_cache: dict[int, tuple[Any, tuple[Any, ...]]] = {}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        position = index.row()  # -1 for an invalid index
        rows = self._rows
        if not 0 <= position < len(rows):
            return None  # an invalid index, or one past the rows (a stale view)
        row = rows[position]
        if role == _DISPLAY:
            return self._cells_of(row)[index.column()]
        if role == _DECORATION:
            column = index.column()
            return self.status_icon(row.status) if column == self.STATUS_COLUMN else self.decoration(row, column)
        if role == _FOREGROUND:
            return REJECTED_TEXT if row.status == Status.REJECTED else None
        if role == _TOOLTIP:
            return plain_text.tooltip(self.tooltip(row))
        if role == _ID:
            return row.id
        return None

    def looks(self, row: Any) -> object:
        """The row's cells and status (its icon and text colour); a ``decoration`` must follow from them."""
        return self._cells_of(row), row.status

    def _cells_of(self, row: Any) -> tuple[Any, ...]:
        """``cells(row)``, built once per row object (rows are immutable; a claim's summary is a few joins, asked
        for once per column and repaint)."""
        cache = self._cells_cache
        hit = cache.get(id(row))
        if hit is not None and hit[0] is row:
            return hit[1]
        if len(cache) > 2 * len(self._rows) + 64:
            cache.clear()  # rows of earlier articles and answers: the cache keeps them alive until then
        cells = self.cells(row)
        cache[id(row)] = (row, cells)
        return cells

    def cells(self, row: Any) -> tuple[Any, ...]:
        """The row's display text, one entry per column of ``HEADERS``."""
        raise NotImplementedError

    def tooltip(self, row: Any) -> str:
        raise NotImplementedError

    def decoration(self, row: Any, column: int) -> QIcon | None:
        """An icon for a column other than the status column (default: none)."""
        return None
