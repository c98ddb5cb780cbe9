"""Peewee models for the annotation database (docs/architecture.md, "Data model").

Every model derives from ONE ``BaseModel`` whose database is a :class:`RoutingDatabase` proxy. The proxy does
not hold a connection itself: each :class:`~annotator.store.repository.Repository` owns its own peewee
``Database`` and routes the models to it for the duration of each call (``with bound(db): ...``), through a
``ContextVar``. That keeps the peewee-recommended single, deferred model definition while letting several
repositories on several files live in one process, and lets a worker thread use the same repository as the GUI
thread (context variables and peewee connections are both per thread).

Timestamps are ISO 8601 UTC strings and JSON columns are plain text: portable across SQLite / PostgreSQL /
MySQL, and snapshots of rows for the audit log are plain JSON values.
"""

from __future__ import annotations

import operator
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import peewee
from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Database,
    DatabaseProxy,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

_CURRENT_DB: ContextVar[Database | None] = ContextVar("annotator_store_db", default=None)


class RoutingDatabase(DatabaseProxy):
    """A ``DatabaseProxy`` whose target is the database bound in the current context (thread / task).

    ``initialize`` is not used: the target comes from :func:`bound`. Outside a ``bound`` block the proxy is
    uninitialised and peewee raises its usual "Cannot use uninitialized Proxy" error.
    """

    __slots__ = ()

    @property
    def obj(self) -> Database | None:
        return _CURRENT_DB.get()

    @obj.setter
    def obj(self, value: Database | None) -> None:
        # Proxy.__init__ calls initialize(None); a routed proxy has no fixed target, so ignore it.
        if value is not None:
            raise TypeError("RoutingDatabase is bound per call with annotator.store.models.bound(database)")

    def __setattr__(self, attr: str, value: Any) -> None:
        # Proxy.__setattr__ checks ``self.__slots__`` which is empty here; allow the parent's slots.
        object.__setattr__(self, attr, value)


database_proxy = RoutingDatabase()


@contextmanager
def bound(database: Database) -> Iterator[Database]:
    """Route every model to ``database`` inside the block (nestable; per thread)."""
    token = _CURRENT_DB.set(database)
    try:
        yield database
    finally:
        _CURRENT_DB.reset(token)


