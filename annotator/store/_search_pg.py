"""The article filter's full-text search on PostgreSQL (issue 15, point 32, for the team server).

SQLite has its FTS5 index (:mod:`annotator.store._search`); PostgreSQL gets the same behaviour from its own
machinery: a stored, generated ``tsvector`` column over the title and the text, with a GIN index. Words match by
prefix, all of them required, case folded (``abe sochi`` finds "Abe met Putin in Sochi", ``negot`` finds
"negotiations"). The ``simple`` configuration neither stems nor drops stop words, as FTS5's ``unicode61`` does
not; unlike FTS5 it keeps accents (``unaccent`` is not immutable, so an index cannot use it).

The column is stored, so a filter in list order can walk the ``position`` index and test each row's vector
without re-parsing its text, stopping after one page, while a rare word goes through the GIN index instead: the
planner picks whichever is cheaper.
"""

from __future__ import annotations

import re
from typing import Any

from peewee import Column, Database, Expression, PostgresqlDatabase, fn

#: The generated column and its index.
SEARCH_COLUMN = "search_vector"
SEARCH_INDEX = "article_search_vector"
_WORD = re.compile(r"\w+", re.UNICODE)


def create_pg_search(db: Database) -> None:
    """Add the generated search column and its GIN index to ``article`` (PostgreSQL; a no-op elsewhere)."""
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql(
        f"ALTER TABLE article ADD COLUMN IF NOT EXISTS {SEARCH_COLUMN} tsvector GENERATED ALWAYS AS "
        "(to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(text, ''))) STORED"
    )
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON article USING gin ({SEARCH_COLUMN})")


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
