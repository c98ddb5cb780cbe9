"""Status-bar widgets of the workspace: who is annotating, for how long, and how far they are."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from annotator.ui.shared import icons


def format_duration(seconds: float) -> str:
    """``H:MM:SS`` (hours only when needed), e.g. ``4:07`` or ``1:02:09``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class SessionStatus(QWidget):
    """Annotator name, session time (ticking each second) and progress "done/total"."""

    def __init__(self, parent: QWidget | None = None, annotator: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("sessionStatus")
        self._started = time.monotonic()

        def icon_label(icon: str, tip: str) -> QLabel:
            label = QLabel(self)
            icons.set_icon_after_first_paint(label, lambda glyph: label.setPixmap(glyph.pixmap(QSize(14, 14))), icon,
                                             "#5f6b7a")
            label.setToolTip(tip)
            return label

        self.annotator_label = QLabel(self)
        self.annotator_label.setTextFormat(Qt.TextFormat.PlainText)
        self.annotator_label.setObjectName("sessionAnnotator")
        self.annotator_label.setTextFormat(Qt.TextFormat.PlainText)
        self.annotator_label.setToolTip("Annotator of this session (File → Switch annotator)")
        self.time_label = QLabel(self)
        self.time_label.setObjectName("sessionTime")
        # A fixed size (room for "99:59:59"): a label whose text changes asks every layout up to the window to be
        # redone, and this one changes each second, also in the frame of a key press.
        metrics = self.time_label.fontMetrics()
        self.time_label.setFixedSize(metrics.horizontalAdvance("99:59:59") + 4, metrics.height() + 2)
        self._article_seconds: Callable[[], float] | None = None
        self.progress_label = QLabel(self)
        self.progress_label.setObjectName("sessionProgress")
        self.progress_label.setToolTip("Articles you marked done / articles in the project")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.setSpacing(4)
        layout.addWidget(icon_label("mdi6.account", "Annotator"))
        layout.addWidget(self.annotator_label)
        layout.addSpacing(12)
        self.time_icon = icon_label("mdi6.timer-outline", "Time on this article")
        layout.addWidget(self.time_icon)
        layout.addWidget(self.time_label)
        layout.addSpacing(12)
        layout.addWidget(icon_label("mdi6.check-circle-outline", "Progress"))
        layout.addWidget(self.progress_label)

        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

        self.set_annotator(annotator)
        self.set_progress(0, 0)
        self.refresh()

    @property
    def annotator(self) -> str:
        return self.annotator_label.text()

    def set_annotator(self, name: str) -> None:
        """Show ``name``; a new annotator starts a new session, so the clock restarts."""
        if name != self.annotator_label.text():
            self._started = time.monotonic()
        self.annotator_label.setText(name)
        self.refresh()

    def set_progress(self, done: int, total: int) -> None:
        """Show ``done/total`` articles (with the percentage in the tooltip)."""
        self.progress_label.setText(f"{done}/{total} done")
        pct = f" ({100 * done / total:.0f}%)" if total else ""
        self.progress_label.setToolTip(f"{done} of {total} articles done{pct}")

    def follow_article(self, seconds: Callable[[], float] | None) -> None:
        """Show the time on the open article: ``seconds()`` is what is stored for it plus the time since it opened.

        Issue 15, point 28: a session clock that restarted at 0 on every start read as the article's time, and
        contradicted the 60 s stored for it. None (no article open): the session time only.
        """
        self._article_seconds = seconds
        self.refresh()

    def elapsed(self) -> float:
        """Seconds since the session (or the last annotator switch) started."""
        return time.monotonic() - self._started

    @Slot()
    def refresh(self) -> None:
        """Show the time now (a timer calls this every second)."""
        session = format_duration(self.elapsed())
        if self._article_seconds is None:
            self.time_label.setText(session)
            tip = f"Time in this session: {session}"
        else:
            article = format_duration(self._article_seconds())
            self.time_label.setText(article)
            tip = (f"Time you spent on this article: {article}, over all your sessions. Only active time counts: "
                   f"a pause longer than 5 minutes adds 5 minutes.\nThis session: {session}")
        if self.time_label.toolTip() != tip:
            self.time_label.setToolTip(tip)
            self.time_icon.setToolTip(tip)
