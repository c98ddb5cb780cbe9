"""Migration step 7: the entity table's layer index leaves out the suggestions layer (the rows an import of
pre-annotated spans writes), and the queries that search by one person's layer still use it."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from annotator.core.records import ArticleIn, EntityIn
from annotator.store import open_repository
from annotator.store.migrations import LAYER_INDEX, latest_version, schema_version

TEXT = "Shinzo Abe met Vladimir Putin in Sochi on Monday."


def _index_sql(db: Any) -> str:
    if "sqlite" in type(db).__name__.lower():
        (sql,) = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (LAYER_INDEX,)).fetchone()
    else:
        (sql,) = db.execute_sql("SELECT indexdef FROM pg_indexes WHERE indexname = %s", (LAYER_INDEX,)).fetchone()
    return str(sql)


def _coded(location: str) -> tuple[str, str]:
    """A project with an imported suggestion (Abe, Putin) and alice's own decision on one of them."""
    with open_repository(location) as repo:
        repo.ensure_annotator("alice")
        (first,) = repo.add_articles([ArticleIn(text=TEXT, title="one", entities=[
            EntityIn(0, 10, "PERSON"), EntityIn(15, 29, "PERSON")])])
        second = repo.add_article(ArticleIn(text="Lavrov spoke in Tokyo.", title="two"))
        assert not isinstance(first, Exception)
        repo.add_entity(second.article_id, 16, 21, "GPE", "alice")
        putin = next(e for e in repo.entities_for(first.article_id) if e.start == 15)
        repo.reject_entity(putin.id, "alice")
        return first.article_id, second.article_id


def test_step_7_makes_the_layer_index_partial_and_keeps_every_row(db_location: str) -> None:
    first, second = _coded(db_location)
    with open_repository(db_location) as repo:  # back to what step 6 left: a full index on layer_id
        db = repo._st.db
        db.execute_sql(f"DROP INDEX {LAYER_INDEX}")
        db.execute_sql(f"CREATE INDEX {LAYER_INDEX} ON entity (layer_id)")
        db.execute_sql("UPDATE setting SET value = '6' WHERE key = 'schema_version'")
    with open_repository(db_location) as repo:
        db = repo._st.db
        assert schema_version(db) == latest_version() >= 7
        assert "WHERE" in _index_sql(db) and "layer_id <> " in _index_sql(db).replace("(", "").replace(")", "")
        assert [e.label for e in repo.entities_for(first, layer="suggestions")] == ["PERSON", "PERSON"]
        assert [e.status for e in repo.entities_for(first, annotator="alice")] == ["suggested", "rejected"]
        assert [s.id for s in repo.article_summaries(annotator="alice", label="PERSON")] == [first]  # Abe open
        assert [s.id for s in repo.article_summaries(annotator="alice", label="GPE")] == [second]  # her own
        repo.reject_entity(next(e for e in repo.entities_for(first) if e.start == 0).id, "alice")
        assert repo.article_summaries(annotator="alice", label="PERSON") == []  # both rejected by her now
        assert [s.id for s in repo.article_summaries(label="PERSON")] == [first]  # the suggestions still are


def test_a_new_database_has_the_partial_layer_index(db_location: str) -> None:
    with open_repository(db_location) as repo:
        assert "layer_id <> " in _index_sql(repo._st.db).replace("(", "").replace(")", "")


class _Statements(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, Any]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, tuple) and len(record.msg) == 2:
            self.seen.append(record.msg)


def test_an_annotators_label_filter_searches_the_layer_index(tmp_path: Path) -> None:
    """The planner uses a partial index only when the query says its condition: ``in_human_layer`` does."""
    location = str(tmp_path / "p.db")
    _coded(location)
    log, handler = logging.getLogger("peewee"), _Statements()
    level = log.level
    log.setLevel(logging.DEBUG)
    log.addHandler(handler)
    try:
        with open_repository(location) as repo:
            repo.article_summaries(annotator="alice", label="GPE")
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
    (sql, params), = [(s, p) for s, p in handler.seen if '"label" = ' in s]
    con = sqlite3.connect(location)
    plan = " | ".join(row[-1] for row in con.execute("EXPLAIN QUERY PLAN " + sql, params))
    con.close()
    assert f"USING INDEX {LAYER_INDEX} (layer_id=?)" in plan, plan
