"""Opening a database: a plain path (SQLite file) or any peewee database URL, with the pragmas we rely on."""

from __future__ import annotations

import os
from pathlib import Path

from peewee import Database, SqliteDatabase
from platformdirs import user_data_dir

from annotator.store._postgres import is_postgres_url, open_postgres

#: Environment variable naming the database to open when none is given.
ENV_VAR = "ANNOTATOR_DB"

#: WAL lets the GUI thread read while a job writes; busy_timeout makes a second writer (thread or app
#: instance)
#: wait instead of failing; synchronous=normal is durable in WAL mode except for the last commit on power
#: loss. page_size (first: it only takes effect on a new, empty database; an existing one keeps its own) is
#: 8 KiB: a news article of 300-400 words is 2-2.5 KB, and with SQLite's default 4 KiB pages each took a page of
#: its own (44 MB for 10,000 articles of 21 MB of text, every page written to the WAL and copied to the file
#: again at the checkpoint); 8 KiB pages hold three (24 MB), and a decision's few pages cost no more to write.
SQLITE_PAGE_SIZE = 8192
SQLITE_PRAGMAS: dict[str, object] = {
    "page_size": SQLITE_PAGE_SIZE,
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def default_database_path() -> Path:
    """``$ANNOTATOR_DB`` when it names a file path, else ``<user data dir>/annotator/annotator.db``."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env and not is_url(env):
        return Path(env).expanduser()
    return Path(user_data_dir("annotator", appauthor=False)) / "annotator.db"


def is_url(location: str) -> bool:
    """True for ``scheme://...`` peewee URLs (``sqlite:///x.db``, ``postgresql://...``), False for paths."""
    scheme, sep, _ = location.partition("://")
    # A Windows path such as C:\\x has no "://"; a one-letter scheme would be a drive letter.
    return bool(sep) and len(scheme) > 1 and scheme.replace("+", "").isalnum()


def resolve_location(location: str | None) -> str:
    """The path or URL to open: ``location`` if given, else ``$ANNOTATOR_DB``, else the default file."""
    if location:
        return location
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env if is_url(env) else str(Path(env).expanduser())
    return str(default_database_path())


def open_database(location: str) -> Database:
    """Create the peewee ``Database`` for a path or URL (not yet connected; peewee connects per thread).

    A plain path is a SQLite file; its parent folders are created. SQLite databases get
    :data:`SQLITE_PRAGMAS`. A ``postgresql://user@host:port/db`` URL opens PostgreSQL through psycopg; the
    password comes from ``PGPASSWORD`` or ``~/.pgpass`` and a URL holding one is refused.
    """
    if is_url(location) and is_postgres_url(location):
        return open_postgres(location)
    if is_url(location):
        # Here, not at the top: playhouse.db_url imports every backend's module, psycopg's included (0.3 s; see
        # _driver), which a plain path does not need.
        from playhouse.db_url import connect

        scheme = location.partition("://")[0]
        db = connect(location, pragmas=SQLITE_PRAGMAS) if "sqlite" in scheme else connect(location)
        if isinstance(db, SqliteDatabase):
            target = str(db.database)
            if target != ":memory:" and not target.startswith("file:"):
                Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        return db
    path = Path(location).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Deferred initialisation, as the peewee docs recommend: create, then init with the run-time location.
    db = SqliteDatabase(None)
    db.init(str(path), pragmas=SQLITE_PRAGMAS)
    return db
