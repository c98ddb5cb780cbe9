"""Queries over id lists composed once per shape (``annotator.store._compiled``): same rows as peewee's own."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.records import ArticleIn
from annotator.store._compiled import CHUNK, dicts_for, insert_row, rows_for, rows_in, update_row
from annotator.store._views import claim_query, entity_query
from annotator.store.models import Article, Claim, Entity, Event, bound
from annotator.store.repository import Repository
from tests.fixtures.statements import statements_sent


def _titles(ids: list[str], prefix: str) -> Any:
    return Article.select(Article.id, Article.title).where(Article.id.in_(ids), Article.title.startswith(prefix))


def _positions(ids: list[int]) -> Any:
    return Article.select(Article.position).where(Article.position.in_(ids))


def test_rows_match_peewee_and_the_cached_sql_takes_new_ids_and_arguments(repo: Repository) -> None:
    ids = [repo.add_article(ArticleIn(text=f"text {i}", title=f"{'ab'[i % 2]} {i}")).article_id for i in range(12)]
    with bound(repo._st.db):
        for part, prefix in ((ids[:5], "a"), (ids[5:10], "a"), (ids[:5], "b"), (ids[2:7], "b")):
            expected = sorted(_titles(part, prefix).tuples())
            assert sorted(rows_in(_titles, part, prefix)) == expected  # the second of each length: from the cache
        assert rows_in(_titles, [], "a") == []
        positions = sorted(p for (p,) in Article.select(Article.position).tuples())
        assert sorted(p for (p,) in rows_in(_positions, positions[3:9])) == positions[3:9]  # integer ids too


def test_long_id_lists_are_split_into_chunks(repo: Repository) -> None:
    with bound(repo._st.db):
        missing = [f"nope{i}" for i in range(2 * CHUNK + 7)]
        aid = repo.add_article(ArticleIn(text="only one", title="a one")).article_id
        assert rows_in(_titles, [*missing, aid], "a") == [(aid, "a one")]


def _others(ids: list[str], prefix: str) -> Any:
    # The ids twice, once in NOT IN, with another parameter between.
    return Article.select(Article.id).where(
        Article.id.not_in(ids), Article.title.startswith(prefix), Article.id.not_in(ids))


def test_on_postgresql_the_ids_go_as_one_array_parameter(repo: Repository) -> None:
    # psycopg caches its conversion of a statement of up to 50 parameters: an IN list of 200 ids was split again
    # on every call (and parsed by the server as 200 parameters). The rows are the same on every backend.
    ids = [repo.add_article(ArticleIn(text=f"text {i}", title=f"{'ab'[i % 2]} {i}")).article_id for i in range(60)]
    with statements_sent() as sent, bound(repo._st.db):
        for _ in range(2):  # composed, then from the cache
            assert sorted(rows_in(_titles, ids[:55], "a")) == sorted(_titles(ids[:55], "a").tuples())
            assert sorted(rows_in(_others, ids[:55], "a")) == sorted(_others(ids[:55], "a").tuples())
    assert len(sent) == 8
    ours = sent[0::2]  # each rows_in statement is followed by peewee's own
    for sql, params in ours:
        if repo._st.is_postgres:
            assert len(params) <= 3 and ("= ANY(" in sql or "<> ALL(" in sql), (sql, params)
        else:
            assert len(params) >= 55


def test_a_builder_that_captures_variables_is_refused() -> None:
    prefix = "a"

    def captured(ids: list[str]) -> Any:
        return _titles(ids, prefix)

    with pytest.raises(TypeError, match="captures"):
        rows_in(captured, ["x"])


def _one(article_id: str, position: int, prefix: str) -> Any:
    return Article.select(Article.id, Article.position).where(
        Article.id == article_id, Article.position >= position, Article.title.startswith(prefix)
    )


def test_rows_for_puts_each_call_s_values_in_the_cached_sql(repo: Repository) -> None:
    ids = [repo.add_article(ArticleIn(text=f"text {i}", title=f"{'ab'[i % 2]} {i}")).article_id for i in range(6)]
    with bound(repo._st.db):
        for article_id in ids:
            for position in (0, 3):
                for prefix in ("a", "b"):
                    expected = list(_one(article_id, position, prefix).tuples())
                    assert rows_for(_one, (article_id, position), prefix) == expected
        assert any(rows_for(_one, (i, 0), "a") for i in ids)  # not all empty: the comparison means something


def test_rows_for_refuses_a_builder_that_drops_or_repeats_a_value(repo: Repository) -> None:
    def drops(article_id: str, unused: int) -> Any:
        return Article.select(Article.id).where(Article.id == article_id)

    with bound(repo._st.db), pytest.raises(ValueError, match="exactly once"):
        rows_for(drops, ("x", 5))
    with pytest.raises(TypeError, match="str and int"):
        rows_for(_one, (b"x", 1), "a")


def test_only_whole_id_lists_become_arrays() -> None:
    from annotator.store._compiled import _as_arrays

    marks = ["m0", "m1", "m2"]
    slots = [(1, 0), (2, 1), (3, 2)]
    sql = 'SELECT 1 FROM "a" WHERE ("x" = %s) AND ("id" IN (%s, %s, %s)) LIMIT %s'
    assert _as_arrays((sql, ["v", *marks, 5], slots), 3) == (
        'SELECT 1 FROM "a" WHERE ("x" = %s) AND ("id" = ANY(%s)) LIMIT %s', ["v", None, 5], [(1, -1)])
    negated = sql.replace(" IN (", " NOT IN (")
    assert _as_arrays((negated, ["v", *marks, 5], slots), 3)[0] == (
        'SELECT 1 FROM "a" WHERE ("x" = %s) AND ("id" <> ALL(%s)) LIMIT %s')
    # A list holding another value besides the ids, or ids out of order, keeps its parameters.
    extra = 'SELECT 1 FROM "a" WHERE ("id" IN (%s, %s, %s, %s))'
    entry = (extra, [*marks, "other"], [(0, 0), (1, 1), (2, 2)])
    assert _as_arrays(entry, 3) == entry
    swapped = ('SELECT 1 FROM "a" WHERE ("id" IN (%s, %s, %s))', ["m1", "m0", "m2"], [(0, 1), (1, 0), (2, 2)])
    assert _as_arrays(swapped, 3) == swapped
    # A literal "%s" in the text (the parameters no longer line up with the pieces): left alone.
    odd = ("SELECT '%s' FROM \"a\" WHERE (\"id\" IN (%s, %s, %s))", marks, [(0, 0), (1, 1), (2, 2)])
    assert _as_arrays(odd, 3) == odd


def _entity(entity_id: int) -> Any:
    return entity_query().where(Entity.id == entity_id)


def _claim(claim_id: int) -> Any:
    return claim_query().where(Claim.id == claim_id)


def test_dicts_for_gives_what_peewee_s_dicts_give(repo: Repository, article_id: str) -> None:
    # A decision reads its rows back by id; the cached statement must give the very dicts peewee gives: field
    # names (``article``, not ``article_id``), converted values (``deleted`` a bool on SQLite too), aliases.
    entity_ids = [e.id for e in repo.entities_for(article_id, layer="suggestions")]
    claim_ids = [c.id for c in repo.claims_for(article_id, layer="suggestions")]
    repo.reject_entity(entity_ids[1], "alice")
    with bound(repo._st.db):
        all_ids = [i for (i,) in Entity.select(Entity.id).tuples()]
        assert len(all_ids) == 3 and claim_ids
        for entity_id in all_ids:
            ours = dicts_for(_entity, (entity_id,))
            assert ours == list(_entity(entity_id).dicts())
            assert isinstance(ours[0]["deleted"], bool)
        assert {d["actor_name"] for i in all_ids for d in dicts_for(_entity, (i,))} == {"Shinzo Abe", None}
        for claim_id in claim_ids:
            assert dicts_for(_claim, (claim_id,)) == list(_claim(claim_id).dicts())
        assert dicts_for(_entity, (10**9,)) == []


def test_insert_row_writes_what_peewee_writes(repo: Repository, article_id: str) -> None:
    values = {"at": "2026-12-02T10:00:00.000+00:00", "annotator": "alice", "action": "accept_entity",
              "article": article_id, "payload": '{"rows": []}'}
    with bound(repo._st.db), repo._st.db.atomic():
        theirs = int(Event.insert(**values).execute())
        ours = [insert_row(Event, dict(values, action=f"a{i}")) for i in range(3)]  # composed, then cached
        assert len(set(ours)) == 3 and min(ours) > theirs
        rows = {r.pop("id"): r for r in Event.select().where(Event.id.in_([theirs, *ours])).dicts()}
        assert rows[theirs] == values
        assert [rows[i]["action"] for i in ours] == ["a0", "a1", "a2"]
        assert all(rows[i] == dict(values, action=rows[i]["action"]) for i in ours)
        # A column with a default left out: peewee fills it in, as it would have.
        short = {k: v for k, v in values.items() if k != "payload"}
        assert Event.get_by_id(insert_row(Event, short)).payload == "{}"


def test_update_row_writes_what_peewee_writes_to_that_row_only(repo: Repository, article_id: str) -> None:
    values = {"at": "2026-12-02T10:00:00.000+00:00", "annotator": "alice", "action": "accept_entity",
              "article": article_id, "payload": '{"rows": []}'}
    with bound(repo._st.db), repo._st.db.atomic():
        first, second, third = (int(Event.insert(**values).execute()) for _ in range(3))
        Event.update(action="theirs", payload="{}").where(Event.id == first).execute()
        update_row(Event, second, {"action": "ours", "payload": "{}"})  # composed
        update_row(Event, third, {"action": "again", "payload": "{}"})  # cached, another row
        rows = {r.pop("id"): r for r in Event.select().where(Event.id.in_([first, second, third])).dicts()}
        assert rows[second] == dict(rows[first], action="ours")
        assert rows[third] == dict(rows[first], action="again")
        update_row(Event, second, {"annotator": "bob"})  # another shape
        assert Event.get_by_id(second).annotator == "bob" and Event.get_by_id(third).annotator == "alice"
