"""Small helpers for driving the main window like a user: keys, selections, and reading back the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from annotator.core.records import ArticleIn, ArticleSuggestions, ClaimView, EntitySuggestion, EntityView

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

ANNOTATOR = "alice"


def show_window(qtbot: QtBot, window: MainWindow) -> None:
    """Show and activate a window: window-wide shortcuts only reach the active window."""
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def settle(qtbot: QtBot, window: MainWindow) -> None:
    """Wait until every decision asked for is written and drawn (they run on the database thread)."""
    decisions = window.workspace.decisions
    if decisions.busy:
        with qtbot.waitSignal(decisions.idle, timeout=10_000):
            pass


def press(
    qtbot: QtBot, window: MainWindow, key: str | Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Type one key into the article text, as the analyst does (shortcuts are window-wide), and wait until
    what it decided is drawn."""
    target = window.workspace.text
    target.setFocus()
    window.activateWindow()
    qtbot.keyClick(target, key, modifier)
    settle(qtbot, window)


def drag_select(qtbot: QtBot, window: MainWindow, start: int, end: int) -> None:
    """Select ``[start, end)`` (code points) with a real mouse drag over the text."""
    text = window.workspace.text
    viewport = text.viewport()

    def point(offset: int) -> QPoint:
        cursor = QTextCursor(text.document())
        cursor.setPosition(text.to_qt(offset))
        rect = text.cursorRect(cursor)
        return QPoint(rect.left() + 1, rect.center().y())

    text.ensureCursorVisible()
    a, b = point(start), point(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    QTest.mouseMove(viewport, b)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def own_entities(repo: Repository, article_id: str) -> list[EntityView]:
    """The annotator's own decisions on an article (their layer only)."""
    return repo.entities_for(article_id, layer=ANNOTATOR)


def working_entities(repo: Repository, article_id: str) -> list[EntityView]:
    return repo.entities_for(article_id, annotator=ANNOTATOR)


def own_claims(repo: Repository, article_id: str) -> list[ClaimView]:
    return repo.claims_for(article_id, layer=ANNOTATOR)


def entity_by_text(rows: list[EntityView], text: str) -> EntityView:
    matches = [row for row in rows if row.text == text]
    assert len(matches) == 1, f"expected one {text!r} in {[r.text for r in rows]}"
    return matches[0]


def current_entity(window: MainWindow) -> EntityView:
    """The workspace's current mention; a test that expects one fails here when a claim or nothing is current."""
    entity = window.workspace.current_entity()
    assert entity is not None, f"no current mention (current: {window.workspace.current})"
    return entity


def make_current(window: MainWindow, text: str) -> EntityView:
    """Select an entity row in the entity panel by a mouse click, which makes it the current item."""
    panel = window.workspace.entity_panel
    for row, entity in enumerate(panel.model.rows()):
        if entity.text == text:
            index = panel.model.index(row, 0)
            rect = panel.table.visualRect(index)
            QTest.mouseClick(
                panel.table.viewport(),
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                rect.center(),
            )
            assert window.workspace.current == ("entity", entity.id)
            return entity
    raise AssertionError(f"{text!r} not in the entity panel")


def add_article_with_mentions(repo: Repository, text: str, title: str, name: str = "Lavrov") -> tuple[str, list[int]]:
    """Import ``text`` with a suggested PERSON on every occurrence of ``name``: (article id, their starts)."""
    article_id = repo.add_article(ArticleIn(text=text, title=title)).article_id
    starts = [i for i in range(len(text)) if text.startswith(name, i)]
    entities = [EntitySuggestion(s, s + len(name), "PERSON") for s in starts]
    repo.store_suggestions(ArticleSuggestions(article_id, "spacy:test@1", entities=entities))
    return article_id, starts
