"""Coding mode: the annotator's own working view; the keys accept, reject and move through the suggestions."""

from __future__ import annotations

from functools import partial

from annotator.core.changes import Change
from annotator.core.records import ArticleStatus
from annotator.ui.shared.session import Session
from annotator.ui.workspace import operations
from annotator.ui.workspace.edits import Edits
from annotator.ui.workspace.workspace import Workspace


class CodingMode:
    """The :class:`~annotator.ui.workspace.mode.Mode` of an annotator coding their own layer."""

    def __init__(self, session: Session, workspace: Workspace, edits: Edits) -> None:
        self.session = session
        self.workspace = workspace
        self.edits = edits
        self.legend = workspace.pane.legend.text()

    def step(self, delta: int) -> None:
        self.workspace.next_suggestion(delta)

    def accept(self) -> None:
        self.edits.accept()

    def reject(self) -> None:
        self.edits.reject()

    def accept_all(self) -> None:
        self.edits.accept_all()

    def finish_article(self) -> None:
        """Mark the article done (undoable) and open the next one this annotator has not done."""
        ws, session = self.workspace, self.session
        if ws.article is None:
            return
        article_id, annotator = ws.article.id, session.annotator
        ws.commit_pending()
        undecided = len(ws.suggestions())
        # Done with suggestions left is allowed (they stay suggestions, nobody's decision), but never silently.
        plural = "s" if undecided != 1 else ""
        left = f" with {undecided} suggestion{plural} undecided (Ctrl+Z reopens it)" if undecided else ""

        def open_next(_change: Change) -> None:
            session.refresh_progress()
            next_id = session.next_in_queue(after=article_id)
            if next_id is None or next_id == article_id:
                session.say(f"Marked done{left}. All articles are done. Well done!")
                return
            session.request_article(next_id)
            session.say(f"Previous article marked done{left}.")

        ws.decide(
            "Marked done",
            partial(operations.set_article_status, ws.repo, annotator, article_id, ArticleStatus.DONE),
            on_done=open_next,
        )
