"""Several people at once on one database: no duplicated suggestion, no lost update, each decision its own commit."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from annotator.core.errors import PermissionDeniedError
from annotator.core.records import ArticleIn
from annotator.store import open_repository
from annotator.store.repository import Repository
from tests.postgres_server import LocalPostgres
from tests.unit.conftest import TEXT, default_suggestions


def _together(workers: list[Callable[[], object]]) -> list[BaseException]:
    """Run the callables in threads released at the same moment; returns what they raised."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], object]) -> None:
        barrier.wait()
        try:
            work()
        except BaseException as exc:  # collected and asserted on by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_two_people_suggesting_at_once_store_each_suggestion_once(db_location: str) -> None:
    first, second = open_repository(db_location), open_repository(db_location)
    try:
        ids = [first.add_article(ArticleIn(text=f"{TEXT} Part {i}.", title=str(i))).article_id for i in range(6)]
        # Both store every article's suggestions, in the same order, at the same moment.
        errors = _together([
            lambda repo=repo: [repo.store_suggestions(default_suggestions(i)) for i in ids]  # type: ignore[misc]
            for repo in (first, second)
        ])
        assert errors == []
        for article_id in ids:
            entities = first.entities_for(article_id, layer="suggestions")
            claims = first.claims_for(article_id, layer="suggestions")
            assert len(entities) == 2 and len(claims) == 1
            roles = (claims[0].source, claims[0].cue, claims[0].content)
            assert sum(len(r.spans) for r in roles if r) == 3  # source, cue, content: spans not doubled either
        assert len(first.actors()) == 1  # "Shinzo Abe" created once
    finally:
        first.close()
        second.close()


def test_many_writers_lose_no_decision(db_location: str) -> None:
    setup = open_repository(db_location)
    try:
        article_id = setup.add_article(ArticleIn(text=TEXT, title="t")).article_id
        setup.store_suggestions(default_suggestions(article_id))
        names = [f"coder{i}" for i in range(4)]
        for name in names:
            setup.ensure_annotator(name)
        suggestion = setup.entities_for(article_id, layer="suggestions")[0]
    finally:
        setup.close()
    repos = [open_repository(db_location) for _ in names]
    labels = ["ORG", "GPE", "PERSON", "ORG"]

    def work(repo: Repository, name: str) -> None:
        for label in labels:
            repo.relabel_entity(suggestion.id, label, name)  # each one its own transaction

    try:
        errors = _together([lambda r=r, n=n: work(r, n) for r, n in zip(repos, names, strict=True)])  # type: ignore[misc]
        assert errors == []
        for name in names:
            rows = repos[0].entities_for(article_id, layer=name)
            assert [(r.label, r.derived_from) for r in rows] == [("ORG", suggestion.id)]  # one row each, the last
        relabels = [e for e in repos[0].events(article_id, limit=100) if e["action"] == "relabel_entity"]
        assert len(relabels) == len(names) * len(labels)
    finally:
        for repo in repos:
            repo.close()


def test_an_update_made_meanwhile_is_not_lost(postgres: LocalPostgres, pg_database: Callable[[], str]) -> None:
    """A concurrent writer holds the row; our decision waits, is retried on the new data, and keeps both."""
    url = pg_database()
    repo = open_repository(url)
    try:
        article_id = repo.add_article(ArticleIn(text=TEXT, title="t")).article_id
        repo.store_suggestions(default_suggestions(article_id))
        repo.ensure_annotator("alice")
        suggestion = repo.entities_for(article_id, layer="suggestions")[0]
        mine = repo.accept_entity(suggestion.id, "alice").entity_ids[0]
        database = url.rsplit("/", 1)[1]
        with postgres.connect(database) as other:
            other.execute("BEGIN ISOLATION LEVEL SERIALIZABLE")
            other.execute('UPDATE entity SET "end" = "end" - 1 WHERE id = %s', (mine,))
            done = threading.Event()
            result: list[object] = []

            def relabel() -> None:
                result.append(repo.relabel_entity(suggestion.id, "ORG", "alice"))
                done.set()

            thread = threading.Thread(target=relabel)
            thread.start()
            assert not done.wait(0.5)  # waits for the other transaction's row lock
            other.execute("COMMIT")
            thread.join(30)
        assert result, "the decision did not finish"
        row = repo.entity(mine)
        assert row.label == "ORG"  # ours
        assert row.end == suggestion.end - 1  # and theirs: not overwritten by a stale read
    finally:
        repo.close()


def test_a_login_without_write_privileges_gets_a_clear_refusal(
    postgres: LocalPostgres, pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_database()
    database = url.rsplit("/", 1)[1]
    with postgres.connect(database) as conn:
        conn.execute("CREATE ROLE reader LOGIN PASSWORD 'reader-pw'")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
    monkeypatch.setenv("PGPASSWORD", "reader-pw")
    with open_repository(postgres.url(database, "reader")) as repo:
        with pytest.raises(PermissionDeniedError, match="reader may not change the annotators"):
            repo.ensure_annotator("x")
        assert repo.annotators() == []


def test_step_5_upgrades_an_older_database_on_both_stores(db_location: str) -> None:
    """A database made before the team server gets the unique suggestion keys and keeps its rows."""
    from annotator.store.migrations import latest_version, schema_version

    repo = open_repository(db_location)
    article_id = repo.add_article(ArticleIn(text=TEXT, title="old")).article_id
    repo.store_suggestions(default_suggestions(article_id))
    db = repo._st.db
    for index in ("entity_suggestion_key", "claim_suggestion_key"):
        db.execute_sql(f"DROP INDEX {index}")
    db.execute_sql("UPDATE setting SET value = '1' WHERE key = 'schema_version'")
    repo.close()
    with open_repository(db_location) as again:
        database = again._st.db
        assert schema_version(database) == latest_version()
        names = {i.name for i in database.get_indexes("entity")} | {i.name for i in database.get_indexes("claim")}
        assert {"entity_suggestion_key", "claim_suggestion_key"} <= names
        assert len(again.entities_for(article_id, layer="suggestions")) == 2
        again.store_suggestions(default_suggestions(article_id))  # still idempotent under the constraint
        assert len(again.entities_for(article_id, layer="suggestions")) == 2


def test_a_lost_connection_is_explained_and_the_next_call_reconnects(
    postgres: LocalPostgres, pg_database: Callable[[], str]
) -> None:
    from annotator.core.errors import ConnectionLostError

    url = pg_database()
    with open_repository(url) as repo:
        repo.ensure_annotator("alice")
        with postgres.connect(url.rsplit("/", 1)[1]) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'annotator' AND pid <> pg_backend_pid()")
        with pytest.raises(ConnectionLostError, match="the next action reconnects"):
            repo.annotators()
        assert repo.annotators() == [("alice", "annotator")]
