"""The session model: who codes, in which mode, on which article, and how far they are; views subscribe to it.

As napari's layers emit events that their views subscribe to, the :class:`Session` holds the state the window's
parts share and says when it changes. Nobody reaches into another part to learn who annotates or whether review is
on: the article list, the status bar, the modes and the window each listen to the session. A part that wants
another article shown asks the session (:meth:`Session.request_article`); the window, which owns the loading,
answers.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from annotator.core.records import role_reviews
from annotator.store.repository import Repository

if TYPE_CHECKING:
    from annotator.ui.shared.db_worker import DatabaseWorker

log = logging.getLogger(__name__)

CODING = "coding"
REVIEW = "review"


class Session(QObject):
    """The state of one analyst's session in a window.

    Signals:
        annotatorChanged(str): the session's annotator changed.
        modeChanged(str): ``coding`` or ``review``.
        articleChanged(object): the article shown (its id, or None).
        progressChanged(int, int): articles done and the total of the annotator's queue.
        articleRequested(object, bool): a part asks for an article to be shown (id or None, reload).
        message(str): a short message for the status bar.
        rolesChanged(): the annotators' roles were edited (who may review may have changed).
    """

    annotatorChanged = Signal(str)
    modeChanged = Signal(str)
    articleChanged = Signal(object)
    progressChanged = Signal(int, int)
    articleRequested = Signal(object, bool)
    message = Signal(str)
    rolesChanged = Signal()

    def __init__(self, repo: Repository, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self._annotator = annotator
        self._mode = CODING
        self._article_id: str | None = None
        self._worker: DatabaseWorker | None = None

    # ------------------------------------------------------------------ state
    @property
    def annotator(self) -> str:
        return self._annotator

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def article_id(self) -> str | None:
        return self._article_id

    @property
    def reviewing(self) -> bool:
        return self._mode == REVIEW

    def set_annotator(self, name: str) -> None:
        if name != self._annotator:
            self._annotator = name
            self.annotatorChanged.emit(name)

    def set_mode(self, mode: str) -> None:
        if mode not in (CODING, REVIEW):
            raise ValueError(f"unknown mode {mode!r}")
        if mode != self._mode:
            self._mode = mode
            self.modeChanged.emit(mode)

    def set_article(self, article_id: str | None) -> None:
        if article_id != self._article_id:
            self._article_id = article_id
            self.articleChanged.emit(article_id)

    # ------------------------------------------------------------------ questions and requests
    def is_reviewer(self, name: str | None = None) -> bool:
        """Whether ``name`` (default: the annotator) has a role that reviews."""
        return role_reviews(dict(self.repo.annotators()).get(name or self._annotator))

    def next_in_queue(self, after: str | None = None) -> str | None:
        """The next article of the annotator's queue (the review queue for a reviewer)."""
        return self.repo.next_in_queue(self._annotator, after=after)

    def request_article(self, article_id: str | None, reload: bool = False) -> None:
        self.articleRequested.emit(article_id, reload)

    def roles_changed(self) -> None:
        """Say that the annotators' roles were edited (File › Annotators)."""
        self.rolesChanged.emit()

    def say(self, text: str) -> None:
        self.message.emit(text)

    def read_progress_on(self, worker: DatabaseWorker) -> None:
        """Read the progress on ``worker``'s thread from now on (see :meth:`refresh_progress`)."""
        self._worker = worker

    def refresh_progress(self) -> None:
        """Read the annotator's progress and announce it.

        On the database worker when the window gave one (:meth:`read_progress_on`): the total counts the
        project's articles, 40-50 ms at a million, which the GUI thread paid before the window's first paint and
        after every article marked done. The announcement follows when the count is read.
        """
        annotator = self._annotator
        if self._worker is None:
            self.progressChanged.emit(*self.repo.progress(annotator))
            return

        def failed(exc: BaseException) -> None:  # secondary, like the list's counts: the label keeps its figure
            log.error("reading the progress of %s failed", annotator, exc_info=(type(exc), exc, exc.__traceback__))

        try:
            self._worker.submit(lambda: self.repo.progress(annotator),
                                lambda progress: self.progressChanged.emit(*progress), failed)
        except RuntimeError:  # the worker was shut down: the window is closing, there is nothing to show
            return
