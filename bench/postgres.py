"""A local PostgreSQL server for the benchmarks that measure the team server's store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.postgres_server import LocalPostgres


@contextmanager
def local_server(purpose: str) -> Iterator[LocalPostgres]:
    """A cluster of its own in a temporary folder with PostgreSQL's durable defaults (fsync and synchronous
    commit on: a commit costs what it costs on a real server's disk); ``PGPASSWORD`` is set while it runs.

    Args:
        purpose: what needs it, for the error when the PostgreSQL binaries are missing.
    """
    from tests.postgres_server import LocalPostgres, find_bindir

    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(f"{purpose} needs the PostgreSQL binaries (initdb, pg_ctl)")
    server = LocalPostgres(bindir, durable=True).start()
    try:
        with server.password_in_environ():
            yield server
    finally:
        server.stop()
