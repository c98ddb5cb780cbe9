"""Checks before a database is opened, and the one-line explanation of any failure to open or use it.

Every way a ``--db`` can be wrong ends in a :class:`~annotator.core.errors.StorageError` whose message names the
database and says what is wrong, never in a traceback: a folder, a text file, a truncated or overwritten SQLite
file, another application's database, a damaged ``schema_version``, a read-only folder, a URL whose driver is not
installed or whose scheme is unknown. Another application's SQLite file is refused before anything is written to
it (peewee's pragmas would switch it to WAL mode, and migrating would add our tables).
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import peewee

from annotator.core.errors import StorageError
from annotator.store._postgres import redact as _redacted
from annotator.store.models import Annotator, Article, Claim, ClaimSpan, Entity, Layer, Setting

#: The first 16 bytes of every SQLite 3 database file.
SQLITE_MAGIC = b"SQLite format 3\x00"
#: Tables of ours that every annotator database has had since schema version 1.
CORE_TABLES = tuple(model._meta.table_name for model in (Setting, Article, Annotator, Layer, Entity, Claim, ClaimSpan))


def check_location(location: str | None) -> None:
    """Refuse a location that names nothing (``--db ""``) instead of silently opening the per-user default."""
    if location is not None and not location.strip():
        raise StorageError("the database location is empty: name a file (e.g. --db project.db) or a URL, or leave "
                           "the option out to use the default")


def check_sqlite_file(path: Path) -> None:
    """Refuse, before connecting, a path that cannot be or is not an annotator SQLite database.

    A missing file is fine when its folder can be created and written (it becomes a new project); an empty
    file is fine (a new project too).

    Raises:
        StorageError: naming the file and the problem.
    """
    if path.is_dir():
        example = path / "project.db"
        raise StorageError(f"{path} is a folder, not a database file: name a file inside it, e.g. {example}")
    if not path.exists():
        folder = _existing_parent(path)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StorageError(f"cannot create the database {path}: the folder {folder} is not writable")
        return
    if not path.is_file():
        raise StorageError(f"{path} is not a regular file (a device, a pipe or a socket), so not a database")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise StorageError(f"cannot read the database {path}: {exc.strerror or exc}") from None
    if not header:
        return  # an empty file: SQLite makes it a new database
    if not header.startswith(SQLITE_MAGIC):
        raise StorageError(f"{path} is not a SQLite database (its first bytes are not a SQLite header): not an "
                           "annotator project, or a damaged one")
    _check_size(path, header)
    folder = path.parent
    if not os.access(path, os.W_OK) or not os.access(folder, os.W_OK | os.X_OK):
        where = path if not os.access(path, os.W_OK) else folder
        raise StorageError(f"cannot open the database {path} for writing: {where} is read-only (SQLite also "
                           "needs to create its -wal and -shm files next to it)")
    _check_ours(path)


def _existing_parent(path: Path) -> Path:
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def _check_size(path: Path, header: bytes) -> None:
    """A file shorter than its header says was truncated (a copy cut short, a full disk)."""
    if len(header) < 100:
        raise StorageError(f"the database {path} is truncated ({len(header)} bytes, shorter than a SQLite header)")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    # The page count in the header is valid only when the "version valid for" number equals the change counter.
    if header[92:96] == header[24:28] and pages and page_size:
        expected = pages * page_size
        actual = path.stat().st_size
        if actual < expected:
            raise StorageError(f"the database {path} is truncated: {actual:,} bytes of {expected:,}; restore it "
                               "from a backup")


def _check_ours(path: Path) -> None:
    """Refuse another application's SQLite file and a damaged one, reading it without writing anything."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise StorageError(f"cannot open the database {path}: {exc}") from None
    try:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            return
        if "setting" not in tables:
            shown = ", ".join(sorted(tables)[:5]) + (", ..." if len(tables) > 5 else "")
            raise StorageError(f"{path} is not an annotator database (it holds other tables: {shown}); nothing was "
                               "changed. Name a new file or an annotator project")
        row = con.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone()
        if row is None:
            raise StorageError(f"{path} is not an annotator database (it has no schema version); nothing was changed")
        version_problem(row[0], str(path))
        missing = [name for name in CORE_TABLES if name not in tables]
        if missing:
            raise StorageError(f"the database {path} is damaged: the tables {', '.join(missing)} are missing; restore "
                               "it from a backup")
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"the database {path} is damaged or not a database ({exc}); nothing was changed") from None
    finally:
        con.close()


def version_problem(raw: object, where: str) -> int:
    """The schema version stored as ``raw`` (JSON text), or a StorageError saying it is damaged."""
    try:
        value = json.loads(raw) if isinstance(raw, str | bytes) else raw
    except ValueError:
        value = None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise StorageError(f"the database {where} is damaged: its schema version is {raw!r}, not a whole number")
    return value


def explain(location: str, exc: BaseException) -> StorageError:
    """The one-line StorageError for an exception met while opening or using the database at ``location``."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, peewee.ImproperlyConfigured):
        scheme = location.partition("://")[0]
        return StorageError(f"cannot open {_redacted(location)}: the database driver for {scheme!r} is not "
                            f"installed ({exc})")
    if isinstance(exc, RuntimeError) and "scheme" in str(exc):
        scheme = location.partition("://")[0]
        return StorageError(f"cannot open {_redacted(location)}: unknown database URL scheme {scheme!r} (use a file "
                            "path, sqlite:///PATH or postgresql://USER@HOST/NAME)")
    if isinstance(exc, PermissionError | OSError) and not isinstance(exc, peewee.PeeweeException):
        name = exc.filename or location
        return StorageError(f"cannot open the database {_redacted(str(name))}: {exc.strerror or exc}")
    message = str(exc).strip() or type(exc).__name__
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered:
        hint = "the file or its folder is read-only"
    elif "not a database" in lowered or "malformed" in lowered or "no such table" in lowered:
        hint = "the file is damaged or not an annotator database; restore it from a backup"
    elif "unable to open" in lowered:
        hint = "check that the folder exists and is writable"
    elif "locked" in lowered:
        hint = "another program holds a long write lock; try again"
    elif "disk i/o" in lowered or "full" in lowered:
        hint = "the disk failed or is full"
    else:
        hint = ""
    return StorageError(f"database {_redacted(location)}: {message}" + (f" ({hint})" if hint else ""))


#: Errors of the database itself (what a damaged, locked, read-only or vanished database raises); not the
#: integrity errors of a bug, which should stay loud.
DATABASE_FAILURES: tuple[type[BaseException], ...] = (peewee.OperationalError, sqlite3.OperationalError)


def is_database_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the database failing (damaged, locked, read-only, gone), not a programming error."""
    if isinstance(exc, DATABASE_FAILURES):
        return True
    # peewee.DatabaseError itself (not its subclasses IntegrityError, ProgrammingError, ...) is what SQLite's
    # "file is not a database" and "database disk image is malformed" become.
    return type(exc) in (peewee.DatabaseError, sqlite3.DatabaseError)
