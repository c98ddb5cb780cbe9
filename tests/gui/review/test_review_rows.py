"""The review rows (no window): versions, agreement, gold state after the reviewer edits, what Shift+A adopts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.core.agreement import AGREED, DISPUTED, SINGLE
from annotator.ui.review.review_rows import GOLD_ONLY, agreed_items, review_rows
from tests.gui.review_fixtures import REVIEWER, code_seeds

if TYPE_CHECKING:
    from annotator.store.repository import Repository


def _rows(repo: Repository, article_id: str) -> list[Any]:
    return review_rows(repo.review_layers(article_id), repo.entities_for(article_id, layer="gold"),
                       repo.claims_for(article_id, layer="gold"))


def _entity_row(rows: list[Any], text: str, label: str) -> Any:
    (row,) = [r for r in rows if r.kind == "entity" and getattr(r.representative, "text", "") == text
              and r.key[2] == label]
    return row


def test_rows_before_review(repo: Repository, articles: dict[str, str]) -> None:
    code_seeds(repo, articles)
    rows = _rows(repo, articles["abe"])
    assert _entity_row(rows, "Shinzo Abe", "PERSON").status == AGREED
    gpe, loc = _entity_row(rows, "Sochi", "GPE"), _entity_row(rows, "Sochi", "LOC")
    assert (gpe.status, gpe.annotators, loc.status, loc.annotators) == (DISPUTED, ("alice",), DISPUTED, ("bob",))
    assert _entity_row(rows, "Russia", "GPE").status == SINGLE
    assert not any(r.decided for r in rows)
    assert {row_id for _, row_id in agreed_items(rows)} == {
        _entity_row(rows, "Shinzo Abe", "PERSON").holders[0][1].id,
        _entity_row(rows, "Vladimir Putin", "PERSON").holders[0][1].id,
    }


def test_edited_gold_is_decided_and_not_readopted(repo: Repository, articles: dict[str, str]) -> None:
    code_seeds(repo, articles)
    abe = articles["abe"]
    rows = _rows(repo, abe)
    person = _entity_row(rows, "Shinzo Abe", "PERSON")
    gold_id = repo.adopt_entity(person.holders[0][1].id, REVIEWER).created_entity_id
    assert gold_id is not None
    repo.relabel_entity(gold_id, "ORG", REVIEWER)
    rows = _rows(repo, abe)
    person = _entity_row(rows, "Shinzo Abe", "PERSON")
    assert person.changed and person.decided and not person.in_gold
    assert person.replaces == (gold_id,)  # adopting the original again replaces the reviewer's edit
    reviewer_row = _entity_row(rows, "Shinzo Abe", "ORG")
    assert (reviewer_row.status, reviewer_row.gold.id) == (GOLD_ONLY, gold_id)
    assert all(row_id != person.holders[0][1].id for _, row_id in agreed_items(rows))

    # A gold claim whose attributes the reviewer changed still has its row (a gold-only version).
    claim_row = next(r for r in rows if r.kind == "claim" and "bob" in r.annotators)
    gold_claim = repo.adopt_claim(claim_row.holders[0][1].id, REVIEWER).created_claim_id
    assert gold_claim is not None
    repo.update_claim(gold_claim, REVIEWER, stance=1)
    rows = _rows(repo, abe)
    assert [r.status for r in rows if r.kind == "claim" and r.gold is not None] == [GOLD_ONLY]
    assert all(r.changed for r in rows if r.kind == "claim" and "bob" in r.annotators)
