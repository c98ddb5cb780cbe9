"""Entity decisions on PostgreSQL in two round trips (``store._pg_decisions``): what they send, and their errors."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from annotator.core.errors import ConnectionLostError, PermissionDeniedError
from annotator.core.records import ArticleIn
from annotator.store import open_repository
from annotator.store.repository import Repository
from annotator.store.team import TeamServer
from tests.postgres_server import LocalPostgres, round_trips
from tests.unit.conftest import TEXT, default_suggestions


@pytest.fixture
def pg_repo(pg_database: Callable[[], str]) -> Iterator[tuple[Repository, str]]:
    repo = open_repository(pg_database())
    article_id = repo.add_article(ArticleIn(text=TEXT, title="t")).article_id
    repo.store_suggestions(default_suggestions(article_id))
    repo.ensure_annotator("alice")
    yield repo, article_id
    repo.close()


def test_a_decision_is_two_round_trips_to_the_server(pg_repo: tuple[Repository, str], tmp_path: Path) -> None:
    repo, article_id = pg_repo
    first, second = repo.entities_for(article_id, annotator="alice")[:2]
    repo.accept_entity(first.id, "alice")  # who is connected, the layers: looked up once per repository
    conn = repo._st.db.connection()
    trace = tmp_path / "protocol.trace"
    for decide in (
        lambda: repo.relabel_entity(first.id, "ORG", "alice"),  # an update of alice's row, with the codebook
        lambda: repo.reject_entity(second.id, "alice"),  # a new row in alice's layer
        lambda: repo.accept_entity(second.id, "alice"),  # decided again on the suggestion: her row is updated
    ):
        with trace.open("w") as out:
            conn.pgconn.trace(out.fileno())
            decide()
            conn.pgconn.untrace()
        assert round_trips(trace.read_text()) == 2, trace.read_text()
    rows = repo.entities_for(article_id, layer="alice")
    assert [(r.id, r.label, r.status.value, r.derived_from) for r in rows] == [
        (rows[0].id, "ORG", "corrected", first.id), (rows[1].id, second.label, "accepted", second.id)]
    events = [e["action"] for e in repo.events(article_id, limit=4)]
    assert events == ["accept_entity", "reject_entity", "relabel_entity", "accept_entity"]


def test_a_refusal_at_the_pipelines_end_is_explained_and_nothing_is_left_half_done(
    postgres: LocalPostgres, pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_database()
    with TeamServer(url) as server:
        server.init()
        for name in ("alice", "bob"):
            server.add_user(name, "annotator", f"{name}-pw")
    with open_repository(url) as admin:
        article_id = admin.add_article(ArticleIn(text=TEXT, title="t")).article_id
        admin.store_suggestions(default_suggestions(article_id))
    database = url.rsplit("/", 1)[1]
    monkeypatch.setenv("PGPASSWORD", "alice-pw")
    with open_repository(postgres.url(database, "alice")) as alice:
        suggestion = alice.entities_for(article_id, annotator="alice")[0]
        # The app refuses this itself; without that check the server's policy refuses the queued INSERT, which
        # is only answered at COMMIT.
        monkeypatch.setattr(alice._st, "check_acting_as", lambda annotator: None)
        # (The event, written as bob, is refused first: "alice may not write another person's history".)
        with pytest.raises(PermissionDeniedError, match=r"^alice may not .*\(the team server refused: new row"):
            alice.accept_entity(suggestion.id, "bob")
        change = alice.accept_entity(suggestion.id, "alice")  # the connection is usable again
        assert alice.entity(change.entity_ids[0]).status.value == "accepted"
    with postgres.connect(database) as conn:
        rows = conn.execute("SELECT l.name, e.status FROM entity e JOIN layer l ON l.id = e.layer_id "
                            "WHERE l.name IN ('alice', 'bob')").fetchall()
        events = conn.execute("SELECT annotator, action FROM event WHERE action = 'accept_entity'").fetchall()
    assert rows == [("alice", "accepted")] and events == [("alice", "accept_entity")]


def test_a_connection_lost_before_a_decision_is_explained(pg_repo: tuple[Repository, str], postgres: LocalPostgres
                                                         ) -> None:
    repo, article_id = pg_repo
    suggestion = repo.entities_for(article_id, annotator="alice")[0]
    with postgres.connect(repo.location.rsplit("/", 1)[1]) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                      "WHERE application_name = 'annotator' AND pid <> pg_backend_pid()")
    with pytest.raises(ConnectionLostError, match="the next action reconnects"):
        repo.accept_entity(suggestion.id, "alice")
    assert repo.accept_entity(suggestion.id, "alice").entity_ids


def test_the_policies_functions_keep_their_plans(pg_database: Callable[[], str]) -> None:
    """SQL functions that cannot be inlined are planned on every call (0.5 ms each); PL/pgSQL ones are not."""
    url = pg_database()
    with TeamServer(url) as server:
        server.init()
        languages = dict(server.db.execute_sql(
            "SELECT p.proname, l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
            "WHERE p.proname LIKE %s", ("annotator\\_%",)).fetchall())
    assert languages == dict.fromkeys(
        ["annotator_role", "annotator_id", "annotator_blind", "annotator_readable_layers",
         "annotator_writable_layers"], "plpgsql")


def test_a_conflict_is_retried_and_logged(
    pg_repo: tuple[Repository, str], postgres: LocalPostgres, caplog: pytest.LogCaptureFixture
) -> None:
    """A decision on a row another transaction changed meanwhile runs again on the new row (REPEATABLE READ)."""
    import threading

    repo, article_id = pg_repo
    suggestion = repo.entities_for(article_id, annotator="alice")[0]
    mine = repo.accept_entity(suggestion.id, "alice").entity_ids[0]
    with postgres.connect(repo.location.rsplit("/", 1)[1]) as other, caplog.at_level(
            logging.DEBUG, logger="annotator.store.retries"):
        other.execute("BEGIN")
        other.execute('UPDATE entity SET "end" = "end" - 1 WHERE id = %s', (mine,))
        thread = threading.Thread(target=repo.relabel_entity, args=(suggestion.id, "ORG", "alice"))
        thread.start()
        thread.join(0.5)  # the decision now waits for the other transaction's row lock (or has not begun)
        other.execute("COMMIT")
        thread.join(30)
    row = repo.entity(mine)
    assert (row.label, row.end) == ("ORG", suggestion.end - 1)
    assert any(r.name == "annotator.store.retries" and "relabel_entity" in r.getMessage() for r in caplog.records)
