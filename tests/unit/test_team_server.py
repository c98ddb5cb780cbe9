"""The team server on a real PostgreSQL: roles, grants and row-level security, through the app and raw SQL."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from annotator.core.codebook import Codebook, Label
from annotator.core.errors import ConfigError, PermissionDeniedError
from annotator.core.records import ArticleIn, ArticleStatus, EntityIn
from annotator.jobs.importing import import_paths
from annotator.store import open_repository
from annotator.store.repository import Repository
from annotator.store.team import TeamServer
from tests.postgres_server import LocalPostgres
from tests.unit.conftest import TEXT, default_suggestions

PASSWORDS = {"alice": "alice-pw", "bob": "bob-pw", "rita": "rita-pw", "adam": "adam-pw"}


@dataclass
class Team:
    server: LocalPostgres
    url: str
    database: str
    admin: Repository
    article_id: str
    opened: list[Repository]

    def repo(self, who: str, monkeypatch: pytest.MonkeyPatch) -> Repository:
        """A repository connected as ``who`` (password via PGPASSWORD, as a person would)."""
        monkeypatch.setenv("PGPASSWORD", PASSWORDS[who])
        repository = open_repository(self.server.url(self.database, who))
        monkeypatch.setenv("PGPASSWORD", self.server.password)
        self.opened.append(repository)
        return repository

    def sql(self, who: str) -> psycopg.Connection[Any]:
        conn: psycopg.Connection[Any] = self.server.connect(self.database, who, PASSWORDS[who])
        return conn


@pytest.fixture
def team(postgres: LocalPostgres, pg_database: Callable[[], str]) -> Iterator[Team]:
    """An initialised team server: annotators alice and bob, reviewer rita, admin adam; one suggested article."""
    url = pg_database()
    with TeamServer(url) as server:
        server.init()
        for name, role in (("alice", "annotator"), ("bob", "annotator"), ("rita", "reviewer"), ("adam", "admin")):
            server.add_user(name, role, PASSWORDS[name])
    admin = open_repository(url)
    article_id = admin.add_article(ArticleIn(text=TEXT, title="Abe and Putin")).article_id
    admin.store_suggestions(default_suggestions(article_id))
    made = Team(postgres, url, url.rsplit("/", 1)[1], admin, article_id, [])
    yield made
    for repository in [admin, *made.opened]:
        repository.close()


def _layer_rows(conn: psycopg.Connection[Any], layer: str) -> int:
    row = conn.execute(
        "SELECT count(*) FROM entity e JOIN layer l ON l.id = e.layer_id WHERE l.name = %s", (layer,)
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_init_and_add_user_report_what_they_did(team: Team) -> None:
    with TeamServer(team.url) as server:
        again = server.init()  # idempotent
        status = server.status()
    assert "schema at version" in again[0]
    assert status.initialised and not status.blind_coding
    assert ("alice", "annotator") in status.people and ("adam", "admin") in status.people
    assert "rita (reviewer)" in "\n".join(status.lines())


def test_the_login_is_the_annotator(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = team.repo("alice", monkeypatch)
    assert alice.team_identity() == ("alice", "annotator")
    assert team.admin.team_identity() == ("postgres", "admin")


def test_an_annotator_decides_in_their_own_layer_and_not_in_anothers(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob = team.repo("alice", monkeypatch), team.repo("bob", monkeypatch)
    suggestion = alice.entities_for(team.article_id, annotator="alice")[0]
    alice.accept_entity(suggestion.id, "alice")
    bob.reject_entity(suggestion.id, "bob")
    with pytest.raises(PermissionDeniedError, match="bob may not change alice's layer"):
        bob.relabel_entity(suggestion.id, "ORG", "alice")
    with pytest.raises(PermissionDeniedError, match="bob may not change alice's layer"):
        bob.add_entity(team.article_id, 2, 8, "PERSON", "alice")
    mine = alice.entities_for(team.article_id, layer="alice")
    assert [(e.status.value, e.label) for e in mine] == [("accepted", suggestion.label)]


def test_raw_sql_as_bob_cannot_change_alices_rows(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    alice = team.repo("alice", monkeypatch)
    suggestion = alice.entities_for(team.article_id, annotator="alice")[0]
    alice.accept_entity(suggestion.id, "alice")
    with team.sql("bob") as conn:
        updated = conn.execute(
            "UPDATE entity SET label = 'ORG' WHERE layer_id = (SELECT id FROM layer WHERE name = 'alice')"
        )
        assert updated.rowcount == 0  # row-level security: alice's rows are not bob's to update
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO entity (article_id, layer_id, start, \"end\", label, status, origin, created, "
                "updated, deleted) SELECT article_id, (SELECT id FROM layer WHERE name = 'alice'), 2, 8, 'PERSON', "
                "'manual', 'x', 'now', 'now', false FROM entity LIMIT 1"
            )
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM entity")
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute("INSERT INTO annotator (name, role) VALUES ('mallory', 'admin')")
    with team.sql("alice") as conn:
        assert _layer_rows(conn, "alice") == 1
        row = conn.execute("SELECT label FROM entity e JOIN layer l ON l.id = e.layer_id WHERE l.name = 'alice'")
        assert row.fetchone() == (suggestion.label,)


def test_blind_coding_hides_other_layers_from_annotators_only(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob = team.repo("alice", monkeypatch), team.repo("bob", monkeypatch)
    suggestion = alice.entities_for(team.article_id, annotator="alice")[0]
    alice.accept_entity(suggestion.id, "alice")
    claim = alice.claims_for(team.article_id, annotator="alice")[0]
    alice.accept_claim(claim.id, "alice")
    with team.sql("bob") as conn:
        assert _layer_rows(conn, "alice") == 1  # blind coding is off: bob may look
    with TeamServer(team.url) as server:
        server.set_blind_coding(True)
    with team.sql("bob") as conn:
        assert _layer_rows(conn, "alice") == 0
        assert _layer_rows(conn, "suggestions") == 2
        hidden = conn.execute(
            "SELECT count(*) FROM claim_span s JOIN claim c ON c.id = s.claim_id JOIN layer l ON l.id = c.layer_id "
            "WHERE l.name = 'alice'"
        ).fetchone()
        assert hidden == (0,)
        spans = conn.execute("SELECT count(*) FROM claim_span").fetchone()
        assert spans is not None and spans[0] > 0  # the suggestion's spans
        events = conn.execute("SELECT count(*) FROM event WHERE annotator = 'alice'").fetchone()
        assert events == (0,)  # the history holds snapshots of alice's rows
    assert {e.layer for e in bob.entities_for(team.article_id)} == {"suggestions"}
    with pytest.raises(Exception, match="unknown entity"):
        bob.entity(alice.entities_for(team.article_id, layer="alice")[0].id)
    with team.sql("rita") as conn:
        assert _layer_rows(conn, "alice") == 1  # reviewers see every layer
    with team.sql("alice") as conn:
        assert _layer_rows(conn, "alice") == 1


def test_reviewers_write_gold_and_annotators_do_not(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, rita = team.repo("alice", monkeypatch), team.repo("rita", monkeypatch)
    suggestion = alice.entities_for(team.article_id, annotator="alice")[0]
    decided = alice.accept_entity(suggestion.id, "alice").entity_ids[0]
    rita.adopt_entity(decided, "rita")
    assert [e.layer for e in rita.entities_for(team.article_id, layer="gold")] == ["gold"]
    with team.sql("alice") as conn, pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level"):
        conn.execute(
            "INSERT INTO entity (article_id, layer_id, start, \"end\", label, status, origin, created, updated, "
            "deleted) SELECT article_id, (SELECT id FROM layer WHERE name = 'gold'), 2, 8, 'PERSON', 'manual', 'x', "
            "'now', 'now', false FROM entity LIMIT 1"
        )
    with pytest.raises(PermissionDeniedError, match="alice may not change the gold layer"):
        _import_into(alice, "gold")
    with pytest.raises(PermissionDeniedError, match="alice may not change bob's layer"):
        _import_into(alice, "bob")


def _import_into(repo: Repository, layer: str) -> None:
    """Import the stored article again with one entity in ``layer`` (a merge of another machine's work)."""
    repo.add_article(ArticleIn(text=TEXT, entities=[EntityIn(2, 8, "PERSON", annotator=layer)]))


def test_only_admins_change_settings_annotators_and_articles(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    bob, rita, adam = team.repo("bob", monkeypatch), team.repo("rita", monkeypatch), team.repo("adam", monkeypatch)
    with pytest.raises(PermissionDeniedError, match="bob may not change the project settings: only admins"):
        bob.set_setting("overlap", 2)
    with pytest.raises(PermissionDeniedError, match="rita may not change the project settings"):
        rita.set_setting("blind_coding", True)
    with pytest.raises(PermissionDeniedError, match="bob may not change the annotators"):
        bob.ensure_annotator("carol", "reviewer")
    with pytest.raises(PermissionDeniedError, match="bob may not import or change articles"):
        bob.add_article(ArticleIn(text="A new article by Bob.", title="mine"))
    adam.set_setting("overlap", 2)
    adam.ensure_annotator("carol", "annotator")
    assert bob.get_setting("overlap") == 2
    with team.sql("bob") as conn:
        assert conn.execute("UPDATE setting SET value = '5' WHERE key = 'setting:overlap'").rowcount == 0
        assert conn.execute("UPDATE annotator SET role = 'admin' WHERE name = 'bob'").rowcount == 0
        assert conn.execute("SELECT role FROM annotator WHERE name = 'bob'").fetchone() == ("annotator",)
    monkeypatch.setenv("PGPASSWORD", PASSWORDS["bob"])
    with TeamServer(team.server.url(team.database, "bob")) as as_bob:
        with pytest.raises(PermissionDeniedError, match="bob may not change the project settings"):
            as_bob.set_blind_coding(True)
        assert not as_bob.blind_coding()


def test_an_admin_adds_people_and_undo_is_ones_own(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PGPASSWORD", PASSWORDS["adam"])
    with TeamServer(team.server.url(team.database, "adam")) as server:
        server.add_user("carol", "annotator", "carol-pw")
    monkeypatch.setenv("PGPASSWORD", team.server.password)
    with team.server.connect(team.database, "carol", "carol-pw") as conn:
        assert conn.execute("SELECT annotator_role()").fetchone() == ("annotator",)
    alice, bob = team.repo("alice", monkeypatch), team.repo("bob", monkeypatch)
    suggestion = alice.entities_for(team.article_id, annotator="alice")[0]
    change = alice.accept_entity(suggestion.id, "alice")
    with pytest.raises(PermissionDeniedError, match="bob may not"):
        bob.revert(change.event_id, "bob")
    alice.revert(change.event_id, "alice")


def test_progress_and_sessions_are_ones_own(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    alice, bob = team.repo("alice", monkeypatch), team.repo("bob", monkeypatch)
    alice.set_article_status(team.article_id, "alice", ArticleStatus.DONE)
    assert alice.start_session("alice") > 0
    with pytest.raises(PermissionDeniedError, match="bob may not"):
        bob.set_article_status(team.article_id, "alice", ArticleStatus.TODO)
    summaries = bob.article_summaries()
    assert summaries[0].status == "done"  # others' progress is visible (the queue needs it)


def test_connection_errors_name_the_server_never_the_password(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PGPASSWORD", "wrong-password")
    with pytest.raises(ConfigError) as caught:
        open_repository(team.server.url(team.database, "alice"))
    message = str(caught.value)
    assert "password authentication failed" in message and "PGPASSWORD or ~/.pgpass" in message
    assert "wrong-password" not in message
    with pytest.raises(ConfigError, match="contains a password") as caught:
        open_repository(f"postgresql://alice:{PASSWORDS['alice']}@127.0.0.1:{team.server.port}/{team.database}")
    assert PASSWORDS["alice"] not in str(caught.value)


def test_pgpass_file_is_used(team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    passfile = tmp_path / "pgpass"
    passfile.write_text(f"127.0.0.1:{team.server.port}:{team.database}:alice:{PASSWORDS['alice']}\n")
    passfile.chmod(0o600)
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(passfile))
    with open_repository(team.server.url(team.database, "alice")) as repo:
        assert repo.team_identity() == ("alice", "annotator")


def test_a_person_cannot_upgrade_the_schema(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    with team.server.connect(team.database) as conn:
        conn.execute("UPDATE setting SET value = '1' WHERE key = 'schema_version'")
    with pytest.raises(ConfigError, match="only its owner may run"):
        team.repo("alice", monkeypatch)


def test_a_table_added_by_a_later_upgrade_is_readable_at_once_and_admin_only_after_init(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    with team.server.connect(team.database) as conn:
        conn.execute("CREATE TABLE later_codebook (id integer PRIMARY KEY, data text)")
        conn.execute("INSERT INTO later_codebook VALUES (1, 'v1')")
    with team.sql("bob") as conn:
        assert conn.execute("SELECT data FROM later_codebook").fetchone() == ("v1",)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("UPDATE later_codebook SET data = 'bob'")
    with TeamServer(team.url) as server:
        server.init()
    with team.sql("bob") as conn:
        assert conn.execute("UPDATE later_codebook SET data = 'bob'").rowcount == 0  # row-level security now
    with team.sql("adam") as conn:
        assert conn.execute("UPDATE later_codebook SET data = 'adam'").rowcount == 1


def test_only_admins_change_the_codebook(team: Team, monkeypatch: pytest.MonkeyPatch) -> None:
    bob, rita, adam = team.repo("bob", monkeypatch), team.repo("rita", monkeypatch), team.repo("adam", monkeypatch)
    book = bob.codebook()
    for who, repo in (("bob", bob), ("rita", rita)):
        with pytest.raises(PermissionDeniedError, match=f"{who} may not change the codebook: only admins"):
            repo.replace_codebook(book, who)
    with team.sql("bob") as conn:
        assert conn.execute("UPDATE codebook SET data = '{}'").rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO codebook (id, data, updated) VALUES (2, '{}', 'now')")
    adam.replace_codebook(book, "adam")
    assert bob.codebook() == book


# ---------------------------------------------------------------------- importing codes the project lacks


def _bob_line(path: Path, label: str, codebook: dict[str, Any] | None = None) -> Path:
    """A JSONL line of bob's own coding of the team's article (a colleague's file, or bob's own export)."""
    start = TEXT.index("Shinzo Abe")
    record: dict[str, Any] = {
        "text": TEXT,
        "entities": [{"start": start, "end": start + 10, "label": label, "status": "manual", "annotator": "bob"}],
    }
    if codebook is not None:
        record["codebook"] = codebook
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_an_annotators_import_of_codes_the_project_lacks_is_refused_naming_file_and_codes(
    team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bob = team.repo("bob", monkeypatch)
    before = bob.codebook()
    file = _bob_line(tmp_path / "bob.jsonl", "SPEAKER")
    summary = import_paths(bob, [file], annotator="bob")
    (refusal,) = summary.refused
    assert refusal.path == str(file) and refusal.line == 1
    assert "label 'SPEAKER'" in refusal.reason and "only an admin adds codes" in refusal.reason
    assert "ask an admin to import the file" in refusal.reason
    assert bob.codebook() == before and bob.entities_for(team.article_id, layer="bob") == []
    # Once an admin has imported the file's codes, bob's import goes through.
    adam = team.repo("adam", monkeypatch)
    adam.merge_codebook(Codebook(labels=(Label("SPEAKER", "#123456"),)), "adam")
    summary = import_paths(bob, [file], annotator="bob")
    assert summary.refused == [] and [e.label for e in bob.entities_for(team.article_id, layer="bob")] == ["SPEAKER"]


def test_codes_a_file_carries_but_no_row_uses_are_reported_not_added_for_an_annotator(
    team: Team, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bob = team.repo("bob", monkeypatch)
    before = bob.codebook()
    carried = Codebook(labels=(*before.labels, Label("PARTY")), issues=before.issues).to_dict()
    file = _bob_line(tmp_path / "bob.jsonl", "PERSON", carried)
    summary = import_paths(bob, [file], annotator="bob")
    assert summary.refused == []
    assert [e.label for e in bob.entities_for(team.article_id, layer="bob")] == ["PERSON"]
    assert bob.codebook() == before
    assert any("not added" in line and "PARTY" in line for line in summary.codebook_added)
    # An admin's import of the same file adds the code.
    adam = team.repo("adam", monkeypatch)
    assert "added label: PARTY" in import_paths(adam, [file], annotator="bob").codebook_added
    assert "PARTY" in adam.labels()
