"""Issue 12, point 6: a decision reads its rows once and writes its audit snapshots from what it read and wrote.

The snapshots must be exactly what a fresh read of the row gives (undo restores from them), on both backends.
"""

from __future__ import annotations

import json
from typing import Any

from annotator.core.records import Span
from annotator.store._snapshots import snapshot
from annotator.store.models import Event, bound
from annotator.store.repository import Repository


def _last_rows(repo: Repository) -> list[dict[str, object]]:
    with bound(repo._st.db):
        payload = Event.select(Event.payload).order_by(Event.id.desc()).limit(1).scalar()
    return list(json.loads(payload)["rows"])


def _fresh(repo: Repository, entity_id: int, table: str = "entity") -> dict[str, object] | None:
    with bound(repo._st.db):
        data = snapshot(table, entity_id)
    return json.loads(json.dumps(data)) if data is not None else None  # as stored in the payload


def test_snapshots_of_a_new_and_of_an_existing_decision_are_the_rows(repo: Repository, article_id: str) -> None:
    suggestion = next(e for e in repo.entities_for(article_id, annotator="alice") if e.label == "GPE")
    change = repo.accept_entity(suggestion.id, "alice")  # creates alice's row
    (row,) = _last_rows(repo)
    own_id = change.entity_ids[0]
    assert row["id"] == own_id and row["before"] is None
    assert row["after"] == _fresh(repo, own_id)
    before = _fresh(repo, own_id)

    labels = repo.labels()
    repo.relabel_entity(suggestion.id, next(lab for lab in labels if lab != "GPE"), "alice")  # updates it
    (row,) = _last_rows(repo)
    assert row["id"] == own_id
    assert row["before"] == before
    assert row["after"] == _fresh(repo, own_id) and row["after"] != before

    rejection = repo.reject_entity(own_id, "alice")  # deciding on one's own row
    (row,) = _last_rows(repo)
    assert row["after"] == _fresh(repo, own_id) and row["after"]["status"] == "rejected"  # type: ignore[index]

    repo.revert(rejection.event_id, "alice")  # undo the rejection from its snapshot
    assert _fresh(repo, own_id) == json.loads(json.dumps(_last_rows(repo)[0]["after"]))
    assert repo.entity(own_id).status != "rejected"


def test_a_decision_on_the_suggestion_again_updates_the_row_it_made(repo: Repository, article_id: str) -> None:
    suggestion = next(e for e in repo.entities_for(article_id, annotator="alice") if e.label == "GPE")
    first = repo.accept_entity(suggestion.id, "alice").entity_ids
    second = repo.reject_entity(suggestion.id, "alice").entity_ids
    assert first == second  # the derived row is found, not a second one made
    assert repo.entity(first[0]).status == "rejected"


def test_a_claims_snapshots_are_the_rows_and_spans_without_reading_them_back(
    repo: Repository, article_id: str
) -> None:
    """A claim decision builds its "after" from what it wrote (the row, and the spans it copied or replaced) and
    its "before" from the row it read: each must equal a fresh read, spans and their order included."""
    suggestion = repo.claims_for(article_id, annotator="alice")[0]
    change = repo.accept_claim(suggestion.id, "alice")  # creates alice's row, its spans copied
    own_id = change.claim_ids[0]
    assert own_id != suggestion.id
    (row,) = _last_rows(repo)
    assert row["before"] is None and row["after"] == _fresh(repo, own_id, "claim")
    after: Any = row["after"]
    original: Any = _fresh(repo, suggestion.id, "claim")
    assert after["_spans"]
    assert [s[:3] for s in after["_spans"]] == [s[:3] for s in original["_spans"]]

    stance = repo.codebook().stance_values[0]
    content = repo.claim(own_id).content
    assert content is not None
    shorter = Span(content.start, content.start + 5)
    steps = [
        lambda: repo.update_claim(own_id, "alice", note="checked", stance=stance),  # the row only
        lambda: repo.set_claim_role(own_id, "content", [shorter], "alice"),  # the spans replaced
        lambda: repo.reject_claim(suggestion.id, "alice"),  # on the suggestion again: updates alice's row
        lambda: repo.accept_claim(suggestion.id, "alice"),
    ]
    for step in steps:
        before = _fresh(repo, own_id, "claim")
        step()
        (row,) = _last_rows(repo)
        assert row["id"] == own_id
        assert row["before"] == before
        assert row["after"] == _fresh(repo, own_id, "claim")

    undone = repo.revert(_last_event_id(repo), "alice")  # the acceptance undone from its snapshot
    assert undone is not None
    assert repo.claim(own_id).status == "rejected"


def _last_event_id(repo: Repository) -> int:
    with bound(repo._st.db):
        return int(Event.select(Event.id).order_by(Event.id.desc()).limit(1).scalar())
