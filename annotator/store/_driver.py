"""peewee without its PostgreSQL driver until a PostgreSQL database is opened.

peewee looks for its drivers when it is imported: ``import peewee`` imports psycopg (and tries psycopg2), which
costs about 0.3 s of CPU, a sixth of the window's start on a million-article project (issue 15, point 32), for
every SQLite project and every CLI command, none of which uses it. :func:`import_peewee` imports peewee with
the drivers hidden (``sys.modules[name] = None`` makes their import fail at once, which peewee takes for "not
installed"), and :class:`Psycopg3Adapter` imports psycopg when a PostgreSQL database is created
(``_postgres.open_postgres``), doing what peewee's own adapter does with the module it would have imported.
A driver that is already imported when peewee is (a test, a script that imported psycopg first) is left alone:
peewee then finds it as usual, and the adapter works either way.

``annotator.store`` calls :func:`import_peewee` before anything of it imports peewee (its ``__init__`` runs
before any of its modules), so this is the first import of peewee in the process.
"""

from __future__ import annotations

import sys
from typing import Any

#: The modules peewee tries for PostgreSQL at import (``psycopg2cffi`` and ``psycopg2`` first, then psycopg 3).
DRIVERS = ("psycopg2cffi", "psycopg2", "psycopg")


def import_peewee() -> None:
    """Import peewee with its PostgreSQL drivers hidden, unless it (or a driver) is imported already."""
    if "peewee" in sys.modules:
        return
    hidden = [name for name in DRIVERS if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # "import name" now raises ImportError
    try:
        import peewee  # noqa: F401
    finally:
        for name in hidden:
            if sys.modules.get(name, ...) is None:
                del sys.modules[name]


import_peewee()

import peewee  # noqa: E402  (after import_peewee above, which is the point of this module)


class Psycopg3Adapter(peewee.Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with psycopg imported when a PostgreSQL database is created.

    peewee's adapter reads the module (and its constants) from peewee's globals, which are None when peewee was
    imported without it; this one keeps its own references.

    Raises:
        peewee.ImproperlyConfigured: psycopg is not installed (peewee's own error for a missing driver, which
            ``preflight.explain`` turns into one line).
    """

    def __init__(self) -> None:
        try:
            import psycopg
            from psycopg.pq import TransactionStatus
            from psycopg.types.json import Json, Jsonb
        except ImportError as exc:
            raise peewee.ImproperlyConfigured(f"psycopg postgres driver not found ({exc})") from None
        super().__init__()
        self._psycopg = psycopg
        self._status = TransactionStatus
        self.json_type = Json
        self.jsonb_type = Jsonb
        self.txn_idle = TransactionStatus.IDLE
        self.txn_inerror = TransactionStatus.INERROR
        self.txn_unknown = TransactionStatus.UNKNOWN

    def check_driver(self) -> None:
        """The driver was imported when the adapter was made."""

    def get_binary_type(self) -> Any:
        return self._psycopg.Binary

    def connect(self, db: Any, **params: Any) -> Any:
        # As peewee's Psycopg3Adapter.connect, with our module reference.
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        if db.database.startswith("postgresql://"):
            params.setdefault("conninfo", db.database)
        else:
            params.setdefault("dbname", db.database)
        return self._psycopg.connect(**params)

    def server_side_cursor(self, conn: Any) -> Any:
        # As peewee's: in a transaction a plain named cursor streams; otherwise the server requires withhold.
        import uuid

        in_txn = self.txn_status(conn) == self._status.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_txn)


class PostgresqlDatabase(peewee.PostgresqlDatabase):
    """peewee's PostgreSQL database on psycopg 3, imported when the database is created (see the module).

    peewee picks its ``psycopg2_adapter`` when it found no psycopg at import (as here, by design) and its
    ``psycopg3_adapter`` when it did: both are ours, so the database runs on psycopg 3 either way.
    """

    psycopg2_adapter = Psycopg3Adapter
    psycopg3_adapter = Psycopg3Adapter

    def _initialize_connection(self, conn: Any) -> None:
        """Plan every statement for its own parameters: ``plan_cache_mode = force_custom_plan`` (PostgreSQL 12+).

        psycopg prepares a statement once it has run it five times, and PostgreSQL then plans it once for any
        parameters (a generic plan) when it expects that to cost no more. For the article filter
        (``_search_pg``) that is wrong twice over: ``to_tsquery(%s, %s)`` is no longer folded into a constant, so
        the walk of the list order parses the query again for every row it tests (the title prefix's page at
        100,000 articles: 15-16.5 -> 9-10 ms of the server's CPU in a session that filters again and again), and
        the page's last step, planned without its words, may walk the position index for a rare word instead of
        asking the GIN index (by ``EXPLAIN``: 372 ms instead of 22). A custom plan costs a planning per execution,
        tenths of a millisecond for the store's statements. peewee turns on autocommit before calling this.
        """
        if conn.info.server_version >= 120000:
            conn.execute("SET plan_cache_mode = force_custom_plan")
