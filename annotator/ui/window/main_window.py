"""The main window: article list | article text | entity and claim panels, with menus, toolbar and status bar.

The window is the shell around the :class:`~annotator.ui.workspace.workspace.Workspace` (the article being coded):
it opens articles, runs the queue (mark done, next), keeps the session (who, how long, how far), records time per
article, and runs the long jobs (import, suggest, export) through the shell's ``JobRunner`` when one is given. Every
action comes from the one table in :mod:`annotator.ui.workspace.shortcuts`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import qtawesome as qta
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import NotFoundError
from annotator.core.records import ArticleStatus, Change
from annotator.jobs.summaries import ExportSummary, ImportSummary, SuggestSummary
from annotator.store.repository import Repository
from annotator.ui.review.review_mode import ReviewMode
from annotator.ui.shared.db_worker import DatabaseWorker
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.session import REVIEW, Session
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import annotator_dialog, import_export_dialogs
from annotator.ui.window.error_log import ErrorBanner
from annotator.ui.window.focus_refresh import FocusRefresh
from annotator.ui.window.job_status import JobStatusWidget
from annotator.ui.window.session_keeper import SessionKeeper
from annotator.ui.window.status_widgets import SessionStatus
from annotator.ui.workspace import shortcut_sheet, shortcuts
from annotator.ui.workspace.article_list import ArticleListPanel
from annotator.ui.workspace.article_text import CLAIM
from annotator.ui.workspace.coding_mode import CodingMode
from annotator.ui.workspace.edits import Edits
from annotator.ui.workspace.mode import Mode
from annotator.ui.workspace.workspace import Workspace, claim_start

if TYPE_CHECKING:
    from annotator.ui.analysis.analysis_window import AnalysisWindow

TOOLBAR = (
    "accept",
    "reject",
    "accept_all",
    None,
    "new_entity",
    "link_actor",
    "new_claim",
    None,
    "undo",
    "redo",
    None,
    "done_next",
    None,
    "import",
    "export",
    "suggest",
    None,
    "review_mode",
    "shortcuts",
)
MENUS = (
    ("&File", shortcuts.FILE),
    ("&Navigate", shortcuts.NAV),
    ("&Entities", shortcuts.ENTITY),
    ("&Claims", shortcuts.CLAIM),
    ("&Article", shortcuts.ARTICLE),
    ("&View", shortcuts.VIEW),
)


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
    """

    articleOpened = Signal(str)
    annotatorChanged = Signal(str)

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
        self.setWindowTitle("annotator")
        self.resize(1400, 900)

        # The decisions' database thread; it closes its own connection when the window shuts down.
        self.database = DatabaseWorker(self, on_start=repo.prefer_current_thread, on_exit=repo.close)
        self.workspace = Workspace(repo, annotator, self, self.database)
        self.edits = Edits(self.workspace)
        self.articles = ArticleListPanel(repo, annotator, self.workspace.labels, self)
        self._build_layout()
        self.coding = CodingMode(self.session, self.workspace, self.edits)
        self.review = ReviewMode(self.session, self.workspace, self)
        self.analysis: AnalysisWindow | None = None
        self.right_panels.insertWidget(0, self.review.panel)
        self._saved_layout: tuple[list[int], list[int]] | None = None
        self.actions_by_name: dict[str, QAction] = {}
        self._build_actions()
        self._build_status_bar()

        self.articles.articleActivated.connect(self.open_article)
        self.workspace.changed.connect(self._on_changed)
        self.workspace.elsewhere.connect(self.open_article)
        self.workspace.decisions.crashed.connect(self.show_error)
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
            self.setWindowTitle(f"annotator — {self.annotator}")
            return
        if self.repo.article_status(article_id, self.annotator) == ArticleStatus.TODO:
            # Not an undoable decision: opening an article is navigation, but the queue should know.
            self.repo.set_article_status(article_id, self.annotator, ArticleStatus.IN_PROGRESS)
            self.articles.model.refresh_article(article_id)
        self.articles.select_article(article_id)
        article = self.workspace.article
        title = article.title if article is not None and article.title else article_id
        self.setWindowTitle(f"{title} — annotator — {self.annotator}")
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
        if self.review.active and not self.session.is_reviewer(name):
            self.review.set_active(False)
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
        self.keeper.record_time()
        self.keeper.end()
        self.keeper.stop()

    def reload_article(self) -> None:
        """Re-read the open article from the database (after a background job changed its suggestions)."""
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
        right.setSizes([380, 480])
        self.right_panels = right
        main = QSplitter(Qt.Orientation.Horizontal, self)
        main.addWidget(self.articles)
        main.addWidget(self.workspace.pane)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setSizes([400, 530, 470])
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

    def _handlers(self) -> dict[str, Callable[[], object]]:
        ws = self.workspace
        edits = self.edits
        return {
            "annotators": self._edit_annotators,
            "review_mode": self._toggle_review,
            "review_adopt": self._review_adopt,
            "agreement": self._show_agreement,
            "claims_view": lambda: self.show_analysis(0),
            "network_view": lambda: self.show_analysis(1),
            "import": self._import,
            "export": self._export,
            "suggest": self._suggest,
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
            "undo": ws.decisions.undo,
            "redo": ws.decisions.redo,
            "accept_all": lambda: self.mode.accept_all(),
            "done_next": self.mark_done_and_next,
            "toggle_rejected": self._toggle_rejected,
            "shortcuts": self._show_shortcuts,
        }

    def _build_actions(self) -> None:
        handlers = self._handlers()
        menus = {group: self.menuBar().addMenu(title) for title, group in MENUS}
        for spec in shortcuts.ACTIONS:
            if spec.name == "relabel":
                self._build_label_actions(menus[shortcuts.ENTITY])
                continue
            action = QAction(spec.text, self)
            if spec.icon:
                action.setIcon(qta.icon(spec.icon, color="#37474f"))
            action.setShortcuts([QKeySequence(key) for key in spec.keys])
            # Window-wide: the keys work whichever pane has focus (line edits still get their typing first).
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(spec.description)
            action.setToolTip(
                f"{spec.text.replace('&', '').rstrip('…')} ({spec.keys[0]})" if spec.keys else spec.description
            )
            # In order: a key pressed while a decision is on its way acts once that decision is drawn.
            action.triggered.connect(lambda _checked=False, handler=handlers[spec.name]: self._when_idle(handler))
            if spec.name == "toggle_rejected":
                action.setCheckable(True)
                action.setChecked(True)
            if spec.name == "review_mode":
                action.setCheckable(True)
            menus[spec.group].addAction(action)
            self.addAction(action)
            self.actions_by_name[spec.name] = action
        jobs_ok = self.services is not None and self.runner is not None
        for name in ("import", "export", "suggest"):
            self.actions_by_name[name].setEnabled(jobs_ok)
        toolbar = QToolBar("Decisions", self)
        toolbar.setObjectName("decisionsToolbar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for entry in TOOLBAR:
            if entry is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.actions_by_name[entry])
        for name in ("undo", "redo", "import", "export", "suggest", "shortcuts", "link_actor", "review_mode"):
            # Icons only for the familiar ones: keeps the toolbar within 1400 px without cutting anything off.
            widget = toolbar.widgetForAction(self.actions_by_name[name])
            if isinstance(widget, QToolButton):
                widget.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.addToolBar(toolbar)
        self.toolbar = toolbar

    def _build_label_actions(self, menu: Any) -> None:
        submenu = menu.addMenu("&Label")
        for index, label in enumerate(self.workspace.labels[:9]):
            action = QAction(f"{label}", self)
            action.setIcon(self.workspace.entity_panel.model.swatch(label))
            action.setShortcut(QKeySequence(str(index + 1)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(f"Label the current entity (or the selection) {label}")
            action.triggered.connect(lambda _checked=False, i=index: self._when_idle(lambda: self.edits.relabel(i)))
            submenu.addAction(action)
            self.addAction(action)
            self.actions_by_name[f"label_{index + 1}"] = action

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.session_status = SessionStatus(self, self.annotator)
        status.addPermanentWidget(self.session_status)
        if self.runner is not None:
            status.addPermanentWidget(JobStatusWidget(self.runner, self))

    # ------------------------------------------------------------------ reactions
    def _sync_undo_actions(self) -> None:
        """Undo / redo are offered when there is something to undo or redo, or may be once the decisions on
        their way are drawn (a Ctrl+Z typed right after a key press undoes that key press)."""
        decisions = self.workspace.decisions
        self.actions_by_name["undo"].setEnabled(decisions.stack.canUndo() or decisions.busy)
        self.actions_by_name["redo"].setEnabled(decisions.stack.canRedo() or decisions.busy)

    def _when_idle(self, handler: Callable[[], object]) -> None:
        self.workspace.decisions.when_idle(handler)

    def _on_changed(self, change: Change) -> None:
        """A decision, undo or redo is drawn in the workspace: count it and refresh what shows its status."""
        self.keeper.count_decision()
        if change.status or change.progress:
            self.session.refresh_progress()
            if change.article_id is not None:
                self.articles.model.refresh_article(change.article_id)

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
        elif self._saved_layout is not None:
            main, right = self._saved_layout
            self.splitter.setSizes(main)
            self.right_panels.setSizes(right)
            self._saved_layout = None
        self._sync_review_switch()

    def _sync_review_switch(self) -> None:
        """Keep the mode switch in step: checked when on, enabled for reviewers; Enter adopts only in review."""
        on = self.session.reviewing
        toggle = self.actions_by_name["review_mode"]
        toggle.blockSignals(True)
        toggle.setChecked(on)
        toggle.blockSignals(False)
        toggle.setEnabled(on or self.session.is_reviewer())
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

    def _edit_annotators(self) -> None:
        from annotator.ui.project.annotators_dialog import AnnotatorsDialog

        AnnotatorsDialog(self.repo, self).exec()
        if self.review.active and not self.review.is_reviewer():
            self.review.set_active(False)
        self._sync_review_switch()
        self.articles.apply_filter()

    def show_analysis(self, tab: int) -> None:
        """View › Claims (tab 0) or View › Network (tab 1): the analysis window, created on first use."""
        from annotator.ui.analysis.analysis_window import AnalysisWindow

        if self.analysis is None:
            self.analysis = AnalysisWindow(self.repo, self.runner, self)
            self.analysis.claimActivated.connect(self.open_claim)
        self.analysis.show_tab(tab)

    def open_claim(self, article_id: str, claim_id: int, start: int) -> None:
        """Open an article at a claim (from the claims view): the claim itself, or what stands for it in the
        annotator's working view (their decision on it, or the claim at the same place)."""
        self.open_article(article_id)
        # The article opens once the decisions on their way are drawn; the claim is chosen after that.
        self.workspace.decisions.when_idle(lambda: self._select_claim(article_id, claim_id, start))

    def _select_claim(self, article_id: str, claim_id: int, start: int) -> None:
        if self.current_article_id != article_id:
            return
        claims = self.workspace.claims
        found = next((c for c in claims if c.id == claim_id), None)
        found = found or next((c for c in claims if c.derived_from == claim_id), None)
        found = found or next((c for c in claims if claim_start(c) == start), None)
        if found is not None:
            self.workspace.set_current((CLAIM, found.id))
        self.raise_()
        self.activateWindow()

    def _show_agreement(self) -> None:
        from annotator.ui.review.agreement_view import AgreementDialog

        dialog = AgreementDialog(self.repo, self, runner=self.runner)
        dialog.show()
        dialog.compute()
        self.agreement_dialog = dialog

    # ------------------------------------------------------------------ small handlers
    def _focus_filter(self) -> None:
        self.articles.filter_text.setFocus()
        self.articles.filter_text.selectAll()

    def _focus_text(self) -> None:
        self.workspace.text.clear_selection()
        self.workspace.text.setFocus()

    def _focus_editor(self, name: str) -> None:
        editor = self.workspace.claim_panel.editor
        if editor.claim is None:
            self._show_message("Select a claim first ([ and ] go through the claims).")
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

    # ------------------------------------------------------------------ long jobs
    def _run(self, title: str, job: Callable[[Any, Any], object], on_result: Callable[[object], None]) -> None:
        if self.runner is None:
            return
        self.runner.run(title, job, on_result=on_result)

    def _summary(self, title: str, result: object) -> None:
        lines = result.lines() if isinstance(result, ImportSummary | SuggestSummary | ExportSummary) else [str(result)]
        import_export_dialogs.show_summary(self, title, lines)

    def _after_import(self, result: object) -> None:
        self.articles.apply_filter()
        self.session.refresh_progress()
        if self.current_article_id is None:
            self.open_article(self.session.next_in_queue())
        self._summary("Import", result)

    def _after_suggest(self, result: object) -> None:
        self.reload_article()
        self._summary("Suggestions", result)

    def _import(self) -> None:
        if self.services is None:
            return
        paths = import_export_dialogs.choose_import_paths(self)
        if paths:
            services = self.services
            self._run(
                "Importing",
                lambda progress, cancel: services.import_paths(paths, progress, cancel),
                self._after_import,
            )

    def _suggest(self) -> None:
        if self.services is not None:
            services = self.services
            self._run(
                "Suggesting",
                lambda progress, cancel: services.suggest(None, False, progress, cancel),
                self._after_suggest,
            )

    def _export(self) -> None:
        if self.services is None:
            return
        layers = [name for name, _kind in self.repo.layers()]
        dialog = import_export_dialogs.ExportDialog(self, layers, list(self.services.formats))
        dialog.exec()
        options = dialog.options()
        if options is None:
            return
        services = self.services
        self._run(
            "Exporting",
            lambda progress, cancel: services.export(
                options.path, options.fmt, options.layer, options.statuses, progress, cancel
            ),
            lambda result: self._summary("Export", result),
        )
