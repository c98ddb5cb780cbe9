"""Shared fixtures of the unit tests: a repository bound to a temporary database, and a small article."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from annotator.core.records import (
    ActorSuggestion,
    ArticleIn,
    ArticleSuggestions,
    ClaimSuggestion,
    EntitySuggestion,
    Span,
)
from annotator.store import open_repository
from annotator.store.repository import Repository

ORIGIN = "spacy:en_core_web_sm@3.8.0"

#: An emoji first, so that any UTF-16 / byte offset confusion shifts every span.
TEXT = "😀 Shinzo Abe said Japan wants the islands back, according to Vladimir Putin."


@pytest.fixture(scope="session")
def nlp() -> Any:
    """The English pipeline as the suggesters load it, once per session (loading it takes about a second).

    No test may add or remove its components: every module that parses shares it.
    """
    from annotator.nlp.pipeline import load_pipeline

    return load_pipeline(None).nlp


def span_of(text: str, part: str, nth: int = 0) -> tuple[int, int]:
    """Code-point offsets of the ``nth`` occurrence of ``part`` in ``text``."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(part, start + 1)
    return start, start + len(part)


def active_model_name(repo: Repository) -> str:
    """The active model's name; a test that expects one fails here rather than with an AttributeError."""
    model = repo.active_model()
    assert model is not None, "no active model"
    return model.name


@pytest.fixture
def repo(db_location: str) -> Iterator[Repository]:
    """A fresh repository on each backend: a SQLite file in a temporary folder and a PostgreSQL database."""
    repository = open_repository(db_location)
    try:
        yield repository
    finally:
        repository.close()


def default_suggestions(article_id: str, origin: str = ORIGIN) -> ArticleSuggestions:
    """Two entity suggestions (Abe linked to an actor, Japan) and one claim by Abe."""
    abe, japan = span_of(TEXT, "Shinzo Abe"), span_of(TEXT, "Japan")
    said, content = span_of(TEXT, "said"), span_of(TEXT, "Japan wants the islands back")
    return ArticleSuggestions(
        article_id=article_id,
        origin=origin,
        entities=[EntitySuggestion(*abe, "PERSON", actor_key="abe"), EntitySuggestion(*japan, "GPE")],
        claims=[
            ClaimSuggestion(
                cue=(Span(*said),),
                content=(Span(*content),),
                source=(Span(*abe),),
                kind="indirect",
                source_actor_key="abe",
            )
        ],
        actors=[ActorSuggestion("abe", "Shinzo Abe", "PERSON", ("Abe",))],
    )


@pytest.fixture
def article_id(repo: Repository) -> str:
    """One stored article (TEXT) with the default suggestions and an annotator 'alice'."""
    result = repo.add_article(ArticleIn(text=TEXT, title="Abe and Putin", ext_id="a1", file="a1.txt"))
    repo.store_suggestions(default_suggestions(result.article_id))
    repo.ensure_annotator("alice")
    return result.article_id


@pytest.fixture
def make_articles(repo: Repository) -> Callable[[int], list[str]]:
    """Store ``n`` distinct small articles; returns their ids in import order."""

    def make(n: int) -> list[str]:
        return [
            repo.add_article(ArticleIn(text=f"Article {i}: Putin met Abe.", title=f"Title {i}")).article_id
            for i in range(n)
        ]

    return make
