"""Fixtures of the whole suite: a real PostgreSQL server started on first use and stopped at the end.

``make test`` needs nothing running: the first test that asks for ``postgres`` starts a cluster in a temporary
folder (see :mod:`tests.postgres_server`), every test gets a fresh database copied from a migrated template,
and the cluster is stopped when the session ends, whether the tests passed or not. Where no PostgreSQL binaries
exist the PostgreSQL variants are skipped with a message; in CI (``CI=true``) a missing server is a failure.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator

import pytest

from tests.postgres_server import LocalPostgres, find_bindir

#: The two stores every parametrised store / jobs / e2e test runs on.
BACKENDS = ("sqlite", "postgresql")
TEMPLATE = "annotator_template"
_counter = itertools.count(1)


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    """The session's PostgreSQL server (superuser password in $PGPASSWORD for libpq and subprocesses)."""
    bindir = find_bindir()
    if bindir is None:
        message = ("no PostgreSQL binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or on $PATH; "
                   "install the postgresql package or set $ANNOTATOR_PG_BINDIR")
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"CI must run the PostgreSQL tests: {message}")
        pytest.skip(f"PostgreSQL tests skipped: {message}")
    server = LocalPostgres(bindir).start()
    try:
        with server.password_in_environ():
            from annotator.store import open_repository

            open_repository(server.create_database(TEMPLATE)).close()
            yield server
    finally:
        server.stop()


@pytest.fixture
def pg_database(postgres: LocalPostgres) -> Iterator[Callable[[], str]]:
    """Makes fresh, migrated databases on the session's server; returns their superuser URLs."""
    made: list[str] = []

    def make() -> str:
        name = f"t{os.getpid()}_{next(_counter)}"
        made.append(name)
        return postgres.create_database(name, template=TEMPLATE)

    yield make
    for name in made:
        postgres.drop_database(name)


@pytest.fixture(params=BACKENDS)
def db_location(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A fresh, empty database location on each backend: a SQLite file path or a PostgreSQL URL."""
    if request.param == "sqlite":
        return str(tmp_path_factory.mktemp("store") / "test.db")
    make: Callable[[], str] = request.getfixturevalue("pg_database")
    return make()
