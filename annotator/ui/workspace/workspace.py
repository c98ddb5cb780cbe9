"""The article being coded: its text, entity and claim panels, the current item, and drawing each decision.

Each decision runs on the database thread through the :class:`~annotator.ui.workspace.decisions.DecisionStack`
(see :mod:`annotator.ui.workspace.edits` for what the keys decide), so it is in the database as soon as its
transaction commits and can be undone. With it, on the same thread, only what its Change touched is read again
(:func:`read_rows`): the touched rows for a single decision, the article's entities and/or claims for bulk
decisions and reverts. The workspace subscribes to its own stack and draws that when it comes back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QWidget

from annotator.core.changes import Change
from annotator.core.codebook import Codebook
from annotator.core.records import (
    GOLD_LAYER,
    SUGGESTIONS_LAYER,
    ArticleRecord,
    ClaimView,
    EntityView,
    Status,
)
from annotator.store.repository import Repository
from annotator.ui.shared.colors import Palette
from annotator.ui.shared.db_worker import DatabaseWorker
from annotator.ui.workspace.article_pane import ArticlePane
from annotator.ui.workspace.article_text import CLAIM, ENTITY, Item
from annotator.ui.workspace.claim_panel import ClaimPanel
from annotator.ui.workspace.decisions import DecisionStack, Operation, Reader
from annotator.ui.workspace.entity_panel import EntityPanel

#: A decision touching at most this many live rows patches them into the view; more re-read the article at once.
PATCH_LIMIT = 8

R = TypeVar("R", EntityView, ClaimView)


@dataclass(frozen=True)
class ViewRows:
    """What a Change made of one article's working view, read on the database thread.

    Attributes:
        article_id: the article the rows are of.
        entities / claims: the article's rows (or, when ``patch``, only the touched ones); None: not touched.
        patch: the rows are the touched rows only, to merge into the view.
    """

    article_id: str
    entities: list[EntityView] | None
    claims: list[ClaimView] | None
    patch: bool


def read_rows(repo: Repository, annotator: str, article_id: str | None, change: Change) -> ViewRows | None:
    """The rows the working view of ``annotator`` on ``article_id`` needs after ``change`` (None: nothing)."""
    if article_id is None or change.article_id not in (None, article_id) or not change.rows:
        return None
    # Actor rows carry the names shown beside mentions and claims: a renamed or merged actor re-reads both.
    patch = change.in_place and not change.actors and len(change.entity_ids) + len(change.claim_ids) <= PATCH_LIMIT
    entities: list[EntityView] | None = None
    claims: list[ClaimView] | None = None
    if change.entities or change.actors:
        entities = (
            [repo.entity(i) for i in change.entity_ids]
            if patch
            else repo.entities_for(article_id, annotator=annotator)
        )
    if change.claims or change.actors:
        claims = (
            [repo.claim(i) for i in change.claim_ids] if patch else repo.claims_for(article_id, annotator=annotator)
        )
    return ViewRows(article_id, entities, claims, patch)


def claim_start(claim: ClaimView) -> int:
    roles = [r for r in (claim.source, claim.cue, claim.content) if r is not None]
    return min((r.start for r in roles), default=0)


def _patched(rows: Sequence[R], fresh: Sequence[R], annotator: str) -> list[R]:
    """The working view with the touched rows put in place.

    Only for decisions that leave every touched row alive: a decision on a suggestion creates the annotator's
    row, which replaces the suggestion it derives from.
    """
    by_id = {row.id: row for row in rows}
    for row in fresh:
        if row.layer not in (annotator, SUGGESTIONS_LAYER, GOLD_LAYER):  # gold: a reviewer's rows
            continue
        replaced = by_id.get(row.derived_from) if row.derived_from is not None else None
        if replaced is not None and replaced.layer == SUGGESTIONS_LAYER:
            del by_id[replaced.id]
        by_id[row.id] = row
    return list(by_id.values())


def describe_attribute(codebook: Codebook, name: str, value: object) -> str:
    """A claim attribute's value as the status bar says it: the stance by its name ("for (+1)"), not "1"."""
    if value is None or value == "":
        return "none"
    if name == "stance" and isinstance(value, int):
        return f"{codebook.stance_name(value) or value} ({value:+d})" if value else (codebook.stance_name(0) or "0")
    return str(value)


