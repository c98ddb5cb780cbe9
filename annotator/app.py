"""The GUI composition root: repository, annotator, services, job runner and main window.

``annotator``, ``annotator gui`` and ``make run`` end up in :func:`run_gui`. On an empty database the app
imports the bundled sample articles and suggests them in the background, with the progress bar visible, so a
new user sees a suggested article within seconds of the first start. The Qt side of the start-up lives in
:mod:`annotator.ui.window.shell` (only ``annotator.ui`` imports Qt).
"""

from __future__ import annotations

import sys
from pathlib import Path

from platformdirs import user_data_dir

from annotator.core.errors import StorageError
from annotator.store import open_repository
from annotator.store.repository import Repository
from annotator.ui.shared.services import WorkspaceServices, build_services
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import crash_log, error_log, shell
from annotator.ui.window.platform_check import check_gui_platform

#: How long a Python thread may keep the interpreter lock while another thread waits for it (Python's default: 5 ms).
#: The window's thread needs the lock for every Python call Qt makes while it handles a key press (the key, the
#: paints, the table models' ``data``: dozens per press), and a suggestion run is a Python thread in the same
#: process that keeps the lock busy (spaCy, then the writes). With 5 ms, each of those calls could wait a whole
#: slice: against a busy Python thread, a key press took 147 ms (median) to paint instead of 61 ms without it; with
#: 1 ms it took 57 ms (bench/README.md, "decisions under load"). The background job loses little: it gets the
#: lock back as soon as the window's thread lets it go.
SWITCH_INTERVAL_SECONDS = 0.001


def share_the_interpreter() -> None:
    """Let the window's thread take the interpreter lock from a background job within 1 ms (see above)."""
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def run_gui(
    db: str | None = None, pipeline: str | None = None, annotator: str | None = None, argv: list[str] | None = None
) -> int:
    """Open the main window on ``db`` (default database when None) and run until it is closed.

    Args:
        db: database path or peewee URL; None uses ``$ANNOTATOR_DB`` or the per-user default.
        pipeline: spaCy pipeline setting for suggestions (loaded on first use, in the background).
        annotator: who annotates; None uses the remembered name, else asks.
        argv: arguments for QApplication (Qt options such as ``-platform``).

    Returns:
        The exit status: 0 after a normal quit (or when the name question was cancelled), 1 when the database
        cannot be opened.
    """
    check_gui_platform()  # a clear ConfigError instead of Qt's abort when no window can open
    share_the_interpreter()
    # A crash (native or Python), an outside SIGTERM or a vanished window leaves evidence in the user data folder.
    crashes = crash_log.install(crash_log_path())
    try:
        # A bug caught by the window (a decision that failed unexpectedly) is logged with its traceback.
        with error_log.logging_to():
            return _run(db, pipeline, annotator, argv)
    finally:
        if crashes is not None:
            crashes.close()


def crash_log_path() -> Path:
    """Where the GUI writes crash evidence: ``crash.log`` next to the default database, in the user data folder."""
    return Path(user_data_dir("annotator", appauthor=False)) / "crash.log"


def _run(db: str | None, pipeline: str | None, annotator: str | None, argv: list[str] | None) -> int:
    app = shell.create_application(argv)
    try:
        repo = open_repository(db)
    except Exception as exc:  # any failure here must become an explanation, never a traceback
        shell.explain_open_failure(db, exc)
        return 1
    controller: shell.GuiController | None = None
    try:
        settings = shell.user_settings()
        name = shell.resolve_annotator(repo, annotator, settings)
        if name is None:
            return 0
        # Parented to the application: it outlives the window, and quitting shuts it down first.
        runner = JobRunner(app)

        def open_project(location: str) -> tuple[Repository, WorkspaceServices]:
            other = open_repository(location)
            return other, build_services(other, pipeline)

        controller = shell.GuiController(
            repo, name, build_services(repo, pipeline), runner, settings, open_project=open_project
        )
        return shell.run_event_loop(app, controller)
    except StorageError as exc:  # damaged pages or a missing table met while building the window
        shell.explain_open_failure(db, exc)
        return 1
    finally:
        if controller is not None:
            controller.shutdown()
        repo.close()
