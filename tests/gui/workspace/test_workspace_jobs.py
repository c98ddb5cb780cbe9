"""Import, suggest and export from the File menu run off the GUI thread and end with a summary."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn, ArticleSuggestions, EntitySuggestion, Status
from annotator.jobs.summaries import ExportSummary, ImportSummary, SuggestSummary
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.workers import JobRunner
from tests.gui.conftest import ANNOTATOR, ORIGIN
from tests.gui.helpers import press, show_window

if TYPE_CHECKING:
    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def job_runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    assert runner.shutdown(5000)


@pytest.fixture
def summaries(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """Summary dialogs shown, recorded instead of blocking the test in a modal loop."""
    from annotator.ui.window import import_export_dialogs as import_export

    shown: list[tuple[str, list[str]]] = []

    def record(parent: Any, title: str, lines: list[str], next_step: Any = None) -> bool:
        shown.append((title, lines))
        return False  # "Close", not the next step offered

    monkeypatch.setattr(import_export, "show_summary", record)
    return shown


def _services(repo: Repository, calls: list[str]) -> WorkspaceServices:
    def import_paths(paths: list[str], progress: Any, cancel: Any) -> ImportSummary:
        calls.append("import")
        result = repo.add_article(ArticleIn(text="Medvedev visited the islands.", title="Medvedev visit"))
        return ImportSummary(
            imported=1, article_ids=[result.article_id], refused=[InputError("empty.txt", "empty file")]
        )

    def suggest(ids: list[str] | None, force: bool, progress: Any, cancel: Any) -> SuggestSummary:
        calls.append("suggest")
        article_id = repo.article_ids()[0]
        text = repo.article(article_id).text
        start = text.index("Kuril")
        repo.store_suggestions(
            ArticleSuggestions(article_id, ORIGIN, entities=[EntitySuggestion(start, start + 5, "LOC")])
        )
        return SuggestSummary(origin=ORIGIN, articles=1, entities=1)

    def export(path: str, fmt: str, layer: str, statuses: Any, progress: Any, cancel: Any) -> ExportSummary:
        calls.append(f"export {fmt} {layer}")
        return ExportSummary(path=path, format=fmt, layer=layer, articles=3)

    return WorkspaceServices(import_paths=import_paths, suggest=suggest, export=export, formats=("json", "csv"))


@pytest.fixture
def job_window(
    qtbot: QtBot, repo: Repository, articles: dict[str, str], job_runner: JobRunner, summaries: Any
) -> Iterator[tuple[Any, list[str]]]:
    from annotator.ui.window.main_window import MainWindow

    calls: list[str] = []
    window = MainWindow(repo, ANNOTATOR, services=_services(repo, calls), runner=job_runner)
    qtbot.addWidget(window)
    show_window(qtbot, window)
    window.open_article(articles["abe"])
    yield window, calls
    window.close()


def test_import_shows_a_summary_with_refused_files(
    qtbot: QtBot, job_window: Any, monkeypatch: pytest.MonkeyPatch, summaries: list[Any]
) -> None:
    from annotator.ui.window import import_export_dialogs as import_export

    window, calls = job_window
    monkeypatch.setattr(import_export, "choose_import_paths", lambda parent: ["somewhere"])
    assert window.actions_by_name["import"].isEnabled()
    press(qtbot, window, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: bool(summaries))
    assert calls == ["import"]
    title, lines = summaries[0]
    assert title == "Import"
    assert lines[0].startswith("1 imported") and "empty.txt: empty file" in lines[1]
    assert window.articles.model.rowCount() == 4  # the list shows the new article


def test_suggest_reloads_the_open_article(
    qtbot: QtBot, job_window: Any, repo: Repository, articles: dict[str, str], summaries: list[Any]
) -> None:
    window, calls = job_window
    press(qtbot, window, Qt.Key.Key_S, CTRL | SHIFT)
    qtbot.waitUntil(lambda: bool(summaries))
    assert calls == ["suggest"]
    kuril = [e for e in window.workspace.entities if e.text == "Kuril"]
    assert [(e.label, e.status) for e in kuril] == [("LOC", Status.SUGGESTED)]


def test_export_uses_the_dialog_options(
    qtbot: QtBot, job_window: Any, monkeypatch: pytest.MonkeyPatch, summaries: list[Any], tmp_path: Any
) -> None:
    from annotator.ui.window import import_export_dialogs as import_export

    window, calls = job_window
    target = str(tmp_path / "out.csv")

    class FakeExportDialog:
        def __init__(self, parent: Any, layers: list[str], formats: list[str]) -> None:
            assert formats == ["json", "csv"]

        def exec(self) -> int:
            return 1

        def options(self) -> Any:
            return import_export.ExportOptions(path=target, fmt="csv", layer=ANNOTATOR)

    monkeypatch.setattr(import_export, "ExportDialog", FakeExportDialog)
    press(qtbot, window, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: bool(summaries))
    assert calls == [f"export csv {ANNOTATOR}"]
    assert summaries[0][0] == "Export" and target in summaries[0][1][0]


def test_list_counts_and_time_follow_decisions(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    model = window.articles.model
    row = model.row_of(articles["abe"])
    assert row is not None

    def open_suggestions() -> int:
        summary = model.summary(row)
        assert summary is not None
        return summary.n_suggested

    open_before = open_suggestions()
    read_on: list[str] = []
    summaries = repo.article_summaries

    def recording(**query: Any) -> Any:
        read_on.append(threading.current_thread().name)
        return summaries(**query)

    monkeypatch.setattr(repo, "article_summaries", recording)
    press(qtbot, window, "a")
    # The list re-reads its counts just after the key press (not inside it), once per burst of decisions, and on
    # the database thread: a suggestion run writing never holds up the window for it.
    qtbot.waitUntil(lambda: open_suggestions() == open_before - 1)
    assert read_on == ["annotator-database"]
    monkeypatch.setattr(repo, "article_summaries", summaries)
    recorded: list[tuple[str, str, float]] = []
    original = repo.add_time

    def add_time(article_id: str, annotator: str, seconds: float) -> None:
        recorded.append((article_id, annotator, seconds))
        original(article_id, annotator, seconds)

    monkeypatch.setattr(repo, "add_time", add_time)
    window.open_article(articles["lavrov"])
    assert [(a, n) for a, n, _s in recorded] == [(articles["abe"], ANNOTATOR)]
    assert recorded[0][2] >= 0


def test_void_binding_calls_do_not_steal_references_to_none(qtbot: QtBot) -> None:
    """PySide6 6.12 on CPython 3.11 dropped one reference to None per void call ("Fatal Python error:
    none_dealloc" after a few hundred decisions); pyproject pins PySide6 below 6.12. This catches a regression."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(2000):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 50



def test_after_an_import_the_next_step_is_suggest(
    qtbot: QtBot, job_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 15, point 29: nothing said that Suggest comes next, and the new articles sat at 0 / 0."""
    from annotator.ui.window import import_export_dialogs as import_export

    window, calls = job_window
    offered: list[Any] = []

    def choose_next(parent: Any, title: str, lines: list[str], next_step: Any = None) -> bool:
        offered.append(next_step)
        return next_step is not None  # the analyst presses "Suggest now"

    monkeypatch.setattr(import_export, "show_summary", choose_next)
    monkeypatch.setattr(import_export, "choose_import_paths", lambda parent: ["somewhere"])
    press(qtbot, window, Qt.Key.Key_O, CTRL)
    qtbot.waitUntil(lambda: calls == ["import", "suggest"], timeout=10_000)
    explanation, button = offered[0]
    assert "1 new article has no suggestions yet" in explanation and "Ctrl+Shift+S" in explanation
    assert button == "Suggest now"


def test_the_summary_dialog_offers_the_next_step(qtbot: QtBot) -> None:
    from annotator.ui.window.import_export_dialogs import SummaryDialog

    dialog = SummaryDialog(None, "Import", ["2 imported, 0 duplicates skipped, 0 refused"],
                           ("Next step: suggest them.", "Suggest now"))
    qtbot.addWidget(dialog)
    assert dialog.next_label is not None and dialog.next_label.text() == "Next step: suggest them."
    assert dialog.next_button is not None and dialog.next_button.isDefault()
    dialog.open()
    dialog.next_button.click()
    assert dialog.result() == SummaryDialog.NEXT_STEP


def test_escape_twice_cancels_a_background_job(qtbot: QtBot, job_window: Any, job_runner: JobRunner) -> None:
    """Issue 15, point 30: the Cancel button could only be reached with the mouse."""
    import time

    window, _calls = job_window
    seen: list[bool] = []

    started: list[bool] = []

    def slow(progress: Any, cancel: Any) -> None:
        started.append(True)
        deadline = time.monotonic() + 20
        while not cancel.cancelled and time.monotonic() < deadline:
            time.sleep(0.02)
        seen.append(bool(cancel.cancelled))

    job_runner.run("Slow job", slow)
    qtbot.waitUntil(lambda: bool(started))
    press(qtbot, window, Qt.Key.Key_Escape)
    assert "press Escape again to cancel" in window.statusBar().currentMessage()
    assert job_runner.busy  # one Escape only goes back to the text
    press(qtbot, window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [True]  # cancelled, not timed out
    qtbot.waitUntil(lambda: not job_runner.busy, timeout=10_000)
