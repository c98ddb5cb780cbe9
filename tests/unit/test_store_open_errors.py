"""Issue 15, points 12-13: every bad ``--db`` is one clear StorageError naming it, and nothing is changed."""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.errors import StorageError
from annotator.core.records import ArticleIn
from annotator.store import open_repository
from tests.fixtures.unprivileged import run_as_nobody


def project(path: Path, n: int = 30) -> Path:
    with open_repository(str(path)) as repo:
        for i in range(n):
            repo.add_article(ArticleIn(text=f"Article {i}: " + "Abe met Putin in Sochi. " * 40, title=f"T{i}"))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def truncated(tmp: Path) -> Path:
    path = project(tmp / "t.db")
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 3)
    return path


def overwritten_header(tmp: Path) -> Path:
    path = project(tmp / "h.db")
    with path.open("r+b") as handle:
        handle.write(b"X" * 16)
    return path


def text_file(tmp: Path) -> Path:
    path = tmp / "notes.db"
    path.write_text("these are my notes\n")
    return path


def folder(tmp: Path) -> Path:
    path = tmp / "dir.db"
    path.mkdir()
    return path


def bad_version(tmp: Path) -> Path:
    path = project(tmp / "v.db", 2)
    con = sqlite3.connect(path)
    con.execute("UPDATE setting SET value = '\"abc\"' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    return path


def missing_table(tmp: Path) -> Path:
    path = project(tmp / "m.db", 2)
    con = sqlite3.connect(path)
    con.execute("DROP TABLE claim_span")
    con.commit()
    con.close()
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated": (truncated, "truncated"),
    "overwritten header": (overwritten_header, "not a SQLite database"),
    "text file": (text_file, "not a SQLite database"),
    "folder": (folder, "is a folder"),
    "schema_version abc": (bad_version, "schema version is '\"abc\"'"),
    "missing table": (missing_table, "claim_span are missing"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_database_file_is_one_clear_line(tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    path = make(tmp_path)
    before = path.read_bytes() if path.is_file() else None
    with pytest.raises(StorageError) as info:
        open_repository(str(path))
    message = str(info.value)
    assert expected in message and str(path) in message and "\n" not in message
    if before is not None:
        assert path.read_bytes() == before  # nothing changed


def test_damaged_pages_met_later_are_a_storage_error(tmp_path: Path) -> None:
    path = project(tmp_path / "c.db", 200)
    size = path.stat().st_size
    with path.open("r+b") as handle:  # garbage over pages in the middle; the header still says SQLite
        handle.seek(size // 2)
        handle.write(b"\xde\xad" * 8192)
    with pytest.raises(StorageError, match=r"malformed|damaged"), open_repository(str(path)) as repo:
        list(repo.iter_articles(repo.article_ids()))


def test_url_without_driver_and_unknown_scheme(monkeypatch: pytest.MonkeyPatch) -> None:
    # What an installation without psycopg looks like: the store imports the driver when PostgreSQL is opened.
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(StorageError, match="driver for 'postgresql' is not installed"):
        open_repository("postgresql://ann@localhost:1/project")
    with pytest.raises(StorageError, match="unknown database URL scheme 'foo'"):
        open_repository("foo://somewhere")


def test_empty_location_is_refused_not_the_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", str(tmp_path / "default.db"))
    for empty in ("", "  "):
        with pytest.raises(StorageError, match="location is empty"):
            open_repository(empty)
    assert not (tmp_path / "default.db").exists()


def test_another_applications_database_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "music.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE artists (id INTEGER PRIMARY KEY, name TEXT)")
    con.execute("INSERT INTO artists (name) VALUES ('Miles')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"not an annotator database .*artists"):
        open_repository(str(path))
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert [n for (n,) in con.execute("SELECT name FROM sqlite_master")] == ["artists"]
    con.close()


def test_empty_file_and_new_file_become_projects(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with open_repository(str(empty)) as repo:
        assert repo.count_articles() == 0
    with open_repository(str(tmp_path / "new" / "p.db")) as repo:
        assert repo.count_articles() == 0


def _run_as_nobody(action: Callable[[], None]) -> str:
    """The error ``action`` raised as ``nobody`` ("TypeName: message"), or '' when it raised none."""
    try:
        run_as_nobody(action)
    except AssertionError as exc:
        return str(exc)
    return ""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges")
def test_read_only_folder_is_one_clear_line() -> None:
    base = Path(tempfile.mkdtemp(prefix="annotator-ro-"))
    try:
        base.chmod(0o755)
        existing = project(base / "p.db", 2)
        existing.chmod(0o644)
        base.chmod(0o555)

        def open_existing() -> None:
            open_repository(str(existing)).close()

        def create_new() -> None:
            open_repository(str(base / "new.db")).close()

        for action, expected in ((open_existing, "read-only"), (create_new, "not writable")):
            message = _run_as_nobody(action)
            assert message.startswith("StorageError:") and expected in message, message
    finally:
        base.chmod(0o755)
        for name in os.listdir(base):
            os.unlink(base / name)
        base.rmdir()
