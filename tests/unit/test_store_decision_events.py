"""Issue 12, point 6: a decision reads its rows once and writes its audit snapshots from what it read and wrote.

The snapshots must be exactly what a fresh read of the row gives (undo restores from them), on both backends.
"""

from __future__ import annotations

import json

from annotator.store._snapshots import snapshot
from annotator.store.models import Event, bound
from annotator.store.repository import Repository


def _last_rows(repo: Repository) -> list[dict[str, object]]:
    with bound(repo._st.db):
        payload = Event.select(Event.payload).order_by(Event.id.desc()).limit(1).scalar()
    return list(json.loads(payload)["rows"])


def _fresh(repo: Repository, entity_id: int) -> dict[str, object] | None:
    with bound(repo._st.db):
        data = snapshot("entity", entity_id)
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
