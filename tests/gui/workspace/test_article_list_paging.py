"""The article list reads one page when the window opens or a filter is applied, and the next when scrolled to.

On a project of a million articles every page read is a query with its counts: a page more than the view needs
(Qt asks for more whenever a scroll bar is at its end, also while the window is first laid out) cost the first
paint a second page for nothing (issue 15, point 32).
"""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.records import ArticleIn
from tests.gui.conftest import ANNOTATOR
from tests.gui.helpers import show_window


@pytest.fixture
def many(repo: Any) -> Any:
    from annotator.ui.workspace import article_list

    repo.ensure_annotator(ANNOTATOR)
    for i in range(2 * article_list.PAGE + 5):
        repo.add_article(ArticleIn(text=f"Article number {i} about Abe.", title=f"Article {i}"))
    return repo


def _counting_reads(monkeypatch: pytest.MonkeyPatch, repo: Any) -> list[dict[str, Any]]:
    reads: list[dict[str, Any]] = []
    original = repo.article_summaries

    def counted(**kwargs: Any) -> Any:
        if kwargs.get("limit") != 1:  # not the one-row refresh of a decided article
            reads.append(kwargs)
        return original(**kwargs)

    monkeypatch.setattr(repo, "article_summaries", counted)
    return reads


def test_opening_and_filtering_read_one_page(qtbot: Any, many: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.workspace import article_list

    reads = _counting_reads(monkeypatch, many)
    win = MainWindow(many, ANNOTATOR)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    qtbot.wait(50)  # Qt's own deferred layout and fetch timers
    assert len(reads) == 1
    assert win.articles.model.rowCount() == article_list.PAGE
    reads.clear()
    win.articles.filter_text.setText("Abe")
    win.articles.apply_filter()
    qtbot.wait(50)
    assert [r["text"] for r in reads] == ["Abe"]
    assert win.articles.model.rowCount() == article_list.PAGE
    win.close()


def test_scrolling_to_the_end_reads_the_next_page(qtbot: Any, many: Any) -> None:
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.workspace import article_list

    win = MainWindow(many, ANNOTATOR)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    table = win.articles.table
    table.scrollToBottom()
    qtbot.waitUntil(lambda: win.articles.model.rowCount() == 2 * article_list.PAGE)
    table.scrollToBottom()
    qtbot.waitUntil(lambda: win.articles.model.rowCount() == 2 * article_list.PAGE + 5)
    assert not win.articles.model.has_more()
    win.close()


def test_the_view_wants_more_only_at_the_end_of_its_rows(qtbot: Any, many: Any) -> None:
    from annotator.ui.workspace.article_list import PAGE, ArticleListPanel

    panel = ArticleListPanel(many, ANNOTATOR, [])
    qtbot.addWidget(panel)
    panel.resize(400, 300)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.model.has_more()
    assert not panel.model.canFetchMore()  # a page does not fit 300 pixels: nothing to read yet
    panel.table.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() > PAGE)  # Qt asked, and the model followed
