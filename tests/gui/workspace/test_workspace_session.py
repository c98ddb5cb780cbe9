"""Queue, persistence, plain-text display with emoji, Qt models, the article list filter, actors and F1."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt

from annotator.core.records import ArticleStatus, Status
from annotator.store import open_repository
from tests.gui.conftest import ANNOTATOR, TEXT_MARKUP, seed
from tests.gui.helpers import (
    drag_select,
    entity_by_text,
    find,
    make_current,
    own_entities,
    press,
    show_window,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def test_mark_done_and_next(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    first = articles["abe"]
    assert window.current_article_id == first
    press(qtbot, window, Qt.Key.Key_Return, CTRL)
    assert repo.article_status(first, ANNOTATOR) == ArticleStatus.DONE
    assert window.current_article_id == repo.next_in_queue(ANNOTATOR, after=first)
    assert window.current_article_id != first
    assert repo.progress(ANNOTATOR)[0] == 1
    # Undo brings back the article and its previous status.
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert repo.article_status(first, ANNOTATOR) != ArticleStatus.DONE
    assert window.current_article_id == first


def test_markup_and_emoji_are_shown_literally(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    window.open_article(articles["markup"])
    text = window.workspace.text
    assert text.toPlainText() == TEXT_MARKUP  # "<b>x</b>" is eight characters, the emoji is there
    putin = entity_by_text(window.workspace.entities, "Putin")
    start, end = find(TEXT_MARKUP, "Putin")
    assert (putin.start, putin.end) == (start, end)
    # Qt counts the emoji as two UTF-16 units: the drawn span must sit one unit further on.
    spans = text.drawn_spans()
    assert len(spans) == 1
    assert (spans[0].start, spans[0].end) == (start + 1, end + 1)
    assert text.toPlainText()[spans[0].start - 1 : spans[0].end - 1] == "Putin"  # the emoji is one character
    # And a selection made after the emoji maps back to code points.
    drag_select(qtbot, window, *find(TEXT_MARKUP, "spoke"))
    assert text.selection() == find(TEXT_MARKUP, "spoke")
    press(qtbot, window, "e")
    assert [e.text for e in own_entities(repo, articles["markup"])] == ["spoke"]


def test_everything_is_there_after_a_restart(qtbot: QtBot, tmp_path: Path) -> None:
    """Fix JST, accept Abe, add a claim, undo and redo it, quit, start again: all as left."""
    from annotator.ui.window.main_window import MainWindow

    path = tmp_path / "restart.db"
    repo = open_repository(str(path))
    ids = seed(repo)
    window = MainWindow(repo, ANNOTATOR)
    qtbot.addWidget(window)
    show_window(qtbot, window)
    window.open_article(ids["abe"])
    press(qtbot, window, "a")
    make_current(window, "JST")
    press(qtbot, window, str(repo.labels().index("MISC") + 1))
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "Japan wants a peace treaty"))
    press(qtbot, window, "c")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    before = sorted((e.text, e.label, e.status) for e in window.workspace.entities)
    claims_before = [(c.content.text if c.content else None, c.status) for c in window.workspace.claims]
    window.close()
    repo.close()

    repo2 = open_repository(str(path))
    try:
        window2 = MainWindow(repo2, ANNOTATOR)
        qtbot.addWidget(window2)
        show_window(qtbot, window2)
        assert window2.current_article_id == ids["abe"]  # the queue reopens the unfinished article
        after = sorted((e.text, e.label, e.status) for e in window2.workspace.entities)
        assert after == before
        assert ("JST", "MISC", Status.CORRECTED) in after
        assert ("Shinzo Abe", "PERSON", Status.ACCEPTED) in after
        claims_after = [(c.content.text if c.content else None, c.status) for c in window2.workspace.claims]
        assert claims_after == claims_before
        assert ("Japan wants a peace treaty", Status.MANUAL) in claims_after
        window2.close()
    finally:
        repo2.close()


def test_models_pass_qt_model_tester(qtmodeltester: Any, window: MainWindow, articles: dict[str, str]) -> None:
    qtmodeltester.check(window.articles.model)
    qtmodeltester.check(window.workspace.entity_panel.model)
    qtmodeltester.check(window.workspace.claim_panel.model)


def test_article_list_is_lazy_and_filters(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    panel = window.articles
    assert panel.model.rowCount() == 3
    assert not panel.model.canFetchMore()
    qtbot.keyClicks(panel.filter_text, "Lavrov")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
    assert panel.model.article_id(0) == articles["lavrov"]
    panel.filter_text.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3)
    panel.filter_label.setCurrentIndex(panel.filter_label.findData("ORG"))
    assert [panel.model.article_id(r) for r in range(panel.model.rowCount())] == [articles["lavrov"]]
    panel.filter_label.setCurrentIndex(0)
    panel.filter_status.setCurrentIndex(panel.filter_status.findData("in_progress"))
    assert [panel.model.article_id(r) for r in range(panel.model.rowCount())] == [articles["abe"]]
    # Clicking a row opens the article.
    panel.filter_status.setCurrentIndex(0)
    row = panel.model.row_of(articles["lavrov"])
    assert row is not None
    rect = panel.table.visualRect(panel.model.index(row, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_article_id == articles["lavrov"]


def test_article_list_pages(qtbot: QtBot, repo: Repository) -> None:
    from annotator.core.records import ArticleIn
    from annotator.ui.workspace import article_list

    repo.ensure_annotator(ANNOTATOR)
    for i in range(article_list.PAGE + 5):
        repo.add_article(ArticleIn(text=f"Article number {i} about Abe.", title=f"Article {i}"))
    model = article_list.ArticleListModel(repo, ANNOTATOR)
    model.fetchMore()
    assert model.rowCount() == article_list.PAGE
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == article_list.PAGE + 5
    assert not model.canFetchMore()


def test_link_a_mention_to_a_new_actor(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    from annotator.ui.workspace import actor_dialog

    class FakeDialog:
        def __init__(self, parent: Any, repo: Repository, entity: Any) -> None:
            self.entity = entity

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

        def choice(self) -> Any:
            return actor_dialog.ActorChoice(actor_id=None, new_name="Shinzo Abe", new_kind="PERSON", unlink=False)

    monkeypatch.setattr(actor_dialog, "ActorLinkDialog", FakeDialog)
    make_current(window, "Shinzo Abe")
    press(qtbot, window, "l")
    linked = entity_by_text(own_entities(repo, articles["abe"]), "Shinzo Abe")
    assert linked.actor_name == "Shinzo Abe"
    assert [a.name for a in repo.actors("Shinzo")] == ["Shinzo Abe"]
    assert entity_by_text(window.workspace.entities, "Shinzo Abe").actor_name == "Shinzo Abe"
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # one undo step removes the link and the new actor
    assert own_entities(repo, articles["abe"]) == []
    assert repo.actors("Shinzo") == []


def test_f1_opens_the_shortcut_sheet(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.ui.workspace import shortcut_sheet as sheet

    shown: list[list[tuple[str, str, str]]] = []

    class FakeSheet:
        def __init__(self, parent: Any, rows: list[tuple[str, str, str]]) -> None:
            shown.append(rows)

        def exec(self) -> int:
            return 0

    monkeypatch.setattr(sheet, "ShortcutSheet", FakeSheet)
    press(qtbot, window, Qt.Key.Key_F1)
    assert shown and ("Entities", "A", "Accept the current entity or claim") in shown[0]
    assert any(row[1] == "1" and "PERSON" in row[2] for row in shown[0])


def test_window_without_services_disables_jobs(window: MainWindow) -> None:
    for name in ("import", "export", "suggest"):
        assert not window.actions_by_name[name].isEnabled()


def test_switch_annotator_keeps_layers_apart(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    press(qtbot, window, "a")
    window.switch_annotator("bob")
    assert window.annotator == "bob"
    assert all(e.status == Status.SUGGESTED for e in window.workspace.entities)
    assert not window.workspace.decisions.stack.canUndo()
    press(qtbot, window, "x")
    assert [e.status for e in repo.entities_for(articles["abe"], layer="bob")] == [Status.REJECTED]
    assert [e.status for e in own_entities(repo, articles["abe"])] == [Status.ACCEPTED]


def test_merge_two_actors(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QDialog

    from annotator.ui.workspace import actor_dialog

    keep = repo.add_actor("Shinzo Abe", "PERSON", ANNOTATOR).created_actor_id
    merge = repo.add_actor("Abe Shinzo", "PERSON", ANNOTATOR).created_actor_id
    assert keep is not None and merge is not None  # both names are new: each creates an actor
    chosen = (keep, merge)  # what the analyst picks in the merge dialog: keep the first
    abe = entity_by_text(window.workspace.entities, "Shinzo Abe")
    repo.link_entity_actor(abe.id, merge, ANNOTATOR)

    class FakeMerge:
        def __init__(self, parent: Any, repo: Repository) -> None:
            pass

        def exec(self) -> int:
            return QDialog.DialogCode.Accepted

        def choice(self) -> tuple[int, int]:
            return chosen

    monkeypatch.setattr(actor_dialog, "MergeActorsDialog", FakeMerge)
    press(qtbot, window, Qt.Key.Key_M, CTRL | SHIFT)
    assert [a.name for a in repo.actors("Abe")] == ["Shinzo Abe"]
    assert entity_by_text(own_entities(repo, articles["abe"]), "Shinzo Abe").actor_id == keep
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert sorted(a.name for a in repo.actors("Abe")) == ["Abe Shinzo", "Shinzo Abe"]


def test_an_unknown_article_is_reported_not_raised(window: MainWindow) -> None:
    window.open_article("no-such-article")
    assert window.current_article_id is None
    assert "no-such-article" in window.statusBar().currentMessage()
