"""Review in the store: the overlap queue, the review queue, adopting into gold, undo, and the gold export."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.records import ArticleStatus, Span, Status
from annotator.jobs.exporting import export
from annotator.store.repository import Repository
from tests.unit.conftest import TEXT, default_suggestions, span_of


def _team(repo: Repository) -> None:
    for name in ("alice", "bob", "carol"):
        repo.ensure_annotator(name)
    repo.ensure_annotator("rita", "reviewer")


def test_overlap_setting_default_and_validation(repo: Repository) -> None:
    assert repo.get_setting("overlap") == 1 and repo.overlap() == 1
    repo.set_setting("overlap", 2)
    assert repo.get_setting("overlap") == 2 and repo.overlap() == 2
    for bad in (0, -1, 1.5, "2", True, None):
        with pytest.raises(ValidationError, match="overlap"):
            repo.set_setting("overlap", bad)
    assert repo.overlap() == 2


def test_overlap_one_gives_each_article_to_one_annotator(
    repo: Repository, make_articles: Callable[[int], list[str]]
) -> None:
    ids = make_articles(2)
    _team(repo)
    repo.set_article_status(ids[0], "alice", ArticleStatus.IN_PROGRESS)
    assert repo.next_in_queue("alice") == ids[0]  # her own article stays hers
    assert repo.next_in_queue("bob") == ids[1]  # started by alice: not offered to bob
    assert repo.progress("bob") == (0, 1)
    assert repo.progress("alice") == (0, 2)


def test_overlap_two_reaches_two_annotators_never_a_third(
    repo: Repository, make_articles: Callable[[int], list[str]]
) -> None:
    ids = make_articles(3)
    _team(repo)
    repo.set_setting("overlap", 2)
    reached: dict[str, set[str]] = {i: set() for i in ids}
    # Annotators take turns: each opens their next article (in progress) then finishes it.
    for _ in range(3):
        for name in ("alice", "bob", "carol"):
            article = repo.next_in_queue(name)
            if article is None:
                continue
            repo.set_article_status(article, name, ArticleStatus.IN_PROGRESS)
            assert len(reached[article] - {name}) < 2, f"{article} reached a third annotator"
            reached[article].add(name)
            repo.set_article_status(article, name, ArticleStatus.DONE)
    assert all(len(names) == 2 for names in reached.values())
    assert reached[ids[0]] == {"alice", "bob"}
    for name in ("alice", "bob", "carol"):
        assert repo.next_in_queue(name) is None
    # Every article is ready for review: two annotators done each.
    assert repo.next_in_queue("rita") == ids[0] and repo.progress("rita") == (0, 3)


def test_overlap_two_with_alice_and_bob(repo: Repository, make_articles: Callable[[int], list[str]]) -> None:
    ids = make_articles(2)
    _team(repo)
    repo.set_setting("overlap", 2)
    for name in ("alice", "bob"):
        for article in ids:
            assert repo.next_in_queue(name) == article
            repo.set_article_status(article, name, ArticleStatus.DONE)
    assert repo.next_in_queue("carol") is None and repo.progress("carol") == (0, 0)


def test_review_queue_needs_overlap_done_and_leaves_when_reviewed(
    repo: Repository, make_articles: Callable[[int], list[str]]
) -> None:
    ids = make_articles(2)
    _team(repo)
    repo.set_setting("overlap", 2)
    repo.set_article_status(ids[0], "alice", ArticleStatus.DONE)
    assert repo.next_in_queue("rita") is None  # one of two done
    repo.set_article_status(ids[0], "bob", ArticleStatus.DONE)
    assert repo.next_in_queue("rita") == ids[0]
    assert [s.id for s in repo.article_summaries(annotator="rita", ready_for_review=True)] == [ids[0]]
    change = repo.mark_reviewed(ids[0], "rita")
    assert repo.article_status(ids[0], "rita") == ArticleStatus.REVIEWED
    assert repo.next_in_queue("rita") is None and repo.progress("rita") == (1, 1)
    assert repo.reviewed_article_ids() == [ids[0]]
    assert repo.article_export_status(ids[0]) == "reviewed"
    assert [s.id for s in repo.article_summaries(annotator="rita", status="reviewed")] == [ids[0]]
    repo.revert(change.event_id, "rita")  # undo: back in the queue
    assert repo.next_in_queue("rita") == ids[0] and repo.reviewed_article_ids() == []
    with pytest.raises(ValidationError, match="not a reviewer"):
        repo.mark_reviewed(ids[0], "alice")


@pytest.fixture
def coded(repo: Repository, article_id: str) -> dict[str, int]:
    """alice and bob coded the article (done): Abe agreed, Japan disputed (GPE / ORG), Putin only alice's."""
    _team(repo)
    repo.store_suggestions(default_suggestions(article_id))
    suggestions = {e.text: e for e in repo.entities_for(article_id, layer="suggestions")}
    ids: dict[str, int] = {}
    for name in ("alice", "bob"):
        ids[f"{name}_abe"] = repo.accept_entity(suggestions["Shinzo Abe"].id, name).entity_ids[0]
    ids["alice_japan"] = repo.accept_entity(suggestions["Japan"].id, "alice").entity_ids[0]
    ids["bob_japan"] = repo.relabel_entity(suggestions["Japan"].id, "ORG", "bob").entity_ids[0]
    putin = span_of(TEXT, "Vladimir Putin")
    ids["alice_putin"] = repo.add_entity(article_id, *putin, "PERSON", "alice").entity_ids[0]
    claim = repo.claims_for(article_id, layer="suggestions")[0]
    ids["alice_claim"] = repo.accept_claim(claim.id, "alice").claim_ids[0]
    ids["bob_claim"] = repo.update_claim(claim.id, "bob", stance=-1).claim_ids[0]
    ids["bob_rejected"] = repo.add_entity(article_id, *span_of(TEXT, "islands"), "LOC", "bob").entity_ids[0]
    repo.reject_entity(ids["bob_rejected"], "bob")
    for name in ("alice", "bob"):
        repo.set_article_status(article_id, name, ArticleStatus.DONE)
    return ids


