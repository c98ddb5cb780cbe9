"""PostgreSQL full-text search for the article filter: prefixes, every word required, case folded, list order."""

from __future__ import annotations

from collections.abc import Callable

from annotator.core.records import ArticleIn
from annotator.store import open_repository
from annotator.store._search_pg import has_pg_search, pg_filter, pg_tsquery
from annotator.store.models import Article, bound
from tests.postgres_server import LocalPostgres


def test_the_query_is_every_word_as_a_prefix() -> None:
    assert pg_tsquery("Abe  SOCHI") == "'abe':* & 'sochi':*"
    assert pg_tsquery("—!") is None
    assert pg_tsquery("it's") == "'it':* & 's':*"


def test_the_index_finds_words_by_prefix_in_title_and_text(
    postgres: LocalPostgres, pg_database: Callable[[], str]
) -> None:
    with open_repository(pg_database()) as repo:
        texts = ["Abe met Putin in Sochi.", "Negotiations on the Kuril islands.", "Lavrov and Abe disagreed.",
                 "Nothing here."]
        ids = [repo.add_article(ArticleIn(text=t, title=f"Report {i}")).article_id for i, t in enumerate(texts)]
        db = repo._st.db
        assert has_pg_search(db)

        def found(text: str) -> list[str]:
            with bound(db):
                query = pg_filter(Article.select(Article.id), text)
                assert query is not None
                return [i for (i,) in query.order_by(Article.position).tuples()]

        assert found("abe") == [ids[0], ids[2]]
        assert found("abe sochi") == [ids[0]]
        assert found("NEGOT") == [ids[1]]
        assert found("report 3") == [ids[3]]  # the title counts
        assert found("putin lavrov") == []


def test_the_article_list_filter_uses_it(postgres: LocalPostgres, pg_database: Callable[[], str]) -> None:
    with open_repository(pg_database()) as repo:
        for title, text in (("Abe in Sochi", "Abe met Putin in Sochi."), ("Kuril talks", "Negotiations went on."),
                            ("Prices", "Rice costs 5% more; so what?")):
            repo.add_article(ArticleIn(text=text, title=title))
        assert repo._st.has_search_index()

        def found(text: str) -> list[str]:
            return [s.title for s in repo.article_summaries(text=text)]

        assert found("sochi abe") == ["Abe in Sochi"]
        assert found("negot") == ["Kuril talks"]
        assert found("KURIL") == ["Kuril talks"]
        assert found("abe kuril") == []
        assert found("%") == ["Prices"]  # no word in it: the substring scan
