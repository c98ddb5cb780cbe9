"""Bulk import: a batch of plain articles (and their entity spans) in a handful of statements.

Per article the single-article path (``_ingest.add_article``) builds about seven peewee queries, and composing
them costs more than SQLite's own work. Here a batch of up to thousands of articles takes one duplicate check
per 500 texts, one id check per 500, one ``executemany`` each for the articles and their audit events, and one
statement for all their entities: the duplicate check and the audit stay exactly as they were (one ``import``
event per new article, naming the entities it created).

The entities (250,000 in an import of 10,000 articles with 25 spans each) go in as one JSON array that the
database itself unpacks (``INSERT ... SELECT ... FROM json_each(?)`` on SQLite, ``jsonb_array_elements`` on
PostgreSQL): binding 13 Python values per row through the DB-API cost more than SQLite's insert. The values
that are the same for the whole batch (the time stamps, ``deleted``, no actor, derived from nothing) are written
once in the statement, not once per row.

Articles this path does not take (claims, actors, a round-trip status, a codebook or a label the project lacks,
or a text that is already stored, whose new layers must be merged) go through ``add_article``, each in a
savepoint, after the bulk part.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import orjson
from peewee import PostgresqlDatabase, SqliteDatabase, fn

from annotator.core.changes import Action
from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.records import SUGGESTIONS_LAYER, ArticleIn, ImportResult, Status
from annotator.store._compiled import rows_in
from annotator.store._context import StoreContext, dumps, now
from annotator.store._rows import entity_row
from annotator.store._search import defer_indexing, insert_trigger_suspended
from annotator.store.models import Article, BaseModel, Entity, Event

Result = ImportResult | AnnotatorError | None
_ARTICLE_COLUMNS = ("id", "title", "date", "source", "url", "file", "text", "text_sha256", "meta", "imported_at",
                    "position")
#: The entity columns in the row factory's order (the factory spells them).
_ENTITY_COLUMNS = tuple(entity_row(article="", layer=0, start=0, end=1, label="", status="", origin="", stamp="-"))
#: What a bulk entity row holds (a tuple in this order), and the columns the whole batch shares: an imported span
#: derives from nothing and links no actor, and is created and updated at the batch's time stamp.
_ENTITY_VARYING = ("article", "layer", "status", "origin", "created_by", "start", "end", "label")
_ENTITY_SHARED = ("derived_from", "created", "updated", "deleted", "actor")
# A column added to the factory must be added to the rows built below too: fail at import, not at run time.
assert sorted(_ENTITY_COLUMNS) == sorted(_ENTITY_VARYING + _ENTITY_SHARED), _ENTITY_COLUMNS
_EVENT_COLUMNS = ("at", "annotator", "action", "article", "payload")
_STATUSES = frozenset(s.value for s in Status)
_SUGGESTED = str(Status.SUGGESTED.value)


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fast_dumps(value: Any) -> str:
    """``dumps`` by orjson (the same compact JSON, several times faster); ``dumps`` for what orjson refuses (an
    integer past 64 bits, a key that is not a string, a lone surrogate)."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return dumps(value)


