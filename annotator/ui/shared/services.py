"""The long jobs the workspace runs, bound to one repository, as plain callables.

The window calls these through a :class:`~annotator.ui.shared.workers.JobRunner`, so they run off the GUI thread.
Tests build a :class:`WorkspaceServices` with fakes (no spaCy in GUI tests). The jobs modules are imported
lazily inside the callables: importing them pulls in spaCy, which must not slow down the window's first paint.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.jobs.progress import CancelFlag, ProgressCallback
from annotator.jobs.summaries import ExportSummary, ImportSummary, SuggestSummary

if TYPE_CHECKING:
    from annotator.jobs.import_preview import ImportPreview
    from annotator.store.repository import Repository

ImportFn = Callable[[list[str], ProgressCallback, CancelFlag], ImportSummary]
SuggestFn = Callable[[list[str] | None, bool, ProgressCallback, CancelFlag], SuggestSummary]
ExportFn = Callable[[str, str, str, list[str] | None, ProgressCallback, CancelFlag], ExportSummary]
#: ``(paths, near-duplicate threshold or None, progress, cancel) -> ImportPreview``
PreviewFn = Callable[[list[str], "float | None", ProgressCallback, CancelFlag], "ImportPreview"]
#: ``(paths, near-duplicate threshold or None, keep near-duplicates, progress, cancel) -> ImportSummary``
ImportCheckedFn = Callable[[list[str], "float | None", bool, ProgressCallback, CancelFlag], ImportSummary]


@dataclass
class WorkspaceServices:
    """The long jobs of the workspace.

    Attributes:
        import_paths: ``(paths, progress, cancel) -> ImportSummary``.
        suggest: ``(article_ids or None for all, force, progress, cancel) -> SuggestSummary``.
        export: ``(path, fmt, layer, statuses or None, progress, cancel) -> ExportSummary``.
        formats: the export formats, in menu order; empty (``build_services``): every format of
            ``annotator.io``, read by :meth:`export_formats` when the export dialog opens (importing the formats
            is 0.2 s of CPU that the window's first paint does not need).
        pipeline: the loaded spaCy pipeline once the first suggest loaded it (cached for the app run).
        preview_import: the preview File › Import shows before it imports (None: import without one).
        import_checked: the import the preview's Import button runs, with its near-duplicate options.
    """

    import_paths: ImportFn
    suggest: SuggestFn
    export: ExportFn
    formats: tuple[str, ...] = ()
    pipeline: Any = field(default=None, repr=False)
    preview_import: PreviewFn | None = None
    import_checked: ImportCheckedFn | None = None

    def export_formats(self) -> tuple[str, ...]:
        """The export formats, in menu order (see ``formats``)."""
        if self.formats:
            return self.formats
        from annotator.jobs.exporting import FORMATS

        return FORMATS


def _copied(values: Sequence[str] | None) -> list[str] | None:
    """A job's own copy of a list the window passed (the window may change its list while the job runs)."""
    return None if values is None else list(values)


def build_services(repo: Repository, pipeline: str | None = None) -> WorkspaceServices:
    """Bind the jobs (import, suggest, export) to ``repo``.

    Args:
        repo: the open project.
        pipeline: the spaCy pipeline setting (None: the default resolution).

    Returns:
        Services whose ``suggest`` loads the pipeline once, on its first call, in the calling (worker) thread,
        and keeps it on the services object.
    """
    lock = threading.Lock()  # two windows on one services object must not load spaCy twice

    def import_paths(paths: list[str], progress: ProgressCallback, cancel: CancelFlag) -> ImportSummary:
        from annotator.jobs import importing
        from annotator.jobs.near_duplicate_settings import project_threshold

        return importing.import_paths(repo, list(paths), progress=progress, cancel=cancel,
                                      near_duplicate_threshold=project_threshold(repo))

    def preview_import(
        paths: list[str], threshold: float | None, progress: ProgressCallback, cancel: CancelFlag
    ) -> ImportPreview:
        from annotator.jobs import import_preview

        return import_preview.preview_paths(list(paths), repo=repo, near_duplicate_threshold=threshold,
                                            progress=progress, cancel=cancel)

    def import_checked(
        paths: list[str], threshold: float | None, keep: bool, progress: ProgressCallback, cancel: CancelFlag
    ) -> ImportSummary:
        from annotator.jobs import importing

        return importing.import_paths(repo, list(paths), progress=progress, cancel=cancel,
                                      near_duplicate_threshold=threshold, keep_near_duplicates=keep)

    def suggest(
        article_ids: list[str] | None, force: bool, progress: ProgressCallback, cancel: CancelFlag
    ) -> SuggestSummary:
        from annotator.jobs import suggesting
        from annotator.jobs.progress import Progress

        with lock:
            if services.pipeline is None:
                progress(Progress(0, 0, "loading the spaCy pipeline"))
                services.pipeline = suggesting.load_pipeline(suggesting.pipeline_setting(repo, pipeline))
        cancel.check()
        return suggesting.suggest(
            repo,
            pipeline=pipeline,
            force=force,
            article_ids=_copied(article_ids),
            progress=progress,
            cancel=cancel,
            loaded=services.pipeline,
            in_workers=True,  # spaCy in a child process: a parse on a thread here would stall the key presses
            background=True,  # below the window's priority: a key press gets a core at once
        )

    def export(
        path: str, fmt: str, layer: str, statuses: Sequence[str] | None, progress: ProgressCallback, cancel: CancelFlag
    ) -> ExportSummary:
        from annotator.jobs import exporting

        return exporting.export(
            repo,
            path,
            fmt=fmt,
            layer=layer,
            statuses=_copied(statuses),
            progress=progress,
            cancel=cancel,
        )

    services = WorkspaceServices(import_paths=import_paths, suggest=suggest, export=export,
                                 preview_import=preview_import,
                                 import_checked=import_checked)
    return services
