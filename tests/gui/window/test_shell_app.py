"""The composition root: annotator resolution, first start on an empty database, time, screenshot."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QImage

from annotator import app as app_entry
from annotator.core.changes import Change
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import ArticleSuggestions, EntitySuggestion
from annotator.core.resources import resource_path, seeds_dir
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback
from annotator.jobs.summaries import ImportSummary, SuggestSummary
from annotator.store.repository import Repository
from annotator.ui.shared.services import build_services
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import shell as app_module
from annotator.ui.window.main_window import MainWindow
from annotator.ui.window.screenshot import render_screenshot
from annotator.ui.window.shell import style_sheet
from annotator.ui.workspace.article_timer import ArticleTimer
from tests.gui import shell_fixtures as fx
from tests.gui.shell_fixtures import tiny_database

# Fixtures shared by the shell tests (assigned, not imported, so pytest finds them here).
runner = fx.runner
shell_repo = fx.shell_repo
user_settings_dir = fx.user_settings_dir

WAIT = 30_000


# ------------------------------------------------------------------------------------------- annotator name
def test_annotator_from_option_memory_or_question(shell_repo: Repository, user_settings_dir: Path) -> None:
    settings = app_module.user_settings()
    asked: list[tuple[list[str], str | None]] = []

    def ask(parent: object, known: list[str], current: str | None) -> str | None:
        asked.append((known, current))
        return "carol"

    assert app_module.resolve_annotator(shell_repo, "  Ann   Lee ", settings, ask) == "Ann Lee"
    assert app_module.resolve_annotator(shell_repo, None, settings, ask) == "carol"  # nothing remembered yet
    assert asked == [([], None)]
    app_module.remember_annotator(shell_repo, settings, "bob")
    assert app_module.resolve_annotator(shell_repo, None, settings, ask) == "bob"
    assert app_module.resolve_annotator(shell_repo, "gold", settings, ask) == "carol"  # reserved: asked
    assert asked[-1][1] == "gold"
    # Remembered per user too: another database of the same user starts with the same name.
    assert (
        QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "annotator", "annotator").value(
            "last_annotator"
        )
        == "bob"
    )


def test_a_new_database_asks_for_the_name_offering_the_last_one(
    shell_repo: Repository, tmp_path: Path, user_settings_dir: Path
) -> None:
    """Issue 15, point 24: the last name of the settings file was created in a brand-new database silently."""
    from annotator.store import open_repository

    settings = app_module.user_settings()
    app_module.remember_annotator(shell_repo, settings, "bob")
    asked: list[tuple[list[str], str | None]] = []

    def ask(parent: object, known: list[str], current: str | None) -> str | None:
        asked.append((known, current))
        return current

    with open_repository(str(tmp_path / "brand-new.db")) as fresh:
        assert app_module.resolve_annotator(fresh, None, settings, ask) == "bob"
        assert asked == [([], "bob")]  # asked, with the last name offered
        fresh.ensure_annotator("bob")
        assert app_module.resolve_annotator(fresh, None, settings, ask) == "bob"
        assert len(asked) == 1  # a name this database knows is not asked again


def test_open_failure_names_the_path_and_the_setting() -> None:
    error = OSError("unable to open database file")
    head, detail = app_module.open_failure_text("/no/such/folder/x.db", error)
    assert "/no/such/folder/x.db" in head and "--db option" in head
    assert "unable to open database file" in detail and "ANNOTATOR_DB" in detail


def test_run_gui_explains_a_database_it_cannot_open(qtbot, tmp_path: Path, monkeypatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(app_module, "configure_application", lambda app: lambda: None)
    assert app_entry.run_gui is not None

    def fake_exec(box: app_module.QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(app_module.QMessageBox, "exec", fake_exec)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert app_entry.run_gui(db=str(blocker / "sub" / "x.db")) == 1
    assert shown and str(blocker / "sub" / "x.db") in shown[0]


@pytest.mark.parametrize("damage", ["pages", "table"])
def test_run_gui_explains_damaged_pages_and_a_missing_table(
    qtbot, tmp_path: Path, monkeypatch, user_settings_dir: Path, damage: str
) -> None:
    """Issue 15, point 12: the GUI crashed with a traceback on corrupted pages and on a missing table."""
    import sqlite3

    from annotator.core.records import ArticleIn
    from annotator.store import open_repository

    path = tmp_path / "damaged.db"
    with open_repository(str(path)) as repo:
        for i in range(300):
            repo.add_article(ArticleIn(text=f"Article {i}. " + "Abe met Putin in Sochi. " * 30, title=f"A{i}"))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    if damage == "pages":
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.seek(size // 2)
            handle.write(b"\xde\xad" * 16384)
    else:
        con = sqlite3.connect(path)
        con.execute("DROP TABLE article_state")
        con.commit()
        con.close()
    shown: list[str] = []
    monkeypatch.setattr(app_module, "configure_application", lambda app: lambda: None)

    def fake_exec(box: app_module.QMessageBox) -> int:
        shown.append(f"{box.text()}\n{box.informativeText()}")
        return 0

    monkeypatch.setattr(app_module.QMessageBox, "exec", fake_exec)
    assert app_entry.run_gui(db=str(path), annotator="alice") == 1
    assert shown and str(path) in shown[0]
    assert ("malformed" in shown[0] or "damaged" in shown[0]), shown[0]
    assert "Traceback" not in shown[0]


def test_run_gui_lets_the_window_thread_take_the_interpreter_within_a_millisecond(
    qtbot, tmp_path: Path, monkeypatch, user_settings_dir: Path
) -> None:
    """Point 4 of issue 14: a suggestion run is a Python thread of the window's process; with Python's default
    switch interval (5 ms) every Python call of a key press could wait that long for the interpreter lock."""
    intervals: list[float] = []
    monkeypatch.setattr(app_entry.sys, "setswitchinterval", intervals.append)
    monkeypatch.setattr(app_module, "configure_application", lambda app: lambda: None)
    monkeypatch.setattr(app_module.QMessageBox, "exec", lambda box: 0)
    assert app_entry.run_gui(db=str(tmp_path), annotator="alice") == 1  # a folder: refused after the set-up
    assert intervals == [app_entry.SWITCH_INTERVAL_SECONDS]
    assert app_entry.SWITCH_INTERVAL_SECONDS <= 0.001


# ------------------------------------------------------------------------------------------- first start
def test_first_start_imports_the_seeds_and_suggests(
    qtbot, shell_repo: Repository, runner: JobRunner, user_settings_dir: Path
) -> None:
    seeds = seeds_dir()
    assert seeds is not None
    services = build_services(shell_repo, None)
    calls: list[list[str] | None] = []

    def fake_suggest(
        article_ids: list[str] | None, force: bool, progress: ProgressCallback, cancel: CancelFlag
    ) -> SuggestSummary:
        calls.append(article_ids)
        ids = article_ids or shell_repo.article_ids()
        for done, article_id in enumerate(ids, start=1):
            text = shell_repo.article(article_id).text
            start = text.index("Abe") if "Abe" in text else 0
            shell_repo.store_suggestions(
                ArticleSuggestions(article_id, "test:fake@0", entities=[EntitySuggestion(start, start + 3, "PERSON")])
            )
            progress(Progress(done, len(ids), "fake"))
        return SuggestSummary(origin="test:fake@0", articles=len(ids), entities=len(ids))

    services.suggest = fake_suggest
    titles: list[str] = []
    runner.started.connect(titles.append)
    controller = app_module.GuiController(shell_repo, "alice", services, runner, app_module.user_settings())
    qtbot.addWidget(controller.window)
    controller.show()
    assert controller.window.current_article_id is None, "nothing to show yet"

    with qtbot.waitSignal(runner.started, timeout=WAIT):
        assert controller.first_start()
    status = controller.window.findChild(app_module.QWidget, "jobStatus")
    assert status is not None and status.isVisible(), "the progress bar shows the first start"
    qtbot.waitUntil(lambda: not runner.busy and len(calls) == 1, timeout=WAIT)

    assert titles == ["Importing the sample articles", "Suggesting entities and claims"]
    n_seeds = len([p for p in seeds.iterdir() if p.is_file()])
    assert shell_repo.count_articles() == n_seeds
    assert calls[0] is not None and sorted(calls[0]) == sorted(shell_repo.article_ids())
    first = controller.window.current_article_id
    assert first is not None and first == shell_repo.next_in_queue("alice")
    assert any(e.status == "suggested" for e in shell_repo.entities_for(first, annotator="alice"))
    assert not status.isVisible()
    assert not controller.first_start(), "only on an empty database"
    assert shell_repo.get_setting("last_annotator") == "alice"
    controller.shutdown()


def test_cancelled_sample_import_does_not_start_suggesting(
    qtbot, shell_repo: Repository, runner: JobRunner, user_settings_dir: Path
) -> None:
    services = build_services(shell_repo, None)
    suggested: list[object] = []

    def cancelled_import(paths: list[str], progress: ProgressCallback, cancel: CancelFlag) -> ImportSummary:
        return ImportSummary(cancelled=True)

    def fake_suggest(*args: object) -> SuggestSummary:
        suggested.append(args)
        return SuggestSummary()

    services.import_paths = cancelled_import
    services.suggest = fake_suggest
    controller = app_module.GuiController(shell_repo, "alice", services, runner, app_module.user_settings())
    qtbot.addWidget(controller.window)
    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        assert controller.first_start()
    assert not runner.busy and suggested == []
    assert "cancelled" in controller.window.statusBar().currentMessage()
    controller.shutdown()


def test_failed_job_is_explained(qtbot, shell_repo: Repository, runner: JobRunner, user_settings_dir: Path) -> None:
    from annotator.core.errors import ConfigError

    services = build_services(shell_repo, None)
    controller = app_module.GuiController(shell_repo, "alice", services, runner, app_module.user_settings())
    qtbot.addWidget(controller.window)

    def broken(progress: ProgressCallback, cancel: CancelFlag) -> object:
        raise ConfigError("no spaCy pipeline could be loaded: set the --pipeline option")

    with qtbot.waitSignal(runner.failed, timeout=WAIT):
        runner.run("Suggesting", broken)
    box = controller.window.findChild(app_module.QMessageBox, "jobFailedBox")
    assert box is not None and "Suggesting" in box.text() and "--pipeline" in box.informativeText()
    box.close()
    controller.shutdown()


# ------------------------------------------------------------------------------------------- article timer
def test_article_timer_counts_active_time_only(qtbot) -> None:
    now = [1000.0]
    timer = ArticleTimer(idle_limit=300, clock=lambda: now[0], watch_input=False)
    now[0] += 40
    timer.activity()
    now[0] += 3600  # lunch: counts as 5 minutes at most
    assert timer.elapsed() == 340
    timer.activity()
    now[0] += 10
    assert timer.take() == 350
    assert timer.elapsed() == 0


# ------------------------------------------------------------------------------------------- screenshot
def test_screenshot_writes_a_png_of_the_requested_size(qtbot, tmp_path: Path) -> None:
    ids = tiny_database(tmp_path / "tiny.db")
    out = tmp_path / "shot.png"
    render_screenshot(str(tmp_path / "tiny.db"), str(out), ids[0], (1200, 800), "alice")
    image = QImage(str(out))
    assert out.stat().st_size > 10_000
    assert (image.width(), image.height()) == (1200, 800)
    # Not a blank picture: many different colours were painted.
    colours = {image.pixel(x, y) for x in range(0, 1200, 37) for y in range(0, 800, 23)}
    assert len(colours) > 10

    with pytest.raises(ValidationError, match="cannot be 300x200"):
        render_screenshot(str(tmp_path / "tiny.db"), str(tmp_path / "y.png"), None, (300, 200), None)
    with pytest.raises(ValidationError, match="does not exist"):
        render_screenshot(str(tmp_path / "tiny.db"), str(tmp_path / "no" / "y.png"), None, (800, 600), None)
    with pytest.raises(NotFoundError, match="no-such-id"):
        render_screenshot(str(tmp_path / "tiny.db"), str(tmp_path / "x.png"), "no-such-id", (800, 600), None)


def _shown_main_window() -> MainWindow | None:
    """The main window that ``run_gui`` shows, once it is visible."""
    from PySide6.QtWidgets import QApplication

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()), None)


def test_run_gui_opens_the_window_and_quits_cleanly(
    qtbot, tmp_path: Path, monkeypatch, user_settings_dir: Path
) -> None:
    from PySide6.QtCore import QTimer

    from annotator.store import open_repository

    ids = tiny_database(tmp_path / "tiny.db")
    monkeypatch.setattr(app_module, "configure_application", lambda app: lambda: None)
    seen: dict[str, object] = {}

    def close_when_shown() -> None:
        window = _shown_main_window()
        if window is None:
            QTimer.singleShot(20, close_when_shown)
            return
        seen["article"] = window.current_article_id
        window.close()

    QTimer.singleShot(0, close_when_shown)
    assert app_entry.run_gui(db=str(tmp_path / "tiny.db"), annotator="alice") == 0
    assert seen["article"] == ids[0]
    repo = open_repository(str(tmp_path / "tiny.db"))
    try:
        assert repo.get_setting("last_annotator") == "alice"
        assert repo.article_status(ids[0], "alice") == "in_progress"
    finally:
        repo.close()
    # The run left its crash-log lines (issue 15, point 31): started, then ended normally.
    lines = app_entry.crash_log_path().read_text(encoding="utf-8").splitlines()
    assert "started annotator" in lines[0] and lines[-1].endswith("ended normally")
    assert str(app_entry.crash_log_path()).startswith(os.environ["XDG_DATA_HOME"])


def test_run_gui_logs_an_unexpected_error_to_the_user_data_folder(
    qtbot, tmp_path: Path, monkeypatch, user_settings_dir: Path
) -> None:
    """The composition root wires the error log: a decision that fails unexpectedly leaves its traceback in
    ``annotator.log`` in the user data folder, and the window's message names that file."""
    import logging
    import sys

    from PySide6.QtCore import QTimer

    tiny_database(tmp_path / "tiny.db")
    monkeypatch.setattr(app_module, "configure_application", lambda app: lambda: None)
    monkeypatch.delenv("ANNOTATOR_LOG", raising=False)
    hook, handlers = sys.excepthook, list(logging.getLogger("annotator").handlers)
    seen: dict[str, str] = {}

    def broken() -> Change:
        raise RuntimeError("the disk is on fire")

    def decide_when_shown() -> None:
        window = _shown_main_window()
        if window is None:
            QTimer.singleShot(20, decide_when_shown)
            return
        decisions = window.workspace.decisions
        window.workspace.decide("Burn", broken)
        decisions.wait()
        seen["banner"] = window.error_banner.message
        window.close()

    QTimer.singleShot(0, decide_when_shown)
    assert app_entry.run_gui(db=str(tmp_path / "tiny.db"), annotator="alice") == 0
    log_file = Path(os.environ["XDG_DATA_HOME"]) / "annotator" / "annotator.log"
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged and "RuntimeError: the disk is on fire" in logged
    assert "the disk is on fire" in seen["banner"] and str(log_file) in seen["banner"]
    # The run cleaned up after itself: no handler or hook of it is left behind in this process.
    assert sys.excepthook is hook and logging.getLogger("annotator").handlers == handlers