def insert_rows(model: type[BaseModel], columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    """``executemany`` of value tuples (already the column types), with the statement peewee compiles for one
    row, so the backend's quoting and parameter style are peewee's."""
    if not rows:
        return
    fields = [model._meta.fields[name] for name in columns]
    sql, _params = model.insert_many([rows[0]], fields=fields).sql()
    model._meta.database.cursor().executemany(sql, rows)


def is_simple(article: ArticleIn, labels: frozenset[str]) -> bool:
    """Whether the bulk path takes the article: only its text, fields and entity spans without actors, with
    labels the project's codebook has (a new label is added to the codebook by the single-article path)."""
    if article.claims or article.actors or article.status or article.codebook is not None:
        return False
    return not article.entities or all(e.actor is None and e.label in labels for e in article.entities)


class _Batch:
    def __init__(self, st: StoreContext, annotator: str | None) -> None:
        self.st = st
        self.annotator = annotator
        self.default_layer = annotator or SUGGESTIONS_LAYER
        self.layers: dict[str, int] = {}
        self.labels = frozenset(st.labels())

    def layer(self, name: str) -> int:
        if name not in self.layers:
            self.layers[name] = self.st.item_layer(name)
        return self.layers[name]

    def entity_rows(self, article_id: str, article: ArticleIn) -> list[tuple[Any, ...]]:
        """The article's entity rows (``_ENTITY_VARYING``); raises ValidationError (naming the entity) before
        anything is written."""
        rows = []
        text = article.text
        length = len(text)
        labels = self.labels
        default_name = self.default_layer
        default_layer = self.layer(default_name)
        default_created_by = None if default_name == SUGGESTIONS_LAYER else default_name
        suggested = _SUGGESTED  # a plain str: the enum's value looked up once, not per row
        for i, e in enumerate(article.entities):
            start, end = e.start, e.end
            # The common case checked inline (250,000 spans in an import); the store's own check words errors.
            if not (type(start) is int and type(end) is int and 0 <= start < end <= length):
                self.st.span(start, end, text, f"article {article_id!r} entity {i + 1}")
            if e.label not in labels:
                self.st.check_label(e.label)  # raises with the project's own wording
            name = e.annotator
            if name is None or name == default_name:
                layer, created_by = default_layer, default_created_by
            else:
                layer, created_by = self.layer(name), (None if name == SUGGESTIONS_LAYER else name)
            if created_by is None:
                status = suggested  # the suggestions layer: humans decide in their own layer
            elif e.status in _STATUSES:
                status = str(e.status)
            else:
                raise ValidationError(f"article {article_id!r} entity {i + 1}: unknown status {e.status!r}")
            rows.append((article_id, layer, status, e.origin or "import", created_by, start, end, e.label))
        return rows


def _sha_query(shas: list[str]) -> Any:
    return Article.select(Article.text_sha256, Article.id).where(Article.text_sha256.in_(shas))


def _id_query(ids: list[str]) -> Any:
    return Article.select(Article.id).where(Article.id.in_(ids))


def _entity_id_query(article_ids: list[str]) -> Any:
    return Entity.select(Entity.article, Entity.id).where(Entity.article.in_(article_ids))


def _existing(shas: list[str]) -> dict[str, str]:
    return {sha: str(aid) for sha, aid in rows_in(_sha_query, sorted(set(shas)))}


def _taken(candidates: list[str]) -> set[str]:
    return {str(i) for (i,) in rows_in(_id_query, sorted(set(candidates)))}


def _first_candidates(ext_id: str | None, sha: str, safe: Any) -> tuple[str, str]:
    """The two id candidates checked in bulk: the input's id when it is safe and the short hash, or the two
    shortest hashes (nearly always one of them is free)."""
    if ext_id is not None and safe.fullmatch(str(ext_id)):
        return str(ext_id), sha[:12]
    return sha[:12], sha[:16]


def _candidates(ext_id: str | None, sha: str, safe: Any) -> list[str]:
    out = [str(ext_id)] if ext_id is not None and safe.fullmatch(str(ext_id)) else []
    return [*out, sha[:12], sha[:16], sha[:24], sha]


def _free_id(first: tuple[str, str], ext_id: str | None, sha: str, safe: Any, taken: set[str], known: set[str]
             ) -> str:
    """The first id candidate neither stored (checked now if ``known`` lacks it) nor ``taken`` in this batch;
    the longer candidates are only built when the two checked in bulk are both taken."""
    for candidate in first:
        if candidate not in taken:
            return candidate
    for candidate in _candidates(ext_id, sha, safe):
        if candidate not in known:
            known.add(candidate)
            taken |= _taken([candidate])
        if candidate not in taken:
            return candidate
    raise AssertionError("the full text hash is always free: the text is not stored")  # pragma: no cover


@functools.cache
def _json_insert_sql() -> str:
    """The SQLite statement inserting a JSON array of ``_ENTITY_VARYING`` rows, the shared columns bound once.

    Row ``k`` of the array gets the id ``first + k`` (``json_each``'s ``key`` is the array index): the ids are
    known without reading them back and without sorting the rows into array order first (an ``ORDER BY key``
    cost a sort of every batch's 50,000 rows).
    """
    fields = Entity._meta.fields
    columns = [fields[name].column_name for name in ("id", *_ENTITY_VARYING, *_ENTITY_SHARED)]
    varying = [f"json_extract(value, '$[{i}]')" for i in range(len(_ENTITY_VARYING))]
    shared = ["NULL", "?", "?", "0", "NULL"]  # derived_from, created, updated, deleted, actor
    names = ", ".join(f'"{c}"' for c in columns)
    return f'INSERT INTO "entity" ({names}) SELECT ? + key, {", ".join(varying + shared)} FROM json_each(?)'


#: SQLite has its JSON functions built in from 3.38 on (before, only where the build added them).
_SQLITE_JSON = sqlite3.sqlite_version_info >= (3, 38)


@functools.cache
def _jsonb_insert_sql() -> str:
    """The PostgreSQL statement inserting a JSON array of ``_ENTITY_VARYING`` rows (cast to the column types),
    the shared columns bound once."""
    fields = Entity._meta.fields
    columns = [fields[name].column_name for name in (*_ENTITY_VARYING, *_ENTITY_SHARED)]
    casts = {"layer": "::integer", "start": "::integer", "end": "::integer"}
    varying = [f"(r->>{i}){casts.get(name, '')}" for i, name in enumerate(_ENTITY_VARYING)]
    shared = ["NULL", "%s", "%s", "false", "NULL"]  # derived_from, created, updated, deleted, actor
    names = ", ".join(f'"{c}"' for c in columns)
    return (f'INSERT INTO "entity" ({names}) SELECT {", ".join(varying + shared)} '
            "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS t(r, n) ORDER BY n")


def _write_entities(database: Any, rows: list[tuple[Any, ...]], stamp: str, first_id: int) -> bool:
    """Insert the entity rows; True when they have the ids ``first_id ...`` in order (else read them back)."""
    if _SQLITE_JSON and isinstance(database, SqliteDatabase):
        # Our write transaction holds SQLite's write lock, so ids past max(id) are free.
        database.execute_sql(_json_insert_sql(), (first_id, stamp, stamp, orjson.dumps(rows).decode()))
        return True
    if isinstance(database, PostgresqlDatabase):
        # One statement instead of 250,000 rows of 13 parameters through the driver.
        database.execute_sql(_jsonb_insert_sql(), (stamp, stamp, orjson.dumps(rows).decode()))
        return False
    full = [(a, layer, status, origin, None, created_by, stamp, stamp, False, start, end, label, None)
            for a, layer, status, origin, created_by, start, end, label in rows]
    insert_rows(Entity, ("article", "layer", "status", "origin", "derived_from", "created_by", "created",
                         "updated", "deleted", "start", "end", "label", "actor"), full)
    return False


def _insert_entities(database: Any, rows: list[tuple[Any, ...]], counts: list[tuple[str, int]], stamp: str
                     ) -> dict[str, list[int]]:
    """Insert the new articles' entity rows (``counts``: each article's id and number of rows, in the rows'
    order); returns their ids by article, in insertion order."""
    if not rows:
        return {}
    first = int(Entity.select(fn.MAX(Entity.id)).scalar() or 0) + 1
    if _write_entities(database, rows, stamp, first):
        ids: dict[str, list[int]] = {}
        for article_id, n in counts:
            if n:
                ids[article_id] = list(range(first, first + n))
                first += n
        return ids
    # Elsewhere (a sequence another session may share): read them back.
    ids = {}
    for aid, eid in sorted(rows_in(_entity_id_query, [a for a, n in counts if n]), key=lambda r: r[1]):
        ids.setdefault(str(aid), []).append(int(eid))
    return ids


#: SQLite page cache (KiB) while a batch is stored: a batch's 5-10 MB of new pages then stay in memory until
#: the commit writes each once, instead of the default 2 MB spilling to the WAL midway (about 10% of SQLite's
#: CPU for the articles). Only for the batch: the connection's own size comes back after it.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def _bulk_cache(database: Any) -> Iterator[None]:
    if not isinstance(database, SqliteDatabase):
        yield
        return
    (before,) = database.execute_sql("PRAGMA cache_size").fetchone()
    database.execute_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        database.execute_sql(f"PRAGMA cache_size = {int(before)}")


def add_articles_bulk(
    st: StoreContext, articles: Sequence[ArticleIn], annotator: str | None, safe_id: Any
) -> tuple[list[Result], list[int]]:
    """Store the simple new articles of a batch in bulk.

    Returns:
        The results by index (None where the article is left to the single-article path), and those indexes.
    """
    with _bulk_cache(st.db):
        return _add_bulk(st, articles, annotator, safe_id)


def _add_bulk(
    st: StoreContext, articles: Sequence[ArticleIn], annotator: str | None, safe_id: Any
) -> tuple[list[Result], list[int]]:
    results: list[Result] = [None] * len(articles)
    shas: list[str] = []
    for i, article in enumerate(articles):
        if not isinstance(article.text, str) or not article.text or article.text.isspace():  # (no stripped copy)
            name = article.title or article.file or article.ext_id
            results[i] = ValidationError(f"article {name!r} has an empty text")
            shas.append("")
        else:
            shas.append(text_sha256(article.text))
    existing = _existing([s for s in shas if s])
    labels = frozenset(st.labels())
    later: list[int] = []
    first_of: dict[str, int] = {}
    todo: list[int] = []
    for i, article in enumerate(articles):
        if results[i] is not None:
            continue
        sha = shas[i]
        if sha in existing or sha in first_of:
            if article.entities or not is_simple(article, labels) or sha in first_of:
                later.append(i)  # a duplicate's new layers are merged by the single-article path
            else:
                results[i] = ImportResult(article_id=existing[sha], created=False)
            continue
        if not is_simple(article, labels):
            later.append(i)
            continue
        first_of[sha] = i
        todo.append(i)

    # The first two candidates of each article are checked in bulk (nearly always one is free); a longer one
    # only when both are taken.
    firsts = {i: _first_candidates(articles[i].ext_id, shas[i], safe_id) for i in todo}
    checked = [c for pair in firsts.values() for c in pair]
    taken = _taken(checked)
    known = set(checked)
    position = int(Article.select(fn.MAX(Article.position)).scalar() or 0)
    batch = _Batch(st, annotator)
    stamp = now()
    article_rows: list[tuple[Any, ...]] = []
    entity_rows: list[tuple[Any, ...]] = []
    created: list[tuple[int, str]] = []
    counts: list[tuple[str, int]] = []
    for i in todo:
        article = articles[i]
        ext_id = article.ext_id
        article_id = _free_id(firsts[i], ext_id, shas[i], safe_id, taken, known)
        if article.entities:
            try:
                rows = batch.entity_rows(article_id, article)
            except AnnotatorError as error:
                results[i] = error
                continue
            entity_rows.extend(rows)
            counts.append((article_id, len(rows)))
        taken.add(article_id)
        meta = article.meta
        if ext_id is not None and "ext_id" not in meta:
            meta = {**meta, "ext_id": ext_id}
        position += 1
        article_rows.append((article_id, article.title or "", article.date, article.source or "", article.url or "",
                             article.file or "", article.text, shas[i], fast_dumps(meta), stamp, position))
        created.append((i, article_id))
    # Their search index entries come afterwards (``_search`` backlog): indexing costs three times the insert.
    defer_indexing(st.db, [row[-1] for row in article_rows])
    with insert_trigger_suspended(st.db):  # (the backlog's articles: the trigger would do nothing for them)
        insert_rows(Article, _ARTICLE_COLUMNS, article_rows)
    entity_ids = _insert_entities(st.db, entity_rows, counts, stamp)
    events = []
    plain_payload = dumps({"created_article": True, "rows": []})
    action = Action.IMPORT.value  # (an enum's value is a descriptor call: looked up once, not per article)
    for i, article_id in created:
        ids = entity_ids.get(article_id, [])
        payload = fast_dumps({"created_article": True, "rows": [], "bulk": {"entity": {"created": ids}}}) if ids \
            else plain_payload
        events.append((stamp, annotator, action, article_id, payload))
        results[i] = ImportResult(article_id=article_id, created=True, entities=len(ids), claims=0)
    insert_rows(Event, _EVENT_COLUMNS, events)
    return results, later
