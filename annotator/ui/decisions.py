"""Every decision goes through one undo stack, so each one can be undone and redone.

A decision is performed at once against the repository (so it is in the database the moment the key is
pressed);
the command pushed afterwards remembers its ``Change``. Undo reverts that event; redo reverts the revert. The
repository does the work, the stack only remembers which event to revert next.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from annotator.core.records import Change
from annotator.store.repository import Repository


class DecisionCommand(QUndoCommand):
    """One decision already applied; undo/redo revert the latest event of it."""

    def __init__(self, stack: DecisionStack, text: str, change: Change) -> None:
        super().__init__(text)
        self._stack = stack
        self.change = change  # the original decision
        self._last = change  # the event to revert next: the decision, or the revert that undid it
        self._first_redo = True

    def redo(self) -> None:
        if self._first_redo:
            # QUndoStack.push calls redo(); the decision is already in the database.
            self._first_redo = False
            return
        self._last = self._stack.revert(self._last)

    def undo(self) -> None:
        self._last = self._stack.revert(self._last)


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

    def decide(self, text: str, action: Callable[[], Change]) -> Change | None:
        """Run ``action`` (one repository mutation) and push it on the stack.

        Returns:
            The Change, or None if the repository refused it (``failed`` is emitted with the reason).
        """
        try:
            change = action()
        except (
            Exception
        ) as exc:  # the repository's ValidationError, or a database error: never crash the window
            self.failed.emit(f"{text}: {exc}")
            return None
        self.stack.push(DecisionCommand(self, text, change))
        self.applied.emit(change)
        return change

    def revert(self, change: Change) -> Change:
        """Revert one event and announce it; used by the commands."""
        try:
            result = self._repo.revert(change.event_id, self.annotator)
        except Exception as exc:
            self.failed.emit(f"undo/redo refused: {exc}")
            return change
        if result.article_id is None and change.article_id is not None:
            # Views key their refresh on the article; keep it even if the revert's Change omits it.
            result = Change(
                event_id=result.event_id,
                action=result.action,
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
