"""Errors that leave evidence: a log file in the user data folder, and a message that stays until dismissed.

A refusal (``ValidationError``: "that offset is outside the text") is an answer and goes to the status bar. Any
other exception is a bug or a broken database; it is written with its traceback to ``annotator.log`` in the user
data folder (next to the default database; ``$ANNOTATOR_LOG`` chooses another file) and the window shows an
:class:`ErrorBanner` that names the log file and stays until the analyst dismisses it.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from platformdirs import user_data_dir
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

log = logging.getLogger("annotator")

#: Environment variable naming the log file (tests and portable installs point it elsewhere).
LOG_ENV = "ANNOTATOR_LOG"
#: Size at which the log file is rotated (two old files are kept).
MAX_LOG_BYTES = 2_000_000


def log_path() -> Path:
    """Where errors are logged: ``$ANNOTATOR_LOG``, else ``annotator.log`` in the user data folder."""
    chosen = os.environ.get(LOG_ENV)
    if chosen:
        return Path(chosen)
    return Path(user_data_dir("annotator", appauthor=False)) / "annotator.log"


def current_log_path() -> Path:
    """The file errors are written to now: the configured log file, else where :func:`log_path` points."""
    for handler in log.handlers:
        if isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return log_path()


def configure_logging(path: Path | None = None) -> Path:
    """Send the package's warnings and errors (with tracebacks) to the log file; returns its path.

    Called once by the composition root; calling it again does not add a second handler. Uncaught exceptions
    in Qt slots, which would otherwise only reach stderr, are logged as well.
    """
    target = path or log_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    if not any(getattr(h, "baseFilename", None) == str(target) for h in log.handlers):
        handler = logging.handlers.RotatingFileHandler(target, maxBytes=MAX_LOG_BYTES, backupCount=2,
                                                       encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
        handler.setLevel(logging.WARNING)
        log.addHandler(handler)
        if log.level == logging.NOTSET or log.level > logging.WARNING:
            log.setLevel(logging.WARNING)
    if not isinstance(sys.excepthook, _LoggingHook):
        sys.excepthook = _LoggingHook(sys.excepthook)
    return target


@contextmanager
def logging_to(path: Path | None = None) -> Iterator[Path]:
    """:func:`configure_logging` for the length of one GUI run; afterwards the file is closed and the previous
    ``sys.excepthook`` and log level are back (a second run in the same process, as in the tests, starts clean)."""
    handlers, level, hook = list(log.handlers), log.level, sys.excepthook
    target = configure_logging(path)
    try:
        yield target
    finally:
        for handler in log.handlers[:]:
            if handler not in handlers:
                log.removeHandler(handler)
                handler.close()
        log.setLevel(level)
        sys.excepthook = hook


class _LoggingHook:
    """``sys.excepthook`` that logs an uncaught exception (a bug in a Qt slot) before the previous hook runs."""

    def __init__(self, previous: Callable[[type[BaseException], BaseException, TracebackType | None], object]) -> None:
        self.previous = previous

    def __call__(self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("uncaught exception", exc_info=(kind, exc, tb))
        self.previous(kind, exc, tb)


class ErrorBanner(QFrame):
    """A strip above the panes with what went wrong and a Dismiss button; hidden until there is an error.

    Signals:
        dismissed(): the analyst closed the message.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#errorBanner { background: #fdecea; border: 1px solid #e57373; }"
                           "#errorBanner QLabel { color: #8e1b10; }")
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # an exception text is never markup
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.dismiss_button = QPushButton("Dismiss", self)
        self.dismiss_button.clicked.connect(self.dismiss)
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.dismiss_button)
        self.hide()

    @property
    def message(self) -> str:
        """The text shown ("" when hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def show_error(self, text: str) -> None:
        """Show ``text`` and where the details are; a second error replaces the first (both are in the log)."""
        self.label.setText(f"{text}\nThe details are in the log file {current_log_path()}.")
        self.show()

    def dismiss(self) -> None:
        self.hide()
        self.dismissed.emit()
