"""The article being coded: its text, entity and claim panels, the current item, and every decision on it.

Each decision is one repository call pushed through the :class:`~annotator.ui.workspace.decisions.DecisionStack`, so
it is in the database the moment the key is pressed and can be undone. After a decision only what its Change touched
is re-read: the touched rows for a single decision (a key press stays far under a frame), the article's entities
and/or claims for bulk decisions and reverts. The views are then updated in place."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog, QWidget

from annotator.core.records import (
    GOLD_LAYER,
    SUGGESTIONS_LAYER,
    ArticleView,
    Change,
    ClaimView,
    EntityView,
    Span,
    Status,
)
from annotator.store.repository import Repository
from annotator.ui.shared.colors import Palette
from annotator.ui.workspace.article_pane import ArticlePane
from annotator.ui.workspace.article_text import CLAIM, ENTITY, Item
from annotator.ui.workspace.claim_panel import ClaimPanel
from annotator.ui.workspace.decisions import DecisionStack
from annotator.ui.workspace.entity_panel import EntityPanel

#: A decision touching at most this many live rows patches them into the view; more re-read the article at once.
PATCH_LIMIT = 8


class Workspace(QObject):
    """Coordinates the article pane, the panels and the decisions of one annotator.

    Signals:
        message(str): a short status-bar message (what was done, or why nothing was).
        articleTouched(str): counts or status of this article changed (the article list refreshes its row).
    """

    message = Signal(str)
    articleTouched = Signal(str)

    def __init__(self, repo: Repository, annotator: str, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.repo = repo
        self.annotator = annotator
        self.labels = repo.labels()
        self.palette = Palette(self.labels)
        self.last_label = self.labels[0] if self.labels else "PERSON"
        self.decisions = DecisionStack(repo, annotator, self)
        self.pane = ArticlePane(self.palette, parent_widget)
        self.text = self.pane.text
        self.entity_panel = EntityPanel(self.palette, parent_widget)
        self.claim_panel = ClaimPanel(parent_widget)
        self.article: ArticleView | None = None
        self.entities: list[EntityView] = []
        self.claims: list[ClaimView] = []
        self.current: Item | None = None
        self._committing = False
        # Review mode shows the rows its own way (all layers, agreement); None = the annotator's view.
        self.presenter: Callable[[], None] | None = None
        self.entity_panel.entitySelected.connect(lambda i: self.set_current((ENTITY, i)))
        self.claim_panel.claimSelected.connect(lambda i: self.set_current((CLAIM, i)))
        self.text.itemClicked.connect(lambda kind, i: self.set_current((kind, i)))
        self.claim_panel.editor.attributeEdited.connect(self.set_claim_attribute)
        self.decisions.failed.connect(self.message)

    # ------------------------------------------------------------------ loading and refreshing
    def load(self, article_id: str | None) -> None:
        """Show an article (None: the empty state) with the first open suggestion as the current item."""
        self.commit_pending()  # a note being typed is work too
        self.article = self.repo.article(article_id) if article_id is not None else None
        self.pane.set_article(self.article)
        self.entities, self.claims = [], []
        if self.article is not None:
            self.entities = self.repo.entities_for(self.article.id, annotator=self.annotator)
            self.claims = self.repo.claims_for(self.article.id, annotator=self.annotator)
        self.current = None
        self._show()
        if self.presenter is not None:
            return  # review mode chose the current item itself
        items = self._suggestions()
        self.set_current(items[0][1] if items else None)

    def refresh(self, change: Change) -> None:
        """Re-read what ``change`` touched in the shown article and keep a sensible current item."""
        if self.article is None or change.article_id not in (None, self.article.id):
            return
        article_id = self.article.id
        if not change.rows:
            self.articleTouched.emit(article_id)  # a status or another article's row: no span changed here
            return
        old_current = self._current_row()
        patch = change.in_place and len(change.entity_ids) + len(change.claim_ids) <= PATCH_LIMIT
        # Actor rows carry the names shown beside mentions and claims: a renamed or merged actor re-reads both.
        if change.entities or change.actors:
            if patch and not change.actors:
                self.entities = self._patched_entities(change.entity_ids)
            else:
                self.entities = self.repo.entities_for(article_id, annotator=self.annotator)
        if change.claims or change.actors:
            if patch and not change.actors:
                self.claims = self._patched_claims(change.claim_ids)
            else:
                self.claims = self.repo.claims_for(article_id, annotator=self.annotator)
        self.current = self._follow(old_current, change)
        self._show()
        self.articleTouched.emit(article_id)

    def _patched_entities(self, entity_ids: tuple[int, ...]) -> list[EntityView]:
        """The working view with only the touched rows re-read (one small query each instead of the article).

        Only for decisions that leave every touched row alive (accept, reject, relabel, resize, link, add): a
        decision on a suggestion creates the annotator's row, which replaces the suggestion it derives from.
        """
        rows = {entity.id: entity for entity in self.entities}
        for entity_id in entity_ids:
            entity = self.repo.entity(entity_id)
            if entity.layer not in (self.annotator, SUGGESTIONS_LAYER, GOLD_LAYER):  # gold: a reviewer's rows
                continue
            replaced = rows.get(entity.derived_from) if entity.derived_from is not None else None
            if replaced is not None and replaced.layer == SUGGESTIONS_LAYER:
                del rows[replaced.id]
            rows[entity.id] = entity
        return sorted(rows.values(), key=lambda e: (e.start, e.end, e.id))

    def _patched_claims(self, claim_ids: tuple[int, ...]) -> list[ClaimView]:
        """As :meth:`_patched_entities`, for claims (in the repository's order: first offset, then id)."""
        rows = {claim.id: claim for claim in self.claims}
        for claim_id in claim_ids:
            claim = self.repo.claim(claim_id)
            if claim.layer not in (self.annotator, SUGGESTIONS_LAYER, GOLD_LAYER):
                continue
            replaced = rows.get(claim.derived_from) if claim.derived_from is not None else None
            if replaced is not None and replaced.layer == SUGGESTIONS_LAYER:
                del rows[replaced.id]
            rows[claim.id] = claim
        return sorted(rows.values(), key=lambda c: (self._claim_start(c), c.id))

    def _show(self) -> None:
        if self.presenter is not None:
            self.presenter()
            return
        self.entity_panel.set_entities(self.entities)
        self.claim_panel.set_claims(self.claims)
        self.text.set_spans(self.entities, self.claims, self.current)
        self._sync_panels()

    def _current_row(self) -> EntityView | ClaimView | None:
        if self.current is None:
            return None
        rows: list[EntityView] | list[ClaimView] = self.entities if self.current[0] == ENTITY else self.claims
        return next((row for row in rows if row.id == self.current[1]), None)

    def _follow(self, old: EntityView | ClaimView | None, change: Change) -> Item | None:
        """The item to keep current after a refresh: a created row, the same row, or what replaced it."""
        if change.created_entity_id is not None and any(e.id == change.created_entity_id for e in self.entities):
            return ENTITY, change.created_entity_id
        if change.created_claim_id is not None and any(c.id == change.created_claim_id for c in self.claims):
            return CLAIM, change.created_claim_id
        if old is None or self.current is None:
            return None
        kind = self.current[0]
        rows: list[EntityView] | list[ClaimView] = self.entities if kind == ENTITY else self.claims
        ids = {row.id for row in rows}
        if old.id in ids:
            return kind, old.id
        # A decision on a suggestion replaces it by the annotator's row; undo brings the suggestion back.
        for row in rows:
            if row.derived_from == old.id or (old.derived_from is not None and row.id == old.derived_from):
                return kind, row.id
        return None

    # ------------------------------------------------------------------ current item
    def set_current(self, item: Item | None, scroll: bool = True) -> None:
        self.current = item
        self.text.set_current(item, scroll)
        self._sync_panels()

    def _sync_panels(self) -> None:
        kind, item_id = self.current if self.current else ("", None)
        self.entity_panel.select_entity(item_id if kind == ENTITY else None)
        if kind == CLAIM:
            self.claim_panel.select_claim(item_id)
        elif self.claim_panel.editor.claim is not None and not any(
            c.id == self.claim_panel.editor.claim.id for c in self.claims
        ):
            self.claim_panel.select_claim(None)

    def current_entity(self) -> EntityView | None:
        row = self._current_row()
        return row if isinstance(row, EntityView) else None

    def current_claim(self) -> ClaimView | None:
        """The current claim: the current item, else the claim shown in the editor (roles are set on it)."""
        row = self._current_row()
        if isinstance(row, ClaimView):
            return row
        shown = self.claim_panel.editor.claim
        return next((c for c in self.claims if shown is not None and c.id == shown.id), None)

    @staticmethod
    def _claim_start(claim: ClaimView) -> int:
        roles = [r for r in (claim.source, claim.cue, claim.content) if r is not None]
        return min((r.start for r in roles), default=0)

    def _suggestions(self) -> list[tuple[tuple[int, bool, int], Item]]:
        """Open suggestions in text order, keyed (start, is a claim, id) so equal starts still have an order."""
        items: list[tuple[tuple[int, bool, int], Item]] = [
            ((e.start, False, e.id), (ENTITY, e.id)) for e in self.entities if e.status == Status.SUGGESTED
        ]
        items += [
            ((self._claim_start(c), True, c.id), (CLAIM, c.id)) for c in self.claims if c.status == Status.SUGGESTED
        ]
        items.sort()
        return items

    def _position(self) -> tuple[int, bool, int]:
        """The sort key of the current item (before everything when there is none)."""
        row = self._current_row()
        if isinstance(row, EntityView):
            return row.start, False, row.id
        if isinstance(row, ClaimView):
            return self._claim_start(row), True, row.id
        return -1, False, -1

    def next_suggestion(self, step: int = 1) -> bool:
        """Move to the next (step 1) or previous (step -1) open suggestion in text order, wrapping around.

        Returns:
            False when no suggestion is left to decide.
        """
        items = self._suggestions()
        if not items:
            self.message.emit("Every suggestion is decided: Ctrl+Enter marks the article done and opens the next.")
            return False
        here = self._position()
        if step > 0:
            after = [item for key, item in items if key > here]
            target = after[0] if after else items[0][1]
        else:
            before = [item for key, item in items if key < here]
            target = before[-1] if before else items[-1][1]
        self.set_current(target)
        return True

    def next_claim(self, step: int = 1) -> None:
        if not self.claims:
            return
        current = self.current_claim()
        ids = [c.id for c in self.claims]
        index = ids.index(current.id) if current is not None else -step
        self.set_current((CLAIM, ids[(index + step) % len(ids)]))

    # ------------------------------------------------------------------ decisions
    def commit_pending(self) -> None:
        """Save what is typed in the claim editor but not yet confirmed, before anything else changes.

        Any decision re-reads the claims and reloads the editor, which would otherwise drop a half-typed note.
        """
        if not self._committing:
            self._committing = True
            try:
                self.claim_panel.editor.commit_pending()
            finally:
                self._committing = False

    def _decide(
        self,
        text: str,
        action: Callable[[], Change],
        commit: bool = True,
        then: Callable[[Change], Change | None] | None = None,
    ) -> Change | None:
        """One undoable decision (``then``: a second mutation joining the same undo step)."""
        if commit:
            self.commit_pending()
        change = self.decisions.decide(text, action, then)
        if change is not None:
            self.message.emit(text)
        return change

    def _selection(self) -> tuple[int, int] | None:
        """The selected text snapped to whole tokens, or None (with a message) without a usable selection."""
        selection = self.text.selection()
        snapped = self.text.tokens.snap(*selection) if selection else None
        if snapped is None:
            self.message.emit("Select some text first (drag, or Shift+arrows in the text).")
        return snapped

    def accept(self) -> None:
        self._accept_or_reject(accept=True)

    def reject(self) -> None:
        self._accept_or_reject(accept=False)

    def _accept_or_reject(self, accept: bool) -> None:
        row = self._current_row()
        verb = "Accepted" if accept else "Rejected"
        if isinstance(row, EntityView):
            method = self.repo.accept_entity if accept else self.repo.reject_entity
            change = self._decide(f"{verb} {row.label} “{row.text}”", lambda: method(row.id, self.annotator))
        elif isinstance(row, ClaimView):
            claim_method = self.repo.accept_claim if accept else self.repo.reject_claim
            change = self._decide(f"{verb} claim", lambda: claim_method(row.id, self.annotator))
        else:
            self.message.emit("Nothing selected: N / P go to the next or previous suggestion.")
            return
        if change is not None and row.status == Status.SUGGESTED and self._suggestions():
            self.next_suggestion()

    def relabel(self, index: int) -> None:
        """Key 1–9: label the selection as a new entity, else relabel the current entity."""
        if not 0 <= index < len(self.labels):
            return
        label = self.labels[index]
        self.last_label = label
        entity = self.current_entity()
        selection = self.text.selection()
        if selection is not None:
            snapped = self.text.tokens.snap(*selection)
            # Selecting an existing mention and pressing a digit relabels it rather than adding a duplicate.
            same = [e for e in self.entities if snapped is not None and (e.start, e.end) == snapped]
            if not same:
                self.new_entity(label)
                return
            entity = same[0]
            self.text.clear_selection()
        if entity is None:
            self.message.emit("Select an entity (N / P) or some text before choosing a label.")
            return
        if entity.label == label:
            return
        self._decide(
            f"Relabelled “{entity.text}” {entity.label} → {label}",
            lambda: self.repo.relabel_entity(entity.id, label, self.annotator),
        )

    def new_entity(self, label: str | None = None) -> None:
        span = self._selection()
        if span is None or self.article is None:
            return
        label = label or self.last_label
        article_id = self.article.id
        change = self._decide(
            f"New {label} “{self.text.text[span[0] : span[1]]}”",
            lambda: self.repo.add_entity(article_id, span[0], span[1], label, self.annotator),
        )
        if change is not None:
            self.text.clear_selection()

    def resize(self, how: str) -> None:
        """Extend or shrink the current entity by one token (``how``: a :class:`Tokens` method name)."""
        entity = self.current_entity()
        if entity is None:
            self.message.emit("Select an entity first.")
            return
        start, end = getattr(self.text.tokens, how)(entity.start, entity.end)
        if (start, end) == (entity.start, entity.end):
            return
        self._decide(
            f"Resized “{entity.text}” → “{self.text.text[start:end]}”",
            lambda: self.repo.resize_entity(entity.id, start, end, self.annotator),
        )

    def delete_entity(self) -> None:
        entity = self.current_entity()
        if entity is not None:
            self._decide(f"Deleted “{entity.text}”", lambda: self.repo.delete_entity(entity.id, self.annotator))

    def accept_all(self) -> None:
        if self.article is None:
            return
        article_id = self.article.id
        count = len(self._suggestions())
        if count == 0:
            self.message.emit("Nothing left to accept.")
            return
        self._decide(
            f"Accepted all {count} remaining suggestions",
            lambda: self.repo.accept_all_suggestions(article_id, self.annotator),
        )

    def link_actor(self, parent: QWidget) -> None:
        """Open the actor dialog for the current mention and link (or create and link, or unlink)."""
        entity = self.current_entity()
        if entity is None:
            self.message.emit("Select an entity to link to an actor.")
            return
        try:
            from annotator.ui.workspace.actor_dialog import ActorLinkDialog
        except ImportError:
            self.message.emit("The actor dialog is not available in this build.")
            return
        dialog = ActorLinkDialog(parent, self.repo, entity)
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
        self._decide(text, lambda: self.repo.link_entity_actor(entity_id, actor_id, self.annotator))

    def link_to_new_actor(self, entity_id: int, name: str, kind: str) -> None:
        """Create an actor and link the mention, as one undo step."""

        def link(created: Change) -> Change | None:
            if created.created_actor_id is None:
                return None
            return self.repo.link_entity_actor(entity_id, created.created_actor_id, self.annotator)

        self._decide(
            f"Linked to the new actor {name}", lambda: self.repo.add_actor(name, kind, self.annotator), then=link
        )

    def merge_actors(self, parent: QWidget) -> None:
        try:
            from annotator.ui.workspace.actor_dialog import MergeActorsDialog
        except ImportError:
            self.message.emit("The merge dialog is not available in this build.")
            return
        dialog = MergeActorsDialog(parent, self.repo)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pair = dialog.choice()
        if pair is not None:
            keep, merge = pair
            self._decide("Merged actors", lambda: self.repo.merge_actors(keep, merge, self.annotator))

    # ------------------------------------------------------------------ claims
    def new_claim(self) -> None:
        """A new claim whose content is the selection; then Ctrl+1 / Ctrl+2 set its source and cue."""
        span = self._selection()
        if span is None or self.article is None:
            return
        article_id = self.article.id
        change = self._decide(
            "New claim", lambda: self.repo.add_claim(article_id, self.annotator, content=[Span(*span)])
        )
        if change is not None:
            self.text.clear_selection()
            if change.created_claim_id is not None:
                self.set_current((CLAIM, change.created_claim_id))

    def set_role(self, role: str, append: bool = False) -> None:
        """The selection becomes the source, cue or content of the current claim (a new claim if none).

        Args:
            role: ``source``, ``cue`` or ``content``.
            append: add the selection as another part of the role (a discontinuous content) instead.
        """
        span = self._selection()
        if span is None or self.article is None:
            return
        claim = self.current_claim()
        spans = [Span(*span)]
        if append and claim is not None:
            existing = getattr(claim, role)
            if existing is not None:
                spans = sorted({*existing.spans, Span(*span)})
        article_id = self.article.id
        # A source that is a mention linked to an actor makes that actor the claimant (one undo step).
        actor_id = self._actor_at(span) if role == "source" else None
        if claim is None:
            roles: dict[str, Any] = {role: [Span(*span)]}
            if actor_id is not None:
                roles["source_actor_id"] = actor_id
            change = self._decide(
                f"New claim with its {role}",
                lambda: self.repo.add_claim(article_id, self.annotator, **roles),
            )
        else:
            claim_id = claim.id

            def claimant(changed: Change) -> Change | None:
                if actor_id is None or claim.source_actor_id == actor_id:
                    return None
                # Deciding on a suggestion created the annotator's own row: the claimant goes on that one.
                own_id = changed.created_claim_id or claim_id
                if not any(c.id == own_id for c in self.claims):
                    own_id = next((c.id for c in self.claims if c.derived_from == claim_id), claim_id)
                return self.repo.update_claim(own_id, self.annotator, source_actor_id=actor_id)

            change = self._decide(
                f"Set claim {role} “{self.text.text[span[0] : span[1]]}”",
                lambda: self.repo.set_claim_role(claim_id, role, spans, self.annotator),
                then=claimant,
            )
        if change is not None:
            self.text.clear_selection()
            target = change.created_claim_id or next(iter(change.claim_ids), None)
            if target is not None and any(c.id == target for c in self.claims):
                self.set_current((CLAIM, target))

    def _actor_at(self, span: tuple[int, int]) -> int | None:
        """The actor of a linked mention that the span is (or lies within), if any."""
        start, end = span
        for entity in sorted(self.entities, key=lambda e: e.end - e.start):
            if entity.actor_id is None or entity.status == Status.REJECTED:
                continue
            inside = entity.start <= start and end <= entity.end
            covers = start <= entity.start and entity.end <= end
            if inside or covers:
                return entity.actor_id
        return None

    def set_claim_attribute(self, claim_id: int, name: str, value: object) -> None:
        """One attribute of a claim (kind, form, issue, stance, note) as an undoable decision."""
        self._decide(
            f"Claim {name}: {value}",
            lambda: self.repo.update_claim(claim_id, self.annotator, **{name: value}),
            commit=name != "note",  # a note edit is itself the commit of the note box
        )

    def set_stance(self, value: int) -> None:
        claim = self.current_claim()
        if claim is None:
            self.message.emit("Select a claim first ([ and ] go through the claims).")
            return
        if claim.stance != value:
            self.set_claim_attribute(claim.id, "stance", value)

    def delete_claim(self) -> None:
        claim = self.current_claim()
        if claim is not None:
            self._decide("Deleted claim", lambda: self.repo.delete_claim(claim.id, self.annotator))

    def switch_annotator(self, name: str) -> None:
        self.annotator = name
        self.decisions.clear(name)
