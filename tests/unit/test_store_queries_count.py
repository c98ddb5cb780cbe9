"""No N+1 queries: the number of SQL statements of the bulk paths does not grow with the number of rows.

(Within one insert chunk: bulk inserts are split to stay under 999 bound parameters per statement.)
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from annotator.core.records import ArticleIn, ArticleSuggestions, ClaimSuggestion, EntitySuggestion, Span
from annotator.store.repository import Repository
from tests.unit.conftest import ORIGIN

TEXT = "Putin met Abe in Tokyo. " * 80


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@contextmanager
def counting() -> Iterator[_Counter]:
    """Count the statements peewee sends (it logs each one at DEBUG on the 'peewee' logger)."""
    logger = logging.getLogger("peewee")
    handler, level = _Counter(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def suggestions(article_id: str, n: int) -> ArticleSuggestions:
    step = len("Putin met Abe in Tokyo. ")
    return ArticleSuggestions(
        article_id,
        ORIGIN,
        entities=[EntitySuggestion(i * step, i * step + 5, "PERSON") for i in range(n)],
        claims=[
            ClaimSuggestion(cue=(Span(i * step + 6, i * step + 9),), content=(Span(i * step + 10, i * step + 22),))
            for i in range(n)
        ],
    )


def statements(call: Callable[[], object]) -> int:
    with counting() as counter:
        call()
    return counter.count


@pytest.mark.parametrize("method", ["store", "summaries"])
def test_statement_count_does_not_grow_with_rows(repo: Repository, method: str) -> None:
    small = repo.add_article(ArticleIn(text=TEXT, title="small")).article_id
    large = repo.add_article(ArticleIn(text=TEXT + " ", title="large")).article_id
    if method == "store":
        few = statements(lambda: repo.store_suggestions(suggestions(small, 2)))
        many = statements(lambda: repo.store_suggestions(suggestions(large, 40)))
    else:
        repo.ensure_annotator("alice")
        for i in range(40):
            repo.add_article(ArticleIn(text=f"filler {i}"))
        repo.store_suggestions(suggestions(small, 2))
        repo.store_suggestions(suggestions(large, 40))
        few = statements(lambda: repo.article_summaries(annotator="alice", limit=2))
        many = statements(lambda: repo.article_summaries(annotator="alice", limit=42))
    assert few > 0
    assert many == few