class BaseModel(Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False

    # The peewee stubs type every query as yielding model instances, even after ``.tuples()`` / ``.dicts()``,
    # and do not know the ``<fk>_id`` accessors. We read through tuples and dicts everywhere (cheaper than
    # model
    # instances for thousands of rows), so the queries and the rows are typed as what they are: dynamic.
    @classmethod
    def select(cls, *fields: Any) -> Any:
        return super().select(*fields)

    @classmethod
    def get_or_none(cls, *query: Any, **filters: Any) -> Any:
        return super().get_or_none(*query, **filters)


class Setting(BaseModel):
    """Key/value settings: ``schema_version`` and project settings (values are JSON text)."""

    key = CharField(primary_key=True, max_length=200)
    value = TextField()


class Article(BaseModel):
    id = CharField(primary_key=True, max_length=80)
    title = TextField(default="")
    date = CharField(null=True, max_length=40)
    source = TextField(default="")
    url = TextField(default="")
    file = TextField(default="")
    text = TextField()
    text_sha256 = CharField(unique=True, max_length=64)
    meta = TextField(default="{}")
    imported_at = CharField(max_length=40)
    position = IntegerField(index=True)


class Annotator(BaseModel):
    id = AutoField()
    name = CharField(unique=True, max_length=200)
    role = CharField(max_length=20, default="annotator")


class Layer(BaseModel):
    id = AutoField()
    name = CharField(unique=True, max_length=200)
    kind = CharField(max_length=20)
    annotator = ForeignKeyField(Annotator, null=True, backref="layers")


class Actor(BaseModel):
    id = AutoField()
    name = TextField()
    kind = CharField(max_length=40)
    aliases = TextField(default="[]")
    parent = ForeignKeyField("self", null=True, backref="children")
    notes = TextField(default="")
    merged_into = ForeignKeyField("self", null=True, backref="merged")
    deleted = BooleanField(default=False)
    created = CharField(max_length=40)
    updated = CharField(max_length=40)


class ActorName(BaseModel):
    """Lookup index of every lower-cased name and alias of each live actor (maintained with the actor row)."""

    id = AutoField()
    actor = ForeignKeyField(Actor, backref="names", on_delete="CASCADE")
    key = CharField(max_length=300, index=True)


def decision_columns() -> tuple[CharField, TextField, ForeignKeyField, CharField, CharField, CharField, BooleanField]:
    """The columns a decided row (an entity mention, a claim) carries after its own, made anew for each model.

    In this order: ``status``, ``origin`` (the pipeline or person it came from), ``derived_from`` (the row of
    another layer it decides, e.g. the suggestion it accepts), ``created_by``, ``created``, ``updated`` and the
    soft-delete flag ``deleted``. A shared model base would put inherited columns before the model's own (peewee
    orders columns by declaration), so new databases would differ from upgraded ones; called in the class body,
    these land where the call stands.
    """
    return (
        CharField(max_length=20),
        TextField(),
        ForeignKeyField("self", null=True, backref="derived", index=False),
        CharField(null=True, max_length=200),
        CharField(max_length=40),
        CharField(max_length=40),
        BooleanField(default=False),
    )


class Entity(BaseModel):
    id = AutoField()
    # No single-column indexes on article and derived_from: the (article, layer) index below and the
    # (derived_from_id, layer_id) one of migration step 5 start with them, and each index costs every insert
    # (250,000 imported spans) its own B-tree update. Step 6 drops them from older databases, and makes the
    # derived_from and actor indexes partial (only rows that have one: suggestions and imports have neither).
    article = ForeignKeyField(Article, backref="entities", index=False)
    # Partial index (layer_id <> the suggestions layer, migration step 7): see migrations.LAYER_INDEX.
    layer = ForeignKeyField(Layer, backref="entities", index=False)
    start = IntegerField()
    end = IntegerField()
    label = CharField(max_length=80)
    # Partial index (actor_id IS NOT NULL, migration step 6): most mentions link no actor.
    actor = ForeignKeyField(Actor, null=True, backref="mentions", index=False)
    status, origin, derived_from, created_by, created, updated, deleted = decision_columns()

    class Meta:
        indexes = ((("article", "layer"), False),)


class Claim(BaseModel):
    id = AutoField()
    article = ForeignKeyField(Article, backref="claims", index=False)  # as Entity's
    layer = ForeignKeyField(Layer, backref="claims")
    kind = CharField(max_length=40)
    form = CharField(max_length=40)
    source_actor = ForeignKeyField(Actor, null=True, backref="claims_made")
    addressee = ForeignKeyField(Actor, null=True, backref="claims_addressed")
    issue = CharField(null=True, max_length=300)
    stance = IntegerField(null=True)
    note = TextField(default="")
    status, origin, derived_from, created_by, created, updated, deleted = decision_columns()
    # Canonical "role:start-end,..." of the spans: the idempotency key of model suggestions.
    span_key = TextField(default="")
    # Values of the codebook's custom claim variables, a JSON object name -> value (unset ones left out).
    variables = TextField(default="{}")

    class Meta:
        indexes = ((("article", "layer"), False),)


class ClaimSpan(BaseModel):
    id = AutoField()
    claim = ForeignKeyField(Claim, backref="spans", on_delete="CASCADE")
    role = CharField(max_length=20)
    start = IntegerField()
    end = IntegerField()
    ordinal = IntegerField(default=0)


class ArticleState(BaseModel):
    id = AutoField()
    article = ForeignKeyField(Article, backref="states")
    annotator = ForeignKeyField(Annotator, backref="states")
    status = CharField(max_length=20)
    seconds = FloatField(default=0.0)
    updated = CharField(max_length=40)

    class Meta:
        indexes = (
            (("article", "annotator"), True),
            (("annotator", "status"), False),
        )


class Session(BaseModel):
    id = AutoField()
    annotator = ForeignKeyField(Annotator, backref="sessions")
    started = CharField(max_length=40)
    ended = CharField(null=True, max_length=40)
    counts = TextField(default="{}")


class Event(BaseModel):
    id = AutoField()
    at = CharField(max_length=40)
    annotator = CharField(null=True, max_length=200)
    action = CharField(max_length=60)
    article = CharField(null=True, max_length=80, index=True)
    payload = TextField(default="{}")


class ProjectCodebook(BaseModel):
    """The project's codebook: one row (id 1) holding the codebook file object as JSON text.

    One document rather than a table per section: the codebook is read whole by every part of the tool, is
    small (a few kilobytes), and an edit of it is one row snapshot in the audit log, undone like any other.
    """

    id = IntegerField(primary_key=True)
    data = TextField()
    updated = CharField(max_length=40)

    class Meta:
        table_name = "codebook"


class SuggestionRun(BaseModel):
    id = AutoField()
    article = ForeignKeyField(Article, backref="suggestion_runs")
    origin = CharField(max_length=300)
    at = CharField(max_length=40)

    class Meta:
        indexes = ((("article", "origin"), True),)


class TrainedModelRow(BaseModel):
    """A trained spaCy pipeline of the project (issue 11): the folder, what it learnt from, its scores."""

    id = AutoField()
    name = CharField(unique=True, max_length=80)
    path = TextField()
    created = CharField(max_length=40)
    base = TextField(default="")
    origin = TextField(default="")
    layers = TextField(default="[]")
    what = TextField(default="[]")
    counts = TextField(default="{}")
    scores = TextField(default="{}")
    active = BooleanField(default=False)

    class Meta:
        table_name = "trained_model"


#: bulk_insert's statements: (model, field names, ignore_conflicts, backend, schema) -> SQL.
_INSERT_SQL: dict[tuple[Any, ...], str] = {}


def bulk_insert(model: type[BaseModel], rows: list[dict[str, Any]], ignore_conflicts: bool = False) -> None:
    """Insert many rows (same keys each) with one prepared statement.

    peewee composes an expression node per value, which costs more than SQLite's insert itself (about 2 ms per
    article of 70 suggestions). So the statement is compiled once, by peewee, for one row — keeping the backend's
    quoting and parameter style — and the rows go through the DB-API ``executemany``, each value converted by
    its field exactly as peewee would (``db_value``). ``ignore_conflicts`` skips rows a unique index already
    holds (``ON CONFLICT DO NOTHING`` / ``INSERT OR IGNORE``).
    """
    if not rows:
        return
    names = list(rows[0])
    fields = [model._meta.fields[name] for name in names]
    database = model._meta.database
    backend = type(getattr(database, "obj", database))  # quoting and parameter style are the backend's
    key = (model, tuple(names), ignore_conflicts, backend, model._meta.schema)
    sql = _INSERT_SQL.get(key)
    if sql is None:
        # Composed once per shape: peewee's composing cost as much as the insert of a suggestion run's rows.
        first = tuple(rows[0][name] for name in names)
        query = model.insert_many([first], fields=fields)
        if ignore_conflicts:
            query = query.on_conflict_ignore()
        sql = query.sql()[0]
        if len(_INSERT_SQL) >= 1024:
            _INSERT_SQL.clear()
        _INSERT_SQL[key] = sql
    model._meta.database.cursor().executemany(sql, _db_values(fields, names, rows))


_NONE = type(None)
#: The value types each plain field class writes as they are (its ``db_value`` returns such a value unchanged).
_UNCHANGED: dict[Any, frozenset[type]] = {
    peewee.IntegerField.adapt: frozenset({int, _NONE}),
    peewee._StringField.adapt: frozenset({str, _NONE}),
    peewee.FloatField.adapt: frozenset({float, _NONE}),
    bool: frozenset({bool, _NONE}),  # BooleanField.adapt
}


def _unchanged_types(field: Any) -> frozenset[type]:
    """The types whose values ``field.db_value`` leaves as they are (empty: convert every value)."""
    if isinstance(field, ForeignKeyField):
        if type(field).db_value is not ForeignKeyField.db_value:
            return frozenset()
        return _unchanged_types(field.rel_field)
    if type(field).db_value is not peewee.Field.db_value:
        return frozenset()
    return _UNCHANGED.get(type(field).adapt, frozenset())


def _db_values(fields: list[Any], names: list[str], rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows' values in ``names`` order, each converted by its field exactly as peewee would (``db_value``).

    A suggestion run writes about 1,300 values per article, and calling ``db_value`` on each cost more than
    SQLite's executemany itself. A column whose values all have a type its field writes unchanged (an int for an
    integer column, a str for a text one; a bool is converted, as by peewee) is taken as it is, checked in C
    (``set(map(type, column))``); any other column goes through ``db_value``.
    """
    pick = operator.itemgetter(*names)
    raw = [pick(row) for row in rows] if len(names) > 1 else [(pick(row),) for row in rows]
    columns: list[Any] = list(zip(*raw, strict=True))
    converted = False
    for j, field in enumerate(fields):
        kept = _unchanged_types(field)
        if not kept or not set(map(type, columns[j])) <= kept:
            columns[j] = list(map(field.db_value, columns[j]))
            converted = True
    return list(zip(*columns, strict=True)) if converted else raw


def upsert(model: type[BaseModel], key: dict[str, Any], values: dict[str, Any]) -> None:
    """Update the row matching ``key`` with ``values``, or insert it (key + values) when there is none.

    Update-then-insert instead of ``ON CONFLICT``/``REPLACE``: those differ between SQLite, PostgreSQL and
    MySQL. Callers hold a write transaction (IMMEDIATE on SQLite), so no other writer slips in between.
    """
    where = [getattr(model, name) == value for name, value in key.items()]
    if not model.update(**values).where(*where).execute():
        model.insert(**key, **values).execute()


#: Every table, in creation order (parents before children).
ALL_MODELS: list[type[BaseModel]] = [
    Setting,
    Article,
    Annotator,
    Layer,
    Actor,
    ActorName,
    Entity,
    Claim,
    ClaimSpan,
    ArticleState,
    Session,
    Event,
    SuggestionRun,
    ProjectCodebook,
    TrainedModelRow,
]
