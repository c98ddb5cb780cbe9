"""The main window: article list | article text | entity and claim panels, with menus, toolbar and status bar.

The window is the shell around the :class:`~annotator.ui.workspace.workspace.Workspace` (the article being coded):
it opens articles, runs the queue (mark done, next), keeps the session (who, how long, how far), records time per
article, and switches between the modes. Its menus, toolbar and label keys are built by
:class:`~annotator.ui.window.window_actions.WindowActions` from the one table in
:mod:`annotator.ui.workspace.shortcuts`; the long jobs (import, suggest, export) are
:class:`~annotator.ui.window.job_actions.JobActions`, run through the shell's ``JobRunner`` when one is given."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import NotFoundError
from annotator.core.records import ArticleStatus, Change
from annotator.store.repository import Repository
from annotator.ui.project.model_menu import ModelMenu
from annotator.ui.project.projects import project_name
from annotator.ui.review.review_mode import ReviewMode
from annotator.ui.shared.db_worker import DatabaseWorker
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.session import REVIEW, Session
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import annotator_dialog
from annotator.ui.window.error_log import ErrorBanner
from annotator.ui.window.focus_refresh import FocusRefresh
from annotator.ui.window.job_actions import JobActions
from annotator.ui.window.job_status import JobStatusWidget
from annotator.ui.window.pane_sizes import PaneSizes, share
from annotator.ui.window.session_keeper import SessionKeeper
from annotator.ui.window.side_windows import SideWindows
from annotator.ui.window.status_widgets import SessionStatus
from annotator.ui.window.window_actions import WindowActions
from annotator.ui.workspace import shortcut_sheet, shortcuts
from annotator.ui.workspace.article_list import ArticleListPanel
from annotator.ui.workspace.coding_mode import CodingMode
from annotator.ui.workspace.edits import SELECT_A_CLAIM, Edits
from annotator.ui.workspace.mode import Mode
from annotator.ui.workspace.workspace import Workspace

#: A second Escape within this many seconds cancels the background job.
ESCAPE_AGAIN_SECONDS = 3.0


class MainWindow(QMainWindow):
    """The annotation workspace of one annotator on one database.

    Args:
        repo: the open repository.
        annotator: who is annotating (created in the database if new).
        services: the long jobs (import, suggest, export); None disables those menu entries.
        runner: the shell's JobRunner that runs them off the GUI thread; None disables them as well.

    Signals:
        articleOpened(str): an article is now shown.
        annotatorChanged(str): the session's annotator changed.
        projectRequested(str): the user chose another project (a database path) to open, or created one.
    """

    articleOpened = Signal(str)
    annotatorChanged = Signal(str)
    projectRequested = Signal(str)

    def __init__(
        self,
        repo: Repository,
        annotator: str,
        services: WorkspaceServices | None = None,
        runner: JobRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.repo = repo
        self.services = services
        self.runner = runner
        repo.ensure_annotator(annotator)
        self.session = Session(repo, annotator, self)
        self.keeper = SessionKeeper(repo, self.session, self)
        self._shut_down = False
        self.project = project_name(repo.location)
        self.setWindowTitle(f"{self.project} — annotator")
        self.resize(1400, 900)

        # The decisions' database thread; it closes its own connection when the window shuts down.
        self.database = DatabaseWorker(self, on_start=repo.prefer_current_thread, on_exit=repo.close)
        self.session.read_progress_on(self.database)  # the total is a count of every article: off this thread
        self.workspace = Workspace(repo, annotator, self, self.database)
        self.edits = Edits(self.workspace)
        self.articles = ArticleListPanel(repo, annotator, self.workspace.labels, self, self.database)
        self._build_layout()
        self.coding = CodingMode(self.session, self.workspace, self.edits)
        self.review = ReviewMode(self.session, self.workspace, self)
        self.side_windows = SideWindows(self, repo, self.session, self.workspace, runner)
        self.side_windows.projectRequested.connect(self.projectRequested)
        self.side_windows.rolesChanged.connect(self.session.roles_changed)
        self.right_panels.insertWidget(0, self.review.panel)
        self._saved_layout: tuple[list[int], list[int]] | None = None
        self.jobs = JobActions(self, self, services, runner)
        self.window_actions: WindowActions | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self.model_menu = ModelMenu(self, repo, self.session, services, self.actions_by_name)
        self._build_status_bar()

        self.articles.articleActivated.connect(self.open_article)
        self.workspace.changed.connect(self._on_changed)
        self.workspace.elsewhere.connect(self.open_article)
        self.workspace.decisions.crashed.connect(self.show_error)
        self.articles.model.failed.connect(self.show_error)
        self.workspace.message.connect(self._show_message)
        self.workspace.articleTouched.connect(self.articles.model.schedule_refresh)
        decisions = self.workspace.decisions
        for signal in (decisions.stack.canUndoChanged, decisions.stack.canRedoChanged, decisions.busyChanged):
            signal.connect(self._sync_undo_actions)
        self._sync_undo_actions()
        session = self.session
        session.message.connect(self._show_message)
        session.articleRequested.connect(lambda article_id, reload: self.open_article(article_id, reload=reload))
        session.progressChanged.connect(self.session_status.set_progress)
        session.annotatorChanged.connect(self.session_status.set_annotator)
        session.annotatorChanged.connect(self.articles.model.set_annotator)
        session.annotatorChanged.connect(self.workspace.switch_annotator)
        session.annotatorChanged.connect(self.annotatorChanged)
        session.modeChanged.connect(self._on_mode)
        session.rolesChanged.connect(self._on_roles_changed)
        self._on_mode(session.mode)

        self.focus_refresh = FocusRefresh(self)  # others' progress (team server) when the window is back in front

        first = repo.next_in_queue(annotator) or next(iter(repo.article_ids()), None)
        self.open_article(first)

    # ------------------------------------------------------------------ public API
    @property
    def annotator(self) -> str:
        """Who annotates in this window (the session's annotator)."""
        return self.session.annotator

    @property
    def mode(self) -> Mode:
        """What the deciding keys do now: coding, or review."""
        return self.review if self.session.reviewing else self.coding

    @property
    def current_article_id(self) -> str | None:
        """The id of the article shown, or None."""
        return self.workspace.article.id if self.workspace.article is not None else None

    def open_article(self, article_id: str | None, *, reload: bool = False) -> None:
        """Show an article (recording the time spent on the previous one).

        Args:
            article_id: the article, or None for the empty state.
            reload: read it again even if it is already shown (its rows changed behind the window's back).
        """
        if article_id is not None and article_id == self.current_article_id and not reload:
            self.articles.select_article(article_id)
            return
        # A note being typed is saved first, and the article opens once that decision is drawn.
        self.workspace.commit_pending()
        self.workspace.decisions.when_idle(lambda: self._open_now(article_id))

    def _open_now(self, article_id: str | None) -> None:
        self.keeper.record_time()
        try:
            self.workspace.load(article_id)
        except NotFoundError as exc:  # deleted by another instance, or a stale id: say so, keep the window usable
            self._show_message(str(exc))
            self.workspace.load(None)
            self.session.set_article(None)
            return
        self.session.set_article(article_id)
        if article_id is None:
            self.setWindowTitle(f"{self.project} — {self.annotator} — annotator")
            self._follow_time(None)
            return
        self._follow_time(article_id)
        if self.repo.article_status(article_id, self.annotator) == ArticleStatus.TODO:
            # Not an undoable decision: opening an article is navigation, but the queue should know.
            self.repo.set_article_status(article_id, self.annotator, ArticleStatus.IN_PROGRESS)
            self.articles.model.refresh_article(article_id)
        self.articles.select_article(article_id)
        article = self.workspace.article
        title = article.title if article is not None and article.title else article_id
        self.setWindowTitle(f"{title} — {self.project} — {self.annotator} — annotator")
        self.workspace.text.setFocus()
        self.articleOpened.emit(article_id)

    def switch_annotator(self, name: str) -> None:
        """Continue as another annotator: a new session, a new queue, a fresh undo history."""
        name = name.strip()
        if not name or name == self.annotator:
            return
        self.workspace.decisions.when_idle(lambda: self._switch_now(name))

    def _switch_now(self, name: str) -> None:
        self.keeper.record_time()
        self.repo.ensure_annotator(name)
        self.keeper.restart(name)
        self.session.set_annotator(name)  # the workspace, the article list and the status bar follow
        current = self.current_article_id
        # Reload: the same article looks different in the new annotator's working view.
        self.open_article(current or self.session.next_in_queue(), reload=True)
        self._sync_review_switch()

    def mark_done_and_next(self) -> None:
        """Ctrl+Enter: mark the article done (reviewed, in review mode) and open the next one."""
        if self.current_article_id is not None:
            self.mode.finish_article()

    def shutdown(self) -> None:
        """Record the time on the open article and end the session (done on close; safe to call twice)."""
        if self._shut_down:
            return
        self._shut_down = True
        self.workspace.commit_pending()
        # Every decision asked for is written before the session ends: each is its own transaction.
        self.database.shutdown()
        # The coding layout is what is remembered: review mode's own arrangement of the panes is undone first.
        self._restore_coding_layout()
        self.pane_sizes.save()
        self.keeper.record_time()
        self.keeper.end()
        self.keeper.stop()

    def reload_article(self) -> None:
        """Re-read the open article from the database (after a background job changed its suggestions)."""
        if self.repo.codebook() != self.workspace.codebook:
            self._codebook_changed()  # an import brought codes the project lacked
        self.articles.apply_filter()
        self.refresh_progress()
        current = self.current_article_id
        self.open_article(current or self.session.next_in_queue(), reload=True)

    def show_error(self, text: str) -> None:
        """An unexpected error: a message above the panes that stays until dismissed (details in the log)."""
        self.error_banner.show_error(text)

    def show_message(self, text: str) -> None:
        """A short message in the status bar."""
        self._show_message(text)

    def refresh_progress(self) -> None:
        """Update the status bar's progress (articles done / total) from the database."""
        self.session.refresh_progress()

    # ------------------------------------------------------------------ building
    def _build_layout(self) -> None:
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.workspace.entity_panel)
        right.addWidget(self.workspace.claim_panel)
        self.right_panels = right
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(self.articles)
        main.addWidget(self.workspace.pane)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setChildrenCollapsible(False)
        self.splitter = main
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.error_banner = ErrorBanner(central)
        column.addWidget(self.error_banner)
        column.addWidget(main, 1)
        self.setCentralWidget(central)

        self.pane_sizes = PaneSizes(None, {})
        self._sized = False

    def remember_layout(self, settings: QSettings) -> None:
        """Restore the pane sizes saved in ``settings`` and save them there when the window closes."""
        self.pane_sizes = PaneSizes(settings, {"main": self.splitter, "right": self.right_panels,
                                               "claims": self.workspace.claim_panel.splitter})
        self._sized = self.pane_sizes.restore()

    def default_layout(self) -> None:
        """Shares of the window's size: the list wide enough for its titles, the claim list five rows or more."""
        width = max(self.splitter.width(), 600)
        self.splitter.setSizes(share(width, (0.27, 0.40, 0.33), (240, 320, 300)))
        height = max(self.right_panels.height(), 400)
        entities, claims_share = share(height, (0.38, 0.62), (120, 320))
        sizes = [0] * self.right_panels.count()  # the review table (hidden while coding) gets nothing
        sizes[self.right_panels.indexOf(self.workspace.entity_panel)] = entities
        sizes[self.right_panels.indexOf(self.workspace.claim_panel)] = claims_share
        self.right_panels.setSizes(sizes)
        claims = self.workspace.claim_panel.splitter
        editor = self.workspace.claim_panel.editor.sizeHint().height()
        total = max(sum(claims.sizes()), 300)
        claims.setSizes([max(total - editor, 1), editor])

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            self.default_layout()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.window_actions is not None:
            self.window_actions.fit_toolbar(self.width())

    def _handlers(self) -> dict[str, Callable[[], object]]:
        ws = self.workspace
        edits = self.edits
        side = self.side_windows
        return {
            "new_project": side.new_project,
            "open_project": side.open_project,
            "codebook": side.edit_codebook,
            "annotators": side.edit_annotators,
            "review_mode": self._toggle_review,
            "review_adopt": self._review_adopt,
            "agreement": side.show_agreement,
            "claims_view": lambda: side.show_analysis(0),
            "network_view": lambda: side.show_analysis(1),
            "import": self.jobs.import_files,
            "export": self.jobs.export,
            "suggest": self.jobs.suggest,
            "switch_annotator": self._ask_annotator,
            "quit": self.close,
            "next_suggestion": lambda: self.mode.step(1),
            "prev_suggestion": lambda: self.mode.step(-1),
            "next_claim": lambda: ws.next_claim(1),
            "prev_claim": lambda: ws.next_claim(-1),
            "focus_filter": self._focus_filter,
            "focus_text": self._focus_text,
            "accept": lambda: self.mode.accept(),
            "reject": lambda: self.mode.reject(),
            "new_entity": edits.new_entity,
            "extend_end": lambda: edits.resize("extend_end"),
            "shrink_end": lambda: edits.resize("shrink_end"),
            "extend_start": lambda: edits.resize("extend_start"),
            "shrink_start": lambda: edits.resize("shrink_start"),
            "delete_entity": edits.delete_entity,
            "link_actor": lambda: edits.link_actor(self),
            "merge_actors": lambda: edits.merge_actors(self),
            "new_claim": edits.new_claim,
            "set_source": lambda: edits.set_role("source"),
            "set_cue": lambda: edits.set_role("cue"),
            "set_content": lambda: edits.set_role("content"),
            "add_content": lambda: edits.set_role("content", append=True),
            "edit_kind": lambda: self._focus_editor("kind"),
            "edit_form": lambda: self._focus_editor("form"),
            "edit_issue": lambda: self._focus_editor("issue"),
            "edit_note": lambda: self._focus_editor("note"),
            "stance_against": lambda: edits.set_stance(-1),
            "stance_neutral": lambda: edits.set_stance(0),
            "stance_for": lambda: edits.set_stance(1),
            "delete_claim": edits.delete_claim,
            "undo": lambda: self._undo_redo(undo=True),
            "redo": lambda: self._undo_redo(undo=False),
            "accept_all": lambda: self.mode.accept_all(),
            "done_next": self.mark_done_and_next,
            "toggle_rejected": self._toggle_rejected,
            "shortcuts": self._show_shortcuts,
        }

    def _build_actions(self) -> None:
        actions = WindowActions(self, self._handlers(), self.workspace.decisions, self.edits.relabel)
        self.window_actions = actions
        self.actions_by_name = actions.by_name
        self.recent_menu = actions.recent_menu
        self.toolbar = actions.toolbar
        self.side_windows.set_recent_menu(actions.recent_menu)
        self._fill_label_actions()
        for name in ("import", "export", "suggest"):
            self.actions_by_name[name].setEnabled(self.jobs.available)

    def _fill_label_actions(self) -> None:
        """The keys 1-9 for the codebook's first nine labels (again after the codebook changed)."""
        if self.window_actions is not None:
            self.window_actions.fill_label_actions(self.workspace.labels, self.workspace.entity_panel.model.swatch)

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.session_status = SessionStatus(self, self.annotator)
        status.addPermanentWidget(self.session_status)
        self.job_status: JobStatusWidget | None = None
        self._escape_at = 0.0
        if self.runner is not None:
            self.job_status = JobStatusWidget(self.runner, self)
            status.addPermanentWidget(self.job_status)

    # ------------------------------------------------------------------ reactions
    def _sync_undo_actions(self) -> None:
        """Undo / redo are offered when there is something to undo or redo, or may be once the decisions on
        their way are drawn (a Ctrl+Z typed right after a key press undoes that key press; a Ctrl+Shift+Z typed
        after a Ctrl+Z that still waits redoes it). A decision on its way never makes redo possible (a new
        decision empties the redo history), so redo does not flicker on and off with every key press."""
        decisions = self.workspace.decisions
        self.actions_by_name["undo"].setEnabled(decisions.stack.canUndo() or decisions.busy)
        self.actions_by_name["redo"].setEnabled(decisions.stack.canRedo() or decisions.keys_waiting)

    def _on_changed(self, change: Change) -> None:
        """A decision, undo or redo is drawn in the workspace: count it and refresh what shows its status."""
        self.keeper.count_decision()
        self.side_windows.mark_stale()  # the claims the analysis views read may have changed
        if change.codebook:
            self._codebook_changed()
        if change.status or change.progress:
            self.session.refresh_progress()
            if change.article_id is not None:
                self.articles.model.refresh_article(change.article_id)

    def _follow_time(self, article_id: str | None) -> None:
        """The status bar's clock: the time stored for this article plus the active time since it opened."""
        if self.session_status is None:
            return
        if article_id is None:
            self.session_status.follow_article(None)
            return
        try:
            stored = self.repo.time_spent(article_id, self.annotator)
        except Exception:  # bookkeeping never blocks opening an article
            stored = 0.0
        timer = self.keeper.timer
        self.session_status.follow_article(lambda: stored + timer.elapsed())

    def _undo_redo(self, undo: bool) -> None:
        """Undo or redo the last decision and say which one (Ctrl+Z / Ctrl+Shift+Z)."""
        stack = self.workspace.decisions.stack
        text = stack.undoText() if undo else stack.redoText()
        if not (stack.canUndo() if undo else stack.canRedo()):
            self._show_message("Nothing to undo." if undo else "Nothing to redo.")
            return
        if undo:
            self.workspace.decisions.undo()
        else:
            self.workspace.decisions.redo()
        self._show_message(f"{'Undone' if undo else 'Redone'}: {text}")

    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------------ review
    def _on_mode(self, mode: str) -> None:
        """Arrange the window for the session's mode: the review table needs a wider right side."""
        on = mode == REVIEW
        self.articles.model.set_review_queue(on)
        self.workspace.pane.legend.setText(self.mode.legend)
        if on:
            self._saved_layout = (self.splitter.sizes(), self.right_panels.sizes())
            listing, _text, _right = self.splitter.sizes()
            total = sum(self.splitter.sizes())
            text = max(360, int(total * 0.32))
            self.splitter.setSizes([listing, text, max(0, total - listing - text)])
            height = sum(self.right_panels.sizes())
            self.right_panels.setSizes([int(height * 0.55), 0, height - int(height * 0.55)])
        else:
            self._restore_coding_layout()
        self._sync_review_switch()

    def _restore_coding_layout(self) -> None:
        """Put the panes back as they were before review mode arranged them (nothing to do while coding)."""
        if self._saved_layout is not None:
            main, right = self._saved_layout
            self.splitter.setSizes(main)
            self.right_panels.setSizes(right)
            self._saved_layout = None

    def _sync_review_switch(self) -> None:
        """Keep the mode switch in step: checked when on, enabled for reviewers; Enter adopts only in review."""
        on = self.session.reviewing
        toggle = self.actions_by_name["review_mode"]
        toggle.blockSignals(True)
        toggle.setChecked(on)
        toggle.blockSignals(False)
        # Always enabled: Ctrl+R by a non-reviewer explains who may review instead of doing nothing (point 25).
        toggle.setEnabled(True)
        self.actions_by_name["review_adopt"].setEnabled(on)
        self.session.refresh_progress()

    def _toggle_review(self) -> None:
        self.review.set_active(self.actions_by_name["review_mode"].isChecked())
        self._sync_review_switch()  # refused (not a reviewer): uncheck the switch again

    def _review_adopt(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QLineEdit):  # Enter in a text box keeps its usual meaning
            focus.returnPressed.emit()
            return
        self.review.adopt()

    # ------------------------------------------------------------------ the codebook
    def set_recent_projects(self, paths: list[str]) -> None:
        """The projects File › Open recent lists (newest first)."""
        self.side_windows.set_recent_projects(paths)

    def _codebook_changed(self) -> None:
        """Show an edited codebook everywhere at once: the article and panels, the label keys, the filter."""
        self.workspace.apply_codebook()
        self._fill_label_actions()
        self.articles.set_labels(self.workspace.labels)
        self.articles.apply_filter()  # counts and label matches may have moved with a merge
        self.side_windows.apply_codebook()

    def _on_roles_changed(self) -> None:
        """The annotators' roles were edited: the review switch and the review queue follow."""
        self._sync_review_switch()
        self.articles.apply_filter()

    # ------------------------------------------------------------------ small handlers
    def _focus_filter(self) -> None:
        self.articles.filter_text.setFocus()
        self.articles.filter_text.selectAll()

    def _focus_text(self) -> None:
        """Escape: back to the text; pressed twice while a background job runs, it cancels the job (point 30)."""
        self.workspace.text.clear_selection()
        self.workspace.text.setFocus()
        if self.runner is None or not self.runner.busy or self.job_status is None:
            return
        now = time.monotonic()
        if now - self._escape_at <= ESCAPE_AGAIN_SECONDS:
            self._escape_at = 0.0
            self.job_status.cancel()
            self._show_message("Cancelling the background job; what it finished is kept.")
        else:
            self._escape_at = now
            self._show_message("A background job is running: press Escape again to cancel it "
                               "(what it finished is kept).")

    def _focus_editor(self, name: str) -> None:
        editor = self.workspace.claim_panel.editor
        if editor.claim is None:
            self._show_message(SELECT_A_CLAIM)
            return
        widget = getattr(editor, name)
        widget.setFocus()
        if name in ("kind", "form"):
            widget.showPopup()

    def _toggle_rejected(self) -> None:
        text = self.workspace.text
        text.show_rejected = self.actions_by_name["toggle_rejected"].isChecked()
        text.redraw()

    def _show_shortcuts(self) -> None:
        rows = shortcuts.sheet_rows()
        rows += [(shortcuts.ENTITY, str(i + 1), f"Label {label}") for i, label in enumerate(self.workspace.labels[:9])]
        shortcut_sheet.ShortcutSheet(self, rows).exec()

    def _ask_annotator(self) -> None:
        name = annotator_dialog.ask_annotator_name(self, [n for n, _role in self.repo.annotators()], self.annotator)
        if name:
            self.switch_annotator(name)
