"""The entity panel: one row per mention (text, label, actor, status), in text order.

Selecting a row makes that mention the current item (the article view scrolls to it and outlines it), and the
window selects the row when the current item changes in the text: the two always show the same mention.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QVBoxLayout, QWidget

from annotator.core.records import EntityView
from annotator.ui.shared.colors import Palette
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.panel_table import PanelRows, panel_table
from annotator.ui.shared.panel_title import PanelTitle
from annotator.ui.shared.row_table_model import DecisionRowsModel


class EntityModel(DecisionRowsModel):
    """Rows of :class:`EntityView`; replaced wholesale per article, updated in place after a decision."""

    HEADERS = ("Text", "Label", "Actor", "Status")
    STATUS_COLUMN = 3

    def __init__(self, palette: Palette, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._palette = palette
        self._swatches: dict[str, QIcon] = {}

    # ------------------------------------------------------------------ Qt model API
    def cells(self, row: EntityView) -> tuple[str, ...]:
        return (row.text, row.label, row.actor_name or "", str(row.status))

    def decoration(self, row: EntityView, column: int) -> QIcon | None:
        return self.swatch(row.label) if column == 1 else None

    def tooltip(self, row: EntityView) -> str:
        return f"[{row.start}, {row.end}) {row.label} · {row.status} · {row.origin}"

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

