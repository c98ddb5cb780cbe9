"""The article filter's full-text search on PostgreSQL (issue 15, point 32, for the team server).

SQLite has its FTS5 index (:mod:`annotator.store._search`); PostgreSQL gets the same behaviour from its own
machinery: a stored, generated ``tsvector`` column over the title and the text, with a GIN index. Words match by
prefix, all of them required, case folded (``abe sochi`` finds "Abe met Putin in Sochi", ``negot`` finds
"negotiations"). The ``simple`` configuration neither stems nor drops stop words, as FTS5's ``unicode61`` does
not; unlike FTS5 it keeps accents (``unaccent`` is not immutable, so an index cannot use it).

The column is stored, so a filter in list order can walk the ``position`` index and test each row's vector
without re-parsing its text, stopping after one page, while a rare word goes through the GIN index instead.
The planner cannot tell the two apart for a prefix of many rare words: ``Synthetic report 4`` matches the
numbers 4, 40-49, 400-499, ... (a ninth of the titles), each its own lexeme and none frequent enough to be in
the column's statistics, so it expects 500 rows and merges the GIN entries of 111,000 lexemes at a million
articles, then sorts them (34-59 ms at 100,000 articles, ten times that at a million). A page of the list is
therefore read by :func:`page_in_list_order`: it walks the list order first, a window of positions at a
time (doubling; each window one statement that finds its own bounds), testing each row's vector, and goes to the
GIN index only for what is left of the page when the walk found nothing (a rare word) or has walked
:data:`WALK_AT_MOST` positions.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from peewee import SQL, Column, Database, DatabaseError, Expression, PostgresqlDatabase, fn

#: Positions of the list order the first window walks (then 2x, 4x, 8x: as many rows while positions are
#: dense), and the most a page walks before the rest of it comes from the GIN index. Testing a row's stored vector
#: (about 1.9 KB for 150 words) costs 1-9 us on the benchmark's machine: the title prefix above walks 4,088 rows
#: (4.5 ms of the server's time at load 6, 26-36 ms at load 7 before step 9), a word in no article 1,000 before
#: the index answers.
WALK_FIRST = 1000
WALK_AT_MOST = 15000

#: The generated column and its index.
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "article_search_vector"
_WORD = re.compile(r"\w+", re.UNICODE)
log = logging.getLogger(__name__)


def create_pg_search(db: Database) -> None:
    """Add the generated search column and its GIN index to ``article`` (PostgreSQL; a no-op elsewhere)."""
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        f"ALTER TABLE article ADD COLUMN IF NOT EXISTS {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED"
    )
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON article USING gin ({SEARCH_COLUMN})")
    keep_vectors_inline(db)


def keep_vectors_inline(db: Database) -> None:
    """Store each article's vector in its row (compressed), not in the TOAST table (PostgreSQL; else a no-op).

    A 150-word article's vector is about 1.9 KB; with the text beside it the row passes PostgreSQL's 2 KB
    threshold and the vector went out of line, so every row the filter's walk tested cost a TOAST index lookup
    and its chunks' pages: 17,500 buffers for the 4,088 rows of a title prefix's page, 1,563 inline (36 -> 26 ms
    at load 7-9, 100,000 articles). Rows written before keep their storage until the table is rewritten
    (``VACUUM FULL article``).
    """
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(f"ALTER TABLE article ALTER COLUMN {SEARCH_COLUMN} SET STORAGE MAIN")


def has_pg_search(db: Database) -> bool:
    """Whether ``article`` has the search column (PostgreSQL after migration step 5)."""
    if not isinstance(db, PostgresqlDatabase):
        return False
    return any(c.name == SEARCH_COLUMN for c in db.get_columns("article"))


def pg_tsquery(text: str) -> str | None:
    """The ``to_tsquery`` input for what the user typed: every word as a prefix, all required; None without words."""
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return None
    # \\w+ words hold no tsquery operators; quoting keeps an apostrophe-free word literal all the same.
    return " & ".join(f"'{word}':*" for word in words)


def pg_filter(query: Any, text: str) -> Any | None:
    """``query`` (a select on Article) restricted to the articles matching ``text``; None when it has no words."""
    tsquery = pg_tsquery(text)
    if tsquery is None:
        return None
    from annotator.store.models import Article

    return query.where(Expression(Column(Article, SEARCH_COLUMN), "@@", fn.to_tsquery("simple", tsquery)))


def page_in_list_order(query: Any, text: str, offset: int, limit: int) -> list[tuple[Any, ...]]:
    """Rows ``offset`` to ``offset + limit`` of ``query`` (a select on Article, any other filters applied) that
    match ``text``, in list order, as tuples; the list order walked first (see the module docstring).

    Args:
        query: the select, not yet filtered by ``text``, ordered, offset or limited.
        text: what the user typed; it must hold a word (:func:`pg_tsquery`).
        offset: rows of the filtered list to skip.
        limit: rows to return at most.
    """
    from annotator.store.models import Article

    tsquery = pg_tsquery(text)
    if tsquery is None:
        raise ValueError(f"no word to search for in {text!r}")
    wanted = fn.to_tsquery("simple", tsquery)
    vector = Column(Article, SEARCH_COLUMN)
    # COALESCE hides the column from the planner's index matching (the vector is never null): the walk tests the
    # rows of the window itself instead of merging the GIN index's entries.
    walked_match = Expression(fn.COALESCE(vector, SQL("''::tsvector")), "@@", wanted)
    need = offset + limit
    # Windows of positions counted from the list's first one, a subquery of each statement (an index endpoint):
    # no statement of its own finds a window's bounds (3 statements for the title prefix's page instead of 6).
    # While positions are dense, as imports make them, a window of positions is a window of rows; a gap only
    # makes a window hold fewer rows. The first window also reads how far the list reaches (``span``, a last
    # column), which tells when the walk has passed its end.
    start = Article.select(fn.MIN(Article.position))
    span: int | None = None
    rows: list[tuple[Any, ...]] = []
    walked, window = 0, WALK_FIRST
    while True:
        part = query.where(walked_match, Article.position < Expression(start, "+", walked + window))
        if walked:
            part = part.where(Article.position >= Expression(start, "+", walked))
        else:
            part = part.select_extend(Article.select(fn.MAX(Article.position) - fn.MIN(Article.position)))
        found = list(part.order_by(Article.position).limit(need - len(rows)).tuples())
        if not walked:
            span = int(found[0][-1]) if found else None
            found = [row[:-1] for row in found]
        rows += found
        walked += window
        if len(rows) >= need or (span is not None and walked > span):
            return rows[offset:need]
        if not rows or walked >= WALK_AT_MOST:
            break
        window *= 2
    # The rest of the page through the GIN index: a rare word's few rows, or a sparse match beyond the walk.
    rest = query.where(Expression(vector, "@@", wanted), Article.position >= Expression(start, "+", walked))
    rows += list(rest.order_by(Article.position).limit(need - len(rows)).tuples())
    return rows[offset:need]


#: The tables an import writes in bulk: the articles and the annotations they may bring.
IMPORTED_TABLES = ("article", "entity", "claim", "claim_span")


def settle_imported_tables(db: Database) -> bool:
    """``VACUUM (ANALYZE)`` the tables an import filled (PostgreSQL, when this login owns them; else a no-op).

    Rows inserted in bulk reach the search column's GIN index through its pending list, which every filter then
    scans in full, and they are missing from the visibility map and the planner's statistics. Autovacuum puts
    that right a minute or so after an import of many rows (PostgreSQL 13's insert threshold); until it has, the
    first filters of the imported project are two to three times slower (``bench/big_postgres.py``). Only the
    tables' owner may vacuum them: a team member's import leaves it to autovacuum.

    Returns:
        True when the tables were vacuumed and analysed; False also when the server refused (a lock or statement
        timeout): the import is stored either way, and autovacuum does the same later.
    """
    if not isinstance(db, PostgresqlDatabase):
        return False
    names = ", ".join(f"'{name}'" for name in IMPORTED_TABLES)
    owned = db.execute_sql(
        f"SELECT bool_and(pg_has_role(current_user, relowner, 'USAGE')) FROM pg_class "
        f"WHERE relnamespace = 'public'::regnamespace AND relname IN ({names})"
    ).fetchone()
    if not owned or not owned[0]:
        return False
    try:
        # VACUUM cannot run in a transaction block; the store's connections are in autocommit outside its own.
        db.execute_sql(f"VACUUM (ANALYZE) {', '.join(IMPORTED_TABLES)}")
    except DatabaseError as exc:
        log.warning("the imported tables were not vacuumed (autovacuum will do it): %s", exc)
        return False
    return True
