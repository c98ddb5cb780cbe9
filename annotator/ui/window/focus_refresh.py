"""Others' progress shows up when the window comes back to the front.

On a team server (or a SQLite file two app instances share) other people mark articles done and reviewers mark
them reviewed while this window sits in the background. When it becomes the active window again, the article
list (and with it the review queue in review mode) and the progress in the status bar are read again, at most
once every few seconds, so that switching windows quickly costs nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject

if TYPE_CHECKING:
    from annotator.ui.window.main_window import MainWindow

#: Seconds between two refreshes caused by focus.
MIN_INTERVAL = 3.0


class FocusRefresh(QObject):
    """Event filter on the main window: activation re-reads the article list and the progress.

    Attributes:
        clock: monotonic seconds (a test puts the window a minute in the background by moving it on).
    """

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self.clock: Callable[[], float] = time.monotonic
        self._last = self.clock()
        self.refreshes = 0
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.WindowActivate and watched is self._window:
            self.refresh()
        return False

    def refresh(self, force: bool = False) -> bool:
        """Re-read the list and the progress unless that happened moments ago; True if it did."""
        now = self.clock()
        if not force and now - self._last < MIN_INTERVAL:
            return False
        self._last = now
        self.refreshes += 1
        self._window.articles.apply_filter()
        self._window.refresh_progress()
        return True
