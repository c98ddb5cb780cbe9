"""What a mutation changed: the audit action names and the typed ``Change`` every mutation returns.

Views decide what to refresh from the flags of a :class:`Change` (as Anki's ``OpChanges``), never from the name
of the action: the store may rename or add actions without any view taking another path. ``Action`` is the one
list of the names written to the audit log (``Event.action``); see docs/architecture.md, "Change flow".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    """The name of a mutation in the audit log."""

    IMPORT = "import"
    SUGGEST = "suggest"
    ADD_ENTITY = "add_entity"
    ACCEPT_ENTITY = "accept_entity"
    REJECT_ENTITY = "reject_entity"
    RELABEL_ENTITY = "relabel_entity"
    RESIZE_ENTITY = "resize_entity"
    LINK_ENTITY_ACTOR = "link_entity_actor"
    DELETE_ENTITY = "delete_entity"
    ADD_CLAIM = "add_claim"
    ACCEPT_CLAIM = "accept_claim"
    REJECT_CLAIM = "reject_claim"
    UPDATE_CLAIM = "update_claim"
    SET_CLAIM_ROLE = "set_claim_role"
    DELETE_CLAIM = "delete_claim"
    ACCEPT_ALL_SUGGESTIONS = "accept_all_suggestions"
    ADD_ACTOR = "add_actor"
    UPDATE_ACTOR = "update_actor"
    MERGE_ACTORS = "merge_actors"
    SET_ARTICLE_STATUS = "set_article_status"
    ADOPT_ENTITY = "adopt_entity"
    ADOPT_CLAIM = "adopt_claim"
    ADOPT_AGREED = "adopt_agreed"
    MARK_REVIEWED = "mark_reviewed"
    REVERT = "revert"
    CODEBOOK = "codebook"
    RENAME_CODE = "rename_code"
    MERGE_CODES = "merge_codes"
    DELETE_CODE = "delete_code"
    REPLACE_CODEBOOK = "replace_codebook"
    IMPORT_CODEBOOK = "import_codebook"


@dataclass(frozen=True)
class Change:
    """What one mutation changed, so views refresh only that and undo can revert it.

    Attributes:
        event_id: the audit event written for this mutation (pass it to ``Repository.revert``).
        action: the audit name of the mutation (for logs and the history; views read the flags instead).
        article_id: the article concerned, if any.
        entity_ids / claim_ids / actor_ids: rows created, updated or deleted.
        created_entity_id / created_claim_id / created_actor_id: the new row when one was created.
        entities: entity mentions of ``article_id`` changed (rows, labels, spans, links or statuses).
        claims: claims of ``article_id`` changed.
        actors: actor rows changed (names shown beside mentions and claims may have changed with them).
        status: an article status changed (the article list's icon, the queue).
        progress: the done / total counts of the session may have changed.
        codebook: the project's codebook changed (labels, kinds, forms, stances, issues, variables); rows it
            recoded are in ``entity_ids`` / ``claim_ids`` / ``actor_ids``.
        in_place: every touched entity and claim row is still live and nothing else changed, so a view may
            re-read just those rows instead of the whole article.
    """

    event_id: int
    action: str
    article_id: str | None = None
    entity_ids: tuple[int, ...] = ()
    claim_ids: tuple[int, ...] = ()
    actor_ids: tuple[int, ...] = ()
    created_entity_id: int | None = None
    created_claim_id: int | None = None
    created_actor_id: int | None = None
    entities: bool = False
    claims: bool = False
    actors: bool = False
    status: bool = False
    progress: bool = False
    codebook: bool = False
    in_place: bool = False

    @property
    def rows(self) -> bool:
        """Entity or claim rows changed, or actors whose names they show."""
        return self.entities or self.claims or self.actors