def test_the_app_look_colours_the_tables_by_palette_not_by_style_sheet_rules(qtbot) -> None:
    """A style sheet rule that matches a table makes Qt draw each of its cells through the rules: the side panels'
    rows took twice the paint of a key press so. The tables keep their colours, from a palette."""
    import re

    from PySide6.QtWidgets import QApplication, QTableView

    from annotator.ui.shared.colors import TABLE_COLORS
    from annotator.ui.window.shell import configure_application

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    restore = configure_application(app)
    try:
        table = QTableView()
        qtbot.addWidget(table)
        table.show()
        qtbot.waitExposed(table)
        assert {role: table.palette().color(role).name() for role in TABLE_COLORS} == {
            role: color.name() for role, color in TABLE_COLORS.items()}
        selectors = re.findall(r"([^{}]+)\{", re.sub(r"/\*.*?\*/", "", app.styleSheet(), flags=re.S))
        assert selectors, "the style sheet is loaded"
        matching = [s.strip() for s in selectors if re.search(r"\b(QTableView|QAbstractItemView)\b", s)]
        assert matching == []
    finally:
        restore()
    # The tests that follow get Qt's own look back: no palette for the table class is left behind.
    assert QApplication.palette(table) == app.palette()


def test_the_gui_benchmark_measures_the_window_with_the_app_look(qtbot, tmp_path: Path, monkeypatch) -> None:
    """The `gui` bench group's opening and decision figures are taken on the window analysts see (Fusion and the
    style sheet, which decide what a repaint costs), as the `load` group's are; the look is restored after."""
    from PySide6.QtWidgets import QApplication

    from annotator.ui.window import main_window
    from bench import run as bench_run

    instance = QApplication.instance()
    assert isinstance(instance, QApplication)
    app: QApplication = instance  # a name the class below can read with its type (closures lose the narrowing)
    before = app.styleSheet()
    looks: list[str] = []  # the application's style sheet when each window is built

    class Recorded(main_window.MainWindow):
        def __init__(self, *args: object, **kwargs: object) -> None:
            looks.append(app.styleSheet())
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(main_window, "MainWindow", Recorded)
    rows = bench_run.bench_gui(tmp_path, bench_run.TINY)
    assert len(rows) == 2 and looks
    assert looks == [style_sheet(resource_path("style.qss"))]
    assert app.styleSheet() == before


