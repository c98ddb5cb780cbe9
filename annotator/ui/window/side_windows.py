"""The project's windows and dialogs beside the main window: codebook, annotators, analysis, agreement, projects.

The main window is the shell around the workspace; what it opens next to itself lives here, so that the shell
keeps to its panes, keys and modes. The side windows act on the window's parts only through what they are
given: the session (who annotates, requests to show an article), the workspace (to make a row current once its
article is open) and the decision stack (the codebook editor's changes are undoable decisions).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMenu, QWidget

from annotator.store.repository import Repository
from annotator.ui.project.codebook_editor import CodebookEditor
from annotator.ui.project.projects import DB_FILTER, NewProjectDialog, project_name
from annotator.ui.shared.session import Session
from annotator.ui.shared.workers import JobRunner
from annotator.ui.workspace.article_text import CLAIM, ENTITY
from annotator.ui.workspace.workspace import Workspace, claim_start

if TYPE_CHECKING:
    from annotator.ui.analysis.analysis_window import AnalysisWindow
    from annotator.ui.review.agreement_view import AgreementDialog


class SideWindows(QObject):
    """Opens (and keeps, where there is one per project) the windows beside the main window.

    Args:
        parent: the main window (the dialogs' parent).
        repo: the open repository.
        session: the session model; articles are shown by asking it (:meth:`Session.request_article`).
        workspace: the workspace, to make a row current once its article is shown.
        runner: the shell's job runner (the analysis and agreement computations run on it), or None.

    Signals:
        projectRequested(str): the user chose another project (a database path) to open, or created one.
        rolesChanged(): the annotators' roles were edited (who may review may have changed).
    """

    projectRequested = Signal(str)
    rolesChanged = Signal()

    def __init__(
        self, parent: QWidget, repo: Repository, session: Session, workspace: Workspace, runner: JobRunner | None
    ) -> None:
        super().__init__(parent)
        self._parent = parent
        self.repo = repo
        self.session = session
        self.workspace = workspace
        self.runner = runner
        self.recent_projects: list[str] = []
        self.recent_menu: QMenu | None = None
        self.codebook_editor: CodebookEditor | None = None
        self.analysis: AnalysisWindow | None = None
        self.agreement_dialog: AgreementDialog | None = None
        self.new_project_dialog: NewProjectDialog | None = None

    # ------------------------------------------------------------------ projects
    def set_recent_menu(self, menu: QMenu | None) -> None:
        """The File › Open recent menu to keep filled."""
        self.recent_menu = menu
        self._fill_recent_menu()

    def set_recent_projects(self, paths: list[str]) -> None:
        """The projects File › Open recent lists (newest first)."""
        self.recent_projects = list(paths)
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        menu = self.recent_menu
        if menu is None:
            return
        menu.clear()
        for n, path in enumerate(self.recent_projects[:9], start=1):
            action = menu.addAction(f"&{n}  {project_name(path)}  —  {path}")
            action.triggered.connect(lambda _checked=False, p=path: self.projectRequested.emit(p))
        menu.setEnabled(bool(self.recent_projects))

    def _project_folder(self) -> str:
        location = self.repo.location
        return "" if "://" in location else str(Path(location).expanduser().parent)

    def new_project(self) -> None:
        """File › New project…"""
        dialog = NewProjectDialog(self._parent, self._project_folder())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.created.connect(self.projectRequested.emit)
        dialog.open()
        self.new_project_dialog = dialog

    def open_project(self) -> None:
        """File › Open project…"""
        dialog = QFileDialog(self._parent, "Open project", self._project_folder(), DB_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.projectRequested.emit)
        dialog.open()

    # ------------------------------------------------------------------ the codebook and the annotators
    def edit_codebook(self) -> CodebookEditor:
        """Project › Codebook…: the (one) editor of this project's codebook, shown and raised."""
        if self.codebook_editor is None:
            decisions = self.workspace.decisions
            editor = CodebookEditor(self.repo, self.session.annotator, decisions.decide_and_wait, self._parent,
                                    undo=decisions.undo_and_wait, redo=decisions.redo_and_wait)
            editor.openRequested.connect(self._open_coded_row)
            self.codebook_editor = editor
        self.codebook_editor.show()
        self.codebook_editor.raise_()
        self.codebook_editor.activateWindow()
        return self.codebook_editor

    def apply_codebook(self) -> None:
        """The codebook changed: the editor and the analysis views show it at once."""
        if self.codebook_editor is not None:
            self.codebook_editor.reload()
        if self.analysis is not None:
            self.analysis.apply_codebook()  # the claims view's issues, stances, forms; the network's colours

    def _open_coded_row(self, article_id: str, table: str, row_id: int) -> None:
        """"Where used" asked for a row: open its article and make the row current (when it is in this view)."""
        self.session.request_article(article_id)
        self.workspace.decisions.when_idle(lambda: self._select_row(article_id, table, row_id))

    def _select_row(self, article_id: str, table: str, row_id: int) -> None:
        if self.session.article_id != article_id:
            return
        kind = ENTITY if table == "entity" else CLAIM
        rows = self.workspace.entities if kind == ENTITY else self.workspace.claims
        row = next((r for r in rows if row_id in (r.id, r.derived_from)), None)
        if row is not None:
            self.workspace.set_current((kind, row.id))
        else:
            self.session.say(f"That {table} is in another layer than {self.session.annotator}'s; the article is open.")

    def edit_annotators(self) -> None:
        """File › Annotators…: names and roles (modal); whoever listens to ``rolesChanged`` follows."""
        from annotator.ui.project.annotators_dialog import AnnotatorsDialog

        AnnotatorsDialog(self.repo, self._parent).exec()
        self.rolesChanged.emit()

    # ------------------------------------------------------------------ analysis and agreement
    def mark_stale(self) -> None:
        """A decision was drawn: the claims the analysis window read may have changed."""
        if self.analysis is not None:
            self.analysis.mark_stale()

    def show_analysis(self, tab: int) -> None:
        """View › Claims (tab 0) or View › Network (tab 1): the analysis window, created on first use."""
        from annotator.ui.analysis.analysis_window import AnalysisWindow

        if self.analysis is None:
            self.analysis = AnalysisWindow(self.repo, self.runner, self._parent)
            self.analysis.claimActivated.connect(self.open_claim)
        self.analysis.show_tab(tab)

    def open_claim(self, article_id: str, claim_id: int, start: int) -> None:
        """Open an article at a claim (from the claims view): the claim itself, or what stands for it in the
        annotator's working view (their decision on it, or the claim at the same place)."""
        self.session.request_article(article_id)
        # The article opens once the decisions on their way are drawn; the claim is chosen after that.
        self.workspace.decisions.when_idle(lambda: self._select_claim(article_id, claim_id, start))

    def _select_claim(self, article_id: str, claim_id: int, start: int) -> None:
        if self.session.article_id != article_id:
            return
        claims = self.workspace.claims
        found = next((c for c in claims if c.id == claim_id), None)
        found = found or next((c for c in claims if c.derived_from == claim_id), None)
        found = found or next((c for c in claims if claim_start(c) == start), None)
        if found is not None:
            self.workspace.set_current((CLAIM, found.id))
        self._parent.raise_()
        self._parent.activateWindow()

    def show_agreement(self) -> None:
        """Review › Agreement…: the agreement between annotators, computed in the background."""
        from annotator.ui.review.agreement_view import AgreementDialog

        dialog = AgreementDialog(self.repo, self._parent, runner=self.runner)
        dialog.show()
        dialog.compute()
        self.agreement_dialog = dialog
