"""Migration step 8: the FTS5 index writes with a large buffer and page-sized leaves (``_search.index_settings``),
so catching up with a bulk import merges far fewer segments; what the filter finds does not change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.records import ArticleIn
from annotator.jobs.importing import catch_up_search
from annotator.store import open_repository
from annotator.store._search import INDEX_BUFFER_BYTES, SEARCH_TABLE, index_settings, is_configured
from annotator.store.migrations import latest_version, schema_version
from annotator.store.repository import Repository

WORDS = ("negotiations", "islands", "sanctions", "Kurils", "summit", "Müller", "foo_bar", "4th")
QUERIES = ("negotiations", "islands kurils", "negot", "kur", "muller", "foo_bar", "4", "report 1", "zzz", "s")


def _articles(n: int) -> list[ArticleIn]:
    return [ArticleIn(text=f"Report {i}: {WORDS[i % len(WORDS)]} and {WORDS[(i * 3) % len(WORDS)]} went on.",
                      title=f"T{i}") for i in range(n)]


def _config(location: str) -> dict[str, object]:
    with sqlite3.connect(location) as con:
        return dict(con.execute(f"SELECT k, v FROM {SEARCH_TABLE}_config").fetchall())


def _found(repo: Repository) -> dict[str, list[str]]:
    return {q: [s.title for s in repo.article_summaries(text=q)] for q in QUERIES}


def _integrity(repo: Repository) -> None:
    assert repo.search_backlog() == 0
    repo._st.db.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}, rank) VALUES ('integrity-check', 1)")


def _as_before_step_8(location: str) -> None:
    """What a database of step 7 holds: the index with FTS5's default settings, at version 7."""
    with sqlite3.connect(location) as con:
        con.execute(f"DELETE FROM {SEARCH_TABLE}_config WHERE k IN ('hashsize', 'pgsz')")
        con.execute("UPDATE setting SET value = '7' WHERE key = 'schema_version'")


def test_a_new_project_writes_its_index_with_the_settings(tmp_path: Path) -> None:
    location = str(tmp_path / "p.db")
    with open_repository(location) as repo:
        assert is_configured(repo._st.db)
        assert index_settings(repo._st.db) == {"hashsize": INDEX_BUFFER_BYTES, "pgsz": 8192 - 512}
    assert _config(location)["hashsize"] == INDEX_BUFFER_BYTES


def test_the_leaves_fit_the_pages_of_an_older_project(tmp_path: Path) -> None:
    location = str(tmp_path / "old.db")
    with sqlite3.connect(location) as con:  # a project of a release with SQLite's default 4 KiB pages
        con.execute("PRAGMA page_size = 4096")
        con.execute("VACUUM")
    with open_repository(location) as repo:
        assert repo._st.db.execute_sql("PRAGMA page_size").fetchone()[0] == 4096
        assert _config(location)["pgsz"] == 4096 - 512


def test_step_8_configures_an_upgraded_index_and_the_filter_finds_the_same(tmp_path: Path) -> None:
    location = str(tmp_path / "p.db")
    with open_repository(location) as repo:
        repo.add_articles(_articles(40))
        catch_up_search(repo)
        repo.add_article(ArticleIn(text="Alone: indexed by the trigger, sanctions.", title="alone"))
        before = _found(repo)
    _as_before_step_8(location)
    assert "hashsize" not in _config(location)
    with open_repository(location) as repo:
        assert schema_version(repo._st.db) == latest_version() >= 8
        assert is_configured(repo._st.db)
        assert _found(repo) == before
        assert before["negotiations"] and before["foo_bar"] and "alone" in before["s"]
        repo.add_articles(_articles(60)[40:])  # written with the new settings, beside the segments of before
        catch_up_search(repo)
        _integrity(repo)
        after = _found(repo)
    for query, titles in before.items():
        assert after[query][: len(titles)] == titles, query  # the articles of before are found as before
    assert len(after["negotiations"]) > len(before["negotiations"])


def test_an_index_written_with_the_settings_finds_what_the_defaults_find(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.store._search as search

    configured, plain = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    found = []
    for location in (configured, plain):
        if location == plain:  # FTS5's own defaults, as every index had them before step 8
            monkeypatch.setattr(search, "index_settings", lambda db: {"hashsize": 1 << 20, "pgsz": 1000})
        with open_repository(location) as repo:
            for start in range(0, 3000, 1000):  # three catch-ups: several segments to merge
                repo.add_articles(_articles(3000)[start : start + 1000])
                catch_up_search(repo)
            _integrity(repo)
            found.append(_found(repo))
    assert _config(plain)["pgsz"] == 1000 and _config(configured)["pgsz"] == 8192 - 512
    assert found[0] == found[1]
    assert all(found[0][q] for q in QUERIES if q != "zzz") and found[0]["zzz"] == []


def test_a_database_at_a_later_version_without_step_8_gets_it(tmp_path: Path) -> None:
    """Step numbers are handed out to parallel work: a build may have reached a higher version without step 8."""
    location = str(tmp_path / "p.db")
    with open_repository(location) as repo:
        repo.add_articles(_articles(5))
    with sqlite3.connect(location) as con:
        con.execute(f"DELETE FROM {SEARCH_TABLE}_config WHERE k IN ('hashsize', 'pgsz')")
    with open_repository(location) as repo:
        assert is_configured(repo._st.db)
        assert [s.title for s in repo.article_summaries(text="report 3")] == ["T3"]


def test_step_8_upgrades_a_project_on_either_backend(db_location: str) -> None:
    """On PostgreSQL the step has nothing to set (its search column has no such settings) and the project
    upgrades with every row and its filter."""
    with open_repository(db_location) as repo:
        repo.add_articles(_articles(10))
        repo._st.db.execute_sql("UPDATE setting SET value = '7' WHERE key = 'schema_version'")
    with open_repository(db_location) as repo:
        assert schema_version(repo._st.db) == latest_version() >= 8
        assert is_configured(repo._st.db) == db_location.endswith(".db")  # PostgreSQL: no FTS5 index
        assert repo.count_articles() == 10
        assert [s.title for s in repo.article_summaries(text="negotiations")] == ["T0", "T8"]


def test_a_setting_the_sqlite_build_does_not_know_leaves_the_project_openable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``hashsize`` is not in FTS5's documentation: a build that refuses it keeps its default buffer."""
    import annotator.store._search as search

    real = search.index_settings
    monkeypatch.setattr(search, "index_settings", lambda db: {"no-such-setting": 1, **real(db)})
    location = str(tmp_path / "p.db")
    with open_repository(location) as repo:
        repo.add_articles(_articles(5))
        catch_up_search(repo)
        assert is_configured(repo._st.db)
        assert [s.title for s in repo.article_summaries(text="report 3")] == ["T3"]
    assert "no-such-setting" not in _config(location) and _config(location)["pgsz"] == 8192 - 512
