"""The agreement view: a table of every annotator pair and a bar chart of entity F1 per label for the chosen pair.

The figures come from :func:`annotator.jobs.agreement.compute_agreement` (the very code the ``agreement`` CLI runs),
off the GUI thread through the window's JobRunner when there is one. The bars are painted with QPainter: QtCharts
is not part of PySide6-Essentials, and a dozen bars do not need it.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.jobs.agreement import AgreementReport, PairAgreement, compute_agreement
from annotator.store.repository import Repository
from annotator.ui.shared.colors import NEGATIVE
from annotator.ui.shared.workers import JobRunner

COLUMNS = ("Pair", "Articles", "Entity F1", "Claim F1", "κ kind", "κ form", "κ stance")
BAR_COLOR = QColor("#3f6fb5")
LOW_COLOR = NEGATIVE  # F1 below 0.5: the label needs a guideline discussion
GRID_COLOR = QColor("#d9dde3")


def fmt(value: float | None) -> str:
    """A figure with two decimals, or an en dash when undefined (nothing to compare)."""
    return "–" if value is None else f"{value:.2f}"


def pair_cells(pair: PairAgreement) -> list[str]:
    """The table cells of one pair, in :data:`COLUMNS` order."""
    return [
        f"{pair.first} / {pair.second}",
        str(pair.articles),
        fmt(pair.entities.overall.f1),
        fmt(pair.claims.counts.f1),
        fmt(pair.kappa("kind").value),
        fmt(pair.kappa("form").value),
        fmt(pair.kappa("stance").value),
    ]


class LabelBars(QWidget):
    """Horizontal bars, one per label, length = F1 (0–1); an undefined F1 is written, not drawn."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: dict[str, float | None] = {}
        self.title = ""
        self.setMinimumHeight(120)

    def set_values(self, title: str, values: Mapping[str, float | None]) -> None:
        self.title = title
        self.values = dict(values)
        self.setMinimumHeight(40 + 24 * max(1, len(self.values)))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(520, 40 + 24 * max(1, len(self.values)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = QFontMetrics(self.font())
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QColor("#222222"))
        painter.drawText(8, 4 + metrics.ascent(), self.title or "Entity F1 per label")
        if not self.values:
            painter.drawText(8, 30 + metrics.ascent(), "No pair to show.")
            painter.end()
            return
        label_width = max(metrics.horizontalAdvance(label) for label in self.values) + 16
        value_width = metrics.horizontalAdvance("0.00") + 12
        left = 8 + label_width
        span = max(40, self.width() - left - value_width - 8)
        top = 26
        # Quarter grid lines, so a bar's length can be read without its number.
        painter.setPen(QPen(GRID_COLOR, 1))
        bottom = top + 24 * len(self.values)
        for quarter in range(5):
            x = left + span * quarter / 4
            painter.drawLine(int(x), top - 2, int(x), bottom)
        for i, (label, value) in enumerate(self.values.items()):
            y = top + 24 * i
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(8, y, label_width - 8, 20),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight), label)
            if value is not None:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(LOW_COLOR if value < 0.5 else BAR_COLOR)
                painter.drawRoundedRect(QRectF(left, y + 3, max(2.0, span * value), 14), 2, 2)
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(left + span + 6, y, value_width, 20),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), fmt(value))
        painter.end()


class AgreementDialog(QDialog):
    """Pairwise agreement table; selecting a pair shows its F1 per label as bars.

    Args:
        repo: the open project.
        parent: the main window.
        runner: the shell's JobRunner (compute off the GUI thread); None computes at once.
    """

    def __init__(self, repo: Repository, parent: QWidget | None = None, runner: JobRunner | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.runner = runner
        self.report: AgreementReport | None = None
        self.setWindowTitle("Agreement between annotators")
        self.resize(760, 560)
        self.status = QLabel("Computing…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.bars = LabelBars(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.bars, 1)
        layout.addWidget(buttons)
        self.table.itemSelectionChanged.connect(self._show_selected)

    def compute(self) -> None:
        """Compute the report (on the worker thread when a runner is set) and show it."""
        repo = self.repo
        if self.runner is not None:
            self.runner.run(
                "Agreement",
                lambda progress, cancel: compute_agreement(repo, progress=progress, cancel=cancel),
                on_result=self._on_result,
            )
            return
        self.set_report(compute_agreement(repo))

    def _on_result(self, result: object) -> None:
        if isinstance(result, AgreementReport):
            self.set_report(result)

    def set_report(self, report: AgreementReport) -> None:
        """Fill the table (one row per pair) and chart the first pair."""
        self.report = report
        self.table.setRowCount(len(report.pairs))
        for row, pair in enumerate(report.pairs):
            for column, text in enumerate(pair_cells(pair)):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        notes = list(report.notes)
        self.status.setText("\n".join(notes) if notes else
                            f"{len(report.pairs)} pair(s) of annotators; figures over the articles both marked done.")
        if report.pairs:
            self.table.selectRow(0)
        self._show_selected()

    def _show_selected(self) -> None:
        if self.report is None or not self.report.pairs:
            self.bars.set_values("", {})
            return
        index = self.table.currentRow()
        pair = self.report.pairs[index if 0 <= index < len(self.report.pairs) else 0]
        self.bars.set_values(f"Entity F1 per label — {pair.first} / {pair.second}", pair.label_f1())
