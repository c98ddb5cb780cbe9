"""Issue 15, point 17: article data is shown as text in every field Qt could read as HTML.

Hostile text goes into the title, the source and file, the origin of suggestions, the span texts of claims, the
review table and a failed job's message; each place must show it character for character.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QMessageBox

from annotator.core.records import ArticleIn, ArticleStatus, ArticleSuggestions, ClaimSuggestion, EntitySuggestion, Span
from tests.gui.helpers import find, show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository

IMG = '<img src="/etc/hostname">'
TITLE = f"DU PONT CO <DD> LAUNCHES {IMG} <b>NEW</b>"
ORIGIN = f"spacy:<i>evil</i>{IMG}@1"
TEXT = f"Reuters said that <b>bold</b> {IMG} prices & <DD> rose. Abe met <i>Putin</i> today."


# Qt::mightBeRichText is a QtGui function (PySide6.QtGui.Qt); QtCore.Qt has it only once qtpy, which qtawesome
# loads, has patched it in, so this file calls it where it lives.
def shown(value: Any) -> str:
    """What Qt shows for a tooltip or label string: rich text when it looks like HTML, else the string."""
    text = str(value or "")
    document = QTextDocument()
    if QtGui.Qt.mightBeRichText(text):
        document.setHtml(text)
    else:
        document.setPlainText(text)
    return document.toPlainText()


def label_shows(label: QLabel, expected: str) -> None:
    assert label.textFormat() == Qt.TextFormat.PlainText or not QtGui.Qt.mightBeRichText(label.text())
    assert expected in label.text()


@pytest.fixture
def hostile(repo: Repository) -> str:
    article_id = repo.add_article(
        ArticleIn(text=TEXT, title=TITLE, source=f"<u>Wire</u>{IMG}", file="<script>x</script>.txt", date="1987-03-03")
    ).article_id
    repo.store_suggestions(ArticleSuggestions(
        article_id, ORIGIN,
        entities=[EntitySuggestion(*find(TEXT, "Abe"), "PERSON"), EntitySuggestion(*find(TEXT, "Reuters"), "ORG")],
        claims=[ClaimSuggestion(cue=(Span(*find(TEXT, "said")),),
                                content=(Span(*find(TEXT, f"<b>bold</b> {IMG} prices & <DD> rose")),),
                                source=(Span(*find(TEXT, "Reuters")),), kind="indirect")],
    ))
    return str(article_id)


@pytest.fixture
def hostile_window(qtbot: QtBot, repo: Repository, hostile: str) -> Iterator[Any]:
    from annotator.ui.window.main_window import MainWindow

    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    window.open_article(hostile)
    yield window
    window.close()


def test_article_list_title_tooltip_and_pane(hostile_window: Any) -> None:
    model = hostile_window.articles.model
    index = model.index(0, 1)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == TITLE
    tip = shown(model.data(index, Qt.ItemDataRole.ToolTipRole))
    assert TITLE in tip and f"<u>Wire</u>{IMG}" in tip and "<script>x</script>.txt" in tip
    pane = hostile_window.workspace.pane
    label_shows(pane.title, TITLE)
    label_shows(pane.meta, f"<u>Wire</u>{IMG}")


def test_entity_origin_tooltip(hostile_window: Any) -> None:
    model = hostile_window.workspace.entity_panel.model
    tips = [shown(model.data(model.index(r, 0), Qt.ItemDataRole.ToolTipRole)) for r in range(model.rowCount())]
    assert tips and all(ORIGIN in tip for tip in tips)


def test_claim_panel_and_editor(qtbot: QtBot, hostile_window: Any) -> None:
    panel = hostile_window.workspace.claim_panel
    model = panel.model
    tip = shown(model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole))
    assert f"<b>bold</b> {IMG} prices & <DD> rose" in tip and ORIGIN in tip
    hostile_window.workspace.set_current(("claim", hostile_window.workspace.claims[0].id))
    editor = panel.editor
    qtbot.waitUntil(lambda: "<DD>" in editor.content.text())
    label_shows(editor.content, f"<b>bold</b> {IMG} prices & <DD> rose")
    assert f"<b>bold</b> {IMG} prices & <DD> rose" in shown(editor.content.toolTip())


def test_review_table(qtbot: QtBot, repo: Repository, hostile: str) -> None:
    from annotator.ui.window.main_window import MainWindow

    repo.ensure_annotator("alice")
    repo.ensure_annotator("bob")
    repo.ensure_annotator("rita", "reviewer")
    claim = repo.claims_for(hostile, layer="suggestions")[0]
    for name in ("alice", "bob"):
        repo.accept_claim(claim.id, name)
        for entity in repo.entities_for(hostile, layer="suggestions"):
            repo.accept_entity(entity.id, name)
        repo.set_article_status(hostile, name, ArticleStatus.DONE)
    repo.set_setting("overlap", 2)
    window = MainWindow(repo, "rita")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    window.open_article(hostile)
    window.actions_by_name["review_mode"].trigger()  # Ctrl+R
    qtbot.waitUntil(lambda: bool(window.review.rows))
    model = window.review.panel.model
    tips = [shown(model.data(model.index(r, c), Qt.ItemDataRole.ToolTipRole))
            for r in range(model.rowCount()) for c in range(model.columnCount())]
    assert any(f"<b>bold</b> {IMG} prices & <DD> rose" in tip for tip in tips)
    label_shows(window.review.panel.title, "Review")
    window.close()


def test_job_failed_message_box(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.store import open_repository
    from annotator.ui.shared.services import build_services
    from annotator.ui.shared.workers import JobRunner
    from annotator.ui.window import shell

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    repo = open_repository(str(tmp_path / "s.db"))
    runner = JobRunner()
    try:
        controller = shell.GuiController(repo, "alice", build_services(repo, None), runner, shell.user_settings())
        qtbot.addWidget(controller.window)

        def broken(progress: object, cancel: object) -> object:
            raise ValueError(f"file {TITLE} could not be read")

        with qtbot.waitSignal(runner.failed, timeout=10_000):
            runner.run(f"Importing {IMG}", broken)
        box = controller.window.findChild(QMessageBox, "jobFailedBox")
        assert box is not None
        assert box.textFormat() == Qt.TextFormat.PlainText
        labels = [label for label in box.findChildren(QLabel) if label.text()]
        assert labels and all(label.textFormat() == Qt.TextFormat.PlainText for label in labels)
        assert any(TITLE in label.text() for label in labels)
        box.close()
        controller.shutdown()
    finally:
        assert runner.shutdown(5000)
        repo.close()
