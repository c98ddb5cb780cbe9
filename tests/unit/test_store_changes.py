"""The typed Change every mutation returns: its flags say what changed, whatever the action is called."""

from __future__ import annotations

from annotator.core.changes import Action, Change
from annotator.core.records import SUGGESTIONS_LAYER, ArticleStatus, Span
from annotator.store.repository import Repository
from tests.unit.conftest import TEXT, default_suggestions, span_of


def flags(change: Change) -> set[str]:
    names = ("entities", "claims", "actors", "status", "progress", "codebook", "in_place")
    return {name for name in names if getattr(change, name)}


def first_suggestion_id(repo: Repository, article_id: str) -> int:
    return repo.entities_for(article_id, layer=SUGGESTIONS_LAYER)[0].id


def test_a_decision_on_a_suggestion_changes_entities_in_place(repo: Repository, article_id: str) -> None:
    change = repo.accept_entity(first_suggestion_id(repo, article_id), "alice")
    assert change.action == Action.ACCEPT_ENTITY
    assert flags(change) == {"entities", "in_place"}
    assert change.created_entity_id in change.entity_ids


def test_deleting_a_manual_mention_is_not_in_place(repo: Repository, article_id: str) -> None:
    start, end = span_of(TEXT, "islands")
    added = repo.add_entity(article_id, start, end, "LOC", "alice")
    assert flags(added) == {"entities", "in_place"}
    assert added.created_entity_id is not None
    deleted = repo.delete_entity(added.created_entity_id, "alice")
    assert flags(deleted) == {"entities"}  # the row is gone: a view must drop it, not re-read it


def test_claim_decisions_flag_claims(repo: Repository, article_id: str) -> None:
    claim = repo.claims_for(article_id, layer=SUGGESTIONS_LAYER)[0]
    assert flags(repo.update_claim(claim.id, "alice", stance=1)) == {"claims", "in_place"}
    added = repo.add_claim(article_id, "alice", content=[Span(*span_of(TEXT, "islands"))])
    assert flags(added) == {"claims", "in_place"}


def test_bulk_decisions_are_not_in_place(repo: Repository, article_id: str) -> None:
    change = repo.accept_all_suggestions(article_id, "alice")
    assert {"entities", "claims"} <= flags(change)
    suggestions = repo.store_suggestions(default_suggestions(article_id, "spacy:other@1"))
    assert "in_place" not in flags(suggestions)


def test_article_status_flags_status_and_progress(repo: Repository, article_id: str) -> None:
    change = repo.set_article_status(article_id, "alice", ArticleStatus.DONE)
    assert flags(change) == {"status", "progress"}
    assert not change.rows
    undo = repo.revert(change.event_id, "alice")
    assert flags(undo) == {"status", "progress"}


def test_actor_changes_flag_actors(repo: Repository, article_id: str) -> None:
    created = repo.add_actor("Sergey Lavrov", "PERSON", "alice")
    assert flags(created) == {"actors"}
    assert created.rows  # names shown beside rows may change: views re-read them
    assert created.created_actor_id is not None
    renamed = repo.update_actor(created.created_actor_id, "alice", name="S. Lavrov")
    assert "actors" in flags(renamed)


def test_undo_of_a_decision_on_a_suggestion_is_not_in_place(repo: Repository, article_id: str) -> None:
    change = repo.relabel_entity(first_suggestion_id(repo, article_id), "ORG", "alice")
    undo = repo.revert(change.event_id, "alice")
    assert undo.action == Action.REVERT
    assert flags(undo) == {"entities"}  # the derived row is deleted again
    redo = repo.revert(undo.event_id, "alice")
    assert flags(redo) == {"entities", "in_place"}


def test_review_decisions_have_typed_actions(repo: Repository, article_id: str) -> None:
    repo.ensure_annotator("rita", role="reviewer")
    accepted = repo.accept_entity(first_suggestion_id(repo, article_id), "alice")
    repo.set_article_status(article_id, "alice", ArticleStatus.DONE)
    assert accepted.created_entity_id is not None
    adopted = repo.adopt_entity(accepted.created_entity_id, "rita")
    assert adopted.action == Action.ADOPT_ENTITY
    assert "entities" in flags(adopted)
    reviewed = repo.mark_reviewed(article_id, "rita")
    assert reviewed.action == Action.MARK_REVIEWED
    assert flags(reviewed) == {"status", "progress"}
