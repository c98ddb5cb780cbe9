"""``Repository.add_articles``: a batch in bulk, with the same duplicate check, ids and audit as one by one."""

from __future__ import annotations

from typing import Any

import pytest
from peewee import SqliteDatabase

import annotator.store._ingest_bulk as bulk
from annotator.core.errors import ValidationError
from annotator.core.records import ArticleIn, ClaimIn, EntityIn, ImportResult, Span, Status
from annotator.store.repository import Repository

TEXT = "Shinzo Abe met Vladimir Putin in Sochi on Monday."


def test_batch_stores_articles_entities_and_one_event_each(repo: Repository) -> None:
    batch = [
        ArticleIn(text=TEXT, title="One", ext_id="one", meta={"service": "nexis"},
                  entities=[EntityIn(0, 10, "PERSON"), EntityIn(15, 29, "PERSON", annotator="bob")]),
        ArticleIn(text="Lavrov spoke in Moscow.", title="Two", date="2019-07-01", source="Wire"),
    ]
    results = repo.add_articles(batch)
    assert all(isinstance(r, ImportResult) and r.created for r in results)
    first, second = (r for r in results if isinstance(r, ImportResult))
    assert first.article_id == "one" and first.entities == 2
    assert repo.article_ids() == ["one", second.article_id]  # import order kept
    view = repo.article("one")
    assert (view.title, view.meta) == ("One", {"service": "nexis", "ext_id": "one"})
    assert repo.article(second.article_id).date == "2019-07-01"
    every = sorted((e.start, e.end, e.status) for e in repo.entities_for("one"))
    assert every == [(0, 10, "suggested"), (15, 29, "accepted")]  # the suggestions layer, and bob's
    (event,) = repo.events("one")
    assert event["action"] == "import" and event["payload"]["created_article"] is True
    created = event["payload"]["bulk"]["entity"]["created"]
    assert sorted(created) == sorted(e.id for e in repo.entities_for("one"))  # the audit names the very rows
    # The audit is complete: reverting the import event removes what it created.
    repo.revert(event["id"], "alice")
    assert repo.entities_for("one") == []


def test_duplicates_and_refusals_in_one_batch(repo: Repository) -> None:
    repo.add_article(ArticleIn(text="Already here.", title="Old"))
    bad = ArticleIn(text=TEXT, title="Bad", entities=[EntityIn(0, 999, "PERSON")])
    unknown = ArticleIn(text=TEXT + " Again.", title="Unknown label", entities=[EntityIn(0, 5, "NOPE")])
    results = repo.add_articles([
        ArticleIn(text="Already here.", title="Copy"),
        bad,
        ArticleIn(text="New one.", title="New", ext_id="new"),
        ArticleIn(text="New one.", title="Same text again"),
        ArticleIn(text="   ", title="Blank"),
        unknown,
    ])
    kinds = [type(r).__name__ for r in results]
    assert kinds == ["ImportResult", "ValidationError", "ImportResult", "ImportResult", "ValidationError",
                     "ImportResult"]
    copy, _, new, again = results[0], results[1], results[2], results[3]
    assert isinstance(copy, ImportResult) and not copy.created
    assert isinstance(new, ImportResult) and new.created and new.article_id == "new"
    assert isinstance(again, ImportResult) and not again.created and again.article_id == "new"
    assert "ends after the text" in str(results[1])
    labelled = results[5]  # a label the project lacks goes into its codebook, as one by one
    assert isinstance(labelled, ImportResult) and labelled.created and any("NOPE" in a for a in labelled.codebook_added)
    assert isinstance(results[4], ValidationError) and "empty text" in str(results[4])
    assert repo.count_articles() == 3  # nothing of the refused ones was written


def test_ids_never_collide(repo: Repository) -> None:
    repo.add_article(ArticleIn(text="First text.", ext_id="x1"))
    results = repo.add_articles([ArticleIn(text="Second text.", ext_id="x1"), ArticleIn(text="Third.", ext_id="x1")])
    ids = [r.article_id for r in results if isinstance(r, ImportResult)]
    assert len({*ids, "x1"}) == 3 and "x1" not in ids


def test_an_article_whose_first_two_ids_are_taken_gets_the_next_one(repo: Repository) -> None:
    # The batch checks the input id and the 12-character hash in bulk; a longer hash only when both are taken.
    import hashlib

    text = "Second text."
    sha = hashlib.sha256(text.encode()).hexdigest()
    repo.add_article(ArticleIn(text="First text.", ext_id="x1"))
    repo.add_article(ArticleIn(text="Other text.", ext_id=sha[:12]))
    (result,) = repo.add_articles([ArticleIn(text=text, ext_id="x1")])
    assert isinstance(result, ImportResult) and result.article_id == sha[:16]


def test_round_trip_articles_take_the_single_path(repo: Repository) -> None:
    claim = ClaimIn(source=[Span(0, 10)], cue=[Span(11, 14)], content=[Span(15, 29)], annotator="bob")
    results = repo.add_articles([ArticleIn(text=TEXT, claims=[claim], status="done"), ArticleIn(text="Plain.")])
    assert all(isinstance(r, ImportResult) and r.created for r in results)
    first = results[0]
    assert isinstance(first, ImportResult) and first.claims == 1
    assert len(repo.claims_for(first.article_id, annotator="bob")) == 1


