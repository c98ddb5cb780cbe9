"""A large import ends by vacuuming and analysing the tables it filled, on PostgreSQL, when the login owns them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.jobs import importing
from annotator.jobs.importing import import_paths
from annotator.store import _search_pg, open_repository
from tests.fixtures.team import init_team, open_as
from tests.postgres_server import LocalPostgres


def _articles(path: Path, first: int, count: int) -> Path:
    lines = [json.dumps({"title": f"Report {n}", "text": f"Abe spoke in Sochi on day {n}."})
             for n in range(first, first + count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _estimated_rows(postgres: LocalPostgres, url: str) -> float:
    """The planner's row estimate for ``article`` (-1 until the table is first vacuumed or analysed)."""
    with postgres.connect(url.rsplit("/", 1)[1]) as conn:
        row = conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'article'::regclass").fetchone()
    assert row is not None
    return float(row[0])


def test_an_import_of_many_articles_leaves_the_planner_knowing_them(
    postgres: LocalPostgres, pg_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "SETTLE_AFTER", 5)
    url = pg_database()
    with open_repository(url) as repo:
        assert import_paths(repo, [_articles(tmp_path / "few.jsonl", 0, 4)]).imported == 4
        assert _estimated_rows(postgres, url) == -1  # below the threshold: left to autovacuum
        summary = import_paths(repo, [_articles(tmp_path / "many.jsonl", 4, 12)])
        assert summary.imported == 12 and summary.refused == []
        assert _estimated_rows(postgres, url) == 16
        assert [s.title for s in repo.article_summaries(text="day 15")] == ["Report 15"]


def test_only_the_tables_owner_settles_them_and_nothing_fails_for_the_others(
    postgres: LocalPostgres, pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_database()
    init_team(url, {"adam": "admin"})
    with open_as(postgres, url, "adam", monkeypatch) as adam:
        assert adam.settle_after_import() is False  # an admin of the team, not the database's owner
    with open_repository(url) as owner:
        assert owner.settle_after_import() is True
    assert _estimated_rows(postgres, url) == 0


def test_sqlite_has_nothing_to_settle(tmp_path: Path) -> None:
    with open_repository(str(tmp_path / "p.db")) as repo:
        assert repo.settle_after_import() is False


def test_a_refused_vacuum_leaves_the_import_stored_and_says_why_in_the_log(
    postgres: LocalPostgres, pg_database: Callable[[], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(importing, "SETTLE_AFTER", 2)
    monkeypatch.setattr(_search_pg, "IMPORTED_TABLES", ("article", "no_such_table"))  # the server refuses it
    with open_repository(pg_database()) as repo:
        summary = import_paths(repo, [_articles(tmp_path / "a.jsonl", 0, 3)])
        assert summary.imported == 3 and summary.refused == []
        assert repo.count_articles() == 3
    assert "the imported tables were not vacuumed" in caplog.text and "no_such_table" in caplog.text
