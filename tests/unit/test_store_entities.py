"""Entity decisions: what each one writes, its audit event, undo (revert) and redo (revert of the revert)."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import SUGGESTIONS_LAYER, Change, EntityView, Status
from annotator.store.repository import Repository
from tests.unit.conftest import TEXT, span_of


def fingerprint(repo: Repository, article_id: str) -> Any:
    """Everything a failed call must leave untouched."""
    return (
        [e["id"] for e in repo.events(limit=10_000)],
        repo.entities_for(article_id, include_deleted=True),
        repo.claims_for(article_id, include_deleted=True),
        repo.actors(),
    )


def suggestion(repo: Repository, article_id: str, label: str) -> EntityView:
    return next(e for e in repo.entities_for(article_id, layer=SUGGESTIONS_LAYER) if e.label == label)


def alice_view(repo: Repository, article_id: str) -> dict[tuple[int, int], EntityView]:
    return {(e.start, e.end): e for e in repo.entities_for(article_id, annotator="alice")}


def check_undo_redo(repo: Repository, article_id: str, change: Change) -> None:
    """Undo restores the view before the change; redo restores the view after it."""
    after = repo.entities_for(article_id, annotator="alice")
    undo = repo.revert(change.event_id, "alice")
    assert undo.action == "revert"
    before = repo.entities_for(article_id, annotator="alice")
    assert before != after
    repo.revert(undo.event_id, "alice")
    assert repo.entities_for(article_id, annotator="alice") == after


def test_accept_creates_a_derived_row_and_leaves_the_suggestion(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    change = repo.accept_entity(gpe.id, "alice")
    mine = repo.entity(change.created_entity_id or -1)
    assert (mine.layer, mine.status, mine.derived_from, mine.annotator) == (
        "alice",
        Status.ACCEPTED,
        gpe.id,
        "alice",
    )
    assert (mine.start, mine.end, mine.label, mine.text) == (gpe.start, gpe.end, "GPE", "Japan")
    assert repo.entity(gpe.id) == gpe  # the suggestion is never modified
    view = alice_view(repo, article_id)
    assert view[(gpe.start, gpe.end)].id == mine.id  # the decided suggestion left the working view
    event = repo.events(article_id, limit=1)[0]
    assert event["id"] == change.event_id and event["action"] == "accept_entity" and event["annotator"] == "alice"
    (row,) = event["payload"]["rows"]
    assert row["before"] is None and row["after"]["status"] == "accepted" and row["after"]["derived_from"] == gpe.id
    check_undo_redo(repo, article_id, change)


def test_deciding_again_updates_the_own_row_in_place(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    first = repo.accept_entity(gpe.id, "alice")
    # A stale view may still hold the suggestion id: the decision goes to the same row, not a duplicate.
    second = repo.reject_entity(gpe.id, "alice")
    third = repo.accept_entity(first.created_entity_id or -1, "alice")
    assert second.entity_ids == third.entity_ids == (first.created_entity_id,)
    assert second.created_entity_id is None
    rows = repo.entities_for(article_id, layer="alice")
    assert [(r.id, r.status) for r in rows] == [(first.created_entity_id, Status.ACCEPTED)]


def test_reject_writes_a_rejected_row_and_undo_brings_the_suggestion_back(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    change = repo.reject_entity(gpe.id, "alice")
    view = alice_view(repo, article_id)
    assert view[(gpe.start, gpe.end)].status == Status.REJECTED
    undo = repo.revert(change.event_id, "alice")
    assert alice_view(repo, article_id)[(gpe.start, gpe.end)] == gpe
    assert repo.entity(change.created_entity_id or -1).status == Status.REJECTED  # soft: the row is kept
    assert change.created_entity_id not in [e.id for e in repo.entities_for(article_id, layer="alice")]
    repo.revert(undo.event_id, "alice")
    assert alice_view(repo, article_id)[(gpe.start, gpe.end)].status == Status.REJECTED


def test_relabel_marks_corrected_and_back_to_the_original_label_is_accepted(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    change = repo.relabel_entity(gpe.id, "LOC", "alice")
    mine = repo.entity(change.created_entity_id or -1)
    assert (mine.label, mine.status) == ("LOC", Status.CORRECTED)
    check_undo_redo(repo, article_id, change)
    repo.relabel_entity(mine.id, "GPE", "alice")
    assert repo.entity(mine.id).status == Status.ACCEPTED


def test_resize_moves_the_span_and_keeps_code_point_offsets(repo: Repository, article_id: str) -> None:
    person = suggestion(repo, article_id, "PERSON")
    start, end = span_of(TEXT, "Abe")
    change = repo.resize_entity(person.id, start, end, "alice")
    mine = repo.entity(change.created_entity_id or -1)
    assert (mine.start, mine.end, mine.text, mine.status) == (start, end, "Abe", Status.CORRECTED)
    check_undo_redo(repo, article_id, change)


def test_add_and_delete_a_manual_entity(repo: Repository, article_id: str) -> None:
    start, end = span_of(TEXT, "Vladimir Putin")
    added = repo.add_entity(article_id, start, end, "PERSON", "alice")
    mine = repo.entity(added.created_entity_id or -1)
    assert (mine.text, mine.status, mine.origin, mine.derived_from) == (
        "Vladimir Putin",
        Status.MANUAL,
        "manual",
        None,
    )
    check_undo_redo(repo, article_id, added)
    deleted = repo.delete_entity(mine.id, "alice")
    assert mine.id not in [e.id for e in repo.entities_for(article_id, annotator="alice")]
    assert any(e.id == mine.id for e in repo.entities_for(article_id, layer="alice", include_deleted=True))
    assert repo.events(article_id, limit=1)[0]["action"] == "delete_entity"
    repo.revert(deleted.event_id, "alice")
    assert mine.id in [e.id for e in repo.entities_for(article_id, annotator="alice")]


def test_deleting_a_suggestion_is_a_rejection_in_ones_layer(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    change = repo.delete_entity(gpe.id, "alice")
    assert repo.entity(change.created_entity_id or -1).status == Status.REJECTED
    assert repo.entity(gpe.id) == gpe


def test_link_actor_and_unlink(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    japan = repo.add_actor("Japan", "GPE", "alice", aliases=["Nippon"]).created_actor_id
    change = repo.link_entity_actor(gpe.id, japan, "alice")
    mine = repo.entity(change.created_entity_id or -1)
    assert (mine.actor_id, mine.actor_name, mine.status) == (japan, "Japan", Status.CORRECTED)
    check_undo_redo(repo, article_id, change)
    repo.link_entity_actor(mine.id, None, "alice")
    assert (repo.entity(mine.id).actor_id, repo.entity(mine.id).status) == (None, Status.ACCEPTED)


def test_accept_all_accepts_only_undecided_suggestions_in_one_event(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    repo.reject_entity(gpe.id, "alice")
    n_events = len(repo.events(limit=1000))
    change = repo.accept_all_suggestions(article_id, "alice")
    assert len(repo.events(limit=1000)) == n_events + 1
    assert len(change.entity_ids) == 1 and len(change.claim_ids) == 1
    statuses = sorted((e.label, e.status) for e in repo.entities_for(article_id, annotator="alice"))
    assert statuses == [("GPE", Status.REJECTED), ("PERSON", Status.ACCEPTED)]
    assert [c.status for c in repo.claims_for(article_id, annotator="alice")] == [Status.ACCEPTED]
    assert repo.accept_all_suggestions(article_id, "alice").entity_ids == ()  # nothing left to accept
    repo.revert(change.event_id, "alice")
    assert [e.status for e in repo.entities_for(article_id, annotator="alice") if e.label == "PERSON"] == [
        Status.SUGGESTED
    ]


def test_a_reviewer_decides_into_the_gold_layer(repo: Repository, article_id: str) -> None:
    gpe = suggestion(repo, article_id, "GPE")
    alice_row = repo.relabel_entity(gpe.id, "LOC", "alice").created_entity_id or -1
    repo.ensure_annotator("rita", "reviewer")
    gold = repo.entity(repo.accept_entity(alice_row, "rita").created_entity_id or -1)
    assert (gold.layer, gold.derived_from, gold.status, gold.annotator) == (
        "gold",
        alice_row,
        Status.ACCEPTED,
        "rita",
    )
    # The suggestion under alice's row counts as decided for the reviewer as well.
    assert [e.id for e in repo.entities_for(article_id, annotator="rita") if e.label in ("GPE", "LOC")] == [gold.id]


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda r, a, e: r.add_entity(a, 5, 500, "PERSON", "alice"), "ends after the text"),
        (lambda r, a, e: r.add_entity(a, 7, 7, "PERSON", "alice"), "start < end"),
        (lambda r, a, e: r.add_entity(a, -1, 3, "PERSON", "alice"), "start < end"),
        (lambda r, a, e: r.add_entity(a, 2, 8, "NOPE", "alice"), "'NOPE'"),
        (lambda r, a, e: r.add_entity("missing", 2, 8, "PERSON", "alice"), "'missing'"),
        (lambda r, a, e: r.add_entity(a, 2, 8, "PERSON", "bob"), "'bob'"),
        (lambda r, a, e: r.add_entity(a, 2, 8, "PERSON", "alice", actor_id=999), "999"),
        (lambda r, a, e: r.relabel_entity(e, "NOPE", "alice"), "'NOPE'"),
        (lambda r, a, e: r.resize_entity(e, 10, 5, "alice"), "[10, 5)"),
        (lambda r, a, e: r.resize_entity(e, 10, 5000, "alice"), "ends after the text"),
        (lambda r, a, e: r.accept_entity(12345, "alice"), "12345"),
        (lambda r, a, e: r.reject_entity(12345, "alice"), "12345"),
        (lambda r, a, e: r.link_entity_actor(e, 4242, "alice"), "4242"),
        (lambda r, a, e: r.delete_entity(e, "nobody"), "'nobody'"),
    ],
)
def test_invalid_decisions_write_nothing(repo: Repository, article_id: str, call: Any, error: str) -> None:
    entity_id = suggestion(repo, article_id, "GPE").id
    before = fingerprint(repo, article_id)
    with pytest.raises(ValidationError, match=error.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        call(repo, article_id, entity_id)
    assert fingerprint(repo, article_id) == before


def test_not_found_is_a_validation_error_subclass(repo: Repository, article_id: str) -> None:
    with pytest.raises(NotFoundError, match="unknown entity 77"):
        repo.entity(77)
    with pytest.raises(NotFoundError, match="unknown claim 78"):
        repo.claim(78)
    # The same reads find what is there: one view each, by id.
    for entity in repo.entities_for(article_id):
        assert repo.entity(entity.id) == entity
    for claim in repo.claims_for(article_id):
        assert repo.claim(claim.id) == claim
    with pytest.raises(NotFoundError, match="unknown article 'nope'"):
        repo.article("nope")
    with pytest.raises(NotFoundError, match="unknown event 999"):
        repo.revert(999, "alice")
