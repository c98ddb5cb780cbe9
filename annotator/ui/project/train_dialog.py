"""Model › Train…: train a model from the project's decided layers in the background, then show the comparison.

The dialog runs the same job as ``annotator train`` on a worker thread of its own (a ``JobRunner``), so the
window stays responsive; the progress bar carries the job's estimate of the time left and Cancel stops the run
at its next checkpoint (nothing is saved then). When it finishes, the report is shown as a table and a bar chart
of the current and the new model's figures, with the gate's verdict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER
from annotator.core.training_data import WHAT
from annotator.jobs.progress import CancelFlag, ProgressCallback
from annotator.jobs.training import TrainResult, train
from annotator.jobs.training_report import report_rows
from annotator.store.repository import Repository
from annotator.ui.project.score_chart import ScoreChart
from annotator.ui.shared.workers import JobRunner

#: ``job(progress, cancel, **options) -> TrainResult``: the training job (tests pass a fast one).
TrainJob = Callable[..., TrainResult]


class TrainDialog(QDialog):
    """Choose layers and what to learn, train in the background, read the comparison.

    Args:
        repo: the open project.
        pipeline: the base pipeline setting (None: the default resolution).
        job: the training job; default :func:`annotator.jobs.training.train`.
        parent: the main window.

    Signals:
        trained(result): a model was trained and recorded (``result.activated`` says whether it is active).
    """

    trained = Signal(object)

    def __init__(
        self,
        repo: Repository,
        pipeline: str | None = None,
        job: TrainJob | None = None,
        annotator: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.pipeline = pipeline
        self.annotator = annotator
        self._job: TrainJob = job or train
        self.train_result: TrainResult | None = None
        self.setWindowTitle("Train a model")
        self.resize(760, 620)
        self.runner = JobRunner(self)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self.runner.finished.connect(self._on_finished)
        self._build()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.layers = QListWidget()
        self.layers.setToolTip("The decided layers to learn from, in order of preference")
        self.layers.setMaximumHeight(110)
        names = [GOLD_LAYER, *sorted(n for n, _ in self.repo.layers() if n not in (GOLD_LAYER, SUGGESTIONS_LAYER))]
        for name in names:
            item = QListWidgetItem(name if name != GOLD_LAYER else f"{name} (reviewed articles)")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setCheckState(Qt.CheckState.Checked if name == GOLD_LAYER else Qt.CheckState.Unchecked)
            self.layers.addItem(item)
        self.what = {}
        what_row = QHBoxLayout()
        for name in WHAT:
            box = QCheckBox(name.capitalize())
            box.setChecked(True)
            box.setToolTip({"entities": "Update the pipeline's entity recogniser on the decided mentions",
                            "claims": "Train the attribution tagger (source, cue, content) on the decided claims",
                            "codes": "Learn the issue and stance of claims (once enough claims are coded)"}[name])
            self.what[name] = box
            what_row.addWidget(box)
        what_row.addStretch(1)
        self.eval_share = QDoubleSpinBox()
        self.eval_share.setRange(0.05, 0.5)
        self.eval_share.setSingleStep(0.05)
        self.eval_share.setValue(0.2)
        self.eval_share.setToolTip("Share of the decided articles held back to compare the current and the new model")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.seed.setToolTip("The same seed gives the same split and the same model")
        self.force = QCheckBox("Make the new model active even if it is not better")
        form = QFormLayout()
        form.addRow("Learn from:", self.layers)
        form.addRow("What:", what_row)
        form.addRow("Evaluation share:", self.eval_share)
        form.addRow("Seed:", self.seed)
        form.addRow("", self.force)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = QLabel("Choose what to learn from and press Train.")
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Figure", "Current", "New"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.chart = ScoreChart()
        results = QSplitter(Qt.Orientation.Horizontal)
        results.addWidget(self.table)
        results.addWidget(self.chart)
        results.setSizes([300, 420])
        self.verdict = QLabel("")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)

        self.train_button = QPushButton("Train")
        self.train_button.setDefault(True)
        self.train_button.clicked.connect(self.start)
        self.cancel_button = QPushButton("Cancel training")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.train_button, self.cancel_button, self.close_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(results, 1)
        layout.addWidget(self.verdict)
        layout.addLayout(buttons)

    # ------------------------------------------------------------------ options and running
    def chosen_layers(self) -> list[str]:
        out = []
        for row in range(self.layers.count()):
            item = self.layers.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def options(self) -> dict[str, Any]:
        """The job's keyword arguments as chosen in the dialog."""
        return {
            "layers": self.chosen_layers(),
            "what": [name for name, box in self.what.items() if box.isChecked()],
            "eval_share": round(self.eval_share.value(), 2),
            "seed": self.seed.value(),
            "force": self.force.isChecked(),
            "pipeline": self.pipeline,
            "annotator": self.annotator,
        }

    def start(self) -> None:
        """Start training in the background with the chosen options."""
        options = self.options()
        if not options["layers"]:
            self.status.setText("Tick at least one layer to learn from.")
            return
        if not options["what"]:
            self.status.setText("Tick at least one of entities, claims and codes.")
            return
        self.train_result = None
        self.table.setRowCount(0)
        self.chart.set_rows([])
        self.verdict.setText("")
        self.progress.setValue(0)
        self.status.setText("Starting…")
        self._set_running(True)
        repo, job = self.repo, self._job

        def run(progress: ProgressCallback, cancel: CancelFlag) -> TrainResult:
            return job(repo, progress=progress, cancel=cancel, **options)

        self.runner.run("Train a model", run)

    def cancel(self) -> None:
        """Stop the run at its next checkpoint; nothing is saved."""
        if self.runner.busy:
            self.status.setText("Cancelling…")
            self.cancel_button.setEnabled(False)
            self.runner.cancel()

    def _set_running(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.layers, self.eval_share, self.seed, self.force, *self.what.values()):
            widget.setEnabled(not running)

    # ------------------------------------------------------------------ reports from the worker
    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(message)

    def _on_succeeded(self, result: object) -> None:
        assert isinstance(result, TrainResult)
        self.train_result = result
        self.progress.setValue(self.progress.maximum())
        self.status.setText(f"Trained {result.model.name if result.model else 'a model'} "
                            f"in {result.seconds / 60:.1f} min.")
        self.show_report(result.report)
        self.verdict.setText(result.reason)
        self.trained.emit(result)

    def show_report(self, report: dict[str, Any]) -> None:
        """Fill the table and the chart with a training report."""
        rows = report_rows(report)
        self.table.setRowCount(len(rows))
        for r, (figure, current, new) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(figure))
            for c, value in ((1, current), (2, new)):
                item = QTableWidgetItem("—" if value is None else f"{value:.3f}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
        self.chart.set_rows(rows)

    def _on_failed(self, message: str) -> None:
        self.status.setText(f"Training failed: {message}")

    def _on_cancelled(self) -> None:
        self.progress.setValue(0)
        self.status.setText("Training cancelled: nothing was saved.")

    def _on_finished(self) -> None:
        self._set_running(False)

    def done(self, result: int) -> None:  # closing the dialog stops a run and its thread
        if self.runner.busy:
            self.runner.cancel()
        self.runner.shutdown()
        super().done(result)
