"""The article list's text filter on PostgreSQL (the team server), on the 100,000-article project (issue 15, 32).

The cached SQLite project (``bench.big_project``) is copied into a new database on a local server of its own with
``COPY`` (PostgreSQL computes each article's search vector as it stores it), analysed, and then the list's query
is run as the window runs it for a first page: ``Repository.article_summaries(annotator=..., text=..., limit=200)``,
counts included. The same six filters as the window's figure, several rounds; each filter's time is the median of
the rounds, the figure the slowest filter. The one-query plan the staged page replaced (``_search_pg.pg_filter``:
the planner's choice for the whole filter) is timed beside it on the title prefix, in the same rounds.

The million-article project is not copied: building its vectors and GIN index takes a loaded 2-core machine
many minutes per run, and the server is a throw-away cluster.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path
from typing import Any

from bench.gui_start import FILTERS

Row = tuple[str, float, str, float | None]
COLUMNS = ("id", "title", "date", "source", "url", "file", "text", "text_sha256", "meta", "imported_at", "position")
PAGE = 200  # the article list's page (annotator/ui/workspace/article_list.py)
PREFIX = "Synthetic report 4"


def bench_postgres_filter(sqlite_project: Path, rounds: int) -> list[Row]:
    """Copy ``sqlite_project`` into PostgreSQL and time the list's filters there (see the module docstring)."""
    from annotator.store import open_repository
    from annotator.store._search_pg import pg_filter
    from annotator.store.models import Article, bound
    from bench.postgres import local_server

    with local_server("the PostgreSQL filter figure") as server:
        repo = open_repository(server.create_database("bench_filter"))
        try:
            count = _copy_articles(repo, sqlite_project)
            repo.ensure_annotator("bench")
            times: dict[str, list[float]] = {query: [] for query in FILTERS}
            one_query: list[float] = []
            for _ in range(rounds):
                for query in FILTERS:
                    start = time.perf_counter()
                    repo.article_summaries(annotator="bench", text=query, limit=PAGE)
                    times[query].append((time.perf_counter() - start) * 1000)
                db = repo._st.db
                with bound(db), db.connection_context():
                    plain = pg_filter(Article.select(Article.id, Article.title), PREFIX)
                    assert plain is not None
                    start = time.perf_counter()
                    list(plain.order_by(Article.position).limit(PAGE).tuples())
                    one_query.append((time.perf_counter() - start) * 1000)
        finally:
            repo.close()
    medians = {query: statistics.median(values) for query, values in times.items()}
    label = f"{count // 1000}k project on PostgreSQL" if count >= 1000 else f"{count}-article project on PostgreSQL"
    return [
        (f"{label}: filter a first page of the list, slowest of 6 filters (median of {rounds} rounds)",
         max(medians.values()), "ms", 50.0),
        (f"{label}: filter by a title prefix matching a ninth of the articles ({PREFIX!r})", medians[PREFIX], "ms",
         50.0),
        (f"{label}: the same prefix, the one-query plan it replaced (the query alone, no counts)",
         statistics.median(one_query), "ms", None),
    ]


def _copy_articles(repo: Any, sqlite_project: Path) -> int:
    """Copy every article of the SQLite project into the repository's (empty) PostgreSQL database."""
    db = repo._st.db
    source = sqlite3.connect(f"file:{sqlite_project}?mode=ro", uri=True)
    names = ", ".join(COLUMNS)
    count = 0
    with db.connection_context():
        conn = db.connection()
        with conn.cursor() as cursor, cursor.copy(f"COPY article ({names}) FROM STDIN") as copy:
            for row in source.execute(f"SELECT {names} FROM article ORDER BY position"):
                copy.write_row(row)
                count += 1
        conn.commit()
        # A server's autovacuum would vacuum a table that took 100,000 inserts within a minute or so (PostgreSQL
        # 13's insert threshold); until it has, the full-text index's pending list and the missing visibility map
        # make the first filters 2-3 times slower, and autovacuum starting during the rounds adds its own noise.
        # The figure is that of a project that has settled: vacuum and analyse it now (outside a transaction).
        conn.autocommit = True
        try:
            with conn.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) article")
        finally:
            conn.autocommit = False
    source.close()
    return count
