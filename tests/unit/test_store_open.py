"""Opening databases: paths, URLs, pragmas, migrations, several repositories, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from peewee import Database, SqliteDatabase
from playhouse.migrate import SchemaMigrator

from annotator.core.errors import ConfigError
from annotator.core.records import ArticleIn, ArticleStatus
from annotator.store import default_database_path, open_repository
from annotator.store.database import SQLITE_PAGE_SIZE
from annotator.store.migrations import STEPS, Step, latest_version, migrate, schema_version
from annotator.store.repository import Repository


def test_plain_path_creates_parent_folders_with_wal_and_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "x.db"
    repo = open_repository(str(path))
    try:
        repo.add_article(ArticleIn(text="hello"))
        assert path.exists() and repo.location == str(path)
        db = repo._st.db
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
    finally:
        repo.close()
    # WAL is a property of the file: a plain sqlite3 connection sees it too.
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_sqlite_url_gets_the_same_pragmas(tmp_path: Path) -> None:
    repo = open_repository(f"sqlite:///{tmp_path / 'u' / 'url.db'}")
    try:
        assert repo.count_articles() == 0
        assert repo._st.db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        repo.close()


def test_none_uses_the_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "env" / "from_env.db"
    monkeypatch.setenv("ANNOTATOR_DB", str(target))
    assert default_database_path() == target
    repo = open_repository(None)
    try:
        assert repo.location == str(target) and target.exists()
    finally:
        repo.close()


def test_default_path_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
    path = default_database_path()
    assert path.name == "annotator.db" and "annotator" in path.parent.as_posix()


def test_two_repositories_on_two_files_do_not_mix(tmp_path: Path) -> None:
    one, two = open_repository(str(tmp_path / "one.db")), open_repository(str(tmp_path / "two.db"))
    try:
        one.add_article(ArticleIn(text="only in one", ext_id="x1"))
        two.add_article(ArticleIn(text="only in two", ext_id="x2"))
        two.add_article(ArticleIn(text="also in two"))
        assert (one.article_ids(), two.count_articles()) == (["x1"], 2)
        # Interleaved generators of both repositories each read their own file.
        pairs = list(zip(one.iter_articles(batch=1), two.iter_articles(batch=1), strict=False))
        assert [(a.text, b.text) for a, b in pairs] == [("only in one", "only in two")]
    finally:
        one.close()
        two.close()


def test_a_worker_thread_writes_while_the_main_thread_reads(repo: Repository) -> None:
    repo.ensure_annotator("alice")
    first = repo.add_article(ArticleIn(text="seed article")).article_id
    errors: list[BaseException] = []
    started = threading.Event()

    def work() -> None:
        try:
            started.set()
            for i in range(60):
                repo.add_article(ArticleIn(text=f"worker article {i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    seen = []
    while worker.is_alive():
        seen.append(repo.count_articles())
        repo.set_article_status(first, "alice", ArticleStatus.IN_PROGRESS)  # the GUI writes too
    worker.join()
    assert errors == []
    assert seen == sorted(seen)  # reads saw a consistent, growing database
    assert repo.count_articles() == 61
    assert repo.article_status(first, "alice") == ArticleStatus.IN_PROGRESS


def test_reopening_an_existing_database_keeps_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "keep.db")
    with open_repository(path) as repo:
        repo.ensure_annotator("alice")
        aid = repo.add_article(ArticleIn(text="kept")).article_id
    assert repo._st.db.is_closed()
    again = open_repository(path)
    try:
        assert again.article_ids() == [aid] and again.annotators() == [("alice", "annotator")]
    finally:
        again.close()


def test_a_new_project_has_8k_pages_and_an_older_file_keeps_its_own(tmp_path: Path) -> None:
    """Articles of 2-2.5 KB took a 4 KiB page each (half of the file empty); 8 KiB pages hold three."""
    new = tmp_path / "new.db"
    with open_repository(str(new)) as repo:
        repo.add_article(ArticleIn(text="x" * 2500, title="one"))
    with sqlite3.connect(new) as con:
        assert con.execute("PRAGMA page_size").fetchone() == (SQLITE_PAGE_SIZE,) == (8192,)
        assert con.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    old = tmp_path / "old.db"
    with open_repository(str(old)) as repo:
        first = repo.add_article(ArticleIn(text="y" * 2500, title="two")).article_id
    con = sqlite3.connect(old, isolation_level=None)  # as a project made by an earlier release: 4 KiB pages
    con.execute("PRAGMA journal_mode = delete")
    con.execute("PRAGMA page_size = 4096")
    con.execute("VACUUM")
    con.execute("PRAGMA journal_mode = wal")
    assert con.execute("PRAGMA page_size").fetchone() == (4096,)
    con.close()
    with open_repository(str(old)) as repo:
        second = repo.add_article(ArticleIn(text="z" * 2500, title="three")).article_id
    with open_repository(str(old)) as repo:
        assert repo.article_ids() == [first, second]
    with sqlite3.connect(old) as con:
        assert con.execute("PRAGMA page_size").fetchone() == (4096,)


def test_an_upgrade_step_runs_once_and_keeps_rows(tmp_path: Path) -> None:
    path = str(tmp_path / "v1.db")
    repo = open_repository(path)
    aid = repo.add_article(ArticleIn(text="a v1 row")).article_id
    repo.close()
    db = SqliteDatabase(path)
    current = latest_version()
    assert schema_version(db) == current
    calls: list[int] = []

    def add_column(database: Database, migrator: SchemaMigrator) -> None:
        from playhouse.migrate import IntegerField
        from playhouse.migrate import migrate as run

        calls.append(1)
        run(migrator.add_column("article", "word_count", IntegerField(null=True)))

    steps = [*STEPS, Step(current + 1, "article word count", add_column)]
    assert migrate(db, steps) == current + 1 and migrate(db, steps) == current + 1
    assert calls == [1]
    columns = {c.name for c in db.get_columns("article")}
    assert "word_count" in columns
    assert db.execute_sql("SELECT id FROM article").fetchall() == [(aid,)]
    db.close()
    # This build does not know the new version: it refuses the newer database instead of damaging it.
    with pytest.raises(ConfigError, match="newer"):
        open_repository(path)


def test_two_instances_on_one_file_write_at_the_same_time(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.db")
    first, second = open_repository(path), open_repository(path)
    errors: list[BaseException] = []

    def write(repo: Repository, name: str) -> None:
        try:
            for i in range(40):
                repo.add_article(ArticleIn(text=f"{name} article {i}"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(r, n)) for r, n in ((first, "one"), (second, "two"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert first.count_articles() == second.count_articles() == 80
        # Positions stay unique: the import order is well defined even with two writers.
        (positions,) = first._st.db.execute_sql("SELECT COUNT(DISTINCT position) FROM article").fetchone()
        assert positions == 80
    finally:
        first.close()
        second.close()


def test_iter_articles_keeps_the_requested_order(repo: Repository) -> None:
    ids = [repo.add_article(ArticleIn(text=f"text {i}", title=f"t{i}")).article_id for i in range(5)]
    assert [a.id for a in repo.iter_articles(batch=2)] == ids
    wanted = [ids[3], ids[0], "missing", ids[4]]
    assert [a.title for a in repo.iter_articles(wanted, batch=2)] == ["t3", "t0", "t4"]
