"""PostgreSQL as the store: opening a URL safely, serializable transactions that are retried, clear refusals.

Concurrency model on PostgreSQL: every write transaction runs at ``REPEATABLE READ``, so two people changing
the same row at the same moment can never lose an update: PostgreSQL aborts the later one with a serialization
failure, and :func:`guard_methods` runs that repository call again from the start, on fresh data. Work that
reads before it inserts shared rows (two ``suggest`` runs, imports, the actors they create, two reviewers
adopting one item) also takes a named advisory lock before its snapshot (``StoreContext.tx(exclusive=...)``),
and the unique suggestion keys of migration step 5 make a duplicated suggestion impossible whatever runs.
(``SERIALIZABLE`` would need no locks, but eight people deciding at once made it abort most transactions
on the predicate locks of shared index pages: a p95 of 1.4 s instead of milliseconds.)

Errors of the server become :mod:`annotator.core.errors`: a refusal by a grant or a row-level security policy
is a ``PermissionDeniedError`` that says who may not do what; a conflict that outlives the retries is a
``ConflictError``. Passwords never pass through here: libpq reads ``PGPASSWORD`` or ``~/.pgpass`` itself, and
a URL that holds one is refused before anything connects (it would show in process lists, shell history and
logs).
"""

from __future__ import annotations

import functools
import inspect
import logging
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, TypeVar
from urllib.parse import parse_qsl, unquote, urlsplit

import peewee
from peewee import Database, PostgresqlDatabase

from annotator.core.errors import (
    AnnotatorError,
    ConfigError,
    ConflictError,
    ConnectionLostError,
    PermissionDeniedError,
)

#: URL schemes that name PostgreSQL (peewee's own spellings included).
SCHEMES = frozenset({"postgres", "postgresql", "postgresql+psycopg", "psycopg", "psycopg3"})
#: serialization_failure, deadlock_detected: the transaction may simply be run again.
RETRYABLE = frozenset({"40001", "40P01"})
INSUFFICIENT_PRIVILEGE = "42501"
ATTEMPTS = 12
#: Each retry of a conflicting transaction is logged here at DEBUG ("retry"), with the pause before it: the team
#: server benchmark counts them, and a server where they are frequent shows it in the log.
log = logging.getLogger("annotator.store.retries")

T = TypeVar("T")


def is_postgres_url(location: str) -> bool:
    return location.partition("://")[0].lower() in SCHEMES


def is_postgres(db: Database) -> bool:
    return isinstance(db, PostgresqlDatabase)


def redact(location: str) -> str:
    """The URL with any password replaced by ``***`` (for messages; we refuse such URLs anyway)."""
    return re.sub(r"(://[^/@:]*):[^/@]*@", r"\1:***@", location)


