"""File › Import, Project › Suggest and File › Export: the window's long jobs, run by the shell's ``JobRunner``.

Each job is one of the project's use cases (``WorkspaceServices``), run off the GUI thread with a progress bar and
a Cancel; its summary is shown when it ends, and the window refreshes what it changed (the list, the queue, the
open article). Import first reads the files and shows what they hold (formats, near-duplicates) before anything
is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from annotator.jobs.summaries import ExportSummary, ImportSummary, SuggestSummary
from annotator.store.repository import Repository
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.session import Session
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import import_export_dialogs
from annotator.ui.workspace.article_list import ArticleListPanel


class JobHost(Protocol):
    """What the jobs need of the window they run for."""

    repo: Repository
    session: Session
    articles: ArticleListPanel

    @property
    def current_article_id(self) -> str | None: ...

    def open_article(self, article_id: str | None, *, reload: bool = False) -> None: ...

    def reload_article(self) -> None: ...

    def show_message(self, text: str) -> None: ...


class JobActions:
    """The import, suggest and export actions of one window.

    Args:
        window: the window the jobs report to (its list, queue and open article are refreshed after them).
        parent: the widget the dialogs belong to (the window).
        services: the project's use cases; None: the actions do nothing (a window without jobs).
        runner: the job runner; None: as without services.
    """

    def __init__(
        self, window: JobHost, parent: QWidget, services: WorkspaceServices | None, runner: JobRunner | None
    ) -> None:
        self.window = window
        self.parent = parent
        self.services = services
        self.runner = runner

    @property
    def available(self) -> bool:
        """Jobs can run (the window has services and a runner)."""
        return self.services is not None and self.runner is not None

    def _run(self, title: str, job: Callable[[Any, Any], object], on_result: Callable[[object], None]) -> None:
        if self.runner is not None:
            self.runner.run(title, job, on_result=on_result)

    def _summary(self, title: str, result: object, next_step: tuple[str, str] | None = None) -> bool:
        lines = result.lines() if isinstance(result, ImportSummary | SuggestSummary | ExportSummary) else [str(result)]
        return import_export_dialogs.show_summary(self.parent, title, lines, next_step)

    # ------------------------------------------------------------------ import
    def import_files(self) -> None:
        """File › Import: choose files or a folder; preview them when the services can, then import."""
        services = self.services
        if services is None:
            return
        paths = import_export_dialogs.choose_import_paths(self.parent)
        if not paths:
            return
        if services.preview_import is not None and services.import_checked is not None:
            from annotator.jobs.near_duplicate_settings import project_threshold

            self._preview(paths, project_threshold(self.window.repo), False)
            return
        self._run("Importing", lambda progress, cancel: services.import_paths(paths, progress, cancel),
                  self._after_import)

    def _preview(self, paths: list[str], threshold: float | None, keep: bool) -> None:
        """Read the chosen files off the GUI thread, then show what they hold before importing (issue 16)."""
        services = self.services
        if services is None or services.preview_import is None:
            return
        preview = services.preview_import
        self._run(
            "Reading the files",
            lambda progress, cancel: preview(paths, threshold, progress, cancel),
            lambda result: self._after_preview(paths, result, threshold, keep),
        )

    def _after_preview(self, paths: list[str], result: object, threshold: float | None, keep: bool) -> None:
        from annotator.jobs.import_preview import ImportPreview
        from annotator.jobs.near_duplicate_settings import THRESHOLD_SETTING
        from annotator.ui.window.import_preview_dialog import ImportPreviewDialog

        services = self.services
        if services is None or services.import_checked is None or not isinstance(result, ImportPreview):
            return
        if result.cancelled:
            self.window.show_message("Import cancelled while reading the files: nothing was stored")
            return
        dialog = ImportPreviewDialog(self.parent, result, threshold, keep)
        dialog.exec()
        choice = dialog.choice()
        dialog.deleteLater()
        if choice is None:
            return
        if choice.threshold is not None and choice.threshold != threshold:
            self.window.repo.set_setting(THRESHOLD_SETTING, choice.threshold)  # the project keeps the choice
        if choice.again:
            self._preview(paths, choice.threshold, choice.keep_near_duplicates)
            return
        run_import = services.import_checked
        self._run(
            "Importing",
            lambda progress, cancel: run_import(paths, choice.threshold, choice.keep_near_duplicates, progress,
                                                cancel),
            self._after_import,
        )

    def _after_import(self, result: object) -> None:
        window = self.window
        window.articles.apply_filter()
        window.session.refresh_progress()
        if window.repo.search_backlog():
            # The import stored the articles and left their search-index entries for afterwards: build them in
            # the background while the analyst reads (a filter meanwhile indexes what is left itself).
            from annotator.jobs.importing import catch_up_search

            repo = window.repo
            self._run("Indexing for the filter",
                      lambda progress, cancel: catch_up_search(repo, progress=progress, cancel=cancel),
                      lambda _result: None)
        if window.current_article_id is None:
            window.open_article(window.session.next_in_queue())
        imported = result.imported if isinstance(result, ImportSummary) else 0
        if not imported:
            self._summary("Import", result)
            return
        # New articles sit at 0 / 0 until spaCy has been over them: say so, and offer to do it (point 29).
        noun = "article has" if imported == 1 else "articles have"
        hint = f"The {imported} new {noun} no suggestions yet: Suggest (Ctrl+Shift+S) runs spaCy over them."
        window.show_message(hint)
        if self._summary("Import", result, (f"Next step: {hint}", "Suggest now")):
            self.suggest()

    # ------------------------------------------------------------------ suggest and export
    def suggest(self) -> None:
        """Project › Suggest: spaCy over the articles it has not been over yet."""
        services = self.services
        if services is None:
            return
        self._run("Suggesting", lambda progress, cancel: services.suggest(None, False, progress, cancel),
                  self._after_suggest)

    def _after_suggest(self, result: object) -> None:
        self.window.reload_article()
        self._summary("Suggestions", result)

    def export(self) -> None:
        """File › Export: a layer, statuses, a format and a file; written to a temporary file and renamed."""
        services = self.services
        if services is None:
            return
        layers = [name for name, _kind in self.window.repo.layers()]
        dialog = import_export_dialogs.ExportDialog(self.parent, layers, list(services.export_formats()))
        dialog.exec()
        options = dialog.options()
        if options is None:
            return
        self._run(
            "Exporting",
            lambda progress, cancel: services.export(
                options.path, options.fmt, options.layer, options.statuses, progress, cancel
            ),
            self._export_summary,
        )

    def _export_summary(self, result: object) -> None:
        self._summary("Export", result)
