"""Time spent on the open article, not counting the time the analyst was away.

Wall-clock time would charge a lunch break to the article left open. The timer therefore counts *active*
time: each gap between two signs of life (a key, a click, the window coming back to the front) counts at most
``idle_limit`` seconds (5 minutes by default), so a long absence adds 5 minutes, not 50.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QGuiApplication, QWindow

#: Longest gap between two user actions that still counts as work on the article.
IDLE_LIMIT_SECONDS = 300.0

_ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
        QEvent.Type.FocusIn,
    }
)


class ArticleTimer(QObject):
    """Measures active seconds since the last ``restart()``.

    Usage (in the window): ``seconds = timer.take()`` when the article changes or the app quits, then
    ``repo.add_time(previous_article, annotator, seconds)``.

    Args:
        parent: owner of the timer.
        idle_limit: a gap longer than this between two activities counts as this long.
        clock: monotonic seconds (injectable so tests need no waiting).
        watch_input: treat the user's input in the application's windows as activity.

    Input is watched on the windows themselves (each ``QWindow`` the user focuses), where the window system
    delivers a key or a click before Qt hands it to a widget, not by an application-wide event filter: that
    would call into Python for every event of every widget, some sixty per key press (paints, layout and
    enable changes), each waiting for the interpreter lock while a background job runs.
    """

    def __init__(
        self,
        parent: QObject | None = None,
        idle_limit: float = IDLE_LIMIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        watch_input: bool = True,
    ) -> None:
        super().__init__(parent)
        self._idle_limit = idle_limit
        self._clock = clock
        self._active = 0.0
        self._last = clock()
        self._windows: list[QWindow] = []
        app = QGuiApplication.instance()
        if watch_input and isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_state)
            app.focusWindowChanged.connect(self._watch)
            for window in app.topLevelWindows():
                self._watch(window)

    def restart(self) -> None:
        """Start counting from zero now."""
        self._active = 0.0
        self._last = self._clock()

    def activity(self) -> None:
        """Record a sign of life: the gap since the previous one counts (capped at the idle limit)."""
        now = self._clock()
        self._active += min(max(0.0, now - self._last), self._idle_limit)
        self._last = now

    def elapsed(self) -> float:
        """Active seconds since ``restart()``, the time since the last activity included (capped)."""
        tail = min(max(0.0, self._clock() - self._last), self._idle_limit)
        return self._active + tail

    def take(self) -> float:
        """``elapsed()``, then ``restart()``: the seconds to record for the article being left."""
        seconds = self.elapsed()
        self.restart()
        return seconds

    def stop(self) -> None:
        """Stop watching input (call before the application goes away)."""
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            with contextlib.suppress(RuntimeError, TypeError):  # never connected (watch_input=False)
                app.focusWindowChanged.disconnect(self._watch)
        for window in self._windows:
            with contextlib.suppress(RuntimeError):  # the window is gone already
                window.removeEventFilter(self)
        self._windows.clear()

    def _watch(self, window: QWindow | None) -> None:
        """Watch a window of the application (a window coming to the front is a sign of life itself)."""
        if window is None:
            return
        if window not in self._windows:
            window.installEventFilter(self)
            window.destroyed.connect(lambda _obj=None, w=window: self._forget(w))
            self._windows.append(window)
        self.activity()

    def _forget(self, window: QWindow) -> None:
        with contextlib.suppress(ValueError):
            self._windows.remove(window)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY_EVENTS:
            self.activity()
        return False  # only watching: every event continues to its receiver

    def _on_state(self, state: Qt.ApplicationState) -> None:
        # Coming back to the window is a sign of life; leaving it ends the counted stretch.
        self.activity()
