"""Schema versions and the upgrade steps that bring an older database to the current schema.

The schema version lives in the ``setting`` table under ``schema_version``. A new database gets every table of
the current models at once and the latest version. An older one gets each missing step in order, every step in
its own transaction, and keeps every row. To change the schema: change the models, then append a step that
makes the same change with ``playhouse.migrate`` (add_column, add_index, ...) so existing databases follow.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import Database, SqliteDatabase, TextField

from annotator.core.errors import ConfigError
from annotator.core.resources import sample_codebook
from annotator.store import _codebook
from annotator.store._legacy_codebook import codebook_of_v1
from annotator.store._search import (
    configure_search_index,
    create_search_index,
    fts5_available,
    has_search_index,
    is_configured,
)
from annotator.store._search_pg import create_pg_search
from annotator.store.models import ALL_MODELS, Claim, ProjectCodebook, Setting, TrainedModelRow, bound, upsert
from annotator.store.preflight import version_problem

if TYPE_CHECKING:
    # Imported where a migration runs: playhouse.migrate imports psycopg (through playhouse.cockroachdb), which an
    # up-to-date SQLite project never needs (see _driver).
    from playhouse.migrate import SchemaMigrator

VERSION_KEY = "schema_version"


@dataclass(frozen=True)
class Step:
    """One upgrade: from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Database, SchemaMigrator], None]
    #: Whether a database is missing this step although its version is higher. Step numbers were handed out to
    #: parallel work: a database made by a build with steps 1, 3 (or 1, 2, 5) is at version 3 (5) without step 2
    #: (3), and only this check lets a later build add what it skipped.
    missing: Callable[[Database], bool] | None = None


def _create_tables(db: Database, _: SchemaMigrator) -> None:
    db.create_tables(ALL_MODELS, safe=True)


def _codebook_in_database(db: Database, migrator: SchemaMigrator) -> None:
    """Step 2: the codebook table, seeded with the codebook the database was coded with; claim variables.

    A version-1 database was coded with the sample codebook of its release, adjusted by the ``labels`` /
    ``claim_*`` settings; any code its rows use that neither lists is added too, so no row loses its code.
    """
    db.create_tables([ProjectCodebook], safe=True)
    columns = {c.name for c in db.get_columns(Claim._meta.table_name)}
    if "variables" not in columns:
        from playhouse.migrate import migrate as apply_operations

        apply_operations(migrator.add_column(Claim._meta.table_name, "variables", TextField(default="{}")))
    if _codebook.stored_text() is None:
        _codebook.write(codebook_of_v1())


def _add_search_index(db: Database, _: SchemaMigrator) -> None:
    # Issue 15: the article filter's FTS5 index (SQLite only; other backends keep the scan until they get theirs).
    create_search_index(db)


def _trained_models(db: Database, _: SchemaMigrator) -> None:
    db.create_tables([TrainedModelRow], safe=True)


def _suggestion_keys(db: Database, _: SchemaMigrator) -> None:
    """Step 5 (team server): one row per suggestion key in the suggestions layer, enforced by unique indexes.

    Two people running ``suggest`` on one server at once can then never store a suggestion twice (the store
    reads before it writes; these indexes make the read's promise a constraint). The index is partial, on the
    suggestions layer's id, so human layers keep whatever rows their people make.
    """
    from annotator.core.records import SUGGESTIONS_LAYER, LayerKind
    from annotator.store.models import Layer

    Layer.insert(name=SUGGESTIONS_LAYER, kind=LayerKind.MODEL.value).on_conflict_ignore().execute()
    layer_id = int(Layer.select(Layer.id).where(Layer.name == SUGGESTIONS_LAYER).scalar())
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS entity_suggestion_key "
        f'ON entity (article_id, start, "end", label) WHERE layer_id = {layer_id}'
    )
    # A decision looks up the deciding person's row derived from the suggestion: an index, not a table scan.
    for table in ("entity", "claim"):
        db.execute_sql(f"CREATE INDEX IF NOT EXISTS {table}_derived_from ON {table} (derived_from_id, layer_id)")
    db.execute_sql(
        "CREATE UNIQUE INDEX IF NOT EXISTS claim_suggestion_key "
        f"ON claim (article_id, span_key) WHERE layer_id = {layer_id}"
    )
    # The article filter's full-text index on PostgreSQL (SQLite's FTS5 index is step 3's).
    create_pg_search(db)


#: Single-column indexes that another index starts with (models.Entity says why they went).
_REDUNDANT_INDEXES = ("entity_article_id", "entity_derived_from_id", "claim_article_id", "claim_derived_from_id")


#: Indexes only of the rows that have the column set (name, table, columns, the column): a suggestion or an
#: imported span (nearly every row) derives from nothing and links no actor, and skips their B-trees.
_PARTIAL_INDEXES = (
    ("entity_derived_from", "entity", "derived_from_id, layer_id", "derived_from_id"),
    ("claim_derived_from", "claim", "derived_from_id, layer_id", "derived_from_id"),
    ("entity_actor_id", "entity", "actor_id", "actor_id"),
)


def _bulk_import(db: Database, _: SchemaMigrator) -> None:
    """Step 6 (issue 16, bulk import): drop the redundant indexes, make the derived-row and actor indexes
    partial, and give the FTS5 index its backlog (a bulk import stores its articles and the index catches up
    afterwards)."""
    for name in _REDUNDANT_INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
    for name, table, columns, column in _PARTIAL_INDEXES:
        db.execute_sql(f"DROP INDEX IF EXISTS {name}")
        db.execute_sql(f"CREATE INDEX {name} ON {table} ({columns}) WHERE {column} IS NOT NULL")
    create_search_index(db)


