"""The columns a new database is created with: the decided rows' shared columns (models.decision_columns) stand
where each model declares them, as in the databases earlier versions created and upgraded."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.store import open_repository
from annotator.store.models import Claim, Entity

DECIDED = ["status", "origin", "derived_from_id", "created_by", "created", "updated", "deleted"]


def _columns(path: Path, table: str) -> list[tuple[str, str, int]]:
    with sqlite3.connect(path) as con:
        return [(name, kind, notnull) for _, name, kind, notnull, _, _ in con.execute(f"PRAGMA table_info({table})")]


def test_new_entity_and_claim_tables_keep_their_column_order(tmp_path: Path) -> None:
    path = tmp_path / "project.db"
    with open_repository(str(path)):
        pass
    entity = _columns(path, "entity")
    claim = _columns(path, "claim")
    assert [c[0] for c in entity] == ["id", "article_id", "layer_id", "start", "end", "label", "actor_id", *DECIDED]
    assert [c[0] for c in claim] == [
        "id", "article_id", "layer_id", "kind", "form", "source_actor_id", "addressee_id", "issue", "stance", "note",
        *DECIDED, "span_key", "variables",
    ]
    decided_types = [("status", "VARCHAR(20)", 1), ("origin", "TEXT", 1), ("derived_from_id", "INTEGER", 0),
                     ("created_by", "VARCHAR(200)", 0), ("created", "VARCHAR(40)", 1), ("updated", "VARCHAR(40)", 1),
                     ("deleted", "INTEGER", 1)]
    assert entity[7:] == decided_types
    assert claim[10:17] == decided_types


def test_each_model_derives_from_its_own_rows() -> None:
    # One factory makes the columns: each model still gets its own fields, referring to its own table.
    assert Entity.derived_from.rel_model is Entity
    assert Claim.derived_from.rel_model is Claim
    assert Entity.status is not Claim.status
    assert Entity.deleted.default is False and Claim.deleted.default is False
