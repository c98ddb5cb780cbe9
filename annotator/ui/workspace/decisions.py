"""Every decision goes through one undo stack, and runs on the database worker, one after another.

A decision is an *operation*: a plain function of the repository returning the ``Change`` it made (see
:mod:`annotator.ui.workspace.operations`). The stack hands it to the :class:`~annotator.ui.shared.db_worker.
DatabaseWorker`, where it runs in its own transaction, together with the reads its view needs (``reader``); the
result comes back to the GUI thread, is drawn (``applied``), and the command pushed then remembers its Change.
Undo reverts that event; redo reverts the revert, on the worker as well. A decision made of two mutations (create
an actor and link the mention to it) is one command: one Ctrl+Z undoes both.

Order: while a decision is on its way, the next key press waits (:meth:`DecisionStack.when_idle`) and runs once
the result is drawn, so every key acts on what the analyst sees, exactly as if the database answered at once.

Drawn ahead: accepting or rejecting a suggestion has a result the view can draw exactly before the database
has it (the row's new status). Such a decision is drawn at once and handed over with its ``rollback``; it does
not hold up the keys that only move on or decide *another* row (:meth:`DecisionStack.when_settled`), so the key
press is painted in one frame even while a suggestion run holds the database. Its rows, read on the database
thread, replace the drawn guess when they come back; a refusal or a failure calls ``rollback`` (the row is drawn
as it was) before it is reported.

Errors: a refusal (``ValidationError``: an offset outside the text, a deleted row) is reported by ``failed`` as
before. Anything else is a bug or a broken database: it is logged with its traceback and reported by ``crashed``,
which the window shows until the analyst dismisses it.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.changes import Change
from annotator.core.errors import ValidationError
from annotator.store.repository import Repository
from annotator.ui.shared.db_worker import DatabaseWorker

log = logging.getLogger(__name__)

#: A decision: one repository mutation, run on the database thread.
Operation = Callable[[], Change]
#: An optional second mutation given the first one's Change (None: nothing more), in the same undo step.
FollowUp = Callable[[Change], Change | None]
#: Reads, on the database thread, what a view needs to draw a Change (its rows); passed back with it.
Reader = Callable[[Change], Any]


class DecisionCommand(QUndoCommand):
    """A decision already applied (one or more events); undo/redo revert the latest event of each."""

    def __init__(self, stack: DecisionStack, text: str, changes: list[Change]) -> None:
        super().__init__(text)
        self._stack = stack
        self.changes = list(changes)  # the original mutations, in the order they were made
        self.last = list(changes)  # per mutation, the event to revert next: it, or the revert that undid it
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:
            # QUndoStack.push calls redo(); the decision is already in the database.
            self._first_redo = False
            return
        self._stack.revert(self, list(range(len(self.last))))

    def undo(self) -> None:
        self._stack.revert(self, list(reversed(range(len(self.last)))))


class DecisionStack(QObject):
    """The workspace's undo stack over repository decisions, run on a database worker.

    Args:
        repo: the open repository.
        annotator: whose decisions these are (undo reverts as them).
        worker: the database thread the operations run on.

    Signals:
        applied(object, object): a ``Change`` after a decision, an undo or a redo, with what ``reader`` read for
            it on the database thread; views draw it.
        failed(str): a decision, undo or redo was refused (the message says why); nothing changed.
        crashed(str): a decision failed unexpectedly; the traceback is in the log file.
        idle(): every decision asked for is drawn and no key press waits.
        busyChanged(bool): decisions started or stopped being on their way, or a key press began to wait for
            them (undo or redo may become possible).
    """

    applied = Signal(object, object)
    failed = Signal(str)
    crashed = Signal(str)
    idle = Signal()
    busyChanged = Signal(bool)

    def __init__(self, repo: Repository, annotator: str, worker: DatabaseWorker, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = repo
        self.annotator = annotator
        self.worker = worker
        self.stack = QUndoStack(self)
        #: Called on the GUI thread when a decision is asked for: the reader of the view as it is then.
        self.view_reader: Callable[[], Reader] = lambda: (lambda change: None)
        # Key presses that wait, each with whether it needs every decision drawn (else: the blocking ones).
        self._waiting: deque[tuple[Callable[[], object], bool]] = deque()
        self._in_flight = 0
        self._blocking = 0  # decisions on their way that were not drawn ahead

    # ------------------------------------------------------------------ order
    @property
    def busy(self) -> bool:
        """True while a decision runs or waits to be drawn, or a key press waits for one."""
        return self._in_flight > 0 or bool(self._waiting)

    @property
    def keys_waiting(self) -> bool:
        """True while a key press waits for the decisions before it (an undo typed then may make redo possible)."""
        return bool(self._waiting)

    def when_idle(self, intent: Callable[[], object]) -> None:
        """Run ``intent`` (what a key does) now, or after the decisions on their way are drawn."""
        self._when(intent, needs_idle=True)

    def when_settled(self, intent: Callable[[], object]) -> None:
        """Run ``intent`` now unless a decision that was not drawn ahead is on its way (or a key waits).

        For the keys that act on what is drawn without depending on the answer of a decision drawn ahead: move
        to the next item, accept or reject another suggestion (a key on the row drawn ahead itself waits,
        :meth:`Workspace.decide_ahead`).
        """
        self._when(intent, needs_idle=False)

    def _when(self, intent: Callable[[], object], needs_idle: bool) -> None:
        if self._waiting or (self._in_flight if needs_idle else self._blocking):
            self._waiting.append((intent, needs_idle))
            self.busyChanged.emit(True)  # still busy, now with a key waiting (see ``keys_waiting``)
            return
        intent()
        self._check_idle()

    def _check_idle(self) -> None:
        while self._waiting and (self._in_flight == 0 or (self._blocking == 0 and not self._waiting[0][1])):
            self._waiting.popleft()[0]()
        if not self.busy:
            self.busyChanged.emit(False)
            self.idle.emit()

    def _submit(
        self,
        run: Callable[[], Any],
        on_done: Callable[[Any], None],
        text: str,
        rollback: Callable[[], None] | None = None,
    ) -> None:
        was_busy = self.busy
        self._in_flight += 1
        blocking = rollback is None
        self._blocking += blocking
        if not was_busy:
            self.busyChanged.emit(True)

        def done(result: Any) -> None:
            self._in_flight -= 1
            self._blocking -= blocking
            try:
                on_done(result)
            finally:
                self._check_idle()

        def error(exc: BaseException) -> None:
            self._in_flight -= 1
            self._blocking -= blocking
            try:
                if rollback is not None:
                    rollback()
                self._report(text, exc)
            finally:
                self._check_idle()

        self.worker.submit(run, done, error)

    def _report(self, text: str, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.failed.emit(f"{text}: {exc}")
            return
        log.error("%s failed", text, exc_info=(type(exc), exc, exc.__traceback__))
        self.crashed.emit(f"{text} failed unexpectedly ({type(exc).__name__}: {exc}). Nothing was lost.")

    # ------------------------------------------------------------------ decisions
    def decide(
        self,
        text: str,
        action: Operation,
        then: FollowUp | None = None,
        on_done: Callable[[Change], None] | None = None,
        rollback: Callable[[], None] | None = None,
    ) -> None:
        """Run ``action`` on the database thread, draw it, and push it on the stack as one undoable step.

        Args:
            text: what the user did, for the status bar and the undo history.
            action: the mutation.
            then: an optional second mutation given the first one's Change (None: nothing more to do); it joins
                the same undo step. If it fails, the first part stands and stays undoable.
            on_done: called with the (last) Change once it is drawn; not called when the decision was refused.
            rollback: the caller drew the result already ("drawn ahead"); this draws the view as it was, and is
                called instead of ``on_done`` when the decision is refused or fails.
        """
        reader = self.view_reader()

        def run() -> tuple[list[tuple[Change, Any]], BaseException | None]:
            change = action()  # a refusal raises here: nothing was written, the caller's error path reports it
            done = [(change, reader(change))]
            if then is None:
                return done, None
            try:
                follow = then(change)
            except Exception as exc:  # the first part stands
                return done, exc
            if follow is not None:
                done.append((follow, reader(follow)))
            return done, None

        def drawn(result: tuple[list[tuple[Change, Any]], BaseException | None]) -> None:
            done, error = result
            for change, rows in done:
                self.applied.emit(change, rows)
            if error is not None:
                self._report(text, error)
            self.stack.push(DecisionCommand(self, text, [change for change, _rows in done]))
            if on_done is not None:
                on_done(done[-1][0])

        self._submit(run, drawn, text, rollback)

    def decide_and_wait(self, text: str, action: Operation) -> Change | None:
        """As :meth:`decide`, for a dialog that needs the answer before it goes on (the codebook editor).

        The event loop keeps running while it waits, so the window paints; returns None after a refusal.
        """
        result: list[Change] = []
        self.when_idle(lambda: self.decide(text, action, on_done=result.append))
        self.wait()
        return result[-1] if result else None

    def wait(self) -> None:
        """Run the event loop until every decision asked for is drawn (returns at once when none is)."""
        if self.busy:
            loop = QEventLoop()
            self.idle.connect(loop.quit)
            loop.exec()
            self.idle.disconnect(loop.quit)

    def undo_and_wait(self) -> None:
        """Ctrl+Z for a dialog that shows the result right after (the codebook editor)."""
        self.when_idle(self.undo)
        self.wait()

    def redo_and_wait(self) -> None:
        self.when_idle(self.redo)
        self.wait()

    def revert(self, command: DecisionCommand, order: list[int]) -> None:
        """Revert the latest event of each of the command's mutations (in ``order``) and announce them."""
        repo, annotator, reader = self._repo, self.annotator, self.view_reader()
        events = [(i, command.last[i]) for i in order]

        def run() -> tuple[list[tuple[int, Change, Any]], BaseException | None]:
            done: list[tuple[int, Change, Any]] = []
            for i, change in events:
                try:
                    result = repo.revert(change.event_id, annotator)
                except Exception as exc:
                    return done, exc
                if result.article_id is None and change.article_id is not None:
                    # Views key their refresh on the article; keep it even if the revert's Change omits it.
                    result = dataclasses.replace(
                        result,
                        article_id=change.article_id,
                        entity_ids=result.entity_ids or change.entity_ids,
                        claim_ids=result.claim_ids or change.claim_ids,
                        actor_ids=result.actor_ids or change.actor_ids,
                    )
                done.append((i, result, reader(result)))
            return done, None

        def drawn(result: tuple[list[tuple[int, Change, Any]], BaseException | None]) -> None:
            done, error = result
            for i, change, rows in done:
                command.last[i] = change
                self.applied.emit(change, rows)
            if isinstance(error, ValidationError):
                self.failed.emit(f"undo/redo refused: {error}")
            elif error is not None:
                self._report("undo/redo", error)

        self._submit(run, drawn, "undo/redo")

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    def clear(self, annotator: str | None = None) -> None:
        """Forget the history (after switching annotator: undo must not revert someone else's work)."""
        self.stack.clear()
        if annotator is not None:
            self.annotator = annotator
