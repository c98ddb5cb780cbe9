"""The window's first frame is painted before qtawesome is imported; its icons follow, and nothing moves then.

qtawesome's import (qtpy's star imports) is a third of the window's start on a big project (issue 15, point 32):
``annotator.ui.shared.icons`` imports it in the first turn of the event loop after the first frame. The child
process checks what the start imports (this test process may hold qtawesome already); the in-process tests check
that the icons come, in place of placeholders of the same size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from annotator.core.records import ArticleIn
from annotator.store import open_repository
from annotator.ui.shared import icons
from annotator.ui.workspace import shortcuts

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository

START = """
import json, sys
from PySide6.QtWidgets import QApplication
from annotator.store import open_repository
from annotator.ui.shared import icons
from annotator.ui.window.main_window import MainWindow

WATCHED = ("qtawesome", "qtpy", "psycopg")
app = QApplication([])
repo = open_repository(sys.argv[1])
window = MainWindow(repo, "ann")
window.show()
app.processEvents()  # the first frame
at_first_paint = sorted(m for m in WATCHED if m in sys.modules)
waiting = icons.pending(window)
for _ in range(200):
    if not icons.pending(window):
        break
    app.processEvents()
after = sorted(m for m in WATCHED if m in sys.modules)
print("RESULT " + json.dumps({"first": at_first_paint, "waiting": waiting > 0, "pending": icons.pending(window),
                              "after": after}))
window.close()
repo.close()
"""


def _opaque(icon: QIcon) -> bool:
    """Whether the icon draws anything (a placeholder is transparent)."""
    image = icon.pixmap(QSize(16, 16)).toImage()
    return any(image.pixelColor(x, y).alpha() > 0 for x in range(image.width()) for y in range(image.height()))


def _wait_for_icons(qtbot: QtBot, window: Any) -> None:
    qtbot.waitUntil(lambda: icons.pending(window) == 0, timeout=10_000)
    QApplication.processEvents()


def test_the_first_frame_imports_neither_qtawesome_nor_psycopg(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with open_repository(str(path)) as repo:
        repo.add_article(ArticleIn(text="Abe met Putin in Sochi.", title="A first article"))
    proc = subprocess.run([sys.executable, "-c", START, str(path)], capture_output=True, text=True, timeout=120,
                          check=False, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("RESULT ")]
    result = json.loads(line.removeprefix("RESULT "))
    assert result["first"] == []
    assert result["waiting"] is True
    assert result["pending"] == 0 and result["after"] == ["qtawesome", "qtpy"]  # the icons came; no driver


def test_the_toolbar_and_the_lists_get_their_icons_after_the_first_paint(qtbot: QtBot, repo: Repository,
                                                                         articles: dict[str, str]) -> None:
    from annotator.ui.window.main_window import MainWindow

    window = MainWindow(repo, "ann")
    qtbot.addWidget(window)
    named = [window.actions_by_name[spec.name] for spec in shortcuts.ACTIONS
             if spec.icon and spec.name in window.actions_by_name]
    assert named
    # Before the first paint: placeholders, which take the icons' room but draw nothing.
    assert all(not action.icon().isNull() and not _opaque(action.icon()) for action in named)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    _wait_for_icons(qtbot, window)
    assert all(_opaque(action.icon()) for action in named)
    assert _opaque(window.actions_by_name["train_model"].icon())
    status = window.articles.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(status, QIcon) and _opaque(status)
    window.close()


def test_nothing_moves_when_the_icons_come(qtbot: QtBot, repo: Repository, articles: dict[str, str],
                                           monkeypatch: Any) -> None:
    from annotator.ui.window.main_window import MainWindow

    # As in a fresh process: no icon is loaded before the first paint (the tables draw placeholders).
    monkeypatch.setattr(icons, "loaded", lambda: False)
    window = MainWindow(repo, "ann")
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    QApplication.processEvents()
    text = window.workspace.text
    before = (text.mapTo(window, QPoint(0, 0)), text.size(), window.articles.table.columnWidth(0))
    monkeypatch.undo()
    _wait_for_icons(qtbot, window)
    after = (text.mapTo(window, QPoint(0, 0)), text.size(), window.articles.table.columnWidth(0))
    assert after == before
    window.close()
