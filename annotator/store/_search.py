"""The article list's text filter: the one place a text query becomes SQL (issue 15, point 32).

On SQLite the filter uses an FTS5 index over ``article.title`` and ``article.text`` (migration step 3): an
external-content table, so the text is stored once, whose rowid is ``article.position``. Results then stream out
of the index in list order, and a page of 100 costs the same in 1,000,000 articles as in 1,000, whether the words
are rare or in every article. Every word must occur, case and accents folded; the last one may be unfinished (a
prefix, unless it is a word of the corpus): ``abe sochi`` finds "Abe met Putin in Sochi", ``abe negot`` finds
"Abe ... negotiations".

Other backends (PostgreSQL, until the team-server issue gives it ``tsvector`` search: the seam is
:func:`filter_articles`) and queries with no word in them (``"—"``) use a case-insensitive substring scan.
A query holding a NUL character matches nothing: no stored text contains one, and SQLite would cut the pattern
at it and match everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from peewee import (
    SQL,
    Database,
    Expression,
    IntegerField,
    OperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)

from annotator.store.models import Article, BaseModel

#: The FTS5 table (also the name of its hidden column that MATCH takes on the left).
SEARCH_TABLE = "article_search"
# Letters and digits of any script; FTS5's unicode61 tokenizer splits words the same way.
_WORD = re.compile(r"\w+", re.UNICODE)
# FTS5 options: diacritics folded (Müller = muller), and prefix indexes of 1 to 3 characters, so that a short word
# being typed ("Synthetic report 4") streams from one index entry instead of merging the lists of every word that
# starts with it (111,000 numbers start with "4" in a million articles).
_FTS_OPTIONS = "content='article', content_rowid='position', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3'"


class ArticleSearch(BaseModel):
    """Query-side view of the FTS5 table (created by :func:`create_search_index`, never by ``create_tables``)."""

    rowid = IntegerField(primary_key=True)
    title = TextField()
    text = TextField()
    article_search = TextField()  # the hidden column named like the table: ``article_search MATCH ?``

    class Meta:
        table_name = SEARCH_TABLE


#: Articles stored but not yet in the FTS5 index (by position): a bulk import leaves its articles here and the
#: index catches up afterwards (:func:`index_backlog`), since indexing costs SQLite about three times what storing
#: them does (0.25-0.6 ms of CPU per 300-word article). The filter never misses them: it catches up first.
BACKLOG_TABLE = "article_search_backlog"
_NOT_IN_BACKLOG = f"NOT EXISTS (SELECT 1 FROM {BACKLOG_TABLE} WHERE position = %s)"


#: FTS5's in-memory buffer of new index entries, flushed to a new segment of the index when full (FTS5's
#: ``hashsize``; its default is 1 MiB). Each flush adds a segment that FTS5 merges with others later, so with the
#: default an index catching up with 10,000 articles (``index_backlog``) wrote dozens of small segments and
#: spent much of its time merging them (the prefix indexes make four entries of every word). With 16 MiB a
#: step of 1,000-2,000 articles is one segment. Memory: at most this much per connection writing the index.
INDEX_BUFFER_BYTES = 16 << 20
#: What FTS5's leaves may hold (``pgsz``), below the database page: its default of 1,000 bytes put eight leaves
#: in each 8 KiB page, each its own row of the index's data table (a B-tree entry to write, and to read back
#: when segments are merged or searched). A leaf of a page less 512 bytes (headroom for the row's header and a
#: leaf's last entry, which may run over) fills a page without spilling into an overflow page.
_LEAF_HEADROOM = 512


def index_settings(db: Database) -> dict[str, int]:
    """The FTS5 settings :func:`configure_search_index` gives the index of ``db`` (its leaves sized to its pages:
    a project keeps the page size it was created with)."""
    (page_size,) = db.execute_sql("PRAGMA page_size").fetchone()
    return {"hashsize": INDEX_BUFFER_BYTES, "pgsz": max(1000, int(page_size) - _LEAF_HEADROOM)}


def configure_search_index(db: Database) -> None:
    """Store :func:`index_settings` in the FTS5 index's own configuration (``article_search_config``), so every
    connection writes the index with them. They change how new entries are written and merged, not what the
    index holds: every query finds the same articles. A no-op without the index.

    ``pgsz`` is a documented FTS5 option of every build; ``hashsize`` is FTS5's own but not in its documentation,
    so a build that refuses it keeps FTS5's default buffer (the index works as before, only its catch-up is slower)
    rather than leaving the project unopenable.
    """
    if not _has_fts5_index(db):
        return
    for key, value in index_settings(db).items():
        try:
            db.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank) VALUES (?, ?)", (key, value))
        except OperationalError:  # "SQL logic error": a setting this SQLite's FTS5 does not know
            if key == "pgsz":
                raise


def is_configured(db: Database) -> bool:
    """Whether the FTS5 index has been given :func:`index_settings` (False without an index): its leaf size,
    which every FTS5 build takes (see :func:`configure_search_index`)."""
    if not _has_fts5_index(db):
        return False
    stored = dict(db.execute_sql(f"SELECT k, v FROM {SEARCH_TABLE}_config").fetchall())
    return bool(stored.get("pgsz") == index_settings(db)["pgsz"])


def _triggers() -> list[str]:
    """The triggers keeping the index in step with ``article``; an article in the backlog is not in the index
    yet, so it is neither added nor removed there (the backlog follows it instead)."""
    return [
        f"""CREATE TRIGGER {SEARCH_TABLE}_insert AFTER INSERT ON article
            WHEN {_NOT_IN_BACKLOG % "new.position"} BEGIN
              INSERT INTO {SEARCH_TABLE} (rowid, title, text) VALUES (new.position, new.title, new.text);
            END""",
        f"""CREATE TRIGGER {SEARCH_TABLE}_delete AFTER DELETE ON article BEGIN
              INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, text)
              SELECT 'delete', old.position, old.title, old.text WHERE {_NOT_IN_BACKLOG % "old.position"};
              DELETE FROM {BACKLOG_TABLE} WHERE position = old.position;
            END""",
        f"""CREATE TRIGGER {SEARCH_TABLE}_update AFTER UPDATE OF title, text, position ON article BEGIN
              INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rowid, title, text)
              SELECT 'delete', old.position, old.title, old.text WHERE {_NOT_IN_BACKLOG % "old.position"};
              UPDATE {BACKLOG_TABLE} SET position = new.position WHERE position = old.position;
              INSERT INTO {SEARCH_TABLE} (rowid, title, text)
              SELECT new.position, new.title, new.text WHERE {_NOT_IN_BACKLOG % "new.position"};
            END""",
    ]


def create_search_index(db: Database) -> None:
    """Create the FTS5 index, its backlog, the triggers that keep it in step with ``article``, and index
    existing rows.

    A no-op on other backends and on a SQLite build without FTS5 (the filter then scans, as before).
    """
    if not isinstance(db, SqliteDatabase) or not fts5_available(db):
        return
    created = not db.table_exists(SEARCH_TABLE)
    db.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS {SEARCH_TABLE} USING fts5(title, text, {_FTS_OPTIONS})")
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {BACKLOG_TABLE} (position INTEGER PRIMARY KEY)")
    for name in ("insert", "delete", "update"):  # the triggers of step 3 knew no backlog
        db.execute_sql(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_{name}")
    for statement in _triggers():
        db.execute_sql(statement)
    configure_search_index(db)
    if created:
        # Index the articles already there (an upgraded database); cheap on an empty one.
        db.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('rebuild')")


def defer_indexing(db: Database, positions: list[int]) -> None:
    """Put the articles about to be inserted at ``positions`` in the backlog: their insert does not index them
    (the caller holds the write transaction; :func:`index_backlog` indexes them later)."""
    if positions and has_backlog_table(db):
        db.cursor().executemany(f"INSERT OR IGNORE INTO {BACKLOG_TABLE} (position) VALUES (?)",
                                [(p,) for p in positions])


@contextmanager
def insert_trigger_suspended(db: Database) -> Iterator[None]:
    """Within the caller's write transaction, insert articles without the index's insert trigger.

    For articles the caller has put in the backlog (:func:`defer_indexing`) the trigger does nothing, but SQLite
    still runs it for every row, copying the title and text it names into the trigger's registers before its
    ``WHEN`` is evaluated: 0.2 s of CPU for 10,000 articles of 300 words, more than a third of SQLite's work for
    them. The trigger is dropped and created again, the same statement, inside the transaction: no other
    connection ever sees the schema without it, and a rollback brings it back with everything else.
    """
    name = f"{SEARCH_TABLE}_insert"
    present = has_backlog_table(db) and db.execute_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?", (name,)
    ).fetchone() is not None
    if present:
        db.execute_sql(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        if present:
            db.execute_sql(_triggers()[0])


def has_backlog_table(db: Database) -> bool:
    return isinstance(db, SqliteDatabase) and db.table_exists(BACKLOG_TABLE)


def backlog_size(db: Database) -> int:
    """How many stored articles the index has not caught up with (0 without an index)."""
    if not has_backlog_table(db):
        return 0
    return int(db.execute_sql(f"SELECT count(*) FROM {BACKLOG_TABLE}").fetchone()[0])


def index_backlog(db: Database, limit: int | None = None) -> int:
    """Index up to ``limit`` articles of the backlog (all for None), oldest first; the caller holds the write
    transaction. Returns how many are left."""
    if not has_backlog_table(db):
        return 0
    if limit is None:
        last = db.execute_sql(f"SELECT max(position) FROM {BACKLOG_TABLE}").fetchone()[0]
    else:
        last = db.execute_sql(
            f"SELECT max(position) FROM (SELECT position FROM {BACKLOG_TABLE} ORDER BY position LIMIT ?)", (limit,)
        ).fetchone()[0]
    if last is None:
        return 0
    db.execute_sql(
        f"""INSERT INTO {SEARCH_TABLE} (rowid, title, text)
            SELECT a.position, a.title, a.text FROM article AS a JOIN {BACKLOG_TABLE} AS b ON b.position = a.position
            WHERE b.position <= ?""", (last,)
    )
    db.execute_sql(f"DELETE FROM {BACKLOG_TABLE} WHERE position <= ?", (last,))
    return backlog_size(db)


def fts5_available(db: Database) -> bool:
    try:
        return bool(db.execute_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").fetchone()[0]) or _probe(db)
    except Exception:  # not SQLite, or an old build without the function
        return False


def _probe(db: Database) -> bool:
    try:
        db.execute_sql("CREATE VIRTUAL TABLE temp.annotator_fts5_probe USING fts5(x)")
        db.execute_sql("DROP TABLE temp.annotator_fts5_probe")
        return True
    except Exception:
        return False


def has_search_index(db: Database) -> bool:
    if isinstance(db, PostgresqlDatabase):
        from annotator.store._search_pg import has_pg_search

        return has_pg_search(db)
    return _has_fts5_index(db)


def _has_fts5_index(db: Database) -> bool:
    """Whether this database has the FTS5 index (SQLite after migration step 3, with FTS5 compiled in)."""
    return isinstance(db, SqliteDatabase) and db.table_exists(SEARCH_TABLE)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def fts_query(text: str, is_word: Callable[[str], bool] | None = None) -> str | None:
    """The FTS5 query for what the user typed: every word required; None without words.

    The words before the last are whole words. The last may be unfinished ("abe negot" finds "Abe ...
    negotiations"): it is a prefix, unless it is a word of the corpus itself (``is_word``) or one of up to three
    characters. A prefix of four or more characters costs FTS5 a merge of the entries of every word it starts
    (about 35 ms for "putin*" in a million articles); a whole word and a short prefix (which has its own index)
    stream in list order (well under a millisecond).
    """
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [_quoted(word) for word in words]
    last = words[-1]
    if len(last) <= 3 or is_word is None or not is_word(last):
        quoted[-1] += "*"
    return " ".join(quoted)


def _indexed_word(word: str) -> bool:
    """Whether some article has ``word`` as a whole word (a one-row probe of the index)."""
    match = Expression(ArticleSearch.article_search, "MATCH", _quoted(word))
    return bool(ArticleSearch.select(ArticleSearch.rowid).where(match).limit(1).exists())


def filter_articles(query: Any, text: str, *, indexed: bool) -> tuple[Any, Any]:
    """Restrict an ``Article`` query to the articles matching ``text``; returns (query, list order key).

    Args:
        query: a select on ``Article``.
        text: the filter as typed (not empty).
        indexed: whether the database has the FTS5 index (:func:`has_search_index`).

    Returns:
        The filtered query and the expression to order it by (the index's rowid when the index drives it: the
        same order as ``Article.position``, and SQLite then reads it straight from the index).
    """
    if "\x00" in text:
        return query.where(SQL("1 = 0")), Article.position  # a boolean on every backend
    if indexed and isinstance(Article._meta.database.obj, PostgresqlDatabase):
        from annotator.store._search_pg import pg_filter

        found = pg_filter(query, text)  # the tsvector column of step 5 (team server)
        if found is not None:
            return found, Article.position
    match = fts_query(text, _indexed_word) if indexed else None
    if match is None:
        return query.where(Article.title.contains(text) | Article.text.contains(text)), Article.position
    query = query.join(ArticleSearch, on=(ArticleSearch.rowid == Article.position)).where(
        Expression(ArticleSearch.article_search, "MATCH", match)
    )
    return query, ArticleSearch.rowid
