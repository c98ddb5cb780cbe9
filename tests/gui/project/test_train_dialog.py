"""Model › Train…: the dialog trains in the background with progress and an ETA, cancels, and shows the report."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget

from annotator.core.errors import CancelledError
from annotator.core.trained_models import TrainedModel
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback
from annotator.jobs.training import TrainResult

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

REPORT = {
    "current_name": "the base pipeline with the rules",
    "new_is_better": True,
    "current": {"articles": 3, "score": 0.5, "claims": {
        "overlap": {"f1": 0.7}, "exact": {r: {"f1": 0.5} for r in ("source", "cue", "content")},
        "begin": {r: {"f1": 0.6} for r in ("source", "cue", "content")}}},
    "new": {"articles": 3, "score": 0.8, "claims": {
        "overlap": {"f1": 0.85}, "exact": {r: {"f1": 0.8} for r in ("source", "cue", "content")},
        "begin": {r: {"f1": 0.9} for r in ("source", "cue", "content")}}},
}


def _slow_job(calls: list[dict[str, Any]]) -> Any:
    def job(repo: Repository, *, progress: ProgressCallback, cancel: CancelFlag, **options: Any) -> TrainResult:
        calls.append(options)
        for step in range(1, 2000):
            if cancel.cancelled:
                raise CancelledError("training cancelled: nothing was saved")
            progress(Progress(step, 2000, f"claims: epoch 1 of at most 12 — about {2000 - step} s left"))
            time.sleep(0.005)
        raise AssertionError("the test cancels before the end")

    return job


def _cell(table: QTableWidget, row: int, column: int) -> str:
    """The text of a report table cell; an empty cell fails here rather than with an AttributeError."""
    item = table.item(row, column)
    assert item is not None, f"no cell at {row}, {column}"
    return item.text()


def _quick_job(repo: Repository, *, progress: ProgressCallback, cancel: CancelFlag, **options: Any) -> TrainResult:
    progress(Progress(500, 1000, "measuring"))
    model = TrainedModel("m1", "/tmp/m1", "2026-12-01T10:00:00", "base", "spacy:en_m1@1.0.0", active=True)
    return TrainResult(model=model, report=REPORT, activated=True, reason="m1 is better: it is now the active model",
                       seconds=12.0)


def test_training_runs_in_the_background_with_progress_and_cancel(
    qtbot: QtBot, repo: Repository, articles: Any
) -> None:
    from annotator.ui.project.train_dialog import TrainDialog

    calls: list[dict[str, Any]] = []
    dialog = TrainDialog(repo, job=_slow_job(calls))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.chosen_layers() == ["gold"]
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() > 100, timeout=10000)
    # The window answers while the job runs: the buttons flipped and the ETA is shown.
    assert not dialog.train_button.isEnabled() and dialog.cancel_button.isEnabled()
    assert "left" in dialog.status.text()
    assert calls[0]["layers"] == ["gold"] and calls[0]["what"] == ["entities", "claims", "codes"]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.train_button.isEnabled(), timeout=10000)
    assert "cancelled" in dialog.status.text() and dialog.train_result is None
    dialog.close()


def test_finished_training_shows_the_report_table_and_chart(qtbot: QtBot, repo: Repository, articles: Any,
                                                            tmp_path: Path) -> None:
    from annotator.ui.project.train_dialog import TrainDialog

    dialog = TrainDialog(repo, job=_quick_job)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.what["codes"].setChecked(False)
    with qtbot.waitSignal(dialog.trained, timeout=10000) as signal:
        qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    assert signal.args[0].activated
    figures = [_cell(dialog.table, r, 0) for r in range(dialog.table.rowCount())]
    assert figures[:4] == ["claims: overlap F1", "source: exact F1", "cue: exact F1", "content: exact F1"]
    assert _cell(dialog.table, 0, 1) == "0.700" and _cell(dialog.table, 0, 2) == "0.850"
    assert len(dialog.chart.rows) == len(figures)
    assert "active model" in dialog.verdict.text()
    dialog.resize(1000, 700)
    path = tmp_path / "train_dialog.png"
    assert dialog.grab().save(str(path))


def test_nothing_to_tick_is_explained(qtbot: QtBot, repo: Repository, articles: Any) -> None:
    from annotator.ui.project.train_dialog import TrainDialog

    dialog = TrainDialog(repo, job=_quick_job)
    qtbot.addWidget(dialog)
    dialog.layers.item(0).setCheckState(Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    assert "at least one layer" in dialog.status.text() and dialog.train_button.isEnabled()


@pytest.mark.slow
def test_cancelling_a_real_run_saves_nothing(qtbot: QtBot, repo: Repository, articles: Any) -> None:
    from annotator.ui.project.train_dialog import TrainDialog
    from tests.fixtures.training_project import build_training_project

    build_training_project(repo)
    dialog = TrainDialog(repo)
    qtbot.addWidget(dialog)
    for row in range(dialog.layers.count()):
        item = dialog.layers.item(row)
        item.setCheckState(Qt.CheckState.Checked if item.text() == "alice" else Qt.CheckState.Unchecked)
    qtbot.mouseClick(dialog.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0 and "pars" in dialog.status.text(), timeout=60000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.train_button.isEnabled(), timeout=60000)
    assert "cancelled" in dialog.status.text()
    assert repo.models() == []


def test_model_menu_opens_the_dialog(qtbot: QtBot, window: MainWindow) -> None:
    from annotator.ui.project.train_dialog import TrainDialog

    action = window.actions_by_name["train_model"]
    action.trigger()
    # The dialog is the window's child (its parent); found through Qt rather than an attribute set from outside.
    dialog = window.findChild(TrainDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.close()
    action.trigger()  # opened again: the same dialog, not a second one
    assert window.findChildren(TrainDialog) == [dialog] and dialog.isVisible()
    dialog.close()


def test_a_new_active_model_is_loaded_by_the_next_suggest(qtbot: QtBot, repo: Repository) -> None:
    """A training run that activates its model drops the window's loaded pipeline; one that does not keeps it."""
    from annotator.ui.project.train_dialog import TrainDialog
    from annotator.ui.shared.services import build_services
    from annotator.ui.window.main_window import MainWindow

    services = build_services(repo, None)
    loaded = object()  # stands for the spaCy pipeline the window's first Suggest loaded
    services.pipeline = loaded
    win = MainWindow(repo, "alice", services)
    qtbot.addWidget(win)
    win.actions_by_name["train_model"].trigger()
    dialog = win.findChild(TrainDialog)
    assert dialog is not None

    dialog.trained.emit(TrainResult(activated=False, reason="m2 is not better: the active model stays"))
    assert services.pipeline is loaded
    assert win.statusBar().currentMessage() == "m2 is not better: the active model stays"

    dialog.trained.emit(TrainResult(activated=True, reason="m3 is better: it is now the active model"))
    assert services.pipeline is None
    assert win.statusBar().currentMessage() == "m3 is better: it is now the active model"
    dialog.close()
