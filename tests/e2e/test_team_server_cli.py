"""A team server as its admin and its people run it: `annotator server ...`, import, suggest twice at once, export,
a refusal, and an offline laptop's layer moved to the server."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import TupleRow

from annotator.core.records import ArticleStatus, Span
from tests.e2e.test_cli import EXE, ROOT, SEEDS
from tests.postgres_server import LocalPostgres

pytestmark = pytest.mark.slow

PASSWORDS = {"alice": "alice-pw", "bob": "bob-pw"}


def _env(db: str, password: str) -> dict[str, str]:
    return {**os.environ, "ANNOTATOR_DB": db, "PGPASSWORD": password, "QT_QPA_PLATFORM": "offscreen"}


def run(*args: str | Path, db: str, password: str, check: bool = True,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=_env(db, password),
                          cwd=ROOT, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
                          timeout=600, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"annotator {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


def _count(conn: psycopg.Connection[TupleRow], sql: str) -> int:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


def test_a_team_server_in_three_commands_and_two_people_suggesting_at_once(
    postgres: LocalPostgres, pg_database: Callable[[], str], tmp_path: Path
) -> None:
    admin_url = pg_database()
    database = admin_url.rsplit("/", 1)[1]
    admin_pw = postgres.password
    out = run("server", "init", "--db", admin_url, db=admin_url, password=admin_pw)
    assert "row-level security" in out.stdout and "postgres is an admin" in out.stdout
    for name in PASSWORDS:
        out = run("server", "add-user", name, "--role", "annotator", "--password-stdin", db=admin_url,
                  password=admin_pw, stdin=PASSWORDS[name] + "\n")
        assert f"{name} is an annotator" in out.stdout
        assert PASSWORDS[name] not in out.stdout + out.stderr
    run("import", SEEDS, db=admin_url, password=admin_pw)

    alice_url, bob_url = postgres.url(database, "alice"), postgres.url(database, "bob")
    # alice and bob run suggest at the same moment.
    procs = [
        subprocess.Popen([str(EXE), "suggest"], env=_env(url, PASSWORDS[name]), cwd=ROOT, text=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for url, name in ((alice_url, "alice"), (bob_url, "bob"))
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    with postgres.connect(database) as conn:
        keys = "article_id, start, \"end\", label"
        total = _count(conn, "SELECT count(*) FROM entity e JOIN layer l ON l.id = e.layer_id "
                             "WHERE l.name = 'suggestions'")
        distinct = _count(conn, f"SELECT count(*) FROM (SELECT DISTINCT {keys} FROM entity e JOIN layer l "
                                "ON l.id = e.layer_id WHERE l.name = 'suggestions') k")
        claims = _count(conn, "SELECT count(*) FROM claim")
        distinct_claims = _count(conn, "SELECT count(*) FROM (SELECT DISTINCT article_id, span_key FROM claim) k")
    assert total > 0 and total == distinct
    assert claims > 0 and claims == distinct_claims
    again = run("suggest", db=alice_url, password=PASSWORDS["alice"])
    assert "0 articles suggested" in again.stdout or "nothing to suggest" in again.stdout.lower(), again.stdout

    target = tmp_path / "team.json"
    run("export", "-o", target, db=bob_url, password=PASSWORDS["bob"])
    from annotator.io.schema import validate_export

    validate_export(json.loads(target.read_text(encoding="utf-8")))
    stats = run("stats", "--json", db=bob_url, password=PASSWORDS["bob"])
    assert json.loads(stats.stdout)["articles"]

    # The offline laptop: alice codes in SQLite, exports her layer, imports it into the server.
    laptop = tmp_path / "laptop.db"
    run("import", SEEDS, db=str(laptop), password="")
    from annotator.store import open_repository

    with open_repository(str(laptop)) as repo:
        repo.ensure_annotator("alice")
        first = repo.article_ids()[0]
        repo.add_entity(first, 0, 5, "ORG", "alice")
        repo.add_claim(first, "alice", cue=[Span(0, 5)], kind="direct")
        repo.set_article_status(first, "alice", ArticleStatus.DONE)
    layer = tmp_path / "alice.json"
    run("export", "--layer", "alice", "-o", layer, db=str(laptop), password="")

    refused = run("import", layer, db=bob_url, password=PASSWORDS["bob"], check=False)
    assert "bob may not change alice's layer" in refused.stdout + refused.stderr

    run("import", layer, db=alice_url, password=PASSWORDS["alice"])
    with postgres.connect(database) as conn:
        moved = _count(conn, "SELECT count(*) FROM entity e JOIN layer l ON l.id = e.layer_id WHERE l.name = 'alice'")
        done = _count(conn, "SELECT count(*) FROM article_state s JOIN annotator a ON a.id = s.annotator_id "
                            "WHERE a.name = 'alice' AND s.status = 'done'")
    assert moved == 1 and done == 1


def test_server_commands_explain_what_is_wrong(postgres: LocalPostgres, pg_database: Callable[[], str],
                                               tmp_path: Path) -> None:
    url = pg_database()
    out = run("server", "add-user", "carol", "--role", "annotator", "--no-password", db=url,
              password=postgres.password, check=False)
    assert out.returncode == 1 and "not a team server yet: run `annotator server init`" in out.stderr
    out = run("server", "init", db=str(tmp_path / "one.db"), password="", check=False)
    assert out.returncode == 1 and "is not a PostgreSQL database" in out.stderr
    secret = "s3cret-in-url"
    leaked = url.replace("postgres@", f"postgres:{secret}@")
    out = run("stats", "--db", leaked, db=url, password=postgres.password, check=False)
    assert out.returncode == 1 and "PGPASSWORD" in out.stderr and secret not in out.stderr
    run("server", "init", db=url, password=postgres.password)
    out = run("server", "add-user", "gold", "--role", "annotator", "--no-password", db=url,
              password=postgres.password, check=False)
    assert out.returncode == 1 and "reserved" in out.stderr
    out = run("server", "blind-coding", "on", db=url, password=postgres.password)
    status = run("server", "status", db=url, password=postgres.password)
    assert "blind coding: on" in status.stdout
