"""The levels at which a claimant is counted: the mention as written, the actor, or the actor's top-level parent.

"Prime Minister Abe" (mention) → Shinzo Abe (actor) → Government of Japan (parent). Networks and the claims view
count claimants at one chosen level; this module maps a claim's source to its node at that level.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from annotator.core.errors import ValidationError


class ActorLevel(StrEnum):
    MENTION = "mention"  # the source span as written ("the prime minister", "Abe")
    ACTOR = "actor"  # the linked actor (Shinzo Abe)
    PARENT = "parent"  # the linked actor's top-level parent (Government of Japan); an actor without one is itself

    @classmethod
    def parse(cls, value: str) -> ActorLevel:
        try:
            return cls(value)
        except ValueError:
            raise ValidationError(f"unknown actor level {value!r}; expected mention, actor or parent") from None


@dataclass(frozen=True, slots=True)
class ActorNode:
    """A claimant at one level: a stable ``key``, the name shown and written, and its kind (PERSON, ORG...)."""

    key: str
    label: str
    kind: str


@dataclass(frozen=True, slots=True)
class ActorInfo:
    id: int
    name: str
    kind: str
    parent_id: int | None = None


def mention_key(text: str) -> str:
    """Mentions that differ only in case and spacing are one node."""
    return "m:" + " ".join(text.split()).casefold()


class ActorHierarchy:
    """The project's actors and their parents, to resolve a claimant at a level.

    Args:
        actors: every live actor (a parent missing from the list ends the chain there).
    """

    def __init__(self, actors: Iterable[ActorInfo]) -> None:
        self._actors = {a.id: a for a in actors}
        self._top: dict[int, int] = {}

    def __contains__(self, actor_id: object) -> bool:
        return actor_id in self._actors

    def actor(self, actor_id: int) -> ActorInfo | None:
        return self._actors.get(actor_id)

    def top(self, actor_id: int) -> int:
        """The root of the actor's parent chain (the actor itself when it has no parent; safe against cycles)."""
        found = self._top.get(actor_id)
        if found is not None:
            return found
        seen = [actor_id]
        current = actor_id
        while True:
            info = self._actors.get(current)
            parent = info.parent_id if info is not None else None
            if parent is None or parent not in self._actors or parent in seen:
                break
            current = parent
            seen.append(current)
        for visited in seen:
            self._top[visited] = current
        return current

    def _node(self, actor_id: int) -> ActorNode:
        info = self._actors.get(actor_id)
        if info is None:
            return ActorNode(f"a{actor_id}", f"actor {actor_id}", "")
        return ActorNode(f"a{actor_id}", info.name, info.kind)

    def node(self, level: ActorLevel, actor_id: int | None, mention: str = "") -> ActorNode | None:
        """The claimant's node at ``level``, or None when the claim gives none at that level.

        At the mention level the source text is the node (a claim without a source span but with a linked actor
        counts under the actor's name); at the actor and parent levels a claim needs a linked actor.
        """
        if level == ActorLevel.MENTION:
            text = " ".join(mention.split())
            if not text and actor_id is not None:
                text = self._node(actor_id).label
            if not text:
                return None
            kind = self._node(actor_id).kind if actor_id is not None else "mention"
            return ActorNode(mention_key(text), text, kind or "mention")
        if actor_id is None:
            return None
        if level == ActorLevel.PARENT:
            return self._node(self.top(actor_id))
        return self._node(actor_id)