class Workspace(QObject):
    """Coordinates the article pane, the panels and the drawing of one annotator's decisions.

    Signals:
        message(str): a short status-bar message (what was done, or why nothing was).
        articleTouched(str): counts or status of this article changed (the article list refreshes its row).
        changed(object): a decision, undo or redo (its ``Change``) is drawn.
        elsewhere(str): an undo or redo changed another article; the window should show it.
    """

    message = Signal(str)
    articleTouched = Signal(str)
    changed = Signal(object)
    elsewhere = Signal(str)

    def __init__(self, repo: Repository, annotator: str, parent_widget: QWidget, worker: DatabaseWorker) -> None:
        super().__init__(parent_widget)
        self.repo = repo
        self.annotator = annotator
        self.codebook = repo.codebook()
        self.labels = list(self.codebook.label_names)
        self.palette = Palette(self.codebook)
        # The label a new mention gets: the last one used, at first the codebook's first ("" while it has none,
        # and the store then says the project needs labels).
        self.last_label = self.labels[0] if self.labels else ""
        self.decisions = DecisionStack(repo, annotator, worker, self)
        self.pane = ArticlePane(self.palette, parent_widget)
        self.text = self.pane.text
        self.entity_panel = EntityPanel(self.palette, parent_widget)
        self.claim_panel = ClaimPanel(self.codebook, parent_widget)
        self.article: ArticleRecord | None = None
        self.entities: list[EntityView] = []
        self.claims: list[ClaimView] = []
        self.current: Item | None = None
        #: Rows drawn ahead of their decision (:meth:`decide_ahead`) whose answer has not come back yet, as drawn.
        self.ahead: dict[Item, EntityView | ClaimView] = {}
        self._committing = False
        # A mode that shows the rows its own way (review: all layers, agreement); None = the annotator's view.
        self.presenter: Callable[[], None] | None = None
        self.entity_panel.entitySelected.connect(lambda i: self.set_current((ENTITY, i)))
        self.claim_panel.claimSelected.connect(lambda i: self.set_current((CLAIM, i)))
        self.text.itemClicked.connect(lambda kind, i: self.set_current((kind, i)))
        self.decisions.failed.connect(self.message)
        self.decisions.applied.connect(self.draw)
        self.decisions.view_reader = self._view_reader

    # ------------------------------------------------------------------ loading and drawing
    def load(self, article_id: str | None) -> None:
        """Show an article (None: the empty state) with the first open suggestion as the current item."""
        self.commit_pending()  # a note being typed is work too
        self.article = self.repo.article(article_id) if article_id is not None else None
        self.pane.set_article(self.article)
        self.entities, self.claims = [], []
        self.ahead.clear()
        if self.article is not None:
            self.entities = self.repo.entities_for(self.article.id, annotator=self.annotator)
            self.claims = self.repo.claims_for(self.article.id, annotator=self.annotator)
        self.current = None
        self._show()
        if self.presenter is not None:
            return  # the mode chose the current item itself
        items = self.suggestions()
        self.set_current(items[0][1] if items else None)

    def show_as(
        self,
        presenter: Callable[[], None] | None,
        entity_style: Callable[[EntityView], QTextCharFormat | None] | None = None,
        claim_style: Callable[[ClaimView], QTextCharFormat | None] | None = None,
    ) -> None:
        """Let a mode draw the rows its own way (``presenter``, span styles); None: the annotator's view."""
        self.presenter = presenter
        self.text.entity_style = entity_style
        self.text.claim_style = claim_style

    def _view_reader(self) -> Reader:
        """The reader of the view as it is now (called on the GUI thread; the reader runs on the worker)."""
        repo, annotator = self.repo, self.annotator
        article_id = self.article.id if self.article is not None else None
        return lambda change: read_rows(repo, annotator, article_id, change)

    def draw(self, change: Change, rows: ViewRows | None) -> None:
        """Put what ``change`` made (``rows``, read with it) in the view and keep a sensible current item."""
        if self.article is None:
            self.changed.emit(change)
            return
        article_id = self.article.id
        if change.article_id not in (None, article_id):
            # An undo or redo of a decision made on another article: show it, so nothing changes unseen.
            self.elsewhere.emit(change.article_id)
            self.changed.emit(change)
            return
        if rows is not None and rows.article_id == article_id:
            old_current = self._current_row()
            quiet = self._answers_as_drawn(rows)
            if rows.entities is not None:
                entities = _patched(self.entities, rows.entities, self.annotator) if rows.patch else rows.entities
                self.entities = sorted(self._keep_ahead(entities, ENTITY), key=lambda e: (e.start, e.end, e.id))
            if rows.claims is not None:
                claims = _patched(self.claims, rows.claims, self.annotator) if rows.patch else rows.claims
                self.claims = sorted(self._keep_ahead(claims, CLAIM), key=lambda c: (claim_start(c), c.id))
            self.current = self._follow(old_current, change)
            if quiet:
                self.entity_panel.set_entities(self.entities)
                self.claim_panel.set_claims(self.claims)
                self.text.take_rows(self.entities, self.claims, self.current)
                self._sync_panels()
            else:
                self._show()
        self.articleTouched.emit(article_id)
        self.changed.emit(change)

    def _answers_as_drawn(self, rows: ViewRows) -> bool:
        """The rows are the database's answer to decisions drawn ahead, and look exactly as they were drawn."""
        if not rows.patch or self.presenter is not None or not self.ahead:
            return False
        fresh: list[EntityView | ClaimView] = [*(rows.entities or ()), *(rows.claims or ())]
        for row in fresh:
            kind = ENTITY if isinstance(row, EntityView) else CLAIM
            guess = self.ahead.get((kind, row.derived_from)) if row.derived_from is not None else None
            if guess is None or dataclasses.replace(
                row, id=guess.id, layer=guess.layer, origin=guess.origin, derived_from=guess.derived_from,
                annotator=guess.annotator,
            ) != guess:
                return False
        return bool(fresh)

    def apply_codebook(self) -> None:
        """Show the project's codebook as stored now (an edit, its undo): colours, labels, the claim editor's
        codes and the open article's rows, which a rename or merge may have recoded."""
        self.codebook = self.repo.codebook()
        self.labels[:] = list(self.codebook.label_names)  # the same list the window's label keys read
        if self.last_label not in self.labels:
            self.last_label = self.labels[0] if self.labels else ""
        self.palette.set_codebook(self.codebook)
        self.pane.palette_changed(self.palette)
        self.entity_panel.model.forget_swatches()
        self.claim_panel.editor.set_codebook(self.codebook)
        if self.article is not None:
            self.entities = self.repo.entities_for(self.article.id, annotator=self.annotator)
            self.claims = self.repo.claims_for(self.article.id, annotator=self.annotator)
            self._show()
            self.text.viewport().update()

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
        """The item to keep current after a refresh: a created row, the same row, or what replaced it.

        A row created by a decision drawn ahead is its answer: the analyst has moved on already.
        """
        for made, created, shown in ((ENTITY, change.created_entity_id, self.entities),
                                     (CLAIM, change.created_claim_id, self.claims)):
            new = next((r for r in shown if r.id == created), None) if created is not None else None
            if new is not None and (made, new.derived_from) not in self.ahead:
                return made, new.id
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

    def current_row(self) -> EntityView | ClaimView | None:
        """The current mention or claim, if any."""
        return self._current_row()

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

    def suggestions(self) -> list[tuple[tuple[int, bool, int], Item]]:
        """Open suggestions in text order, keyed (start, is a claim, id) so equal starts still have an order."""
        items: list[tuple[tuple[int, bool, int], Item]] = [
            ((e.start, False, e.id), (ENTITY, e.id)) for e in self.entities if e.status == Status.SUGGESTED
        ]
        items += [((claim_start(c), True, c.id), (CLAIM, c.id)) for c in self.claims if c.status == Status.SUGGESTED]
        items.sort()
        return items

    def _position(self) -> tuple[int, bool, int]:
        """The sort key of the current item (before everything when there is none)."""
        row = self._current_row()
        if isinstance(row, EntityView):
            return row.start, False, row.id
        if isinstance(row, ClaimView):
            return claim_start(row), True, row.id
        return -1, False, -1

    def next_suggestion(self, step: int = 1) -> bool:
        """Move to the next (step 1) or previous (step -1) open suggestion in text order, wrapping around.

        Returns:
            False when no suggestion is left to decide.
        """
        target = self._neighbour(step)
        if target is None:
            self.message.emit("Every suggestion is decided: Ctrl+Enter marks the article done and opens the next.")
            return False
        self.set_current(target)
        return True

    def _neighbour(self, step: int) -> Item | None:
        """The next (step 1) or previous (step -1) open suggestion in text order, wrapping around (None: none)."""
        items = self.suggestions()
        if not items:
            return None
        here = self._position()
        if step > 0:
            after = [item for key, item in items if key > here]
            return after[0] if after else items[0][1]
        before = [item for key, item in items if key < here]
        return before[-1] if before else items[-1][1]

    def next_claim(self, step: int = 1) -> None:
        if not self.claims:
            return
        current = self.current_claim()
        ids = [c.id for c in self.claims]
        index = ids.index(current.id) if current is not None else -step
        self.set_current((CLAIM, ids[(index + step) % len(ids)]))

    # ------------------------------------------------------------------ deciding
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

    def decide(
        self,
        text: str,
        action: Operation,
        *,
        commit: bool = True,
        then: Callable[[Change], Change | None] | None = None,
        on_done: Callable[[Change], None] | None = None,
    ) -> None:
        """One undoable decision, run on the database thread (``then``: a second mutation in the same undo step).

        Args:
            text: what the analyst did (status bar, undo history).
            action: the operation.
            commit: save a half-typed note first.
            then: a second mutation given the first one's Change.
            on_done: called with the last Change once it is drawn (not after a refusal).
        """
        if commit:
            self.commit_pending()

        def drawn(change: Change) -> None:
            self.message.emit(text)
            if on_done is not None:
                on_done(change)

        self.decisions.decide(text, action, then, drawn)

    def decide_ahead(
        self, text: str, action: Operation, row: EntityView | ClaimView, status: Status, then_move: bool
    ) -> None:
        """A decision whose result is drawn at once: ``row`` (an open suggestion) shown with ``status``.

        The analyst sees the decision in the same frame as the key press; the database has it a moment later
        (while a suggestion run writes, that moment can be long), and its rows then replace the drawn guess. A
        refusal or a failure draws the row as it was. A key on a row drawn ahead waits for its answer.

        Args:
            text: what the analyst did (status bar, undo history).
            action: the operation.
            row: the suggestion decided on.
            status: what the decision makes of it (accepted or rejected).
            then_move: go on to the next open suggestion at once.
        """
        self.commit_pending()
        item: Item = (ENTITY if isinstance(row, EntityView) else CLAIM, row.id)
        guess = dataclasses.replace(row, status=status)
        self._replace_row(row, guess)
        self.ahead[item] = guess
        # One drawing of the decided row with the next suggestion already current (the key press's frame).
        target = self._neighbour(1) if then_move else None
        if target is not None:
            self.current = target
        if self.presenter is None and self.text.patch([(row, guess)], self.current):
            # Only the decided row is drawn anew in the text and its panel (and the claims whose tint follows
            # the current claim); the other panel is as it was.
            if isinstance(row, EntityView):
                self.entity_panel.set_entities(self.entities)
            else:
                self.claim_panel.set_claims(self.claims)
            self._sync_panels()
        else:
            self._show()
        if target is not None:
            self.text.scroll_to_current()
        self.message.emit(text)

        def rollback() -> None:
            self.ahead.pop(item, None)
            if self._replace_row(guess, row):
                self._show()

        def answered(_change: Change) -> None:
            self.ahead.pop(item, None)

        self.decisions.decide(text, action, on_done=answered, rollback=rollback)

    def _replace_row(self, old: EntityView | ClaimView, new: EntityView | ClaimView) -> bool:
        """Put ``new`` where ``old`` is in the view (False: ``old`` is not shown any more)."""
        rows: list[EntityView] | list[ClaimView] = self.entities if isinstance(old, EntityView) else self.claims
        for index, shown in enumerate(rows):
            if shown is old:
                rows[index] = new  # type: ignore[assignment]
                return True
        return False

    def _keep_ahead(self, rows: list[R], kind: str) -> list[R]:
        """Rows read from the database with the rows still drawn ahead of their decision drawn as guessed (a
        re-read of the whole article may come back before the database has those decisions)."""
        if not self.ahead:
            return rows
        guessed = self.ahead
        return [guessed.get((kind, row.id), row) for row in rows]  # type: ignore[misc]

    def selection(self) -> tuple[int, int] | None:
        """The selected text snapped to whole tokens, or None (with a message) without a usable selection."""
        selection = self.text.selection()
        snapped = self.text.tokens.snap(*selection) if selection else None
        if snapped is None:
            self.message.emit("Select some text first (drag, or Shift+arrows in the text).")
        return snapped

    def switch_annotator(self, name: str) -> None:
        self.annotator = name
        self.decisions.clear(name)
