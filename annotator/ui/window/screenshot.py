"""Render the real main window offscreen to a PNG (``annotator screenshot``) for the README and checks."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from annotator.core.errors import AnnotatorError, NotFoundError, ValidationError
from annotator.core.resources import seeds_dir
from annotator.jobs.progress import CancelFlag, no_progress

#: Name used when the database remembers no annotator (the screenshot must not stop to ask).
DEFAULT_ANNOTATOR = "analyst"
#: Event-loop rounds processed before grabbing: layouts, the article text and delayed updates settle.
SETTLE_ROUNDS = 20


def render_screenshot(
    db: str | None, out: str, article_id: str | None, size: tuple[int, int], annotator: str | None
) -> None:
    """Build the main window offscreen, open an article, and save what it shows as a PNG.

    On an empty database the bundled sample articles are imported and suggested first (synchronously, with the
    same jobs the app runs), so the picture shows real suggestions.

    Args:
        db: database path or peewee URL (None: the default database).
        out: PNG file to write (its folder must exist).
        article_id: article to show; None shows the first article of the annotator's queue.
        size: window size in pixels ``(width, height)``.
        annotator: whose working view to show; None uses the remembered annotator, else "analyst".

    Raises:
        ValidationError: a bad size or output path; NotFoundError: an unknown article; AnnotatorError for
        anything the database or the pipeline refuses.
    """
    width, height = size
    if width < 200 or height < 150:
        raise ValidationError(f"screenshot size {width}x{height} is too small (at least 200x150)")
    target = Path(out).expanduser()
    if not target.parent.is_dir():
        raise ValidationError(f"cannot write {out}: the folder {target.parent} does not exist")
    from PySide6.QtCore import QMessageLogContext, Qt, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from annotator.store import open_repository
    from annotator.ui.shared import icons
    from annotator.ui.shared.services import build_services
    from annotator.ui.shared.workers import JobRunner
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.shell import configure_application, remembered_annotator, user_settings

    existing = QApplication.instance()
    if existing is None and not os.environ.get("QT_QPA_PLATFORM"):
        # Qt reads the platform when the QApplication is created. Offscreen always: no window flashes on the
        # user's screen, and one device pixel per pixel gives the same picture on every machine.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    previous_handler = qInstallMessageHandler(None)

    def quiet_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        # The offscreen platform warns that it cannot raise or resize windows natively: noise for a
        # screenshot. Everything else goes where it went before.
        if "This plugin does not support" in message:
            return
        if previous_handler is not None:
            previous_handler(mode, context, message)
        else:
            print(message, file=sys.stderr)

    qInstallMessageHandler(quiet_handler)
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0] if sys.argv else "x"])
    restore = configure_application(app)
    runner = JobRunner()  # never started: it only makes the window draw its job actions enabled
    repo = None
    window: MainWindow | None = None
    try:
        repo = open_repository(db)
        services = build_services(repo, None)
        if not repo.has_articles():
            seeds = seeds_dir()
            if seeds is not None:
                services.import_paths([str(seeds)], no_progress, CancelFlag())
                services.suggest(None, False, no_progress, CancelFlag())
        name = annotator or remembered_annotator(repo, user_settings()) or DEFAULT_ANNOTATOR
        if article_id is not None and article_id not in set(repo.article_ids()):
            raise NotFoundError(f"no article with id {article_id!r} in {repo.location}")
        window = MainWindow(repo, name, services, runner)
        window.resize(width, height)
        if article_id is not None:
            window.open_article(article_id)
        window.show()
        for _ in range(SETTLE_ROUNDS):
            app.processEvents()
        icons.run_pending(window)  # set after the first paint in the app: here nothing may be left out
        app.processEvents()
        image = window.grab().toImage()
        if (image.width(), image.height()) != (width, height) and window.size().toTuple() == (width, height):
            # A high-density screen renders more device pixels than asked: the PNG keeps the asked size.
            image = image.scaled(
                width, height, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
        if (image.width(), image.height()) != (width, height):
            # The window refused the size (a minimum size larger than asked): say so rather than lie.
            raise ValidationError(
                f"the window cannot be {width}x{height}; it rendered at {image.width()}x{image.height()}"
            )
        if not image.save(str(target), "PNG"):  # type: ignore[call-overload]  # the stub says bytes; Qt wants str
            raise AnnotatorError(f"cannot write the screenshot to {out}")
    finally:
        if window is not None:
            window.close()  # records the (tiny) time and ends the session the window opened
        runner.shutdown(1000)
        if repo is not None:
            repo.close()
        app.processEvents()
        restore()
        qInstallMessageHandler(previous_handler)
