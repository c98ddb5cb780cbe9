"""PostgreSQL full-text search for the article filter: prefixes, every word required, case folded, list order."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from annotator.core.records import ArticleIn
from annotator.store import _search_pg, open_repository
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


@pytest.fixture
def small_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows of 2 positions, then 4, and the index after 6: a handful of articles takes every path."""
    monkeypatch.setattr(_search_pg, "WALK_FIRST", 2)
    monkeypatch.setattr(_search_pg, "WALK_AT_MOST", 6)


@pytest.mark.usefixtures("small_windows")
def test_a_page_walks_the_list_order_first_and_finishes_on_the_index(
    postgres: LocalPostgres, pg_database: Callable[[], str]
) -> None:
    # A page filled by the walk, a page the walk starts and the index finishes, a word the walk does not meet
    # (the index at once), and pages further on.
    with open_repository(pg_database()) as repo:
        titles = [f"Report {n}" for n in range(1, 41)]
        for n, title in enumerate(titles, start=1):
            words = "Abe spoke." if n % 3 else "Abe and Lavrov spoke."
            repo.add_article(ArticleIn(text=f"{words} News item {n}{' from Sochi' if n == 37 else ''}.", title=title))

        def found(text: str, offset: int = 0, limit: int | None = 5) -> list[str]:
            return [s.title for s in repo.article_summaries(text=text, offset=offset, limit=limit)]

        def expected(keep: Callable[[int], bool], offset: int = 0, limit: int = 5) -> list[str]:
            return [t for n, t in enumerate(titles, start=1) if keep(n)][offset:offset + limit]

        assert found("abe") == expected(lambda n: True)  # the first window fills the page
        assert found("lavrov") == expected(lambda n: n % 3 == 0)  # windows of 2, 4: doubling
        assert found("lavrov", offset=5, limit=10) == expected(lambda n: n % 3 == 0, 5, 10)  # past the walk: index
        assert found("sochi") == ["Report 37"]  # not in the first window: the index at once
        assert found("report 1") == expected(lambda n: str(n).startswith("1"))  # prefixes of many numbers
        assert found("report 2", offset=3, limit=20) == expected(lambda n: str(n).startswith("2"), 3, 20)
        assert found("zzz") == []
        assert found("abe", limit=None) == titles  # a whole listing: one query


def test_the_vectors_are_kept_in_their_rows_new_and_upgraded(
    postgres: LocalPostgres, pg_database: Callable[[], str]
) -> None:
    from annotator.store.migrations import migrate, schema_version

    def storage(db: object) -> str:
        return str(db.execute_sql(  # type: ignore[attr-defined]
            "SELECT attstorage FROM pg_attribute WHERE attrelid = 'article'::regclass AND attname = %s",
            (_search_pg.SEARCH_COLUMN,)).fetchone()[0])

    with open_repository(pg_database()) as repo:
        db = repo._st.db
        assert storage(db) == "m"  # a new project: main (compressed in the row), not extended (TOAST)
        # A server at step 7, from before the change:
        db.execute_sql(f"ALTER TABLE article ALTER COLUMN {_search_pg.SEARCH_COLUMN} SET STORAGE EXTENDED")
        db.execute_sql("UPDATE setting SET value = '7' WHERE key = 'schema_version'")
        assert storage(db) == "x" and schema_version(db) == 7
        migrate(db)
        assert storage(db) == "m" and schema_version(db) >= 9


@pytest.mark.usefixtures("small_windows")
def test_a_walk_spends_one_statement_per_window(postgres: LocalPostgres, pg_database: Callable[[], str]) -> None:
    # A window's bounds are positions counted from the list's first one inside its own statement: no statement
    # finds them (each was a round trip to the server, three of the six of the title prefix's page).
    import logging

    with open_repository(pg_database()) as repo:
        repo.add_articles([ArticleIn(text=f"News item {n}.", title=f"Report {n}") for n in range(1, 41)])
        db = repo._st.db
        sent: list[str] = []

        class Sent(logging.Handler):
            def emit(self, record: logging.LogRecord) -> None:
                sent.append(record.msg[0])

        logger, handler = logging.getLogger("peewee"), Sent(logging.DEBUG)
        level = logger.level
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
        try:
            with bound(db), db.connection_context():
                # "report 1": 1, then 10-19. Windows of 2 and 4 positions find 1, the index the rest.
                rows = _search_pg.page_in_list_order(Article.select(Article.title), "report 1", 0, 5)
                short = _search_pg.page_in_list_order(Article.select(Article.title), "report 4", 0, 5)
        finally:
            logger.removeHandler(handler)
            logger.setLevel(level)
        assert [title for (title,) in rows] == ["Report 1", "Report 10", "Report 11", "Report 12", "Report 13"]
        assert [title for (title,) in short] == ["Report 4", "Report 40"]
        # Two windows and the index; then "report 4": the first window (1-2) meets nothing, the index at once.
        # Every statement reads rows of the page (before: a statement for each window's bounds, 5 + 3).
        assert len(sent) == 3 + 2, sent


def test_statements_are_planned_for_their_own_parameters(
    postgres: LocalPostgres, pg_database: Callable[[], str]
) -> None:
    # psycopg prepares a statement run five times; PostgreSQL's generic plan for it then left to_tsquery unfolded
    # (parsed again for every row the filter's walk tests) and could walk the position index for a rare word.
    with open_repository(pg_database()) as repo:
        repo.add_articles([ArticleIn(text=f"Abe spoke in Sochi, item {n}.", title=f"Report {n}") for n in range(30)])
        repo.ensure_annotator("bench")
        for _ in range(15):  # prepared after 5 runs; a generic plan was chosen after 5 more
            for text in ("abe", "report 1", "zzz"):
                repo.article_summaries(annotator="bench", text=text, limit=5)
        db = repo._st.db
        with db.connection_context():
            generic, custom = db.execute_sql(
                "SELECT sum(generic_plans), sum(custom_plans) FROM pg_prepared_statements").fetchone()
            mode = db.execute_sql("SHOW plan_cache_mode").fetchone()[0]
        assert custom > 0  # psycopg did prepare them
        assert generic == 0
        assert mode == "force_custom_plan"
