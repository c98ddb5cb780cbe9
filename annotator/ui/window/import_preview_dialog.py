"""File › Import: the table of what the chosen files hold, before anything is stored.

One row per article found (file, number, title, date, outlet, words, status) and per refusal (with its
reason). The user can change the near-duplicate similarity (and check again), choose to keep near-duplicates
marked, and then import — or cancel, and nothing was stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.jobs.import_preview import DUPLICATE, NEAR_DUPLICATE, NEW, REFUSED, ImportPreview, PreviewRow

Index = QModelIndex | QPersistentModelIndex

#: Text colour of a row by status (new rows keep the palette's colour).
STATUS_COLOURS = {REFUSED: QColor("#b3261e"), NEAR_DUPLICATE: QColor("#8a5300"), DUPLICATE: QColor("#616161")}
STATUS_TEXT = {NEW: "new", DUPLICATE: "already in the project", NEAR_DUPLICATE: "near-duplicate", REFUSED: "refused"}


class PreviewModel(QAbstractTableModel):
    """The preview's rows, read-only."""

    HEADERS = ("File", "#", "Title", "Date", "Outlet", "Words", "Status")

    def __init__(self, rows: list[PreviewRow], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = rows

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            status = STATUS_TEXT.get(row.status, row.status) + (f": {row.detail}" if row.detail else "")
            name = row.file.replace("\\", "/").rsplit("/", 1)[-1]
            return (name, row.number, row.title, row.date, row.outlet, row.words or "", status)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(part for part in (row.file, row.title, row.detail) if part)
        if role == Qt.ItemDataRole.ForegroundRole:
            return STATUS_COLOURS.get(row.status)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (1, 5):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


@dataclass(frozen=True)
class PreviewChoice:
    """What the user chose: import (``again`` False) or check again with the new threshold (``again`` True)."""

    threshold: float | None
    keep_near_duplicates: bool
    again: bool = False


class ImportPreviewDialog(QDialog):
    """The preview table with its options; ``choice()`` after ``exec()`` says what to do (None: cancelled)."""

    def __init__(
        self, parent: QWidget | None, preview: ImportPreview, threshold: float | None, keep: bool = False
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.setWindowTitle("Import articles: preview")
        self.resize(980, 560)
        self._choice: PreviewChoice | None = None
        self.preview = preview

        layout = QVBoxLayout(self)
        self.headline = QLabel(preview.headline())
        self.headline.setObjectName("previewHeadline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.headline)

        self.table = QTableView()
        self.table.setObjectName("previewTable")
        self.model = PreviewModel(preview.rows, self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((130, 36, 250, 84, 130, 56)):
            self.table.setColumnWidth(column, width)
        layout.addWidget(self.table, 1)

        options = QHBoxLayout()
        self.detect = QCheckBox("Look for near-duplicates from a similarity of")
        self.detect.setChecked(threshold is not None)
        self.threshold = QDoubleSpinBox()
        self.threshold.setObjectName("nearDuplicateThreshold")
        self.threshold.setRange(0.5, 1.0)
        self.threshold.setSingleStep(0.01)
        self.threshold.setDecimals(2)
        self.threshold.setValue(threshold if threshold is not None else 0.9)
        self.threshold.setToolTip("Share of word triples two articles have in common (1.00: the same text)")
        self.again = QPushButton("Check again")
        self.again.setToolTip("Read the files again with these near-duplicate settings")
        self.again.clicked.connect(self._check_again)
        self.keep = QCheckBox("Keep near-duplicates (marked in the article list)")
        self.keep.setObjectName("keepNearDuplicates")
        self.keep.setChecked(keep)
        for widget in (self.detect, self.threshold, self.again):
            options.addWidget(widget)
        options.addStretch(1)
        options.addWidget(self.keep)
        layout.addLayout(options)
        self.detect.toggled.connect(self.threshold.setEnabled)
        self.threshold.setEnabled(self.detect.isChecked())

        buttons = QDialogButtonBox()
        to_import = preview.count(NEW) + (preview.count(NEAR_DUPLICATE) if keep else 0)
        self.import_button = buttons.addButton(f"Import {to_import} articles", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(preview.count(NEW) + preview.count(NEAR_DUPLICATE) > 0)
        self.keep.toggled.connect(self._update_button)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._import)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _current(self, again: bool) -> PreviewChoice:
        threshold = round(self.threshold.value(), 2) if self.detect.isChecked() else None
        return PreviewChoice(threshold, self.keep.isChecked(), again)

    def _update_button(self) -> None:
        extra = self.preview.count(NEAR_DUPLICATE) if self.keep.isChecked() else 0
        self.import_button.setText(f"Import {self.preview.count(NEW) + extra} articles")

    def _import(self) -> None:
        self._choice = self._current(False)
        self.accept()

    def _check_again(self) -> None:
        self._choice = self._current(True)
        self.accept()

    def choice(self) -> PreviewChoice | None:
        """The user's choice, or None when the dialog was cancelled."""
        return self._choice
