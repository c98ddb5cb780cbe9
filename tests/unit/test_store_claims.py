"""Claims: adding with roles and attributes, editing roles and attributes, layered decisions, undo/redo."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.errors import ValidationError
from annotator.core.records import SUGGESTIONS_LAYER, ClaimView, Span, Status
from annotator.store.repository import Repository
from tests.unit.conftest import TEXT, span_of


def sp(part: str, nth: int = 0) -> Span:
    return Span(*span_of(TEXT, part, nth))


def the_suggestion(repo: Repository, article_id: str) -> ClaimView:
    (claim,) = repo.claims_for(article_id, layer=SUGGESTIONS_LAYER)
    return claim


def test_add_claim_with_roles_and_attributes(repo: Repository, article_id: str) -> None:
    putin = repo.add_actor("Vladimir Putin", "PERSON", "alice").created_actor_id
    japan = repo.add_actor("Japan", "GPE", "alice").created_actor_id
    change = repo.add_claim(
        article_id,
        "alice",
        cue=[sp("according to")],
        content=[sp("Japan wants"), sp("islands back")],
        source=[sp("Vladimir Putin")],
        kind="according-to",
        form="evaluation",
        source_actor_id=putin,
        addressee_id=japan,
        issue="territorial dispute/sovereignty",
        stance=-1,
        note="sceptical",
    )
    claim = repo.claim(change.created_claim_id or -1)
    assert claim.source is not None and claim.cue is not None and claim.content is not None
    assert claim.source.text == "Vladimir Putin" and claim.cue.text == "according to"
    assert claim.content.text == "Japan wants … islands back"
    assert claim.content.spans == (sp("Japan wants"), sp("islands back"))
    assert (claim.kind, claim.form, claim.issue, claim.stance, claim.note) == (
        "according-to",
        "evaluation",
        "territorial dispute/sovereignty",
        -1,
        "sceptical",
    )
    assert (claim.source_actor_name, claim.addressee_name) == ("Vladimir Putin", "Japan")
    assert (claim.layer, claim.status, claim.origin, claim.annotator) == (
        "alice",
        Status.MANUAL,
        "manual",
        "alice",
    )
    event = repo.events(article_id, limit=1)[0]
    assert event["action"] == "add_claim"
    assert event["payload"]["rows"][0]["after"]["_spans"][0][0] in {"source", "cue", "content"}
    undo = repo.revert(change.event_id, "alice")
    assert change.created_claim_id not in [c.id for c in repo.claims_for(article_id, annotator="alice")]
    repo.revert(undo.event_id, "alice")
    assert repo.claim(claim.id) == claim


def test_claim_without_source_has_role_none(repo: Repository, article_id: str) -> None:
    change = repo.add_claim(article_id, "alice", cue=[sp("said")], content=[sp("Japan wants the islands back")])
    claim = repo.claim(change.created_claim_id or -1)
    assert claim.source is None and claim.cue is not None and claim.cue.start == TEXT.index("said")


def test_set_role_on_a_suggestion_creates_a_corrected_copy(repo: Repository, article_id: str) -> None:
    sugg = the_suggestion(repo, article_id)
    change = repo.set_claim_role(sugg.id, "source", [sp("Abe")], "alice")
    mine = repo.claim(change.created_claim_id or -1)
    assert (mine.derived_from, mine.status, mine.layer) == (sugg.id, Status.CORRECTED, "alice")
    assert mine.source is not None and mine.source.text == "Abe"
    assert mine.cue == sugg.cue and mine.content == sugg.content  # the other roles were copied
    assert repo.claim(sugg.id) == sugg
    assert [c.id for c in repo.claims_for(article_id, annotator="alice")] == [mine.id]
    undo = repo.revert(change.event_id, "alice")
    assert [c.id for c in repo.claims_for(article_id, annotator="alice")] == [sugg.id]
    repo.revert(undo.event_id, "alice")
    assert repo.claim(mine.id) == mine


def test_set_role_on_own_claim_replaces_spans_and_undo_restores_them(repo: Repository, article_id: str) -> None:
    claim_id = repo.add_claim(article_id, "alice", cue=[sp("said")], content=[sp("Japan wants")]).created_claim_id
    assert claim_id is not None
    before = repo.claim(claim_id)
    change = repo.set_claim_role(claim_id, "content", [sp("the islands back"), sp("Japan wants")], "alice")
    after = repo.claim(claim_id)
    assert after.content is not None and after.content.text == "Japan wants … the islands back"
    assert after.status == Status.MANUAL
    cleared = repo.set_claim_role(claim_id, "source", [], "alice")
    assert repo.claim(claim_id).source is None
    repo.revert(cleared.event_id, "alice")
    undo = repo.revert(change.event_id, "alice")
    assert repo.claim(claim_id) == before
    repo.revert(undo.event_id, "alice")
    assert repo.claim(claim_id) == after


def test_update_claim_attributes(repo: Repository, article_id: str) -> None:
    sugg = the_suggestion(repo, article_id)
    change = repo.update_claim(sugg.id, "alice", form="demand", stance=1, issue="peace treaty", note="n")
    mine = repo.claim(change.created_claim_id or -1)
    assert (mine.form, mine.stance, mine.issue, mine.note, mine.status) == (
        "demand",
        1,
        "peace treaty",
        "n",
        Status.CORRECTED,
    )
    assert (mine.kind, mine.source_actor_id) == (sugg.kind, sugg.source_actor_id)
    second = repo.update_claim(mine.id, "alice", stance=None)
    assert second.created_claim_id is None and repo.claim(mine.id).stance is None
    undo = repo.revert(second.event_id, "alice")
    assert repo.claim(mine.id).stance == 1
    repo.revert(undo.event_id, "alice")
    assert repo.claim(mine.id).stance is None


def test_accept_reject_delete_claim(repo: Repository, article_id: str) -> None:
    sugg = the_suggestion(repo, article_id)
    accepted = repo.accept_claim(sugg.id, "alice")
    mine = repo.claim(accepted.created_claim_id or -1)
    assert mine.status == Status.ACCEPTED and mine.source == sugg.source
    rejected = repo.reject_claim(sugg.id, "alice")
    assert rejected.claim_ids == (mine.id,) and repo.claim(mine.id).status == Status.REJECTED
    repo.revert(rejected.event_id, "alice")
    assert repo.claim(mine.id).status == Status.ACCEPTED
    # Deleting a decision on a suggestion keeps it decided (rejected), so the suggestion does not come back.
    repo.delete_claim(mine.id, "alice")
    assert [(c.id, c.status) for c in repo.claims_for(article_id, annotator="alice")] == [(mine.id, Status.REJECTED)]
    manual = repo.add_claim(article_id, "alice", cue=[sp("said")]).created_claim_id or -1
    deleted = repo.delete_claim(manual, "alice")
    assert manual not in [c.id for c in repo.claims_for(article_id, annotator="alice")]
    repo.revert(deleted.event_id, "alice")
    assert manual in [c.id for c in repo.claims_for(article_id, annotator="alice")]


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"cue": [Span(0, 500)]}, "ends after the text"),
        ({}, "at least one span"),
        ({"cue": [Span(1, 3)], "kind": "rumour"}, "'rumour'"),
        ({"cue": [Span(1, 3)], "form": "shout"}, "'shout'"),
        ({"cue": [Span(1, 3)], "stance": 2}, "stance"),
        ({"cue": [Span(1, 3)], "issue": "football"}, "'football'"),
        ({"cue": [Span(1, 3)], "source_actor_id": 404}, "404"),
        ({"cue": [(5, 2)]}, r"\[5, 2\)"),
    ],
)
def test_invalid_claims_write_nothing(repo: Repository, article_id: str, kwargs: dict[str, Any], error: str) -> None:
    n_events = len(repo.events(limit=1000))
    with pytest.raises(ValidationError, match=error):
        repo.add_claim(article_id, "alice", **kwargs)
    assert len(repo.events(limit=1000)) == n_events
    assert [c.layer for c in repo.claims_for(article_id)] == [SUGGESTIONS_LAYER]


def test_invalid_claim_edits_write_nothing(repo: Repository, article_id: str) -> None:
    sugg = the_suggestion(repo, article_id)
    n_events = len(repo.events(limit=1000))
    with pytest.raises(ValidationError, match="'speaker'"):
        repo.set_claim_role(sugg.id, "speaker", [sp("Abe")], "alice")
    with pytest.raises(ValidationError, match="'colour'"):
        repo.update_claim(sugg.id, "alice", colour="red")
    with pytest.raises(ValidationError, match="unknown claim 999"):
        repo.accept_claim(999, "alice")
    assert len(repo.events(limit=1000)) == n_events
    assert repo.claims_for(article_id) == [sugg]
