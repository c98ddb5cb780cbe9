"""The bookkeeping of a work session: its row in the database, the decisions counted, the time per article.

None of it is undoable and none of it may block navigation, so a failure here is logged and said in the status
bar, and the analyst goes on working.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from annotator.store.repository import Repository
from annotator.ui.shared.session import Session
from annotator.ui.workspace.article_timer import ArticleTimer

log = logging.getLogger(__name__)


class SessionKeeper(QObject):
    """Starts and ends the session rows of a :class:`Session` and records the active time on each article."""

    def __init__(self, repo: Repository, session: Session, parent: QObject) -> None:
        super().__init__(parent)
        self.repo = repo
        self.session = session
        self.timer = ArticleTimer(self)
        self.decisions = 0
        self._session_id: int | None = repo.start_session(session.annotator)

    def count_decision(self) -> None:
        self.decisions += 1

    def record_time(self) -> None:
        """Add the active time since the article was opened to it (an absence counts at most 5 minutes)."""
        seconds = self.timer.take()
        article_id = self.session.article_id
        if article_id is None or seconds <= 0:
            return
        try:
            self.repo.add_time(article_id, self.session.annotator, seconds)
        except Exception as exc:  # bookkeeping never blocks navigation; the traceback goes to the log
            log.exception("time on %s not recorded", article_id)
            self.session.say(f"Time not recorded: {exc}")

    def restart(self, annotator: str) -> None:
        """End the current session row and start one for ``annotator``."""
        self.end()
        self._session_id = self.repo.start_session(annotator)

    def end(self) -> None:
        if self._session_id is not None:
            try:
                self.repo.end_session(self._session_id, {"decisions": self.decisions})
            finally:
                self._session_id = None
                self.decisions = 0

    def stop(self) -> None:
        self.timer.stop()
