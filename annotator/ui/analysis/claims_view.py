"""The corpus-wide claims view: every claim of a layer, filtered and sorted, Enter opens the article at it.

The model is thin, as the article list's: it holds the positions of the matching rows of a
:class:`~annotator.core.claim_table.ClaimTable` and hands them to the view page by page (``fetchMore``), so
100,000 claims show at once; filtering and sorting are the table's list scans, not a proxy model's per-row calls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.actor_levels import ActorLevel
from annotator.core.claim_table import NO_STANCE, ClaimQuery, ClaimRow, ClaimTable
from annotator.ui.analysis.text import layer_label, plain_tooltip
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.line_edits import date_range_edits, line_edit

Index = QModelIndex | QPersistentModelIndex
PAGE = 500
#: (header, sort key of ClaimTable) of the fixed columns; custom variables follow "Form".
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Date", "date"),
    ("Outlet", "outlet"),
    ("Article", "article"),
    ("Claimant", "claimant"),
    ("Cue", "cue"),
    ("Content", "content"),
    ("Issue", "issue"),
    ("Stance", "stance"),
    ("Form", "form"),
)
TRAILING: tuple[tuple[str, str], ...] = (("Status", "status"), ("Annotator", "annotator"))
def stance_text(value: int | None, name: str) -> str:
    """A stance as the view shows it: its sign and the codebook's name ("+1 for", "−1 against")."""
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return f"{sign}{abs(value)} {name}".strip()


