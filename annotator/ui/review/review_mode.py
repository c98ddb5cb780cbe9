"""Review mode of the main window: all done annotators' layers on one text, agreement drawn, adjudication into gold.

The workspace stays the reviewer's (its rows are the gold working view, so the usual keys — 1–9 relabel, Alt+arrows
resize, claim attributes — edit a gold row); review mode only replaces *what is shown* (the workspace's
``presenter`` hook) and routes A / X / Shift+A / Ctrl+Enter to the review decisions. Every review decision goes
through the workspace's :class:`~annotator.ui.workspace.decisions.DecisionStack`, so Ctrl+Z undoes it like any other.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCharFormat

from annotator.core.records import GOLD_LAYER, Change, ClaimView, EntityView, role_reviews
from annotator.ui.review.review_panel import REVIEW_LEGEND, ReviewPanel, review_format
from annotator.ui.review.review_rows import ReviewRow, agreed_items, review_rows
from annotator.ui.workspace.article_text import ENTITY
from annotator.ui.workspace.decisions import Operation

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow


class ReviewMode(QObject):
    """Owns the review panel and the review decisions of one main window.

    Signals:
        activeChanged(bool): review mode was switched on or off.
    """

    activeChanged = Signal(bool)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.workspace = window.workspace
        self.panel = ReviewPanel(window)
        self.panel.hide()
        self.rows: list[ReviewRow] = []
        self.annotators: list[str] = []
        self.active = False
        self._selected: tuple[str, tuple[object, ...]] | None = None
        self._article_id: str | None = None
        self._saved: tuple[list[int], list[int], str] | None = None
        self._entity_formats: dict[int, QTextCharFormat] = {}
        self._claim_formats: dict[int, QTextCharFormat] = {}
        self.panel.rowSelected.connect(self._on_row_selected)
        self.workspace.text.itemClicked.connect(self._on_item_clicked)

    # ------------------------------------------------------------------ switching
    def is_reviewer(self) -> bool:
        return role_reviews(dict(self.window.repo.annotators()).get(self.window.annotator))

    def set_active(self, on: bool) -> bool:
        """Switch review mode on or off; only a reviewer may switch it on. Returns whether it is on."""
        if on and not self.is_reviewer():
            self.window.show_message(
                f"Review mode is for reviewers: give {self.window.annotator} the reviewer role (File ▸ Annotators)."
            )
            on = False
        if on == self.active:
            return self.active
        ws = self.workspace
        self.active = on
        ws.text.entity_style = self._entity_style if on else None
        ws.text.claim_style = self._claim_style if on else None
        ws.presenter = self.present if on else None
        self.panel.setVisible(on)
        ws.entity_panel.setVisible(not on)
        self._arrange(on)
        self.window.articles.model.set_review_queue(on)
        self._selected = None
        current = self.window.current_article_id
        if on:
            ready = {s.id for s in self.window.repo.article_summaries(annotator=self.window.annotator,
                                                                        ready_for_review=True)}
            target = current if current in ready else self.window.repo.next_in_queue(self.window.annotator)
        else:
            target = current
        self.window.open_article(target, reload=True)
        if on and target is None:
            self.window.show_message("Nothing to review: no article has its required annotators done yet.")
        self.activeChanged.emit(on)
        return on

    def _arrange(self, on: bool) -> None:
        """Review needs a wider right side (the review table) and its own legend; coding gets its layout back."""
        window, pane = self.window, self.workspace.pane
        if on:
            self._saved = (window.splitter.sizes(), window.right_panels.sizes(), pane.legend.text())
            listing, _text, _right = window.splitter.sizes()
            total = sum(window.splitter.sizes())
            text = max(360, int(total * 0.32))
            window.splitter.setSizes([listing, text, max(0, total - listing - text)])
            height = sum(window.right_panels.sizes())
            window.right_panels.setSizes([int(height * 0.55), 0, height - int(height * 0.55)])
            pane.legend.setText(REVIEW_LEGEND)
        elif self._saved is not None:
            main, right, legend = self._saved
            window.splitter.setSizes(main)
            window.right_panels.setSizes(right)
            pane.legend.setText(legend)
            self._saved = None

    # ------------------------------------------------------------------ showing (the workspace's presenter)
    def present(self) -> None:
        ws = self.workspace
        repo = self.window.repo
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

    def step(self, delta: int) -> None:
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
            self.window.show_message("Select an annotator's version in the review table first.")
            return
        if row.in_gold:
            self.window.show_message("Already in gold: 1–9 relabel it, X rejects it.")
            return
        source = row.holders[0][1]
        who = ", ".join(row.annotators)
        repo, reviewer = self.window.repo, self.window.annotator
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
            self.window.show_message("Already rejected (Ctrl+Z to undo).")
            return
        repo, reviewer = self.window.repo, self.window.annotator
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
            self.window.show_message("No agreed item is left to adopt.")
            return
        repo, reviewer = self.window.repo, self.window.annotator
        self._decide(f"Adopted all {len(items)} agreed items", lambda: repo.adopt_agreed(article.id, reviewer, items))

    def mark_reviewed_and_next(self) -> None:
        """Ctrl+Enter: the gold layer of this article is final; open the next article to review."""
        article = self.workspace.article
        if article is None:
            return
        repo, reviewer = self.window.repo, self.window.annotator
        article_id = article.id

        def open_next(_change: Change) -> None:
            self.window.refresh_progress()
            self.window.articles.model.refresh_article(article_id)
            following = repo.next_in_queue(reviewer, after=article_id)
            if following is None or following == article_id:
                self.window.show_message("Every article ready for review is reviewed.")
                return
            self.window.open_article(following)

        self._decide("Marked reviewed", lambda: repo.mark_reviewed(article_id, reviewer), open_next)
