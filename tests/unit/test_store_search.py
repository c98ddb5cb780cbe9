"""Issue 15, points 18 and 32: the text filter (FTS5 on SQLite), NUL in a query, and the index migration."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.core.records import ArticleIn, ArticleStatus
from annotator.store import open_repository
from annotator.store._search import SEARCH_TABLE, fts_query
from annotator.store.migrations import STEPS, latest_version
from annotator.store.repository import Repository

TEXTS = [
    ("Abe in Sochi", "Shinzo Abe met Vladimir Putin in Sochi on Friday."),
    ("Kuril talks", "The negotiations over the Southern Kurils stalled, said Lavrov."),
    ("Köln", "Müller sagte in Köln, dass die Gespräche weitergehen."),
    ("Prices", "Oil prices rose 3% after the G7 meeting; 100% of analysts agreed."),
]


@pytest.fixture
def filled(repo: Repository) -> tuple[Repository, list[str]]:
    ids = [repo.add_article(ArticleIn(text=text, title=title)).article_id for title, text in TEXTS]
    return repo, ids


def found(repo: Repository, text: str) -> list[str]:
    return [s.title for s in repo.article_summaries(text=text)]


def test_the_index_is_used_and_words_match_by_prefix(filled: tuple[Repository, list[str]]) -> None:
    """On both backends: SQLite's FTS5 index, PostgreSQL's ``tsvector`` column (``_search_pg``). They differ
    where their engines do: FTS5 folds accents and takes only the last word as a prefix; PostgreSQL's
    ``simple`` configuration keeps accents and takes every word as a prefix."""
    repo, _ = filled
    postgres = repo._st.is_postgres
    assert repo._st.has_search_index()
    assert found(repo, "sochi") == ["Abe in Sochi"]
    assert found(repo, "negot") == ["Kuril talks"]  # a prefix, as typed while filtering
    assert found(repo, "kurils negot") == ["Kuril talks"]
    assert found(repo, "negot kurils") == (["Kuril talks"] if postgres else [])  # FTS5: only the last is a prefix
    assert found(repo, "abe putin") == ["Abe in Sochi"]  # every word required
    assert found(repo, "abe lavrov") == []
    assert found(repo, "KURIL") == ["Kuril talks"]  # the title, case folded
    assert found(repo, "müller köln") == ["Köln"]
    assert found(repo, "muller koln") == ([] if postgres else ["Köln"])  # FTS5 folds accents
    assert found(repo, "zzz-no-match") == []
    assert found(repo, 'quote"in') == []  # search syntax in the query is text, not an error
    assert found(repo, "AND OR NOT") == []
    assert found(repo, "a:* | !b") == []


def test_a_query_without_words_is_a_substring_match(filled: tuple[Repository, list[str]]) -> None:
    repo, _ = filled
    assert found(repo, "Kuril") == ["Kuril talks"]  # on every backend
    assert found(repo, "%") == ["Prices"]
    assert found(repo, ";") == ["Prices"]


def test_nul_in_the_filter_matches_nothing(filled: tuple[Repository, list[str]]) -> None:
    repo, _ = filled
    assert found(repo, "\x00") == []
    assert found(repo, "Abe\x00") == []
    assert found(repo, "") == [t for t, _ in TEXTS]


def test_nul_in_an_actor_query_matches_nothing(repo: Repository) -> None:
    repo.ensure_annotator("alice")
    repo.add_actor("Shinzo Abe", "PERSON", "alice", aliases=["Abe"])
    repo.add_actor("Vladimir Putin", "PERSON", "alice")
    assert [a.name for a in repo.actors("abe")] == ["Shinzo Abe"]
    assert repo.actors("\x00") == []
    assert repo.actors("a\x00") == []


def test_pages_follow_the_list_order(repo: Repository) -> None:
    ids = [repo.add_article(ArticleIn(text=f"Report {i} on Abe and the islands.", title=f"R{i}")).article_id
           for i in range(25)]
    pages = [s.id for off in range(0, 25, 10) for s in repo.article_summaries(text="abe", offset=off, limit=10)]
    assert pages == ids


def test_filter_combines_with_status(filled: tuple[Repository, list[str]]) -> None:
    repo, ids = filled
    repo.ensure_annotator("alice")
    repo.set_article_status(ids[0], "alice", ArticleStatus.DONE)
    assert [s.id for s in repo.article_summaries(annotator="alice", text="abe", status="done")] == [ids[0]]
    assert repo.article_summaries(annotator="alice", text="lavrov", status="done") == []


def test_fts_query_quotes_every_word() -> None:
    assert fts_query('abe "sochi') == '"abe" "sochi"*'
    # A last word the corpus has as a word is matched whole (streams); an unknown one is a prefix.
    assert fts_query("abe sochi", lambda w: w == "sochi") == '"abe" "sochi"'
    assert fts_query("abe negot", lambda w: False) == '"abe" "negot"*'
    assert fts_query("abe pu", lambda w: True) == '"abe" "pu"*'  # short: its own prefix index
    assert fts_query("—") is None


def test_an_older_database_gets_the_index_with_its_articles(tmp_path: Path) -> None:
    """Migration step 3 on a database of schema version 1: existing articles become searchable."""
    path = tmp_path / "old.db"
    with open_repository(str(path)) as repo:
        repo.add_article(ArticleIn(text="Lavrov spoke about the Kurils.", title="Old article"))
    con = sqlite3.connect(path)  # make it a version-1 database: no index, version 1
    for trigger in ("insert", "delete", "update"):
        con.execute(f"DROP TRIGGER {SEARCH_TABLE}_{trigger}")
    con.execute(f"DROP TABLE {SEARCH_TABLE}")
    con.execute("UPDATE setting SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    assert 3 in [s.version for s in STEPS]
    with open_repository(str(path)) as repo:
        assert [s.title for s in repo.article_summaries(text="kuril")] == ["Old article"]
        repo.add_article(ArticleIn(text="A new one about Kurils too.", title="New article"))
        assert [s.title for s in repo.article_summaries(text="kurils")] == ["Old article", "New article"]
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM setting WHERE key = 'schema_version'").fetchone() == (
        str(latest_version()),)
    con.close()


def test_the_index_is_not_a_second_copy_of_the_texts(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with open_repository(str(path)) as repo:
        for i in range(50):
            repo.add_article(ArticleIn(text=f"Article {i}. " + "Negotiations over the islands went on. " * 50))
    con = sqlite3.connect(path)
    tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert f"{SEARCH_TABLE}_content" not in tables  # external content: the text lives in article only
    con.close()


def test_a_database_that_skipped_step_3_gets_the_index(tmp_path: Path) -> None:
    """Step numbers were given to parallel work: a database at version 5 made without step 3 must still get it."""
    path = tmp_path / "v5.db"
    with open_repository(str(path)) as repo:
        repo.add_article(ArticleIn(text="Lavrov spoke about the Kurils.", title="Made without the index"))
    con = sqlite3.connect(path)
    for trigger in ("insert", "delete", "update"):
        con.execute(f"DROP TRIGGER {SEARCH_TABLE}_{trigger}")
    con.execute(f"DROP TABLE {SEARCH_TABLE}")
    con.commit()
    con.close()
    with open_repository(str(path)) as repo:
        assert repo._st.has_search_index()
        assert [s.title for s in repo.article_summaries(text="kurils")] == ["Made without the index"]


def test_a_database_that_skipped_step_2_gets_the_codebook(tmp_path: Path) -> None:
    path = tmp_path / "no-codebook.db"
    with open_repository(str(path)) as repo:
        repo.add_article(ArticleIn(text="Abe met Putin.", title="T"))
    con = sqlite3.connect(path)
    con.execute("DROP TABLE codebook")
    con.commit()
    con.close()
    with open_repository(str(path)) as repo:
        assert repo.codebook().label_names
