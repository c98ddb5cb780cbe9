"""The keys that move the focus or change what is shown, never what is decided.

Ctrl+F goes to the article filter, Escape back to the text (twice while a background job runs: cancel it), Shift+K,
F, I and O to a field of the claim editor, H shows or hides rejected suggestions, F1 or ? the shortcut sheet.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from annotator.ui.window.job_status import JobStatusWidget
from annotator.ui.workspace import shortcut_sheet, shortcuts
from annotator.ui.workspace.article_list import ArticleListPanel
from annotator.ui.workspace.edits import SELECT_A_CLAIM
from annotator.ui.workspace.workspace import Workspace

#: A second Escape within this many seconds cancels the background job.
ESCAPE_AGAIN_SECONDS = 3.0


class ViewKeys:
    """The focus and view keys of one window.

    Args:
        articles: the article list (its filter box).
        workspace: the article text and the claim editor (the shortcut sheet opens over their window).
        job_status: the status bar's job widget, whose cancel Escape pressed twice presses; None without a job
            runner (Escape then never cancels).
        show_message: says something in the status bar.
    """

    def __init__(
        self,
        articles: ArticleListPanel,
        workspace: Workspace,
        job_status: JobStatusWidget | None,
        show_message: Callable[[str], None],
    ) -> None:
        self._articles = articles
        self._workspace = workspace
        self._job_status = job_status
        self._show_message = show_message
        self._escape_at = 0.0

    def focus_filter(self) -> None:
        self._articles.filter_text.setFocus()
        self._articles.filter_text.selectAll()

    def focus_text(self) -> None:
        """Escape: back to the text; pressed twice while a background job runs, it cancels the job (point 30)."""
        self._workspace.text.clear_selection()
        self._workspace.text.setFocus()
        if self._job_status is None or not self._job_status.busy:
            return
        now = time.monotonic()
        if now - self._escape_at <= ESCAPE_AGAIN_SECONDS:
            self._escape_at = 0.0
            self._job_status.cancel()
            self._show_message("Cancelling the background job; what it finished is kept.")
        else:
            self._escape_at = now
            self._show_message("A background job is running: press Escape again to cancel it "
                               "(what it finished is kept).")

    def focus_editor(self, name: str) -> None:
        """Focus the claim editor's ``name`` field (kind and form open their lists)."""
        editor = self._workspace.claim_panel.editor
        if editor.claim is None:
            self._show_message(SELECT_A_CLAIM)
            return
        widget = getattr(editor, name)
        widget.setFocus()
        if name in ("kind", "form"):
            widget.showPopup()

    def show_rejected(self, on: bool) -> None:
        text = self._workspace.text
        text.show_rejected = on
        text.redraw()

    def show_shortcuts(self) -> None:
        rows = shortcuts.sheet_rows()
        labels = self._workspace.labels[:9]
        rows += [(shortcuts.ENTITY, str(i + 1), f"Label {label}") for i, label in enumerate(labels)]
        shortcut_sheet.ShortcutSheet(self._workspace.pane.window(), rows).exec()