#: The entity table's layer index holds only the rows of the human layers (and gold), not the suggestions: the
#: queries that search by layer alone ask for one person's rows (the article list's label filter, and the rows
#: they decided on), and say so with ``_queries.in_human_layer`` so that the planner may use it. The suggestions layer
#: (nearly every row: 250,000 in an import of 10,000 articles with 25 spans each) skips its B-tree.
LAYER_INDEX = "entity_layer_id"


def _partial_layer_index(db: Database, _: SchemaMigrator) -> None:
    """Step 7 (issue 16, bulk import): the entity table's layer index without the suggestions layer's rows."""
    from annotator.core.records import SUGGESTIONS_LAYER, LayerKind
    from annotator.store.models import Layer

    Layer.insert(name=SUGGESTIONS_LAYER, kind=LayerKind.MODEL.value).on_conflict_ignore().execute()
    layer_id = int(Layer.select(Layer.id).where(Layer.name == SUGGESTIONS_LAYER).scalar())
    db.execute_sql(f"DROP INDEX IF EXISTS {LAYER_INDEX}")
    db.execute_sql(f"CREATE INDEX {LAYER_INDEX} ON entity (layer_id) WHERE layer_id <> {layer_id}")


def _search_index_settings(db: Database, _: SchemaMigrator) -> None:
    """Step 8 (issue 16, the import command): the FTS5 index writes with a 16 MiB buffer and page-sized leaves
    (``_search.index_settings``), so catching up with a bulk import merges far fewer segments. Settings only: the
    index keeps every entry, and segments written before are read as they are. SQLite only (PostgreSQL's search
    column has no such settings)."""
    configure_search_index(db)


def _search_index_settings_missing(db: Database) -> bool:
    return isinstance(db, SqliteDatabase) and has_search_index(db) and not is_configured(db)


def _codebook_missing(db: Database) -> bool:
    return not db.table_exists(ProjectCodebook._meta.table_name)


def _search_index_missing(db: Database) -> bool:
    return isinstance(db, SqliteDatabase) and not has_search_index(db) and fts5_available(db)


def _trained_models_missing(db: Database) -> bool:
    # A database that reached step 5 before step 4 existed still gets the table.
    return not db.table_exists(TrainedModelRow._meta.table_name)


#: Every step, in order. Never edit a released step: append a new one.
STEPS: list[Step] = [
    Step(1, "create tables", _create_tables),
    Step(2, "codebook in the database", _codebook_in_database, _codebook_missing),
    Step(3, "full-text search index of the articles", _add_search_index, _search_index_missing),
    Step(4, "trained models per project", _trained_models, _trained_models_missing),
    Step(5, "team server: unique suggestion keys, derived-row indexes, PostgreSQL search", _suggestion_keys),
    Step(6, "bulk import: no redundant indexes, a backlog for the search index", _bulk_import),
    Step(7, "bulk import: the entity layer index without the suggestions layer", _partial_layer_index),
    Step(8, "bulk import: the search index's write buffer and leaf size", _search_index_settings,
         _search_index_settings_missing),
]


def latest_version(steps: list[Step] | None = None) -> int:
    return (steps or STEPS)[-1].version


def schema_version(db: Database) -> int:
    """The version stored in ``db`` (0 for an empty database)."""
    with bound(db):
        if not db.table_exists(Setting._meta.table_name):
            return 0
        row = Setting.get_or_none(Setting.key == VERSION_KEY)
        return version_problem(row.value, str(db.database)) if row else 0


def _write_version(version: int) -> None:
    upsert(Setting, {"key": VERSION_KEY}, {"value": json.dumps(version)})


def _atomic(db: Database):
    # IMMEDIATE takes the write lock at BEGIN, so two app instances opening one file migrate one after the
    # other.
    return db.atomic("IMMEDIATE") if isinstance(db, SqliteDatabase) else db.atomic()


def migrate(db: Database, steps: list[Step] | None = None) -> int:
    """Bring ``db`` to the latest schema; returns the version it is at afterwards.

    Raises:
        ConfigError: the database was written by a newer version of the tool.
    """
    steps = steps or STEPS
    latest = latest_version(steps)
    current = schema_version(db)
    if current > latest:
        raise ConfigError(
            f"database {db.database} has schema version {current}, newer than this annotator supports ({latest})"
        )
    with bound(db):
        skipped = [s for s in steps if current > 0 and s.version <= current and s.missing and s.missing(db)]
    if current == latest and not skipped:
        return current
    from playhouse.migrate import SchemaMigrator

    migrator = SchemaMigrator.from_database(db)
    with bound(db):
        for step in skipped:  # steps a build with other step numbers never ran on this database
            with _atomic(db):
                step.apply(db, migrator)
        if current == 0:
            with _atomic(db):
                # A fresh database gets the current models directly; the steps are for upgrades. A new project
                # starts with the sample codebook (``project new`` may replace it before anything is coded).
                _create_tables(db, migrator)
                create_search_index(db)
                _codebook.write(sample_codebook())
                _suggestion_keys(db, migrator)
                _bulk_import(db, migrator)  # its partial indexes replace two of step 5's
                _partial_layer_index(db, migrator)
                _write_version(latest)
            return latest
        for step in steps:
            if step.version <= current:
                continue
            with _atomic(db):
                step.apply(db, migrator)
                _write_version(step.version)
    return latest
