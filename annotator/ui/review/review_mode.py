"""Review mode: all done annotators' layers on one text, agreement drawn, adjudication into gold.

One of the two implementations of :class:`~annotator.ui.workspace.mode.Mode`. The workspace stays the reviewer's
(its rows are the gold working view, so the usual keys — 1–9 relabel, Alt+arrows resize, claim attributes — edit
a gold row); review mode only changes *what is shown* (through ``Workspace.show_as``) and what A / X / Shift+A /
Ctrl+Enter decide. It talks to the rest of the window through the :class:`~annotator.ui.shared.session.Session`
(mode, messages, which article to show), never through the window itself. Every review decision goes through the
workspace's :class:`~annotator.ui.workspace.decisions.DecisionStack`, so Ctrl+Z undoes it like any other.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCharFormat
from PySide6.QtWidgets import QWidget

from annotator.core.records import GOLD_LAYER, Change, ClaimView, EntityView
from annotator.store.repository import Repository
from annotator.ui.review.review_panel import REVIEW_LEGEND, ReviewPanel, review_format
from annotator.ui.review.review_rows import ReviewRow, agreed_items, review_rows
from annotator.ui.shared.session import CODING, REVIEW, Session
from annotator.ui.workspace.article_text import ENTITY
from annotator.ui.workspace.decisions import Operation
from annotator.ui.workspace.workspace import Workspace


class ReviewMode(QObject):
    """The review panel and the review decisions of one session.

    Args:
        session: the session (its annotator reviews; review mode sets its mode).
        workspace: the article pane and panels, drawn the review way while the mode is on.
        parent: the widget the review panel belongs to.

    Signals:
        activeChanged(bool): review mode was switched on or off.
    """

    activeChanged = Signal(bool)
    legend = REVIEW_LEGEND

    def __init__(self, session: Session, workspace: Workspace, parent: QWidget) -> None:
        super().__init__(parent)
        self.session = session
        self.repo: Repository = workspace.repo
        self.workspace = workspace
        self.panel = ReviewPanel(parent)
        self.panel.hide()
        self.rows: list[ReviewRow] = []
        self.annotators: list[str] = []
        self._selected: tuple[str, tuple[object, ...]] | None = None
        self._article_id: str | None = None
        self._entity_formats: dict[int, QTextCharFormat] = {}
        self._claim_formats: dict[int, QTextCharFormat] = {}
        self.panel.rowSelected.connect(self._on_row_selected)
        # Review is for reviewers: another annotator, or a changed role, may end it.
        session.annotatorChanged.connect(self._leave_unless_reviewer)
        session.rolesChanged.connect(self._leave_unless_reviewer)
        self.workspace.text.itemClicked.connect(self._on_item_clicked)

    # ------------------------------------------------------------------ switching
    @property
    def active(self) -> bool:
        return self.session.reviewing

    def is_reviewer(self) -> bool:
        return self.session.is_reviewer()

    def _leave_unless_reviewer(self) -> None:
        if self.active and not self.is_reviewer():
            self.set_active(False)

    def set_active(self, on: bool) -> bool:
        """Switch review mode on or off; only a reviewer may switch it on. Returns whether it is on."""
        session = self.session
        if on and not self.is_reviewer():
            session.say(
                f"Review mode is for reviewers: give {session.annotator} the reviewer role (File ▸ Annotators)."
            )
            on = False
        if on == self.active:
            return self.active
        ws = self.workspace
        if on:
            ws.show_as(self.present, self._entity_style, self._claim_style)
        else:
            ws.show_as(None)
        self.panel.setVisible(on)
        ws.entity_panel.setVisible(not on)
        self._selected = None
        session.set_mode(REVIEW if on else CODING)  # the window arranges itself, the article list shows the queue
        current = session.article_id
        if on:
            ready = {s.id for s in self.repo.article_summaries(annotator=session.annotator, ready_for_review=True)}
            target = current if current in ready else session.next_in_queue()
        else:
            target = current
        session.request_article(target, reload=True)
        if on and target is None:
            session.say("Nothing to review: no article has its required annotators done yet.")
        self.activeChanged.emit(on)
        return on

    # Mode interface: the deciding keys in review.
    def step(self, delta: int) -> None:
        self._step(delta)

    def accept(self) -> None:
        self.adopt()

    def accept_all(self) -> None:
        self.adopt_agreed()

    def finish_article(self) -> None:
        self.mark_reviewed_and_next()

    # ------------------------------------------------------------------ showing (the workspace's presenter)
    def present(self) -> None:
        ws = self.workspace
        repo = self.repo
        article = ws.article
        if (article.id if article is not None else None) != self._article_id:
            self._selected = None  # another article: start at its first open item
            self._article_id = article.id if article is not None else None
        if article is None:
            layers: dict[str, tuple[list[EntityView], list[ClaimView]]] = {}
            gold_entities: list[EntityView] = []
            gold_claims: list[ClaimView] = []
        else:
            layers = repo.review_layers(article.id)
            gold_entities = repo.entities_for(article.id, layer=GOLD_LAYER)
            gold_claims = repo.claims_for(article.id, layer=GOLD_LAYER)
        self.annotators = list(layers)
        self.rows = review_rows(layers, gold_entities, gold_claims)
        self._entity_formats, self._claim_formats = {}, {}
        entities: list[EntityView] = []
        claims: list[ClaimView] = []
        for row in self.rows:
            view = row.representative
            fmt = review_format(row.status, row.in_gold, row.rejected)
            if isinstance(view, EntityView):
                entities.append(view)
                self._entity_formats[view.id] = fmt
            else:
                claims.append(view)
                self._claim_formats[view.id] = fmt
        # The panels beside the text edit gold: they list gold rows only.
        ws.entity_panel.set_entities(gold_entities)
        ws.claim_panel.set_claims([c for c in gold_claims])
        self.panel.set_rows(self.rows, self.annotators)
        index = self._index_to_select()
        ws.current = (self.rows[index].kind, self.rows[index].representative.id) if index is not None else None
        ws.text.set_spans(entities, claims, ws.current)
        self.panel.select_row(index)
        self._selected = (self.rows[index].kind, self.rows[index].key) if index is not None else None
        ws.set_current(ws.current)

    def _index_to_select(self) -> int | None:
        """The row to keep selected: the current item's, else the same version as before, else the first open."""
        current = self.workspace.current
        if current is not None:
            for i, row in enumerate(self.rows):
                if (row.kind, row.representative.id) == current:
                    return i
        if self._selected is not None:
            for i, row in enumerate(self.rows):
                if (row.kind, row.key) == self._selected:
                    return i
        return self._next_open(-1)

    def _next_open(self, after: int) -> int | None:
        """The next row (wrapping) not yet decided in gold; None when every row is decided or there is none."""
        n = len(self.rows)
        for step in range(1, n + 1):
            i = (after + step) % n
            if not self.rows[i].decided:
                return i
        return None

    def _entity_style(self, entity: EntityView) -> QTextCharFormat | None:
        return self._entity_formats.get(entity.id)

    def _claim_style(self, claim: ClaimView) -> QTextCharFormat | None:
        return self._claim_formats.get(claim.id)

    # ------------------------------------------------------------------ selection
    def current_row(self) -> ReviewRow | None:
        index = self.panel.current_row()
        return self.rows[index] if index is not None and 0 <= index < len(self.rows) else None

    def select(self, index: int) -> None:
        """Make a row current (selected in the panel, outlined in the text)."""
        row = self.rows[index]
        self._selected = (row.kind, row.key)
        self.panel.select_row(index)
        self.workspace.set_current((row.kind, row.representative.id))

    def _on_row_selected(self, index: int) -> None:
        if 0 <= index < len(self.rows):
            self.select(index)

    def _on_item_clicked(self, kind: str, item_id: int) -> None:
        if not self.active:
            return
        for i, row in enumerate(self.rows):
            if row.kind == kind and row.representative.id == item_id:
                self.select(i)
                return

    def _step(self, delta: int) -> None:
        """Move to the next (1) or previous (-1) row, wrapping (N / P in review mode)."""
        if not self.rows:
            return
        index = self.panel.current_row()
        start = index if index is not None else (-1 if delta > 0 else 0)
        self.select((start + delta) % len(self.rows))

    # ------------------------------------------------------------------ decisions
    def _decide(self, text: str, action: Operation, on_done: Callable[[Change], None] | None = None) -> None:
        self.workspace.decide(text, action, on_done=on_done)

    def _advance_from(self, key: tuple[str, tuple[object, ...]] | None) -> None:
        """After a decision: go to the next undecided row after the decided one."""
        at = next((i for i, r in enumerate(self.rows) if (r.kind, r.key) == key), -1)
        following = self._next_open(at)
        if following is not None:
            self.select(following)

    def adopt(self) -> None:
        """A / Enter: copy the selected version into gold, replacing the other versions of the item there."""
        row = self.current_row()
        if row is None or not row.holders:
            self.session.say("Select an annotator's version in the review table first.")
            return
        if row.in_gold:
            self.session.say("Already in gold: 1–9 relabel it, X rejects it.")
            return
        source = row.holders[0][1]
        who = ", ".join(row.annotators)
        repo, reviewer = self.repo, self.session.annotator
        key = (row.kind, row.key)
        if row.kind == ENTITY:
            text = f"Adopted {source.label} “{source.text}” ({who})"  # type: ignore[union-attr]
            self._decide(text, lambda: repo.adopt_entity(source.id, reviewer, replace=row.replaces),
                         lambda _change: self._advance_from(key))
        else:
            self._decide(f"Adopted claim ({who})",
                         lambda: repo.adopt_claim(source.id, reviewer, replace=row.replaces),
                         lambda _change: self._advance_from(key))

    def reject(self) -> None:
        """X: the version is not gold (its gold row is rejected; a rejection is recorded if gold lacks it)."""
        row = self.current_row()
        if row is None:
            return
        if row.rejected:
            self.session.say("Already rejected (Ctrl+Z to undo).")
            return
        repo, reviewer = self.repo, self.session.annotator
        target = row.gold if row.gold is not None else row.holders[0][1]
        key = (row.kind, row.key)
        if row.kind == ENTITY:
            self._decide("Rejected in review", lambda: repo.reject_entity(target.id, reviewer),
                         lambda _change: self._advance_from(key))
        else:
            self._decide("Rejected claim in review", lambda: repo.reject_claim(target.id, reviewer),
                         lambda _change: self._advance_from(key))

    def adopt_agreed(self) -> None:
        """Shift+A: every item all required annotators agree on goes into gold, as one undo step."""
        article = self.workspace.article
        if article is None:
            return
        items = agreed_items(self.rows)
        if not items:
            self.session.say("No agreed item is left to adopt.")
            return
        repo, reviewer = self.repo, self.session.annotator
        self._decide(f"Adopted all {len(items)} agreed items", lambda: repo.adopt_agreed(article.id, reviewer, items))

    def mark_reviewed_and_next(self) -> None:
        """Ctrl+Enter: the gold layer of this article is final; open the next article to review."""
        article = self.workspace.article
        if article is None:
            return
        repo, reviewer = self.repo, self.session.annotator
        article_id = article.id

        def open_next(_change: Change) -> None:
            self.session.refresh_progress()
            following = repo.next_in_queue(reviewer, after=article_id)
            if following is None or following == article_id:
                self.session.say("Every article ready for review is reviewed.")
                return
            self.session.request_article(following)

        self._decide("Marked reviewed", lambda: repo.mark_reviewed(article_id, reviewer), open_next)
