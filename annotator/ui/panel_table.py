"""The look shared by the side panels' tables and titles (entities, claims, review)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget

from annotator.ui.article_list import fitted_width

TITLE_STYLE = "font-weight: 600; padding: 6px 4px 2px 4px;"


def panel_title(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(TITLE_STYLE)
    return label


def panel_table(model: QAbstractItemModel, headers: Sequence[str], columns: Sequence[tuple[int, str, int]],
                parent: QWidget) -> QTableView:
    """A read-only, single-row-selection table; column 0 stretches, the others fit a sample value.

    Args:
        model: the rows.
        headers: the model's column titles (for the widths).
        columns: (column, widest typical value, extra pixels for an icon) for each column after the first.
        parent: the owning panel.
    """
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setShowGrid(False)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    for column, sample, extra in columns:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(column, fitted_width(table, headers[column], sample) + extra)
    return table
