"""annotator.store: the database (peewee; SQLite by default, any peewee URL) behind the Repository API."""

from __future__ import annotations

import os

from peewee import DatabaseError, PostgresqlDatabase

from annotator.core.errors import ConfigError
from annotator.store._postgres import connect_or_explain, redact, sqlstate
from annotator.store.database import default_database_path, open_database, resolve_location
from annotator.store.migrations import latest_version, migrate
from annotator.store.repository import Repository

__all__ = ["Repository", "default_database_path", "open_repository"]


def open_repository(location: str | None) -> Repository:
    """Open (creating and migrating as needed) the database at a path or peewee URL.

    ``None`` uses ``$ANNOTATOR_DB`` if set, else ``default_database_path()``. A plain path is a SQLite file
    whose parent folders are created; a URL (``sqlite:///x.db``, ``postgresql://...``) goes to
    ``playhouse.db_url``.
    """
    # A pathlib.Path works too (os.fspath), though the contract types it as str.
    resolved = resolve_location(os.fspath(location) if location is not None else None)
    db = open_database(resolved)
    if isinstance(db, PostgresqlDatabase):
        connect_or_explain(db, resolved)
        migrate_or_explain(db, resolved)
    else:
        migrate(db)
    return Repository(db, resolved)


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
