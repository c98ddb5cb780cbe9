"""The application shell around the main window: look, settings, annotator, first start, clean quit.

``annotator.app`` (the composition root) opens the repository and builds the services, then hands them to
the pieces here, which are all the Qt the start-up needs.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.core.resources import resource_path, seeds_dir
from annotator.store import default_database_path
from annotator.store.repository import Repository
from annotator.ui.project.projects import remember_project
from annotator.ui.shared import plain_text
from annotator.ui.shared.colors import table_palette
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window.annotator_dialog import ask_annotator_name, name_problem, normalize_name
from annotator.ui.window.main_window import MainWindow

log = logging.getLogger(__name__)

APP_NAME = "annotator"
ORGANIZATION = "annotator"
#: Setting (in the database and in the per-user QSettings) holding the last annotator's name.
LAST_ANNOTATOR = "last_annotator"
#: Base font size for readability; widgets that need another size (the article text) set their own.
BASE_POINT_SIZE = 10.5
#: How long quitting waits for a background job to stop at its next checkpoint.
SHUTDOWN_TIMEOUT_MS = 10_000

#: Opens a project's repository and binds the long jobs to it (the composition root provides it).
ProjectOpener = Callable[[str], tuple[Repository, WorkspaceServices]]


def user_settings() -> QSettings:
    """Per-user settings: an INI file in the user's config folder (tests redirect it with setPath)."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANIZATION, APP_NAME)


#: The class whose widgets get the tables' palette. PySide6 takes the class name as a str (its stub says bytes, which
#: the binding refuses).
TABLE_CLASS: Any = "QTableView"


def style_sheet(path: Path) -> str:
    """The app's style sheet from ``path``, its images (``url("icons/...")``) found next to it: Qt resolves a
    relative url against the working directory, which is anywhere."""
    folder = path.parent.as_posix()
    return path.read_text(encoding="utf-8").replace('url("icons/', f'url("{folder}/icons/')


