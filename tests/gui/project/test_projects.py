"""File › New project…, Open recent and the window title, driven by keys through the real shell."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.core.codebook import EMPTY_CODEBOOK
from annotator.core.records import ArticleIn
from annotator.core.resources import sample_codebook
from annotator.store import open_repository
from annotator.store.repository import Repository
from annotator.ui.project.projects import NewProjectDialog, project_name, recent_projects
from annotator.ui.shared.services import WorkspaceServices, build_services
from annotator.ui.window import shell
from tests.gui import shell_fixtures as fx
from tests.gui.helpers import show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.ui.shared.workers import JobRunner

runner = fx.runner
shell_repo = fx.shell_repo
user_settings_dir = fx.user_settings_dir

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def _controller(qtbot: QtBot, repo: Repository, job_runner: Any) -> tuple[shell.GuiController, list[Repository]]:
    opened: list[Repository] = []

    def open_project(location: str) -> tuple[Repository, WorkspaceServices]:
        other = open_repository(location)
        opened.append(other)
        return other, build_services(other, None)

    controller = shell.GuiController(repo, "alice", build_services(repo, None), job_runner, shell.user_settings(),
                                     open_project=open_project)
    qtbot.addWidget(controller.window)
    show_window(qtbot, controller.window)
    return controller, opened


def test_project_names() -> None:
    assert project_name("/data/climate study.db") == "climate study"
    assert project_name("postgresql://alice@server/newsroom") == "newsroom"


def test_new_project_by_keys_opens_it_and_recent_projects_go_back(
    qtbot: QtBot, shell_repo: Repository, runner: JobRunner, user_settings_dir: Path, tmp_path: Path
) -> None:
    shell_repo.add_article(ArticleIn(text="One article of the first project.", title="First"))
    controller, _opened = _controller(qtbot, shell_repo, runner)
    window = controller.window
    assert window.project == "shell" and "shell" in window.windowTitle()
    qtbot.keyClick(window.workspace.text, Qt.Key.Key_N, CTRL_ALT)  # File › New project…
    dialog = window.side_windows.new_project_dialog
    assert isinstance(dialog, NewProjectDialog) and dialog.isVisible()
    target = tmp_path / "climate.db"
    dialog.path.setFocus()
    dialog.path.selectAll()
    qtbot.keyClicks(dialog.path, str(target))
    dialog.start.setFocus()
    qtbot.keyClick(dialog.start, Qt.Key.Key_Down)  # "An empty codebook"
    qtbot.keyClick(dialog.start, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: controller.window is not window)
    new_window = controller.window
    assert new_window.project == "climate" and "climate" in new_window.windowTitle()
    assert new_window.annotator == "alice" and new_window.repo.location == str(target)
    assert new_window.repo.codebook() == EMPTY_CODEBOOK and new_window.repo.count_articles() == 0
    assert new_window.workspace.labels == []
    recent = recent_projects(controller.settings)
    assert recent[0] == str(target.resolve()) and str(Path(shell_repo.location).resolve()) in recent
    # File › Open recent › the first project: back where we were.
    assert new_window.recent_menu is not None
    new_window.recent_menu.actions()[1].trigger()
    qtbot.waitUntil(lambda: controller.window is not new_window)
    assert controller.window.project == "shell" and controller.window.repo.count_articles() == 1
    controller.shutdown()


def test_a_new_project_with_an_invalid_codebook_file_is_refused_in_the_dialog(
    qtbot: QtBot, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "annotator-codebook", "version": 1, "labels": [{"name": "X", "color": "1"}]}),
                   encoding="utf-8")
    dialog = NewProjectDialog(None, str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.start.setCurrentIndex(dialog.start.findData("file"))
    assert dialog.codebook_file.isEnabled()
    dialog.codebook_file.setText(str(bad))
    created: list[str] = []
    dialog.created.connect(created.append)
    qtbot.keyClick(dialog.codebook_file, Qt.Key.Key_Return)
    assert created == [] and dialog.isVisible()
    assert "$.labels[0].color" in dialog.error.text() and "bad.json" in dialog.error.text()
    assert not (tmp_path / "study.db").exists()
    # The sample codebook is the default start.
    dialog.start.setCurrentIndex(0)
    qtbot.keyClick(dialog.path, Qt.Key.Key_Return)
    assert created == [str(tmp_path / "study.db")]
    repo = open_repository(created[0])
    try:
        assert repo.codebook() == sample_codebook()
    finally:
        repo.close()


def test_opening_a_broken_project_keeps_the_open_one(
    qtbot: QtBot, shell_repo: Repository, runner: JobRunner, user_settings_dir: Path, tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    controller, _opened = _controller(qtbot, shell_repo, runner)
    window = controller.window
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="annotator.ui.window.shell"):
        assert not controller.open_project(str(broken))
    # The message box explains; the log keeps the traceback (a bug would otherwise read as a broken file).
    (record,) = [r for r in caplog.records if "cannot open the project" in r.getMessage()]
    assert "broken.db" in record.getMessage() and record.exc_info is not None
    assert controller.window is window and window.isVisible()
    box = next(w for w in QApplication.topLevelWidgets() if w.objectName() == "projectOpenFailedBox")
    assert isinstance(box, QMessageBox)
    assert "broken.db" in box.text()
    box.close()
    controller.shutdown()
