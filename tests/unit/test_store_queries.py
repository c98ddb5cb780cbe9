"""Reads over many articles (list, queue, progress, export, stats), actors, settings and sessions."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from annotator.core.codebook import Codebook, Label
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, ArticleStatus, Status
from annotator.store.repository import Repository
from tests.fixtures.statements import statements_sent
from tests.unit.conftest import TEXT, span_of


def test_labels_come_from_the_codebook_and_settings_are_kept(repo: Repository) -> None:
    assert repo.labels()[:3] == ["PERSON", "ORG", "GPE"]
    repo.replace_codebook(Codebook(labels=(Label("ACTOR"), Label("PLACE"))))
    assert repo.labels() == ["ACTOR", "PLACE"]
    repo.set_setting("colour", ["x"])
    assert repo.get_setting("colour") == ["x"] and repo.get_setting("missing", 7) == 7
    with pytest.raises(ValidationError, match="not JSON"):
        repo.set_setting("bad", object())


def test_annotators_and_roles(repo: Repository) -> None:
    repo.ensure_annotator("zoe")
    repo.ensure_annotator("adam", "reviewer")
    repo.ensure_annotator("zoe", "reviewer")  # an existing name takes an explicit new role
    repo.ensure_annotator("adam")  # ... and keeps its role without one
    assert repo.annotators() == [("adam", "reviewer"), ("zoe", "reviewer")]
    for bad, error in (("gold", "name of a layer"), ("", "needs a name"), ("x", "unknown role")):
        with pytest.raises(ValidationError, match=error):
            repo.ensure_annotator(bad, "boss" if bad == "x" else "annotator")
    assert ("gold", "gold") in repo.layers() and ("suggestions", "model") in repo.layers()


def test_summaries_counts_and_filters(
    repo: Repository, article_id: str, make_articles: Callable[[int], list[str]]
) -> None:
    others = make_articles(3)
    (row,) = repo.article_summaries(annotator="alice", limit=1)
    assert (row.id, row.title, row.status, row.n_entities, row.n_claims, row.n_suggested) == (
        article_id,
        "Abe and Putin",
        "todo",
        2,
        1,
        3,
    )
    gpe = next(e for e in repo.entities_for(article_id) if e.label == "GPE")
    repo.reject_entity(gpe.id, "alice")
    repo.add_entity(article_id, *span_of(TEXT, "Vladimir Putin"), "PERSON", "alice")
    row = repo.article_summaries(annotator="alice")[0]
    assert (row.n_entities, row.n_suggested) == (2, 2)  # Abe (open) + Putin (manual); GPE rejected
    assert [r.id for r in repo.article_summaries(offset=1, limit=2)] == others[:2]
    assert [r.id for r in repo.article_summaries(text="islands")] == [article_id]
    assert [r.id for r in repo.article_summaries(text="title 2")] == [others[2]]  # title, case-insensitive
    assert [r.id for r in repo.article_summaries(label="GPE")] == [article_id]
    assert repo.article_summaries(annotator="alice", label="GPE") == []  # alice rejected it
    repo.set_article_status(others[1], "alice", ArticleStatus.DONE)
    assert [r.id for r in repo.article_summaries(annotator="alice", status="done")] == [others[1]]
    assert others[1] not in [r.id for r in repo.article_summaries(annotator="alice", status="todo")]
    assert [r.id for r in repo.article_summaries(status="done")] == [others[1]]
    assert repo.article_summaries(status="done")[0].status == "done"
    with pytest.raises(ValidationError, match="'finished'"):
        repo.article_summaries(status="finished")


def test_queue_progress_and_status(repo: Repository, make_articles: Callable[[int], list[str]]) -> None:
    ids = make_articles(4)
    repo.ensure_annotator("alice")
    assert repo.next_in_queue("alice") == ids[0]
    repo.set_article_status(ids[1], "alice", ArticleStatus.DONE)
    change = repo.set_article_status(ids[2], "alice", ArticleStatus.SKIPPED)
    assert repo.next_in_queue("alice", after=ids[0]) == ids[3]
    assert repo.next_in_queue("alice", after=ids[3]) == ids[0]  # wraps
    assert repo.progress("alice") == (1, 4)
    assert repo.article_status(ids[2], "alice") == ArticleStatus.SKIPPED
    repo.revert(change.event_id, "alice")
    assert repo.article_status(ids[2], "alice") == ArticleStatus.TODO
    for i in (0, 2, 3):
        repo.set_article_status(ids[i], "alice", ArticleStatus.DONE)
    assert repo.next_in_queue("alice") is None and repo.progress("alice") == (4, 4)
    repo.ensure_annotator("rita", "reviewer")
    assert repo.next_in_queue("rita") == ids[0] and repo.progress("rita") == (0, 4)
    assert repo.article_export_status(ids[0]) == "done"
    with pytest.raises(NotFoundError, match="'nope'"):
        repo.next_in_queue("alice", after="nope")


def test_time_and_sessions(repo: Repository, article_id: str) -> None:
    repo.add_time(article_id, "alice", 1.5)
    repo.add_time(article_id, "alice", 2.0)
    assert repo.article_status(article_id, "alice") == ArticleStatus.TODO
    with pytest.raises(ValidationError, match="-3"):
        repo.add_time(article_id, "alice", -3)
    session = repo.start_session("alice")
    repo.end_session(session, {"decisions": 3})
    with pytest.raises(NotFoundError):
        repo.end_session(session + 100)
    n_events = len(repo.events(limit=1000))
    repo.add_time(article_id, "alice", 1)
    assert len(repo.events(limit=1000)) == n_events  # not audited
    # Undoing a status keeps the time spent since.
    change = repo.set_article_status(article_id, "alice", ArticleStatus.DONE)
    repo.add_time(article_id, "alice", 10)
    event = repo.events(article_id, limit=1)[0]
    assert (event["id"], event["action"]) == (change.event_id, "set_article_status")
    assert event["payload"]["rows"][0]["after"]["status"] == "done"
    undo = repo.revert(change.event_id, "alice")
    assert repo.article_status(article_id, "alice") == ArticleStatus.TODO
    repo.revert(undo.event_id, "alice")
    assert repo.article_status(article_id, "alice") == ArticleStatus.DONE
    repo.revert(change.event_id, "alice")
    seconds = repo._st.db.execute_sql("SELECT seconds FROM article_state").fetchone()[0]
    assert seconds == pytest.approx(14.5)


def test_export_rows_layer_semantics(repo: Repository, article_id: str) -> None:
    person = next(e for e in repo.entities_for(article_id) if e.label == "PERSON")
    gpe = next(e for e in repo.entities_for(article_id) if e.label == "GPE")
    accepted = repo.accept_entity(person.id, "alice").created_entity_id
    rejected = repo.reject_entity(gpe.id, "alice").created_entity_id
    repo.ensure_annotator("rita", "reviewer")
    gold = repo.accept_entity(accepted or -1, "rita").created_entity_id
    sugg_e, sugg_c = repo.export_rows(article_id, SUGGESTIONS_LAYER)
    assert {e.id for e in sugg_e} == {person.id, gpe.id} and len(sugg_c) == 1
    alice_e, alice_c = repo.export_rows(article_id, "alice")
    assert {e.id for e in alice_e} == {accepted, rejected} and alice_c == []
    only_accepted, _ = repo.export_rows(article_id, "alice", statuses=[Status.ACCEPTED])
    assert [e.id for e in only_accepted] == [accepted]
    assert [e.id for e in repo.export_rows(article_id, GOLD_LAYER)[0]] == [gold]
    assert len(repo.export_rows(article_id, None)[0]) == 5
    assert repo.export_rows(article_id, "rita") == ([], [])  # a reviewer's decisions are in gold
    with pytest.raises(NotFoundError, match="'nobody'"):
        repo.export_rows(article_id, "nobody")


def test_stats(repo: Repository, article_id: str) -> None:
    person = next(e for e in repo.entities_for(article_id) if e.label == "PERSON")
    repo.reject_entity(person.id, "alice")
    repo.set_article_status(article_id, "alice", ArticleStatus.IN_PROGRESS)
    stats = repo.stats()
    assert stats["articles"] == {"in_progress": 1, "todo": 0}
    assert stats["layers"] == {
        "suggestions": {"PERSON": {"suggested": 1}, "GPE": {"suggested": 1}},
        "alice": {"PERSON": {"rejected": 1}},
    }
    assert stats["claims"] == {"suggestions": {"suggested": 1}}


def test_actors_add_update_merge_and_undo(repo: Repository, article_id: str) -> None:
    (abe,) = repo.actors("shinzo")
    gov = repo.add_actor("Government of Japan", "ORG", "alice", aliases=["Tokyo"], notes="cabinet")
    gov_id = gov.created_actor_id or -1
    repo.update_actor(abe.id, "alice", parent_id=gov_id)
    with pytest.raises(ValidationError, match="cycle"):
        repo.update_actor(gov_id, "alice", parent_id=abe.id)
    dup = repo.add_actor("Prime Minister Abe", "PERSON", "alice", aliases=["PM Abe"]).created_actor_id or -1
    person = next(e for e in repo.entities_for(article_id) if e.label == "PERSON")
    linked = repo.link_entity_actor(person.id, dup, "alice").created_entity_id or -1
    merge = repo.merge_actors(abe.id, dup, "alice")
    assert repo.entity(linked).actor_id == abe.id
    kept = repo.actor(abe.id)
    assert set(kept.aliases) == {"Abe", "Prime Minister Abe", "PM Abe"} and kept.parent_id == gov_id
    assert [a.id for a in repo.actors("pm abe")] == [abe.id]
    assert dup not in [a.id for a in repo.actors()]
    undo = repo.revert(merge.event_id, "alice")
    assert repo.entity(linked).actor_id == dup and [a.id for a in repo.actors("pm abe")] == [dup]
    repo.revert(undo.event_id, "alice")
    assert repo.entity(linked).actor_id == abe.id
    assert [a.name for a in repo.actors("tok", limit=1)] == ["Government of Japan"]
    with pytest.raises(ValidationError, match="itself"):
        repo.merge_actors(abe.id, abe.id, "alice")
    with pytest.raises(NotFoundError, match="deleted or merged"):
        repo.merge_actors(abe.id, dup, "alice")
    with pytest.raises(ValidationError, match="non-empty"):
        repo.add_actor(" ", "PERSON", "alice")


def test_has_articles_reads_one_row_not_a_count(repo: Repository) -> None:
    from annotator.core.records import ArticleIn

    assert repo.has_articles() is False and repo.count_articles() == 0
    repo.add_article(ArticleIn(text="Abe met Putin.", title="T"))
    assert repo.has_articles() is True and repo.count_articles() == 1


def test_the_article_total_is_a_bare_count_not_a_row_scan(
    repo: Repository, make_articles: Callable[[int], list[str]]
) -> None:
    # The status bar's progress reads the total at start and after each article marked done. peewee's
    # ``.count()`` wraps the select in a subquery, which SQLite answers by stepping through a million index
    # rows (21 ms of CPU); a bare count(*) is its b-tree count (4 ms), the same figure on every backend.
    make_articles(3)
    repo.ensure_annotator("alice")
    with statements_sent() as sent:
        assert repo.progress("alice") == (0, 3)
        assert repo.count_articles() == 3
    totals = [(sql, params) for sql, params in sent if 'FROM "article"' in sql and "COUNT" in sql.upper()]
    assert len(totals) == 2
    for sql, params in totals:
        assert sql.upper().startswith('SELECT COUNT(*) FROM "ARTICLE"') and "_wrapped" not in sql, sql
        if not repo._st.is_postgres:
            opcodes = {row[1] for row in repo._st.db.execute_sql(f"EXPLAIN {sql}", params).fetchall()}
            assert "Count" in opcodes, sql
