"""Every decision goes through one undo stack, so each one can be undone and redone.

A decision is performed at once against the repository (so it is in the database the moment the key is pressed); the
command pushed afterwards remembers its ``Change``. Undo reverts that event; redo reverts the revert. The repository
does the work, the stack only remembers which event to revert next. A decision made of two mutations (create an actor
and link the mention to it) is one command: one Ctrl+Z undoes both.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.records import Change
from annotator.store.repository import Repository


class DecisionCommand(QUndoCommand):
    """A decision already applied (one or more events); undo/redo revert the latest event of each."""

    def __init__(self, stack: DecisionStack, text: str, changes: list[Change]) -> None:
        super().__init__(text)
        self._stack = stack
        self.changes = list(changes)  # the original mutations, in the order they were made
        self._last = list(changes)  # per mutation, the event to revert next: it, or the revert that undid it
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:
            # QUndoStack.push calls redo(); the decision is already in the database.
            self._first_redo = False
            return
        for i in range(len(self._last)):
            self._last[i] = self._stack.revert(self._last[i])

    def undo(self) -> None:
        for i in reversed(range(len(self._last))):
            self._last[i] = self._stack.revert(self._last[i])


class DecisionStack(QObject):
    """The workspace's undo stack over repository decisions.

    Signals:
        applied(object): a ``Change`` after a decision, an undo or a redo; views refresh what it touched.
        failed(str): a decision, undo or redo was refused (the message says why); nothing changed.
    """

    applied = Signal(object)
    failed = Signal(str)

    def __init__(self, repo: Repository, annotator: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = repo
        self.annotator = annotator
        self.stack = QUndoStack(self)

    def decide(
        self, text: str, action: Callable[[], Change], then: Callable[[Change], Change | None] | None = None
    ) -> Change | None:
        """Run ``action`` (one repository mutation) and push it on the stack as one undoable step.

        Args:
            text: what the user did, for the status bar and the undo history.
            action: the mutation.
            then: an optional second mutation given the first one's Change (None: nothing more to do); it joins
                the same undo step.

        Returns:
            The (last) Change, or None if the repository refused the first mutation (``failed`` says why).
        """
        try:
            change = action()
        except Exception as exc:  # the repository's ValidationError, or a database error: never crash the window
            self.failed.emit(f"{text}: {exc}")
            return None
        changes = [change]
        self.applied.emit(change)
        if then is not None:
            try:
                follow = then(change)
            except Exception as exc:
                self.failed.emit(f"{text}: {exc}")  # the first part stands, and stays undoable
                follow = None
            if follow is not None:
                changes.append(follow)
                self.applied.emit(follow)
        self.stack.push(DecisionCommand(self, text, changes))
        return changes[-1]

    def revert(self, change: Change) -> Change:
        """Revert one event and announce it; used by the commands."""
        try:
            result = self._repo.revert(change.event_id, self.annotator)
        except Exception as exc:
            self.failed.emit(f"undo/redo refused: {exc}")
            return change
        if result.article_id is None and change.article_id is not None:
            # Views key their refresh on the article; keep it even if the revert's Change omits it.
            result = dataclasses.replace(
                result,
                article_id=change.article_id,
                entity_ids=result.entity_ids or change.entity_ids,
                claim_ids=result.claim_ids or change.claim_ids,
                actor_ids=result.actor_ids or change.actor_ids,
            )
        self.applied.emit(result)
        return result

    def undo(self) -> None:
        self.stack.undo()

    def redo(self) -> None:
        self.stack.redo()

    def clear(self, annotator: str | None = None) -> None:
        """Forget the history (after switching annotator: undo must not revert someone else's work)."""
        self.stack.clear()
        if annotator is not None:
            self.annotator = annotator
