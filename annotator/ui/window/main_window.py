"""The main window: article list | article text | entity and claim panels, with menus, toolbar and status bar.

The window is the shell around the :class:`~annotator.ui.workspace.workspace.Workspace` (the article being coded):
it opens articles, runs the queue (mark done, next), and wires its parts to the session model. The parts each
keep one concern: the panes and their sizes (:class:`~annotator.ui.window.window_panes.WindowPanes`), the switch
between coding and review (:class:`~annotator.ui.window.mode_switch.ModeSwitch`), the focus and view keys
(:class:`~annotator.ui.window.view_keys.ViewKeys`), the time and the session record
(:class:`~annotator.ui.window.session_keeper.SessionKeeper`), the menus, toolbar and label keys built from the one
table in :mod:`annotator.ui.workspace.shortcuts` (:class:`~annotator.ui.window.window_actions.WindowActions`), and
the long jobs (import, suggest, export: :class:`~annotator.ui.window.job_actions.JobActions`, run through the
shell's ``JobRunner`` when one is given)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from annotator.core.errors import NotFoundError
from annotator.core.records import ArticleStatus, Change
from annotator.store.repository import Repository
from annotator.ui.project.model_menu import ModelMenu
from annotator.ui.project.projects import project_name
from annotator.ui.review.review_mode import ReviewMode
from annotator.ui.shared.db_worker import DatabaseWorker
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.session import Session
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import annotator_dialog
from annotator.ui.window.focus_refresh import FocusRefresh
from annotator.ui.window.job_actions import JobActions
from annotator.ui.window.job_status import JobStatusWidget
from annotator.ui.window.mode_switch import ModeSwitch
from annotator.ui.window.session_keeper import SessionKeeper
from annotator.ui.window.side_windows import SideWindows
from annotator.ui.window.status_widgets import SessionStatus
from annotator.ui.window.view_keys import ViewKeys
from annotator.ui.window.window_actions import WindowActions
from annotator.ui.window.window_panes import WindowPanes
from annotator.ui.workspace.article_list import ArticleListPanel
from annotator.ui.workspace.coding_mode import CodingMode
from annotator.ui.workspace.edits import Edits
from annotator.ui.workspace.mode import Mode
from annotator.ui.workspace.workspace import Workspace

log = logging.getLogger(__name__)


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
        self.panes = WindowPanes(self, self.articles, self.workspace)
        self.error_banner = self.panes.error_banner
        self.coding = CodingMode(self.session, self.workspace, self.edits)
        self.review = ReviewMode(self.session, self.workspace, self)
        self.side_windows = SideWindows(self, repo, self.session, self.workspace, runner)
        self.side_windows.projectRequested.connect(self.projectRequested)
        self.side_windows.rolesChanged.connect(self.session.roles_changed)
        self.panes.add_review_panel(self.review.panel)
        self.jobs = JobActions(self, self, services, runner)
        self._build_status_bar()
        self.view_keys = ViewKeys(self.articles, self.workspace, self.job_status, self._show_message)
        self.window_actions: WindowActions | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self.model_menu = ModelMenu(self, repo, self.session, services, self.actions_by_name)

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
        self.mode_switch = ModeSwitch(session, self.coding, self.review, self.workspace, self.articles, self.panes,
                                      self.actions_by_name)

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
        return self.mode_switch.mode

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
        self.mode_switch.sync()

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
        self.panes.save()  # the coding layout, also when the window closes in review mode
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
    def remember_layout(self, settings: QSettings) -> None:
        """Restore the pane sizes saved in ``settings`` and save them there when the window closes."""
        self.panes.remember(settings)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.panes.size_once()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.window_actions is not None:
            self.window_actions.fit_toolbar(self.width())

    def _handlers(self) -> dict[str, Callable[[], object]]:
        ws = self.workspace
        edits = self.edits
        side = self.side_windows
        keys = self.view_keys
        return {
            "new_project": side.new_project,
            "open_project": side.open_project,
            "codebook": side.edit_codebook,
            "annotators": side.edit_annotators,
            "review_mode": lambda: self.mode_switch.toggle(),
            "review_adopt": lambda: self.mode_switch.adopt(),
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
            "focus_filter": keys.focus_filter,
            "focus_text": keys.focus_text,
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
            "edit_kind": lambda: keys.focus_editor("kind"),
            "edit_form": lambda: keys.focus_editor("form"),
            "edit_issue": lambda: keys.focus_editor("issue"),
            "edit_note": lambda: keys.focus_editor("note"),
            "stance_against": lambda: edits.set_stance(-1),
            "stance_neutral": lambda: edits.set_stance(0),
            "stance_for": lambda: edits.set_stance(1),
            "delete_claim": edits.delete_claim,
            "undo": lambda: self._undo_redo(undo=True),
            "redo": lambda: self._undo_redo(undo=False),
            "accept_all": lambda: self.mode.accept_all(),
            "done_next": self.mark_done_and_next,
            "toggle_rejected": lambda: keys.show_rejected(self.actions_by_name["toggle_rejected"].isChecked()),
            "shortcuts": keys.show_shortcuts,
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
        except Exception:  # bookkeeping never blocks opening an article; the traceback goes to the log
            log.exception("the time stored for %s could not be read", article_id)
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

    # ------------------------------------------------------------------ small handlers
    def _ask_annotator(self) -> None:
        name = annotator_dialog.ask_annotator_name(self, [n for n, _role in self.repo.annotators()], self.annotator)
        if name:
            self.switch_annotator(name)
