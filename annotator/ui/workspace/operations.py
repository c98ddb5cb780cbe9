"""The workspace's decisions as plain functions of the repository, each returning the ``Change`` it made.

As in Anki's ``aqt/operations``: the widgets decide *what* to do, these functions do it, and the
:class:`~annotator.ui.workspace.decisions.DecisionStack` runs them on the database thread and makes them undoable.
They import no Qt and read no widget, so they run on any thread and are tested without a window. Each is one
repository mutation (one transaction, one audit event), except where it says it is two.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.changes import Change
from annotator.core.records import ArticleStatus, ClaimView, EntityView, Span
from annotator.store.repository import Repository

Row = EntityView | ClaimView


def accept(repo: Repository, annotator: str, row: Row) -> Change:
    """Accept a mention or a claim (on a suggestion: the annotator's accepted row is created)."""
    if isinstance(row, EntityView):
        return repo.accept_entity(row.id, annotator)
    return repo.accept_claim(row.id, annotator)


def reject(repo: Repository, annotator: str, row: Row) -> Change:
    """Reject a mention or a claim (the rejection is the annotator's; a suggestion stays as it was)."""
    if isinstance(row, EntityView):
        return repo.reject_entity(row.id, annotator)
    return repo.reject_claim(row.id, annotator)


def relabel(repo: Repository, annotator: str, entity_id: int, label: str) -> Change:
    return repo.relabel_entity(entity_id, label, annotator)


def resize(repo: Repository, annotator: str, entity_id: int, span: tuple[int, int]) -> Change:
    return repo.resize_entity(entity_id, span[0], span[1], annotator)


def add_entity(repo: Repository, annotator: str, article_id: str, span: tuple[int, int], label: str) -> Change:
    return repo.add_entity(article_id, span[0], span[1], label, annotator)


def delete_entity(repo: Repository, annotator: str, entity_id: int) -> Change:
    return repo.delete_entity(entity_id, annotator)


def accept_all(repo: Repository, annotator: str, article_id: str) -> Change:
    """Accept every suggestion of the article the annotator has not decided on yet (one event)."""
    return repo.accept_all_suggestions(article_id, annotator)


def link_actor(repo: Repository, annotator: str, entity_id: int, actor_id: int | None) -> Change:
    """Link a mention to an actor (None: unlink)."""
    return repo.link_entity_actor(entity_id, actor_id, annotator)


def add_actor(repo: Repository, annotator: str, name: str, kind: str) -> Change:
    return repo.add_actor(name, kind, annotator)


def link_created_actor(repo: Repository, annotator: str, entity_id: int, created: Change) -> Change | None:
    """The second half of "link to a new actor": link the mention to the actor ``created`` made."""
    if created.created_actor_id is None:
        return None
    return repo.link_entity_actor(entity_id, created.created_actor_id, annotator)


def merge_actors(repo: Repository, annotator: str, keep_id: int, merge_id: int) -> Change:
    return repo.merge_actors(keep_id, merge_id, annotator)


def add_claim(repo: Repository, annotator: str, article_id: str, **roles: Any) -> Change:
    """A new claim with the given role spans (``source`` / ``cue`` / ``content``) and attributes."""
    return repo.add_claim(article_id, annotator, **roles)


def set_claim_role(repo: Repository, annotator: str, claim_id: int, role: str, spans: Sequence[Span]) -> Change:
    return repo.set_claim_role(claim_id, role, spans, annotator)


def set_claimant(repo: Repository, annotator: str, actor_id: int, changed: Change) -> Change | None:
    """Make ``actor_id`` the claimant of the claim ``changed`` just decided on (the annotator's own row).

    A decision on a suggestion creates the annotator's row, and a decision on their row updates it: either way
    the touched claim is the one that gets the claimant.
    """
    own_id = changed.created_claim_id or next(iter(changed.claim_ids), None)
    if own_id is None or repo.claim(own_id).source_actor_id == actor_id:
        return None
    return repo.update_claim(own_id, annotator, source_actor_id=actor_id)


def update_claim(repo: Repository, annotator: str, claim_id: int, name: str, value: object) -> Change:
    """Set one attribute of a claim (kind, form, issue, stance, note)."""
    return repo.update_claim(claim_id, annotator, **{name: value})


def delete_claim(repo: Repository, annotator: str, claim_id: int) -> Change:
    return repo.delete_claim(claim_id, annotator)


def set_article_status(repo: Repository, annotator: str, article_id: str, status: ArticleStatus) -> Change:
    """The annotator's status of an article (done, skipped...), undoable like any decision."""
    return repo.set_article_status(article_id, annotator, status)
