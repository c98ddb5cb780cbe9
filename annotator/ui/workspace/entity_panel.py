"""The entity panel: one row per mention (text, label, actor, status), in text order.

Selecting a row makes that mention the current item (the article view scrolls to it and outlines it), and the
window selects the row when the current item changes in the text: the two always show the same mention.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.core.records import EntityView, Status
from annotator.ui.shared import plain_text
from annotator.ui.shared.colors import REJECTED_TEXT, Palette
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.panel_table import PanelRows, panel_table
from annotator.ui.shared.panel_title import PanelTitle
from annotator.ui.shared.row_table_model import ID_ROLE, RowTableModel

Index = QModelIndex | QPersistentModelIndex


class EntityModel(RowTableModel):
    """Rows of :class:`EntityView`; replaced wholesale per article, updated in place after a decision."""

    HEADERS = ("Text", "Label", "Actor", "Status")

    def __init__(self, palette: Palette, parent: Any = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self._swatches: dict[str, QIcon] = {}

    # ------------------------------------------------------------------ Qt model API
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        entity = self.row_at(index)
        if entity is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (entity.text, entity.label, entity.actor_name or "", str(entity.status))[column]
        if role == Qt.ItemDataRole.DecorationRole:
            if column == 1:
                return self.swatch(entity.label)
            if column == 3:
                return self.status_icon(entity.status)
        elif role == Qt.ItemDataRole.ToolTipRole:
            where = f"[{entity.start}, {entity.end})"
            return plain_text.tooltip(f"{where} {entity.label} · {entity.status} · {entity.origin}")
        elif role == Qt.ItemDataRole.ForegroundRole and entity.status == Status.REJECTED:
            return REJECTED_TEXT
        elif role == ID_ROLE:
            return entity.id
        return None

    # ------------------------------------------------------------------ our API
    def row_key(self, row: EntityView) -> object:
        # A decision on a suggestion replaces it by a new row (new id) at the same place: same rows by position.
        return row.start

    def rows(self) -> list[EntityView]:
        return self._rows

    def forget_swatches(self) -> None:
        """The palette changed: the swatches are painted again from it."""
        self._swatches.clear()

    def swatch(self, label: str) -> QIcon:
        icon = self._swatches.get(label)
        if icon is None:
            pixmap = QPixmap(12, 12)
            pixmap.fill(self._palette.style(label).color)
            icon = self._swatches[label] = QIcon(pixmap)
        return icon


class EntityPanel(QWidget):
    """A titled table of the article's mentions.

    Signals:
        entitySelected(int): the user selected a row (entity id).
    """

    entitySelected = Signal(int)

    def __init__(self, palette: Palette, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = EntityModel(palette, self)
        self.title = PanelTitle("Entities")
        # Sample texts that size the columns: the codebook's longest label (up to ten characters), an actor name,
        # a status.
        label = max(palette.labels, key=len, default="PERSON")[:10]
        columns = ((1, label, 20), (2, "Vladimir Putin", 0), (3, "suggested", 22))
        self.table = panel_table(self.model, self.model.HEADERS, columns, self)
        fill(QVBoxLayout(self), self.title, self.table, margins=(0, 0, 0, 0), spacing=0)
        self.rows = PanelRows(self.table, self.model, self.entitySelected.emit)

    def set_entities(self, entities: Sequence[EntityView]) -> None:
        self.rows.set_rows(entities)
        self.title.show_counts("Entities", entities, "mention", "mentions")

    def select_entity(self, entity_id: int | None) -> None:
        """Select (and scroll to) a row without emitting ``entitySelected``."""
        self.rows.select(entity_id)

