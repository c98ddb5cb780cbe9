"""What the decision keys do to the article shown: each picks its target and hands an operation to the workspace.

The widgets are read here, on the GUI thread, when the key is pressed (the current item, the selection, the
last label); the mutation itself is a plain function of :mod:`annotator.ui.workspace.operations`, run on the
database thread by :meth:`Workspace.decide`. What follows a decision (go to the next suggestion, clear the
selection) waits until the decision is drawn.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtWidgets import QDialog, QWidget

from annotator.core.changes import Change
from annotator.core.codebook import ActorType
from annotator.core.records import SUGGESTIONS_LAYER, ClaimView, EntityView, Span, Status
from annotator.ui.workspace import actor_dialog, operations
from annotator.ui.workspace.article_text import CLAIM, ENTITY
from annotator.ui.workspace.workspace import Workspace, describe_attribute

#: What a claim key says when no claim is current.
SELECT_A_CLAIM = "Select a claim first ([ and ] go through the claims)."


class Edits:
    """The decisions of the keys on one workspace (accept, reject, relabel, new entity or claim, roles...)."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace
        workspace.claim_panel.editor.attributeEdited.connect(self.set_claim_attribute)

    def _decide(
        self,
        text: str,
        operation: Callable[..., Change],
        *args: Any,
        on_done: Callable[[Change], None] | None = None,
        commit: bool = True,
        **keywords: Any,
    ) -> None:
        """Run ``operation(repo, annotator, *args, **keywords)`` as one decision of the annotator."""
        action = partial(operation, self.ws.repo, self.ws.annotator, *args, **keywords)
        self.ws.decide(text, action, on_done=on_done, commit=commit)

    # ------------------------------------------------------------------ accept / reject
    def accept(self) -> None:
        self._accept_or_reject(accept=True)

    def reject(self) -> None:
        self._accept_or_reject(accept=False)

    def _accept_or_reject(self, accept: bool) -> None:
        ws = self.ws
        row = ws.current_row()
        if row is None:
            ws.message.emit("Nothing selected: N / P go to the next or previous suggestion.")
            return
        if (ENTITY if isinstance(row, EntityView) else CLAIM, row.id) in ws.ahead:
            # The row's own decision is still on its way: act on its answer (the annotator's row), in order.
            ws.decisions.when_idle(lambda: self._accept_or_reject(accept))
            return
        verb = "Accepted" if accept else "Rejected"
        text = f"{verb} {row.label} “{row.text}”" if isinstance(row, EntityView) else f"{verb} claim"
        operation = operations.accept if accept else operations.reject
        action = partial(operation, ws.repo, ws.annotator, row)
        if row.status == Status.SUGGESTED and row.layer == SUGGESTIONS_LAYER:
            # An open suggestion becomes exactly this: draw it now, and go on to the next one.
            ws.decide_ahead(text, action, row, Status.ACCEPTED if accept else Status.REJECTED, then_move=True)
            return
        ws.decide(text, action)

    def accept_all(self) -> None:
        ws = self.ws
        if ws.article is None:
            return
        count = len(ws.suggestions())
        if count == 0:
            ws.message.emit("Nothing left to accept.")
            return
        self._decide(f"Accepted all {count} remaining suggestions", operations.accept_all, ws.article.id)

    # ------------------------------------------------------------------ entities
    def relabel(self, index: int) -> None:
        """Key 1–9: label the selection as a new entity, else relabel the current entity."""
        ws = self.ws
        if not 0 <= index < len(ws.labels):
            return
        label = ws.labels[index]
        ws.last_label = label
        entity = ws.current_entity()
        selection = ws.text.selection()
        if selection is not None:
            snapped = ws.text.tokens.snap(*selection)
            # Selecting an existing mention and pressing a digit relabels it rather than adding a duplicate.
            same = [e for e in ws.entities if snapped is not None and (e.start, e.end) == snapped]
            if not same:
                self.new_entity(label)
                return
            entity = same[0]
            ws.text.clear_selection()
        if entity is None:
            ws.message.emit("Select an entity (N / P) or some text before choosing a label.")
            return
        if entity.label == label:
            return
        self._decide(f"Relabelled “{entity.text}” {entity.label} → {label}", operations.relabel, entity.id, label)

    def new_entity(self, label: str | None = None) -> None:
        ws = self.ws
        span = ws.selection()
        if span is None or ws.article is None:
            return
        label = label or ws.last_label
        text = f"New {label} “{ws.text.text[span[0] : span[1]]}”"
        self._decide(text, operations.add_entity, ws.article.id, span, label,
                     on_done=lambda _change: ws.text.clear_selection())

    def _entity_or_say(self, hint: str) -> EntityView | None:
        """The current entity; without one, ``hint`` tells the analyst what to do first."""
        entity = self.ws.current_entity()
        if entity is None:
            self.ws.message.emit(hint)
        return entity

    def resize(self, how: str) -> None:
        """Extend or shrink the current entity by one token (``how``: a :class:`Tokens` method name)."""
        ws = self.ws
        entity = self._entity_or_say("Select an entity first.")
        if entity is None:
            return
        start, end = getattr(ws.text.tokens, how)(entity.start, entity.end)
        if (start, end) == (entity.start, entity.end):
            return
        text = f"Resized “{entity.text}” → “{ws.text.text[start:end]}”"
        self._decide(text, operations.resize, entity.id, (start, end))

    def delete_entity(self) -> None:
        entity = self.ws.current_entity()
        if entity is not None:
            self._decide(f"Deleted “{entity.text}”", operations.delete_entity, entity.id)

    # ------------------------------------------------------------------ actors
    def link_actor(self, parent: QWidget) -> None:
        """Open the actor dialog for the current mention and link (or create and link, or unlink)."""
        ws = self.ws
        entity = self._entity_or_say("Select an entity to link to an actor.")
        if entity is None:
            return
        dialog = actor_dialog.ActorLinkDialog(parent, ws.repo, entity)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        if choice is None:
            return
        if choice.unlink:
            self.link_to(entity.id, None)
        elif choice.actor_id is not None:
            self.link_to(entity.id, choice.actor_id)
        elif choice.new_name:
            self.link_to_new_actor(entity.id, choice.new_name, choice.new_kind or entity.label)

    def link_to(self, entity_id: int, actor_id: int | None) -> None:
        text = "Unlinked actor" if actor_id is None else "Linked actor"
        self._decide(text, operations.link_actor, entity_id, actor_id)

    def link_to_new_actor(self, entity_id: int, name: str, kind: str) -> None:
        """Create an actor and link the mention, as one undo step."""
        repo, annotator = self.ws.repo, self.ws.annotator
        self.ws.decide(
            f"Linked to the new actor {name}",
            partial(operations.add_actor, repo, annotator, name, kind),
            then=partial(operations.link_created_actor, repo, annotator, entity_id),
        )

    def merge_actors(self, parent: QWidget) -> None:
        dialog = actor_dialog.MergeActorsDialog(parent, self.ws.repo)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pair = dialog.choice()
        if pair is not None:
            keep, merge = pair
            self._decide("Merged actors", operations.merge_actors, keep, merge)

    # ------------------------------------------------------------------ claims
    def new_claim(self) -> None:
        """A new claim whose content is the selection; then Ctrl+1 / Ctrl+2 set its source and cue."""
        ws = self.ws
        span = ws.selection()
        if span is None or ws.article is None:
            return

        def select(change: Change) -> None:
            ws.text.clear_selection()
            if change.created_claim_id is not None:
                ws.set_current((CLAIM, change.created_claim_id))

        self._decide("New claim", operations.add_claim, ws.article.id, content=[Span(*span)], on_done=select)

    def set_role(self, role: str, append: bool = False) -> None:
        """The selection becomes the source, cue or content of the current claim (a new claim if none).

        Args:
            role: ``source``, ``cue`` or ``content``.
            append: add the selection as another part of the role (a discontinuous content) instead.
        """
        ws = self.ws
        span = ws.selection()
        if span is None or ws.article is None:
            return
        repo, annotator = ws.repo, ws.annotator
        claim = ws.current_claim()
        spans = [Span(*span)]
        if append and claim is not None:
            existing = getattr(claim, role)
            if existing is not None:
                spans = sorted({*existing.spans, Span(*span)})
        # A source that is a mention linked to an actor makes that actor the claimant (one undo step).
        actor_id = self._actor_at(span) if role == "source" else None

        def select(change: Change) -> None:
            ws.text.clear_selection()
            target = change.created_claim_id or next(iter(change.claim_ids), None)
            if target is not None and any(c.id == target for c in ws.claims):
                ws.set_current((CLAIM, target))

        if claim is None:
            roles: dict[str, Any] = {role: [Span(*span)]}
            if actor_id is not None:
                roles["source_actor_id"] = actor_id
            self._decide(f"New claim with its {role}", operations.add_claim, ws.article.id, on_done=select, **roles)
            return
        ws.decide(
            f"Set claim {role} “{ws.text.text[span[0] : span[1]]}”",
            partial(operations.set_claim_role, repo, annotator, claim.id, role, spans),
            then=None if actor_id is None else partial(operations.set_claimant, repo, annotator, actor_id),
            on_done=select,
        )

    def _actor_at(self, span: tuple[int, int]) -> int | None:
        """The actor of a linked mention that the span is (or lies within), if any."""
        start, end = span
        groups = {name for name, kind in self.ws.codebook.actor_labels().items() if kind == ActorType.GROUP}
        for entity in sorted(self.ws.entities, key=lambda e: e.end - e.start):
            if entity.actor_id is None or entity.status == Status.REJECTED:
                continue
            inside = entity.start <= start and end <= entity.end
            covers = start <= entity.start and entity.end <= end
            # "Japanese officials": a nationality or group word before the head only modifies the source, so
            # it names the claimant only when it is the selection's last word.
            modifier = entity.label in groups and any(ch.isalnum() for ch in self.ws.text.text[entity.end : end])
            if inside or (covers and not modifier):
                return entity.actor_id
        return None

    def set_claim_attribute(self, claim_id: int, name: str, value: object) -> None:
        """One attribute of a claim (kind, form, issue, stance, note, variables) as an undoable decision."""
        text = f"Claim {name}: {describe_attribute(self.ws.codebook, name, value)}"
        # A note edit is itself the commit of the note box.
        self._decide(text, operations.update_claim, claim_id, name, value, commit=name != "note")

    def set_stance(self, value: int) -> None:
        claim = self.ws.current_claim()
        if claim is None:
            self.ws.message.emit(SELECT_A_CLAIM)
            return
        if claim.stance != value:
            self.set_claim_attribute(claim.id, "stance", value)

    def delete_claim(self) -> None:
        claim: ClaimView | None = self.ws.current_claim()
        if claim is not None:
            self._decide("Deleted claim", operations.delete_claim, claim.id)