def configure_application(app: QApplication) -> Callable[[], None]:
    """Names (for QSettings), window icon, style and base font of the app.

    Returns:
        A function restoring the previous look, for callers that borrow an existing QApplication (the
        screenshot renders inside a test session, and must not restyle the tests that follow).
    """
    previous = (app.styleSheet(), app.font(), app.style().name(), app.windowIcon(), QApplication.palette(TABLE_CLASS))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    icon = resource_path("icons/annotator.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    app.setStyle("Fusion")  # one calm, predictable look on every platform, which the style sheet refines
    font = app.font()
    if font.pointSizeF() < BASE_POINT_SIZE:
        font.setPointSizeF(BASE_POINT_SIZE)
        app.setFont(font)
    qss = resource_path("style.qss")
    if qss.is_file():
        app.setStyleSheet(style_sheet(qss))
    # The tables' colours are a palette, not style sheet rules: a table that a rule matches has every cell drawn
    # through the style sheet's rules, which doubled the paint of the side panels' rows on each key press.
    app.setPalette(table_palette(app.palette()), TABLE_CLASS)

    def restore() -> None:
        sheet, old_font, style, old_icon, old_tables = previous
        app.setPalette(old_tables, TABLE_CLASS)
        app.setStyleSheet(sheet)
        app.setFont(old_font)
        app.setStyle(style)
        app.setWindowIcon(old_icon)

    return restore


def describe_location(db: str | None) -> str:
    """Where the database is, as the user can find it again (and which setting chose it)."""
    if db:
        return f"{db} (the --db option)"
    env = os.environ.get("ANNOTATOR_DB", "").strip()
    if env:
        return f"{env} (the ANNOTATOR_DB environment variable)"
    return f"{default_database_path()} (the default database)"


def open_failure_text(db: str | None, exc: BaseException) -> tuple[str, str]:
    """Headline and explanation when the database cannot be opened."""
    reason = str(exc) if isinstance(exc, AnnotatorError) else f"{type(exc).__name__}: {exc}"
    return (
        f"annotator could not open its database:\n{describe_location(db)}",
        f"Reason: {reason}\n\nCheck that the folder exists and that you may write to it, or choose "
        "another database with the --db option or the ANNOTATOR_DB environment variable. "
        "Nothing was changed.",
    )


def remembered_annotator(repo: Repository, settings: QSettings) -> str | None:
    """The last annotator of this database, else of this user, if still a valid name."""
    for value in (repo.get_setting(LAST_ANNOTATOR), settings.value(LAST_ANNOTATOR)):
        name = normalize_name(str(value)) if value else ""
        if name and name_problem(name) is None:
            return name
    return None


def remember_annotator(repo: Repository, settings: QSettings, name: str) -> None:
    if repo.team_identity() is None:  # on a team server the login is the name, and settings are the admin's
        repo.set_setting(LAST_ANNOTATOR, name)
    settings.setValue(LAST_ANNOTATOR, name)
    settings.sync()


def resolve_annotator(
    repo: Repository,
    given: str | None,
    settings: QSettings,
    ask: Callable[[QWidget | None, list[str], str | None], str | None] = ask_annotator_name,
) -> str | None:
    """The annotator of this run: the team server's login, else ``--annotator``, else the remembered one, else asked.

    The name remembered by this database is used as it is; the name this user last used elsewhere only when it is
    already an annotator of this database, else it is offered in the dialog.

    A given name that cannot be used (e.g. "gold") is offered in the dialog, whose message explains why.

    Returns:
        The name, or None when the user cancelled the question.
    """
    identity = repo.team_identity()
    if identity is not None:
        return identity[0]  # a team server knows who is connected: the login is the annotator
    known = [n for n, _role in repo.annotators()]
    if given:
        wanted = normalize_name(given)
        return wanted if name_problem(wanted) is None else ask(None, known, wanted)
    remembered = remembered_annotator(repo, settings)
    if remembered is not None and (remembered in known or _valid(repo.get_setting(LAST_ANNOTATOR))):
        return remembered
    # A database that has never seen this name (a brand-new project, another team's file): ask, offering the
    # name this user used last, instead of creating that person here silently (issue 15, point 24).
    return ask(None, known, remembered)


def _valid(value: object) -> bool:
    name = normalize_name(str(value)) if value else ""
    return bool(name) and name_problem(name) is None


class GuiController(QObject):
    """One GUI run: the main window, its background jobs, the first start, and a clean quit.

    Args:
        repo: the open repository (closed by the caller).
        annotator: who annotates.
        services: the long jobs (``build_services`` in the app, fakes in tests).
        runner: runs them off the GUI thread.
        settings: per-user settings (remembers the annotator and the recent projects).
        open_project: opens another project's repository and binds the jobs to it (File › Open project…);
            None: the window offers no other project.
    """

    def __init__(
        self,
        repo: Repository,
        annotator: str,
        services: WorkspaceServices,
        runner: JobRunner,
        settings: QSettings,
        open_project: ProjectOpener | None = None,
    ) -> None:
        super().__init__()
        self.repo = repo
        self.services = services
        self.runner = runner
        self.settings = settings
        self._open_project = open_project
        self._opened: list[Repository] = []  # repositories this controller opened (and closes)
        self._job_title = ""
        self._closed = False
        remember_annotator(repo, settings, annotator)
        self.window = self._make_window(annotator)
        runner.started.connect(self._on_job_started)
        # The window reports results through its own callbacks; failures are explained here, for every job.
        runner.failed.connect(self._on_job_failed)

    def _make_window(self, annotator: str) -> MainWindow:
        window = MainWindow(self.repo, annotator, self.services, self.runner)
        window.remember_layout(self.settings)  # the pane sizes the analyst dragged to last time
        window.annotatorChanged.connect(self._on_annotator_changed)
        window.projectRequested.connect(self.open_project)
        window.set_recent_projects(remember_project(self.settings, self.repo.location))
        return window

    # ------------------------------------------------------------------ entry points
    def show(self) -> None:
        self.window.show()

    @Slot(str)
    def open_project(self, location: str) -> bool:
        """Continue in another project (File › Open project…, Open recent, New project…), as the same annotator.

        The current window ends its session and closes; a new one opens on the other database. Refused (with a
        message) while a background job runs, or when the database cannot be opened; then nothing changes.
        """
        if self._open_project is None:
            return False
        if self.runner.busy:
            self.window.show_message("Wait for the background job to finish (or cancel it) before switching project.")
            return False
        try:
            repo, services = self._open_project(location)
        except Exception as exc:  # any failure must become an explanation; the open project stays open
            log.warning("cannot open the project %s", location, exc_info=True)  # a bug here leaves its traceback
            head, detail = open_failure_text(location, exc)
            box = QMessageBox(QMessageBox.Icon.Warning, "Cannot open the project", head, QMessageBox.StandardButton.Ok,
                              self.window)
            box.setObjectName("projectOpenFailedBox")
            box.setInformativeText(detail)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()
            return False
        old_window, old_repo = self.window, self.repo
        annotator = old_window.annotator
        old_window.shutdown()
        old_window.hide()
        old_window.deleteLater()
        if old_repo in self._opened:
            self._opened.remove(old_repo)
            old_repo.close()
        self.repo, self.services = repo, services
        self._opened.append(repo)
        remember_annotator(repo, self.settings, annotator)
        self.window = self._make_window(annotator)
        self.window.show()
        self.window.show_message(f"Opened the project {self.window.project} ({location}).")
        return True

    def switch_annotator(self, name: str | None = None) -> None:
        """Continue as ``name`` (asked when None); remembered for the next start."""
        if name is None:
            name = ask_annotator_name(self.window, [n for n, _role in self.repo.annotators()], self.window.annotator)
        if name:
            self.window.switch_annotator(name)  # emits annotatorChanged, which remembers it

    def first_start(self) -> bool:
        """On an empty database, import the sample articles and suggest them, in the background.

        Returns:
            True when the sample import was started.
        """
        seeds = seeds_dir()
        if self.repo.has_articles() or seeds is None or not any(seeds.iterdir()):
            return False
        if self.repo.team_identity() is not None:
            return False  # a team server's articles are the project's, imported by its admin
        services = self.services
        self.window.statusBar().showMessage("First start: importing the sample articles…")
        self.runner.run(
            "Importing the sample articles",
            lambda progress, cancel: services.import_paths([str(seeds)], progress, cancel),
            on_result=self._after_sample_import,
        )
        return True

    def shutdown(self) -> None:
        """Stop the background job, then close the window (records the article's time, ends the session)."""
        if self._closed:
            return
        self._closed = True
        self.runner.shutdown(SHUTDOWN_TIMEOUT_MS)
        if self.window.isVisible():
            self.window.close()
        else:
            self.window.shutdown()  # idempotent: the window may have ended its session on close already
        for repo in self._opened:
            repo.close()
        self._opened.clear()

    # ------------------------------------------------------------------ first start
    def _after_sample_import(self, result: object) -> None:
        self._refresh_window()
        if getattr(result, "cancelled", False):
            # The user pressed Cancel: do not start the next (longer) step behind their back.
            self.window.statusBar().showMessage(
                "Sample import cancelled. File → Import… and File → Suggest… do it later.", 20_000
            )
            return
        ids = list(getattr(result, "article_ids", []) or []) or None
        services = self.services
        self.window.statusBar().showMessage("First start: suggesting entities and claims…")
        self.runner.run(
            "Suggesting entities and claims",
            lambda progress, cancel: services.suggest(ids, False, progress, cancel),
            on_result=self._after_sample_suggest,
        )

    def _after_sample_suggest(self, result: object) -> None:
        self._refresh_window()
        self.window.statusBar().showMessage(
            "Sample articles ready. Suggestions are shown light and dashed: A accepts, X rejects, F1 lists every key.",
            20_000,
        )

    def _refresh_window(self) -> None:
        """Show what a background job added: the article list, the progress, the (re)opened article."""
        self.window.reload_article()

    # ------------------------------------------------------------------ reactions
    @Slot(str)
    def _on_annotator_changed(self, name: str) -> None:
        remember_annotator(self.repo, self.settings, name)

    @Slot(str)
    def _on_job_started(self, title: str) -> None:
        self._job_title = title

    @Slot(str)
    def _on_job_failed(self, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Background job failed",
            f"{self._job_title or 'The background job'} did not complete.",
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setInformativeText(f"{message}\n\nEverything saved before the problem is kept.")
        plain_text.plain_message_box(box)  # the message may quote a title or a file name: never markup
        box.setObjectName("jobFailedBox")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): no nested event loop inside a signal handler
        self.window.statusBar().showMessage(f"{self._job_title} failed: {message}", 15_000)


@contextmanager
def quit_on_interrupt(app: QApplication) -> Iterator[None]:
    """Ctrl+C in the terminal that started the app quits it cleanly (session ended, job cancelled).

    Python runs signal handlers only between bytecodes, never while Qt's event loop waits in C++; a timer
    wakes the interpreter a few times a second so the handler gets its chance.
    """
    try:
        previous = signal.signal(signal.SIGINT, lambda *_: app.quit())
    except ValueError:  # not the main thread (an embedding host): leave signals alone
        yield
        return
    timer = QTimer()
    timer.timeout.connect(lambda: None)
    timer.start(250)
    try:
        yield
    finally:
        timer.stop()
        signal.signal(signal.SIGINT, previous)


def explain_open_failure(db: str | None, exc: BaseException) -> None:
    """Tell the user (dialog and stderr) that the database cannot be opened, where it is, and what to do."""
    head, detail = open_failure_text(db, exc)
    print(f"{head}\n{detail}", file=sys.stderr)
    box = QMessageBox(QMessageBox.Icon.Critical, "annotator cannot start", head, QMessageBox.StandardButton.Ok)
    box.setInformativeText(detail)
    plain_text.plain_message_box(box)  # a path or URL is shown as typed
    box.exec()


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication of this process (created if needed), configured with the annotator look."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    configure_application(app)
    return app


def run_event_loop(app: QApplication, controller: GuiController) -> int:
    """Show the window, start the first-start work if the database is empty, and run until quit."""
    app.aboutToQuit.connect(controller.shutdown)
    controller.show()
    controller.first_start()
    with quit_on_interrupt(app):
        return int(app.exec())
