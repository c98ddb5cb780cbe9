"""A damaged database met by the article list is explained, never swallowed inside Qt's own calls."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from annotator.core.errors import StorageError
from annotator.core.records import ArticleIn
from annotator.store.repository import Repository
from annotator.ui.workspace import article_list
from annotator.ui.workspace.article_list import ArticleListModel, ArticleListPanel

DAMAGED = "the database test.db is damaged: database disk image is malformed"


def _fail_after(repo: Repository, monkeypatch: pytest.MonkeyPatch, calls: int) -> None:
    """``article_summaries`` answers ``calls`` times, then raises what a damaged page raises."""
    real = repo.article_summaries
    answered = [0]

    def summaries(**kwargs: Any) -> Any:
        if answered[0] >= calls:
            raise StorageError(DAMAGED)
        answered[0] += 1
        return real(**kwargs)

    monkeypatch.setattr(repo, "article_summaries", summaries)


def _paged_articles(repo: Repository, monkeypatch: pytest.MonkeyPatch, count: int) -> None:
    """``count`` articles for alice, listed two to a page (so that there is a next page to fail on)."""
    monkeypatch.setattr(article_list, "PAGE", 2)
    for i in range(count):
        repo.add_article(ArticleIn(text=f"Article number {i}.", title=f"A{i}"))
    repo.ensure_annotator("alice")


def test_a_page_a_view_asks_for_reports_a_damaged_database(
    qtbot: QtBot, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    _paged_articles(repo, monkeypatch, 5)
    model = ArticleListModel(repo, "alice")
    model.fetch_page()
    assert model.rowCount() == 2
    _fail_after(repo, monkeypatch, 0)
    # Qt's views call fetchMore from inside their event handling (scrolling, layout), where an exception would
    # be printed and lost: the model says what happened instead, and stops asking.
    with qtbot.waitSignal(model.failed, timeout=1000) as blocker:
        model.fetchMore()
    assert blocker.args is not None and DAMAGED in blocker.args[0]
    assert model.rowCount() == 2
    assert not model.canFetchMore()


def test_the_first_page_is_read_by_the_panel_itself_so_the_start_explains_damage(
    qtbot: QtBot, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The damaged-database message at start-up must not depend on whether Qt asks for the first page first."""
    repo.add_article(ArticleIn(text="One article.", title="A"))
    repo.ensure_annotator("alice")
    _fail_after(repo, monkeypatch, 0)
    with pytest.raises(StorageError, match="malformed"):
        ArticleListPanel(repo, "alice", [])


def test_the_window_shows_a_page_that_could_not_be_read(
    qtbot: QtBot, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.ui.window.main_window import MainWindow
    from tests.gui.helpers import show_window

    _paged_articles(repo, monkeypatch, 6)
    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    _fail_after(repo, monkeypatch, 0)
    window.articles.model.fetchMore()
    assert DAMAGED in window.error_banner.message
    window.close()