def test_audit_names_the_new_rows_after_earlier_ones(repo: Repository) -> None:
    repo.add_articles([ArticleIn(text="First. " + TEXT, entities=[EntityIn(7, 17, "PERSON")])])
    results = repo.add_articles([ArticleIn(text=f"{i}. {TEXT}", entities=[EntityIn(3, 13, "PERSON")])
                                 for i in range(3)])
    for result in results:
        assert isinstance(result, ImportResult)
        (event,) = repo.events(result.article_id)
        assert event["payload"]["bulk"]["entity"]["created"] == [e.id for e in repo.entities_for(result.article_id)]


def test_bulk_rows_equal_the_single_article_path(repo: Repository) -> None:
    """The bulk path writes its entities in one statement (SQLite unpacks them from JSON): each row must hold
    what ``add_article`` writes for the same input, and each audit event exactly its own article's rows."""
    def article(prefix: str, i: int) -> ArticleIn:
        return ArticleIn(text=f"{prefix}{i}: {TEXT}", title=f"T{i}", ext_id=f"{prefix}{i}", entities=[
            EntityIn(4, 14, "PERSON", origin="spaCy:ünïcode 🙂"),
            EntityIn(19, 33, "PERSON", status=Status.CORRECTED, annotator="bob"),
            EntityIn(37, 42, "GPE"),
        ][: 1 + i])

    for i in range(3):
        repo.add_article(article("s", i))
    bulk = repo.add_articles([article("b", i) for i in range(3)])

    def rows(article_id: str) -> list[tuple[object, ...]]:
        return [(e.layer, e.start, e.end, e.text, e.label, e.status, e.origin, e.actor_id, e.derived_from,
                 e.annotator) for e in repo.entities_for(article_id, annotator="bob")]

    for i, many in enumerate(bulk):
        assert isinstance(many, ImportResult) and many.article_id == f"b{i}" and many.entities == 1 + i
        assert rows(f"b{i}") == rows(f"s{i}")
        (event,) = repo.events(many.article_id)
        assert event["payload"]["bulk"]["entity"]["created"] == \
            sorted(e.id for e in repo.entities_for(many.article_id, annotator="bob"))
    assert [r[5] for r in rows("b2")] == ["suggested", "corrected", "suggested"]
    assert rows("b0")[0][3:7] == ("Shinzo Abe", "PERSON", "suggested", "spaCy:ünïcode 🙂")


def test_meta_orjson_cannot_write_is_stored_as_json_writes_it(repo: Repository) -> None:
    (result,) = repo.add_articles([ArticleIn(text=TEXT, meta={"n": 2**70, "ok": "é"})])
    assert isinstance(result, ImportResult)
    assert repo.article(result.article_id).meta == {"n": 2**70, "ok": "é"}


def test_each_audited_entity_id_is_the_row_of_that_span(repo: Repository) -> None:
    """The bulk path names the new entity ids without reading them back (on SQLite, row k of the batch gets
    the id max + 1 + k): every id the audit names must be the row of the span at that place in the input."""
    repo.add_articles([ArticleIn(text="Earlier. " + TEXT, entities=[EntityIn(9, 19, "PERSON")])])
    spans = [(2, 8, "PERSON"), (9, 12, "PERSON"), (18, 23, "GPE"), (2, 12, "PERSON")]
    batch = [ArticleIn(text=f"{i}{TEXT}", entities=[EntityIn(s + 1, e + 1, label) for s, e, label in spans[i:]])
             for i in range(len(spans))]
    results = repo.add_articles(batch)
    for i, result in enumerate(results):
        assert isinstance(result, ImportResult) and result.entities == len(spans) - i
        (event,) = repo.events(result.article_id)
        by_id = {e.id: (e.start, e.end, e.label) for e in repo.entities_for(result.article_id)}
        named = event["payload"]["bulk"]["entity"]["created"]
        assert [by_id[entity_id] for entity_id in named] == [(s + 1, e + 1, label) for s, e, label in spans[i:]]


def test_the_bulk_page_cache_is_only_for_the_batch(repo: Repository, monkeypatch: pytest.MonkeyPatch) -> None:
    db = repo._st.db
    if not isinstance(db, SqliteDatabase):
        pytest.skip("a SQLite setting")
    with repo._st.read():
        (before,) = db.execute_sql("PRAGMA cache_size").fetchone()
    seen: list[int] = []
    real = bulk.insert_rows

    def spy(model: Any, columns: Any, rows: Any) -> None:
        seen.append(int(db.execute_sql("PRAGMA cache_size").fetchone()[0]))
        real(model, columns, rows)

    monkeypatch.setattr(bulk, "insert_rows", spy)
    results = repo.add_articles([ArticleIn(text=f"{i}: {TEXT}") for i in range(3)])
    assert all(isinstance(r, ImportResult) and r.created for r in results)
    assert seen and set(seen) == {-bulk.BULK_CACHE_KIB} != {before}
    with repo._st.read():
        assert db.execute_sql("PRAGMA cache_size").fetchone() == (before,)
