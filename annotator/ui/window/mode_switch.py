"""The window's switch between coding and review (Ctrl+R), and what follows the session's mode.

The session model says which mode is on; this keeps the window in step with it: the deciding keys go to that
mode, the article list shows its queue, the legend under the text is its own, the panes are arranged for it, and
the switch and the Enter key (adopt, in review only) are checked and enabled to match.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QLineEdit

from annotator.ui.review.review_mode import ReviewMode
from annotator.ui.shared.session import REVIEW, Session
from annotator.ui.window.window_panes import WindowPanes
from annotator.ui.workspace.article_list import ArticleListPanel
from annotator.ui.workspace.coding_mode import CodingMode
from annotator.ui.workspace.mode import Mode
from annotator.ui.workspace.workspace import Workspace


class ModeSwitch:
    """Coding and review as one switch of a window.

    Args:
        session: the session model, whose ``modeChanged`` and ``rolesChanged`` this follows.
        coding: the coding mode.
        review: the review mode (only a reviewer may switch it on: it says so otherwise).
        workspace: the article being coded (its legend).
        articles: the article list (the queue it shows; refiltered when the roles change).
        panes: the window's panes, arranged for each mode.
        actions_by_name: the window's actions; ``review_mode`` and ``review_adopt`` are kept in step.
    """

    def __init__(
        self,
        session: Session,
        coding: CodingMode,
        review: ReviewMode,
        workspace: Workspace,
        articles: ArticleListPanel,
        panes: WindowPanes,
        actions_by_name: dict[str, QAction],
    ) -> None:
        self._session = session
        self._coding = coding
        self._review = review
        self._workspace = workspace
        self._articles = articles
        self._panes = panes
        self._actions = actions_by_name
        session.modeChanged.connect(self._on_mode)
        session.rolesChanged.connect(self._on_roles_changed)
        self._on_mode(session.mode)

    @property
    def mode(self) -> Mode:
        """What the deciding keys do now: coding, or review."""
        return self._review if self._session.reviewing else self._coding

    def toggle(self) -> None:
        """Ctrl+R: review mode on or off, as the switch now says."""
        self._review.set_active(self._actions["review_mode"].isChecked())
        self.sync()  # refused (not a reviewer): uncheck the switch again

    def adopt(self) -> None:
        """Enter in review mode: adopt the selected version into gold (in a text box Enter keeps its meaning)."""
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):
            focus.returnPressed.emit()
            return
        self._review.adopt()

    def sync(self) -> None:
        """Keep the mode switch in step: checked when on, enabled for reviewers; Enter adopts only in review."""
        on = self._session.reviewing
        toggle = self._actions["review_mode"]
        toggle.blockSignals(True)
        toggle.setChecked(on)
        toggle.blockSignals(False)
        # Always enabled: Ctrl+R by a non-reviewer explains who may review instead of doing nothing (point 25).
        toggle.setEnabled(True)
        self._actions["review_adopt"].setEnabled(on)
        self._session.refresh_progress()

    def _on_mode(self, mode: str) -> None:
        """Arrange the window for the session's mode: the review table needs a wider right side."""
        on = mode == REVIEW
        self._articles.model.set_review_queue(on)
        self._workspace.pane.legend.setText(self.mode.legend)
        self._panes.arrange(on)
        self.sync()

    def _on_roles_changed(self) -> None:
        """The annotators' roles were edited: the review switch and the review queue follow."""
        self.sync()
        self._articles.apply_filter()