class ClaimsModel(QAbstractTableModel):
    """Rows of a ClaimTable matching a query, exposed ``PAGE`` at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table: ClaimTable | None = None
        self._positions: list[int] = []
        self._shown = 0
        self._variables: tuple[str, ...] = ()
        self._query = ClaimQuery()

    @property
    def columns(self) -> list[tuple[str, str]]:
        return [*COLUMNS, *((name, f"var:{name}") for name in self._variables), *TRAILING]

    # ------------------------------------------------------------------ Qt API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._positions)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._shown >= len(self._positions):
            return
        more = min(PAGE, len(self._positions) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            columns = self.columns
            return columns[section][0] if 0 <= section < len(columns) else None
        return None

    def _cell(self, row: ClaimRow, position: int, key: str) -> str:
        assert self.table is not None
        if key == "date":
            return (row.date or "")[:10]
        if key == "outlet":
            return row.outlet
        if key == "article":
            return row.title or row.article_id
        if key == "claimant":
            node = self.table.claimants[position]
            return node.label if node is not None else ""
        if key == "cue":
            return row.cue_text
        if key == "content":
            return row.content_text
        if key == "issue":
            return row.issue or ""
        if key == "stance":
            return stance_text(row.stance, self.table.vocabulary.stance_name(row.stance))
        if key == "form":
            return row.form
        if key == "status":
            return row.status
        if key == "annotator":
            return row.layer
        if key.startswith("var:"):
            value = row.variables.get(key[4:])
            return "" if value is None else str(value)
        return ""

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid() or not 0 <= index.row() < self._shown:
            return None
        position = self._positions[index.row()]
        row = self.table.rows[position]
        key = self.columns[index.column()][1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(row, position, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            node = self.table.claimants[position]
            claimant = node.label if node is not None else "no claimant"
            return plain_tooltip(
                f"{claimant} — {row.cue_text}\n{row.content_text}\n\n{row.title or row.article_id} · "
                f"{row.outlet or 'no outlet'} · {(row.date or 'no date')[:10]}\n"
                f"issue: {row.issue or '—'} · stance: {self._cell(row, position, 'stance') or '—'} · "
                f"{row.status} by {row.layer}"
            )
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.table is None or not 0 <= column < len(self.columns):
            return
        key = self.columns[column][1]
        if key.startswith("var:"):
            return  # custom variables are filtered by text, not sorted
        self.table.order(key, order == Qt.SortOrder.DescendingOrder)
        self.layoutAboutToBeChanged.emit()
        self._positions = self.table.filter(self._query)
        self.layoutChanged.emit()

    # ------------------------------------------------------------------ our API
    def set_table(self, table: ClaimTable | None) -> None:
        self.beginResetModel()
        self.table = table
        self._variables = table.vocabulary.variables if table is not None else ()
        self._positions = table.filter(self._query) if table is not None else []
        self._shown = min(PAGE, len(self._positions))
        self.endResetModel()

    def set_query(self, query: ClaimQuery) -> None:
        self.beginResetModel()
        self._query = query
        self._positions = self.table.filter(query) if self.table is not None else []
        self._shown = min(PAGE, len(self._positions))
        self.endResetModel()

    @property
    def matching(self) -> int:
        return len(self._positions)

    def row_at(self, row: int) -> ClaimRow | None:
        if self.table is None or not 0 <= row < self._shown:
            return None
        return self.table.rows[self._positions[row]]


class _ClaimsTable(QTableView):
    """Enter opens the selected claim (the workspace's Enter means something else)."""

    entered = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.entered.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


#: Loads the claims table of (layer, level); the window passes one that runs off the GUI thread when it can.
TableLoader = Callable[[str, ActorLevel, Callable[[ClaimTable], None]], None]


class ClaimsPanel(QWidget):
    """Filter bar over the claims table.

    Args:
        layers: the layers to offer (gold first).
        loader: reads a table and calls back with it.

    Signals:
        claimActivated(str, int, int): article id, claim id, first offset — open the article at this claim.
    """

    claimActivated = Signal(str, int, int)

    def __init__(self, layers: Sequence[str], loader: TableLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self._claim_ids: frozenset[int] | None = None
        self.model = ClaimsModel(self)
        self.layer = QComboBox()
        for name in layers:
            self.layer.addItem(layer_label(name), name)
        self.level = QComboBox()
        for level, text in ((ActorLevel.ACTOR, "actor"), (ActorLevel.PARENT, "parent actor"),
                            (ActorLevel.MENTION, "mention as written")):
            self.level.addItem(text, level.value)
        self.actor = QComboBox()
        self.actor.setEditable(True)
        self.actor.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self._actor_edit().setPlaceholderText("any claimant")
        self.issue = QComboBox()
        self.stance = QComboBox()
        self.form = QComboBox()
        self.date_from, self.date_to = date_range_edits()
        self.text = line_edit("Filter: content, cue, claimant, note, title…", clearable=True)
        self.behind = QLabel()
        self.clear_behind = QPushButton("Show all")
        self.clear_behind.setToolTip(plain_tooltip("Drop the network selection and list every claim again"))
        self.count = QLabel()
        self.table = _ClaimsTable(self)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self._build_layout()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.apply_filter)
        for edit in (self.text, self.date_from, self.date_to):
            edit.textChanged.connect(lambda _t: self._debounce.start())
            edit.returnPressed.connect(self.apply_filter)
        self.actor.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self._actor_edit().editingFinished.connect(self.apply_filter)
        for combo in (self.issue, self.stance, self.form):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.layer.currentIndexChanged.connect(lambda _i: self.reload())
        self.level.currentIndexChanged.connect(lambda _i: self.reload())
        self.clear_behind.clicked.connect(lambda: self.show_claims(None))
        self.table.entered.connect(self._open)
        self.table.doubleClicked.connect(self._open)
        self.show_claims(None)

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        # Each filter with its caption before it, three to a row.
        filters = (("Layer", self.layer), ("Claimant", self.actor), ("as", self.level),
                   ("Issue", self.issue), ("Stance", self.stance), ("Form", self.form))
        for n, (caption, widget) in enumerate(filters):
            row, column = divmod(n, 3)
            grid.addWidget(QLabel(caption), row, 2 * column)
            grid.addWidget(widget, row, 2 * column + 1)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        grid.addWidget(QLabel("Dates"), 2, 0)
        grid.addLayout(dates, 2, 1)
        grid.addWidget(self.text, 2, 2, 1, 4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        grid.setColumnStretch(5, 1)
        status = fill(QHBoxLayout(), (self.count, 1), self.behind, self.clear_behind)
        fill(QVBoxLayout(self), grid, status, (self.table, 1), margins=(6, 6, 6, 6))

    def _actor_edit(self) -> QLineEdit:
        edit = self.actor.lineEdit()
        assert edit is not None  # the combo box is editable
        return edit

    # ------------------------------------------------------------------ loading
    def reload(self) -> None:
        """Read the chosen layer at the chosen level again (after coding, or another layer or level)."""
        self.count.setText("Reading claims…")
        self._loader(self.current_layer(), ActorLevel(self.level.currentData()), self._loaded)

    def current_layer(self) -> str:
        return str(self.layer.currentData() or "")

    def select_layer(self, layer: str) -> None:
        index = self.layer.findData(layer)
        if index >= 0 and index != self.layer.currentIndex():
            self.layer.setCurrentIndex(index)  # reloads

    def _loaded(self, table: ClaimTable) -> None:
        self._fill_choices(table)
        self.model.set_table(table)
        self.apply_filter()
        header = self.table.horizontalHeader()
        for column, width in enumerate((82, 70, 110, 130, 60, 240, 150, 80, 80)):
            header.resizeSection(column, width)

    def _fill_choices(self, table: ClaimTable) -> None:
        def refill(combo: QComboBox, items: list[tuple[str, Any]]) -> None:
            current = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            found = combo.findData(current)
            combo.setCurrentIndex(found if found >= 0 else 0)
            combo.blockSignals(False)

        refill(self.actor, [("", None), *((n.label, n.key) for n in table.claimant_nodes())])
        vocabulary = table.vocabulary
        depth = {code: 0 for code in vocabulary.issues}
        for code in vocabulary.issues:
            parent, seen = vocabulary.parents.get(code), 0
            while parent is not None and seen < 20:
                depth[code] += 1
                parent, seen = vocabulary.parents.get(parent), seen + 1
        used = {r.issue for r in table.rows if r.issue} - set(vocabulary.issues)
        issues: list[tuple[str, str | None]] = [("any issue (a code includes its children)", None)]
        issues += [("   " * depth[c] + c.rsplit("/", 1)[-1] if depth[c] else c, c) for c in vocabulary.issues]
        issues += [(c, c) for c in sorted(used)]
        refill(self.issue, issues)
        stances: list[tuple[str, Any]] = [("any stance", None)]
        stances += [(stance_text(value, name), value) for value, name in sorted(vocabulary.stances)]
        refill(self.stance, [*stances, ("no stance", NO_STANCE)])
        forms = list(vocabulary.forms) or sorted({r.form for r in table.rows})
        refill(self.form, [("any form", None), *((f, f) for f in forms)])

    # ------------------------------------------------------------------ filtering
    def query(self) -> ClaimQuery:
        actor = self.actor.currentData() if self.actor.currentText() else None
        if self.actor.currentText() and actor is None:
            # Typed, not picked: take the claimant whose name matches (case-insensitive) if there is one.
            typed = self.actor.currentText().strip().casefold()
            found = self.actor.findText(typed, Qt.MatchFlag.MatchFixedString)
            actor = self.actor.itemData(found) if found >= 0 else "\0no such claimant"
        return ClaimQuery(
            actor=actor, issue=self.issue.currentData(), stance=self.stance.currentData(),
            form=self.form.currentData(), date_from=self.date_from.text().strip() or None,
            date_to=self.date_to.text().strip() or None, text=self.text.text(), claim_ids=self._claim_ids,
        )

    def apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_query(self.query())
        total = len(self.model.table) if self.model.table is not None else 0
        self.count.setText(f"{self.model.matching:,} of {total:,} claims")

    def show_claims(self, claim_ids: Sequence[int] | None, title: str = "") -> None:
        """List only these claims (the claims behind a network node or edge); None lists all again."""
        self._claim_ids = frozenset(claim_ids) if claim_ids is not None else None
        self.behind.setText(f"Claims behind {title}" if claim_ids is not None else "")
        self.behind.setVisible(claim_ids is not None)
        self.clear_behind.setVisible(claim_ids is not None)
        if self.model.table is not None:
            self.apply_filter()

    def _open(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if row is not None:
            self.claimActivated.emit(row.article_id, row.id, row.start)


__all__ = ["ClaimsModel", "ClaimsPanel"]