def test_the_app_look_draws_flat_scroll_bars_with_their_arrows(qtbot, tmp_path: Path) -> None:
    """Fusion fills a scroll bar's track with a gradient, which Qt splits across its painting threads and waits
    for (a key press repaints one to three scroll bars); the app's scroll bars are flat, and keep their arrows,
    whose images the style sheet finds whatever the working directory."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QScrollBar

    from annotator.ui.window.shell import configure_application

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    here = os.getcwd()
    os.chdir(tmp_path)  # the arrows' images are not looked up in the working directory
    restore = configure_application(app)
    try:
        bar = QScrollBar(Qt.Orientation.Vertical)
        qtbot.addWidget(bar)
        bar.setRange(0, 1000)
        bar.setPageStep(20)
        bar.resize(14, 400)
        bar.show()
        qtbot.waitExposed(bar)
        image = bar.grab().toImage()
        track_row = 300  # below the handle (at the top) and above the bottom arrow
        track = {image.pixelColor(x, track_row).name() for x in range(image.width())}
        assert len(track) == 1, f"a gradient across the track: {sorted(track)}"
        arrow = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height() - 14,
                                                                                             image.height())}
        assert len(arrow) > 2, "the bottom arrow is drawn (its image was found)"
    finally:
        restore()
        os.chdir(here)
