"""annotator.store: the database (peewee; SQLite by default, any peewee URL) behind the Repository API."""

from __future__ import annotations

import os

from annotator.store.database import default_database_path, open_database, resolve_location
from annotator.store.migrations import migrate
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
    migrate(db)
    return Repository(db, resolved)
