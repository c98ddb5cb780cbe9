"""The batched export read returns exactly what the per-article reads return."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from annotator.core.errors import NotFoundError
from annotator.core.records import ArticleStatus, ArticleSuggestions, ClaimSuggestion, EntitySuggestion, Span
from annotator.store.repository import Repository


@pytest.mark.parametrize("layer", [None, "suggestions", "alice", "gold"])
@pytest.mark.parametrize("statuses", [None, ["accepted", "corrected"]])
def test_batch_equals_per_article_reads(
    repo: Repository, make_articles: Callable[[int], list[str]], layer: str | None, statuses: list[str] | None
) -> None:
    ids = make_articles(3)
    repo.ensure_annotator("alice")
    for aid in ids:
        text = repo.article(aid).text  # "Article i: Putin met Abe."
        putin, abe = text.index("Putin"), text.index("Abe")
        repo.store_suggestions(ArticleSuggestions(aid, "spacy:test@1", entities=[
            EntitySuggestion(putin, putin + 5, "PERSON"), EntitySuggestion(abe, abe + 3, "PERSON")],
            claims=[ClaimSuggestion(cue=(Span(putin + 6, putin + 9),), content=(Span(abe, abe + 3),),
                                    source=(Span(putin, putin + 5),))]))
    first = repo.entities_for(ids[0], annotator="alice")[0]
    repo.accept_entity(first.id, "alice")
    repo.relabel_entity(repo.entities_for(ids[1], annotator="alice")[1].id, "ORG", "alice")
    repo.set_article_status(ids[1], "alice", ArticleStatus.DONE)

    batch = repo.export_batch([ids[2], "no-such-id", ids[0], ids[1]], layer, statuses)
    assert [item[0].id for item in batch] == [ids[2], ids[0], ids[1]]  # order kept, unknown ids skipped
    for article, status, entities, claims in batch:
        assert (entities, claims) == repo.export_rows(article.id, layer, statuses)
        assert status == repo.article_export_status(article.id)
        assert article == repo.article(article.id)


def test_batch_reports_one_annotators_status_and_refuses_unknown_layers(
    repo: Repository, make_articles: Callable[[int], list[str]]
) -> None:
    ids = make_articles(2)
    repo.ensure_annotator("alice")
    repo.ensure_annotator("bob")
    repo.set_article_status(ids[0], "bob", ArticleStatus.DONE)
    statuses = [status for _, status, _, _ in repo.export_batch(ids, "alice", status_of="alice")]
    assert statuses == ["todo", "todo"]
    with pytest.raises(NotFoundError, match="nobody"):
        repo.export_batch(ids, "nobody")