def open_postgres(location: str) -> PostgresqlDatabase:
    """A (not yet connected) peewee database for ``postgresql://user@host:port/dbname?option=value``.

    Raises:
        ConfigError: the URL carries a password, or names no database.
    """
    parts = urlsplit(location)
    if parts.password is not None:
        raise ConfigError(
            f"the database URL {redact(location)} contains a password; remove it and put the password in the "
            "PGPASSWORD environment variable or in ~/.pgpass (a password on the command line shows in process "
            "lists, shell history and logs)"
        )
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ConfigError(f"the database URL {location} names no database: postgresql://user@host:port/DATABASE")
    params: dict[str, Any] = {k: v for k, v in parse_qsl(parts.query)}
    if parts.username:
        params["user"] = unquote(parts.username)
    if parts.hostname:
        params["host"] = parts.hostname
    if parts.port:
        params["port"] = parts.port
    params.setdefault("application_name", "annotator")
    # peewee opens one connection per thread, possibly long after this: every connection of this database
    # uses the credentials in force when it was opened (libpq would re-read the environment each time).
    if os.environ.get("PGPASSWORD"):
        params["password"] = os.environ["PGPASSWORD"]
    from annotator.store._driver import PostgresqlDatabase as OnPsycopg3  # imports psycopg (see there)

    return OnPsycopg3(name, **params)


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE of a driver error, also when peewee wrapped it (the driver's error is its context)."""
    for candidate in (exc, *(exc.args[:1] if exc.args else ()), exc.__cause__, exc.__context__):
        state = getattr(candidate, "sqlstate", None)
        if state:
            return str(state)
    return None


def _table(message: str) -> str | None:
    found = re.search(r'(?:for table|for relation|relation) "?([\w.]+)"?', message)
    return found.group(1) if found else None


#: What each table holds, in the words of a refusal ("bob may not change the codebook").
_REFUSALS: dict[str, str] = {
    "entity": "change this layer: an annotator writes only their own layer, reviewers write gold",
    "claim": "change this layer: an annotator writes only their own layer, reviewers write gold",
    "claim_span": "change this layer: an annotator writes only their own layer, reviewers write gold",
    "setting": "change the project settings: only admins do",
    "annotator": "change the annotators: only admins do",
    "layer": "change the annotators' layers: only admins do",
    "article": "import or change articles: only admins do",
    "article_state": "change another person's progress",
    "session": "change another person's sessions",
    "event": "write another person's history",
}


def refusal(user: str | None, exc: BaseException) -> PermissionDeniedError:
    message = str(exc.args[0]) if exc.args else str(exc)
    table = _table(message) or "?"
    what = _REFUSALS.get(table)
    if what is None:
        what = "change the codebook: only admins do" if "codebook" in table else f"change {table}: only admins do"
    first_line = message.strip().splitlines()[0] if message.strip() else "permission denied"
    return PermissionDeniedError(f"{user or 'this login'} may not {what} (the team server refused: {first_line})")


def translate(exc: BaseException, user: str | None) -> BaseException:
    """The user-facing error for a database error, or ``exc`` itself when it is not one we explain."""
    state = sqlstate(exc)
    if state == INSUFFICIENT_PRIVILEGE:
        return refusal(user, exc)
    if state in RETRYABLE:
        return ConflictError(
            "other people changed the same rows at the same moment, again and again; nothing was saved, and "
            "doing it again is safe"
        )
    return exc


def _guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def guarded(self: Any, *args: Any, **kwargs: Any) -> Any:
        st = self._st
        if not st.is_postgres:
            return fn(self, *args, **kwargs)
        attempt = 0
        while True:
            try:
                return fn(self, *args, **kwargs)
            except AnnotatorError:
                raise
            except Exception as exc:
                # peewee's wrapped errors, and the driver's own (from executemany in bulk_insert, and from a
                # pipeline's end: ``pipelined``) alike.
                if not isinstance(exc, peewee.DatabaseError) and sqlstate(exc) is None and not _driver_error(exc):
                    raise
                nested = st.db.transaction_depth() > 0
                if sqlstate(exc) in RETRYABLE and not nested and attempt < ATTEMPTS - 1:
                    attempt += 1
                    # Jittered exponential back-off: two colliding writers do not collide again in lock step.
                    pause = random.uniform(0, 0.002 * 2 ** min(attempt, 6))
                    log.debug("retry %d of %s after %s (SQLSTATE %s), %.1f ms pause", attempt, fn.__name__,
                              type(exc).__name__, sqlstate(exc), pause * 1000, extra={"pause": pause})
                    time.sleep(pause)
                    continue
                if nested:
                    raise  # the outermost call decides (and retries the whole transaction)
                if not _usable(st.db):
                    raise _lost(st.db, exc) from exc
                error = translate(exc, st.server_user())
                if error is exc:
                    raise
                raise error from exc

    return guarded


def _driver_error(exc: BaseException) -> bool:
    import psycopg

    return isinstance(exc, psycopg.Error)


def _usable(db: Database) -> bool:
    try:
        return bool(db.is_closed() or db.is_connection_usable())
    except Exception:
        return False


def _lost(db: Database, exc: BaseException) -> ConnectionLostError:
    """Drop the dead connection (the next call opens a new one) and say what happened."""
    with suppress(Exception):
        db.close()
    reason = " ".join(str(exc).split()) or type(exc).__name__
    return ConnectionLostError(
        f"lost the connection to the database server ({reason}); the next action reconnects. If it happened "
        "while saving, check that your last change is there"
    )


def guard_methods(cls: type[T]) -> type[T]:
    """Class decorator: every public method retries serialization failures and explains refusals on PostgreSQL.

    Generators are left alone (they read only, and a retry could repeat what they already yielded).
    """
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member) or inspect.isgeneratorfunction(member):
            continue
        setattr(cls, name, _guard(member))
    return cls


@contextmanager
def advisory_lock(db: Database, name: str | None) -> Iterator[None]:
    """A session-level advisory lock named ``name`` around the block (nothing when ``name`` is None)."""
    if name is None:
        yield
        return
    key = f"annotator:{name}"
    db.execute_sql("SELECT pg_advisory_lock(hashtext(%s))", (key,))
    try:
        yield
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(hashtext(%s))", (key,))


@contextmanager
def pipelined(db: Database, wanted: bool) -> Iterator[None]:
    """Run the block's statements in psycopg's pipeline mode (when ``wanted`` and libpq supports it).

    A statement is then sent at once but its answer read only when the caller asks for a result: the BEGIN of a
    transaction goes out with its first read, and the last writes go out with the COMMIT, so a decision is two
    round trips to the server instead of six. What the block runs must not depend on a statement's answer it
    does not fetch (peewee's row counts of UPDATE and DELETE would be unknown): only the decision code, which
    reads what it needs through results, asks for it. An error the server reports for a statement whose answer
    was not fetched is raised when the block ends; the transaction is rolled back then.
    """
    if not wanted:
        yield
        return
    import psycopg
    from psycopg.pq import TransactionStatus

    conn = db.connection()
    if not isinstance(conn, psycopg.Connection) or not psycopg.Pipeline.is_supported():
        yield
        return
    try:
        with conn.pipeline():
            yield
    except BaseException:
        # The server skipped the rest of the pipeline after its error and kept the transaction open (aborted).
        with suppress(Exception):
            if conn.info.transaction_status != TransactionStatus.IDLE:
                conn.execute("ROLLBACK")
        raise


def current_user(db: Database) -> str:
    return str(db.execute_sql("SELECT current_user").fetchone()[0])


def connect_or_explain(db: PostgresqlDatabase, location: str) -> None:
    """Connect now, so that a wrong host, user or password is one clear message naming the URL."""
    try:
        db.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        reason = " ".join(str(exc).split())
        hint = ""
        if "password" in reason.lower():
            hint = "; the password comes from PGPASSWORD or ~/.pgpass"
        raise ConfigError(f"cannot connect to the team server {redact(location)}: {reason}{hint}") from None
