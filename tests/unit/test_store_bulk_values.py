"""``bulk_insert``'s values: what peewee's ``db_value`` gives for every value, with plain columns taken as they are."""

from __future__ import annotations

from typing import Any

from annotator.store import models
from annotator.store.models import ArticleState, Claim, ClaimSpan, Entity, bound, bulk_insert
from annotator.store.repository import Repository


def _peewee_values(model: Any, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    names = list(rows[0])
    return [tuple(model._meta.fields[n].db_value(row[n]) for n in names) for row in rows]


def _ours(model: Any, rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    names = list(rows[0])
    return models._db_values([model._meta.fields[n] for n in names], names, rows)


def test_values_are_what_db_value_gives_whatever_their_types() -> None:
    plain = [{"claim": 7, "role": "cue", "start": 3, "end": 9, "ordinal": 0},
             {"claim": 7, "role": "content", "start": 10, "end": 40, "ordinal": 1}]
    assert _ours(ClaimSpan, plain) == _peewee_values(ClaimSpan, plain)
    # Values of another type than the column's: converted as peewee converts them (a bool in an integer column
    # becomes an int, an int in a text column a str, an int in a float column a float).
    mixed = [{"claim": True, "role": 5, "start": "3", "end": 9, "ordinal": None},
             {"claim": 7, "role": "cue", "start": 3, "end": 9.0, "ordinal": 2}]
    ours = _ours(ClaimSpan, mixed)
    assert ours == _peewee_values(ClaimSpan, mixed)
    assert [type(v) for v in ours[0]] == [int, str, int, int, type(None)]
    state = [{"article": "a1", "annotator": 1, "status": "done", "seconds": 3, "updated": "now"}]
    assert _ours(ArticleState, state) == _peewee_values(ArticleState, state)
    assert type(_ours(ArticleState, state)[0][3]) is float
    one = [{"role": "cue"}, {"role": "source"}]  # a single column
    assert _ours(ClaimSpan, one) == [("cue",), ("source",)]
    flags: list[dict[str, Any]] = [{"deleted": 1}, {"deleted": False}]  # booleans are converted unless they are bools
    assert _ours(Entity, flags) == _peewee_values(Entity, flags) == [(True,), (False,)]


def test_bulk_insert_writes_the_rows(repo: Repository, article_id: str) -> None:
    claim_id = repo.claims_for(article_id, layer="suggestions")[0].id
    with bound(repo._st.db), repo._st.db.atomic():
        bulk_insert(ClaimSpan, [{"claim": claim_id, "role": "note", "start": 1, "end": 4, "ordinal": 0},
                                {"claim": claim_id, "role": "note", "start": 5, "end": 8, "ordinal": True}])
        rows = list(ClaimSpan.select(ClaimSpan.start, ClaimSpan.end, ClaimSpan.ordinal)
                    .where(ClaimSpan.claim == claim_id, ClaimSpan.role == "note").order_by(ClaimSpan.id).tuples())
        assert rows == [(1, 4, 0), (5, 8, 1)]
        assert Claim.get_by_id(claim_id).id == claim_id
