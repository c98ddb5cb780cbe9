"""annotator.store: the database (peewee; SQLite by default, any peewee URL) behind the Repository API."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.store import _driver  # noqa: F401  (first: peewee without its PostgreSQL driver, see there)

# isort: split
from peewee import DatabaseError, PostgresqlDatabase, SqliteDatabase

from annotator.core.errors import AnnotatorError, ConfigError
from annotator.store import preflight
from annotator.store._postgres import connect_or_explain, redact, sqlstate
from annotator.store.database import default_database_path, is_url, open_database, resolve_location
from annotator.store.migrations import latest_version, migrate
from annotator.store.repository import Repository

__all__ = ["Repository", "default_database_path", "open_repository"]


def open_repository(location: str | None) -> Repository:
    """Open (creating and migrating as needed) the database at a path or peewee URL.

    ``None`` uses ``$ANNOTATOR_DB`` if set, else ``default_database_path()``. A plain path is a SQLite file
    whose parent folders are created; a URL (``sqlite:///x.db``, ``postgresql://...``) goes to
    ``playhouse.db_url``.

    Raises:
        StorageError: the database cannot be opened or is not ours (the message says why, in one line);
            another application's SQLite file is refused before anything is written to it.
        ConfigError: the database was written by a newer annotator.
    """
    # A pathlib.Path works too (os.fspath), though the contract types it as str.
    given = os.fspath(location) if location is not None else None
    preflight.check_location(given)
    resolved = resolve_location(given)
    try:
        if not is_url(resolved):
            preflight.check_sqlite_file(Path(resolved).expanduser())
        db = open_database(resolved)
        if is_url(resolved) and isinstance(db, SqliteDatabase) and not str(db.database).startswith((":", "file:")):
            preflight.check_sqlite_file(Path(str(db.database)).expanduser())
        if isinstance(db, PostgresqlDatabase):
            connect_or_explain(db, resolved)
            migrate_or_explain(db, resolved)
        else:
            migrate(db)
        return Repository(db, resolved)
    except AnnotatorError:
        raise
    except Exception as exc:  # every failure to open becomes one line naming the database, never a traceback
        raise preflight.explain(resolved, exc) from None


def migrate_or_explain(db: PostgresqlDatabase, location: str) -> None:
    """Migrate a PostgreSQL database; a person who may not (not its owner) is told who must."""
    try:
        migrate(db)
    except DatabaseError as exc:
        if sqlstate(exc) != "42501":
            raise
        db.rollback()
        raise ConfigError(
            f"the team server {redact(location)} needs a schema upgrade (to version {latest_version()}) that "
            "only its owner may run: ask them to run `annotator server init --db URL`"
        ) from None
