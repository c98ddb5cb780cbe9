"""A new article opens at its top, and the first item is scrolled to only once the window has a real size."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator.core.records import ArticleIn, ArticleSuggestions, EntitySuggestion
from tests.gui.helpers import add_article_with_mentions

if TYPE_CHECKING:
    from PySide6.QtCore import QRectF
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.workspace.article_text import ArticleText

PARAGRAPH = "Lavrov said the talks on the islands went on for many hours in Tokyo and ended without a deal.\n\n"


def _long_article(repo: Repository, title: str, first_entity_late: bool) -> str:
    text = f"3/22/2017\n\n{title}\n\n" + PARAGRAPH * 80
    article_id = repo.add_article(ArticleIn(text=text, title=title)).article_id
    start = text.rindex("Tokyo") if first_entity_late else text.index("Lavrov")
    end = start + (5 if first_entity_late else 6)
    label = "GPE" if first_entity_late else "PERSON"
    suggestions = ArticleSuggestions(article_id, "spacy:test@1", entities=[EntitySuggestion(start, end, label)])
    repo.store_suggestions(suggestions)
    return article_id


def _outline_rects(view: ArticleText) -> list[QRectF]:
    """The viewport rectangles of the current item's outline; no current item fails here."""
    outline = view.outline
    assert outline is not None, "no current item is outlined"
    return view.range_rects(*outline)


def test_a_new_article_starts_at_its_top(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    first = _long_article(repo, "First long report", first_entity_late=False)
    second = _long_article(repo, "Second long report", first_entity_late=False)
    text = window.workspace.text
    window.open_article(first)
    bar = text.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # the analyst read to the end
    window.open_article(second)
    assert bar.value() == 0  # the date and title lines are visible, not the previous article's position


def test_an_item_far_down_is_scrolled_into_view(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    late = _long_article(repo, "Late entity", first_entity_late=True)
    window.open_article(late)
    text = window.workspace.text
    rects = _outline_rects(text)
    assert rects and rects[0].top() >= 0 and rects[-1].bottom() <= text.viewport().height()


def test_items_below_the_fold_land_a_third_down_so_the_next_ones_need_no_scroll(
    qtbot: QtBot, window: MainWindow, repo: Repository
) -> None:
    # Each further item on screen must not scroll again: scrolling repaints the whole text on every key press.
    article_id, starts = add_article_with_mentions(repo, "3/22/2017\n\nMany names\n\n" + PARAGRAPH * 80, "Many names")
    window.open_article(article_id)
    view = window.workspace.text
    bar = view.verticalScrollBar()
    scrolls: list[int] = []
    bar.valueChanged.connect(scrolls.append)
    height = view.viewport().height()
    landed: list[float] = []
    for _ in range(len(starts) - 1):
        before = len(scrolls)
        window.workspace.next_suggestion()
        rects = _outline_rects(view)
        assert rects[0].top() >= 0 and rects[-1].bottom() <= height
        if len(scrolls) > before:
            landed.append(rects[0].top())
    # a jump puts the item about a third of the way down, not on the last line
    assert landed and all(top < height / 2 for top in landed)
    # about seven items fit on a screen, and a jump shows the next four or five without scrolling again (scrolling
    # line by line, as before, scrolled for almost every item)
    assert len(scrolls) <= len(starts) // 4
