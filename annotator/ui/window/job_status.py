"""The status-bar widget that shows the background job: what runs, how far it is, and a way to stop it."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QSizePolicy, QToolButton, QWidget

from annotator.ui.shared import icons, plain_text
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.workers import JobRunner


class JobStatusWidget(QWidget):
    """Label + progress bar + cancel button bound to a :class:`JobRunner`; hidden while no job runs.

    A total of 0 (unknown amount of work, e.g. while the spaCy pipeline loads) shows a busy indicator instead
    of a percentage.
    """

    def __init__(self, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobStatus")
        self._runner = runner
        self._title = ""
        self._text = ""  # the label's full text, before eliding

        self.label = plain_text.plain_label(QLabel(self))
        self.label.setObjectName("jobStatusLabel")
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # file names are text, never markup
        self.bar = QProgressBar(self)
        self.bar.setObjectName("jobStatusBar")
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(True)
        self.bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("jobStatusCancel")
        icons.set_icon_after_first_paint(self.cancel_button, self.cancel_button.setIcon, "mdi6.close-circle-outline")
        self.cancel_button.setIconSize(QSize(16, 16))
        self.cancel_button.setAutoRaise(True)
        self.cancel_button.setToolTip("Cancel the background job (Escape twice); work already done is kept")
        self.cancel_button.setAccessibleName("Cancel background job")
        self.cancel_button.clicked.connect(self._cancel)

        fill(QHBoxLayout(self), self.label, self.bar, self.cancel_button, margins=(6, 0, 6, 0), spacing=6)

        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)
        runner.finished.connect(self._on_finished)
        self.setVisible(runner.busy)

    @Slot(str)
    def _on_started(self, title: str) -> None:
        self._title = self._text = title
        self.label.setText(title)
        self.label.setToolTip(plain_text.tooltip(title))
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.cancel_button.setEnabled(True)
        self.show()

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, message: str) -> None:
        # Reports come up to 20 times a second while the analyst codes. QProgressBar.setValue repaints at once
        # (outside the frame the key presses are drawn in) and a label whose text changes asks its layout to be
        # redone, so only what changed is set, and the bar's repaint waits for the next frame.
        self.bar.setUpdatesEnabled(False)
        if total > 0:
            shown = min(done, total)
            if self.bar.maximum() != total or self.bar.minimum() != 0:
                self.bar.setRange(0, total)
            self.bar.setValue(shown)
            self.bar.setFormat(f"{shown} / {total}")
        elif self.bar.maximum() != 0:
            self.bar.setRange(0, 0)
        self.bar.setUpdatesEnabled(True)  # schedules the one repaint (update, not repaint)
        text = f"{self._title}: {message}" if message else self._title
        if text != self._text:
            self._text = text
            # Long messages are cut at the end in the label and complete in the tooltip.
            self.label.setText(self.label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, 440))
            self.label.setToolTip(plain_text.tooltip(text))

    @Slot()
    def _on_finished(self) -> None:
        if not self._runner.busy:
            self.hide()

    @property
    def busy(self) -> bool:
        """A job is running."""
        return self._runner.busy

    def cancel(self) -> None:
        """Cancel the running job, as the button does (the window binds Escape, pressed twice, to it)."""
        if self.cancel_button.isEnabled():
            self._cancel()

    @Slot()
    def _cancel(self) -> None:
        self._runner.cancel()
        self.cancel_button.setEnabled(False)
        self.label.setText(f"{self._title}: cancelling…")