def test_review_layers_have_each_done_annotators_rows(repo: Repository, article_id: str, coded: dict[str, int]) -> None:
    layers = repo.review_layers(article_id)
    assert list(layers) == ["alice", "bob"]
    alice_entities, alice_claims = layers["alice"]
    assert [(e.text, e.label) for e in alice_entities] == [
        ("Shinzo Abe", "PERSON"), ("Japan", "GPE"), ("Vladimir Putin", "PERSON")
    ]
    bob_entities, bob_claims = layers["bob"]
    assert [(e.text, e.label) for e in bob_entities] == [("Shinzo Abe", "PERSON"), ("Japan", "ORG")]  # no rejected
    assert [c.stance for c in alice_claims] == [None] and [c.stance for c in bob_claims] == [-1]
    repo.set_article_status(article_id, "bob", ArticleStatus.IN_PROGRESS)
    assert list(repo.review_layers(article_id)) == ["alice"]


def test_adopt_is_idempotent_and_undoable(repo: Repository, article_id: str, coded: dict[str, int]) -> None:
    first = repo.adopt_entity(coded["alice_abe"], "rita")
    gold = repo.entities_for(article_id, layer="gold")
    assert [(e.text, e.label, e.status, e.derived_from) for e in gold] == [
        ("Shinzo Abe", "PERSON", Status.ACCEPTED, coded["alice_abe"])
    ]
    assert first.created_entity_id == gold[0].id
    repo.adopt_entity(coded["bob_abe"], "rita")  # the same span and label from bob: no second row
    repo.adopt_entity(coded["alice_abe"], "rita")
    assert len(repo.entities_for(article_id, layer="gold")) == 1
    repo.revert(first.event_id, "rita")
    assert repo.entities_for(article_id, layer="gold") == []
    # Rejecting then adopting again brings the same gold row back to accepted.
    again = repo.adopt_entity(coded["alice_abe"], "rita")
    repo.reject_entity(again.created_entity_id or 0, "rita")
    repo.adopt_entity(coded["bob_abe"], "rita")
    (row,) = repo.entities_for(article_id, layer="gold")
    assert (row.id, row.status) == (again.created_entity_id, Status.ACCEPTED)
    with pytest.raises(ValidationError, match="not a reviewer"):
        repo.adopt_entity(coded["alice_abe"], "bob")
    with pytest.raises(ValidationError, match="already in the gold layer"):
        repo.adopt_entity(row.id, "rita")


