"""File › Import: a preview table of every article and refusal, then the import the user confirms."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from annotator.jobs.import_preview import preview_paths
from annotator.ui.shared.services import build_services
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window.import_preview_dialog import STATUS_COLOURS, ImportPreviewDialog
from bench import exports as ex
from tests.gui.conftest import ANNOTATOR
from tests.gui.helpers import press, show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow


def exports(folder: Path) -> list[str]:
    """A Nexis DOCX of three articles, a Lexis TXT repeating one of them reworded, and a scanned PDF."""
    folder.mkdir()
    fake = ex.fake_articles(3)
    ex.write_nexis_docx(folder / "nexis.docx", fake)
    copy = ex.FakeArticle(fake[1].title + " (update)", "Wire", fake[1].date_line,
                          [fake[1].paragraphs[0].replace("citing", "quoting", 1), *fake[1].paragraphs[1:]])
    (folder / "wire.txt").write_text(ex.lexis_txt([copy]), encoding="utf-8")
    (folder / "scan.pdf").write_bytes(ex.pdf_bytes([["x" * 30] * 10], with_text=False))
    return [str(folder)]


def test_preview_dialog_shows_every_row_and_returns_the_choice(qtbot: QtBot, tmp_path: Path) -> None:
    preview = preview_paths(exports(tmp_path / "in"))
    dialog = ImportPreviewDialog(None, preview, 0.9)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 5
    cells = [[model.data(model.index(r, c)) for c in range(model.columnCount())] for r in range(5)]
    assert cells[0][:6] == ["nexis.docx", "1", "Harbour talks resume, round 1", "2010-01-11", "The Daily Example",
                            ex.fake_articles(3)[0].words]
    assert cells[3][0] == "scan.pdf" and cells[3][6].startswith("refused: no text layer: scanned?")
    assert cells[4][0] == "wire.txt" and cells[4][6].startswith("near-duplicate: repeats ")
    assert model.data(model.index(3, 0), Qt.ItemDataRole.ForegroundRole) == STATUS_COLOURS["refused"]
    assert dialog.headline.text() == "3 articles to import, 0 duplicates, 1 near-duplicates, 1 refused"
    assert dialog.import_button.text() == "Import 3 articles"
    dialog.keep.setChecked(True)
    assert dialog.import_button.text() == "Import 4 articles"
    dialog.threshold.setValue(0.8)
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    choice = dialog.choice()
    assert choice is not None and (choice.threshold, choice.keep_near_duplicates, choice.again) == (0.8, True, False)


def test_cancelled_preview_dialog_chooses_nothing(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = ImportPreviewDialog(None, preview_paths(exports(tmp_path / "in")), None)
    qtbot.addWidget(dialog)
    assert not dialog.threshold.isEnabled()
    dialog.reject()
    assert dialog.choice() is None


@pytest.fixture
def window(
    qtbot: QtBot, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[MainWindow, list[list[str]]]]:
    """The main window with a job runner, and the summaries it showed (their lines) instead of modal dialogs."""
    from annotator.ui.window import import_export_dialogs
    from annotator.ui.window.main_window import MainWindow

    shown: list[list[str]] = []

    def show_summary(
        parent: QWidget | None, title: str, lines: list[str], next_step: tuple[str, str] | None = None
    ) -> bool:
        shown.append(lines)
        return False  # the user closed the summary without its next step

    monkeypatch.setattr(import_export_dialogs, "show_summary", show_summary)
    runner = JobRunner()
    win = MainWindow(repo, ANNOTATOR, services=build_services(repo), runner=runner)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    yield win, shown
    win.close()
    assert runner.shutdown(5000)


def test_file_import_previews_then_imports_what_the_user_confirms(
    qtbot: QtBot, window: tuple[MainWindow, list[list[str]]], repo: Repository, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.ui.window import import_export_dialogs

    win, shown = window
    paths = exports(tmp_path / "in")
    monkeypatch.setattr(import_export_dialogs, "choose_import_paths", lambda parent: paths)
    before = repo.count_articles()
    seen: list[str] = []

    def confirm() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportPreviewDialog):
            QTimer.singleShot(20, confirm)
            return
        seen.append(dialog.headline.text())
        assert repo.count_articles() == before  # nothing stored before the user confirms
        dialog.keep.setChecked(True)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, confirm)
    press(qtbot, win, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert seen == ["3 articles to import, 0 duplicates, 1 near-duplicates, 1 refused"]
    lines = shown[0]
    assert lines[0].startswith("4 imported") and "near-duplicates kept" in lines[0]
    assert any("scan.pdf: no text layer" in line for line in lines)
    assert repo.count_articles() == before + 4
    model = win.articles.model
    marked = [r for r in range(model.rowCount()) if model.data(model.index(r, 1), Qt.ItemDataRole.DecorationRole)]
    assert len(marked) == 1
    tip = model.data(model.index(marked[0], 1), Qt.ItemDataRole.ToolTipRole)
    assert "near-duplicate of article" in tip