def test_adopt_other_version_replaces_gold_row(repo: Repository, article_id: str, coded: dict[str, int]) -> None:
    gpe = repo.adopt_entity(coded["alice_japan"], "rita").created_entity_id
    assert gpe is not None
    change = repo.adopt_entity(coded["bob_japan"], "rita", replace=[gpe])
    assert [(e.text, e.label) for e in repo.entities_for(article_id, layer="gold")] == [("Japan", "ORG")]
    repo.revert(change.event_id, "rita")
    assert [(e.text, e.label) for e in repo.entities_for(article_id, layer="gold")] == [("Japan", "GPE")]
    with pytest.raises(ValidationError, match="not a gold row"):
        repo.adopt_entity(coded["bob_japan"], "rita", replace=[coded["alice_abe"]])


def test_adopt_claim_copies_spans_and_takes_attributes(
    repo: Repository, article_id: str, coded: dict[str, int]
) -> None:
    repo.adopt_claim(coded["alice_claim"], "rita")
    repo.adopt_claim(coded["bob_claim"], "rita")  # same spans, bob's stance: one row, bob's values
    (gold,) = repo.claims_for(article_id, layer="gold")
    alice = repo.claim(coded["alice_claim"])
    assert (gold.cue, gold.content, gold.source) == (alice.cue, alice.content, alice.source)
    assert (gold.stance, gold.status, gold.derived_from) == (-1, Status.ACCEPTED, coded["alice_claim"])


def test_adopt_agreed_is_one_event(repo: Repository, article_id: str, coded: dict[str, int]) -> None:
    before = len(repo.events(article_id, limit=1000))
    change = repo.adopt_agreed(
        article_id, "rita", [("entity", coded["alice_abe"]), ("entity", coded["alice_putin"])]
    )
    assert len(repo.events(article_id, limit=1000)) == before + 1
    assert change.action == "adopt_agreed" and len(change.entity_ids) == 2
    assert {e.text for e in repo.entities_for(article_id, layer="gold")} == {"Shinzo Abe", "Vladimir Putin"}
    repo.revert(change.event_id, "rita")
    assert repo.entities_for(article_id, layer="gold") == []
    with pytest.raises(ValidationError, match="unknown item kind"):
        repo.adopt_agreed(article_id, "rita", [("actor", 1)])
    assert repo.entities_for(article_id, layer="gold") == []  # nothing written by the refused call


def test_gold_export_holds_reviewed_articles_only(
    repo: Repository, article_id: str, coded: dict[str, int], tmp_path: Path
) -> None:
    repo.adopt_entity(coded["alice_abe"], "rita")
    repo.add_claim(article_id, "rita", cue=[Span(*span_of(TEXT, "said"))])
    path = tmp_path / "gold.json"
    assert export(repo, path, layer="gold").articles == 0  # gold rows, but not reviewed yet
    repo.mark_reviewed(article_id, "rita")
    summary = export(repo, path, layer="gold")
    assert (summary.articles, summary.entities, summary.claims) == (1, 1, 1)
    data = json.loads(path.read_text(encoding="utf-8"))
    (article,) = data["articles"]
    assert article["status"] == "reviewed"
    abe = (*span_of(TEXT, "Shinzo Abe"), "PERSON")
    assert [(e["start"], e["end"], e["label"]) for e in article["entities"]] == [abe]
    # One annotator's layer carries that annotator's status.
    export(repo, path, layer="bob")
    assert json.loads(path.read_text(encoding="utf-8"))["articles"][0]["status"] == "done"
