"""Child process of the big-project benchmark: ``annotator gui`` on a database; reports first paint and filtering.

Prints one JSON line: {"first_paint_s", "first_paint_cpu_s", "complete_s", "complete_cpu_s", "filter_ms",
"filter_max_ms", "filter_cpu_ms", "filter_max_cpu_ms", "rss_mb"}. The window is the real command's
(``annotator gui --db DB``: its settings, crash and error logs, controller and first-start check, which the
caller points at a temporary home). ``first_paint_s`` counts from the process start (as the OS recorded it) to
the end of the window's first frame, so interpreter start-up and imports are included, as a user feels them;
``complete_s`` is when the icons, which come after the first frame, are drawn too; the ``_cpu`` figures are the
CPU time of the process over the same stretches (on a shared machine the wall clock also counts waiting for a
core).
"""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

#: The six filters typed into the list (names, words, a title prefix matching a ninth of the articles, a word in
#: no article, a name, and clearing it).
FILTERS = ("Putin", "territorial", "Synthetic report 4", "zzz-no-match", "Abe", "")


def _process_start_epoch() -> float:
    # /proc/self/stat field 22 is the start time in clock ticks since boot.
    import os

    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return time.time() - uptime + ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb() -> float:
    """Peak resident memory of this process image.

    Not ``getrusage``: Linux keeps ``ru_maxrss`` across ``exec``, so a child started by a process that had loaded
    spaCy would report its parent's peak. ``VmHWM`` belongs to the new image.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # not Linux: the best there is


def main() -> int:
    """Run ``annotator gui --db DB`` as the user does, measuring it from inside its event loop."""
    db = sys.argv[1]
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from annotator.cli.main import main as annotator

    # The command's own code builds everything (settings, crash log, error log, the controller, the window, its
    # first-start check); it reuses this QApplication, whose event filter sees the window's first paint.
    app = QApplication(sys.argv[:1])
    figures: dict[str, object] = {}

    class FirstFrame(QObject):
        """Sees the first paint event of the main window's widgets; the frame is complete after that turn."""

        window: QWidget | None = None

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (self.window is None and event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                    and type(watched.window()).__name__ == "MainWindow"):
                self.window = watched.window()
                app.removeEventFilter(self)
                # Posted now, run once the event loop has finished this frame (every widget painted, flushed).
                QTimer.singleShot(0, lambda: _measure(app, self.window, figures))
            return False

    first_frame = FirstFrame()
    app.installEventFilter(first_frame)
    status = annotator(["gui", "--db", db, "--annotator", "bench"])
    if status != 0 or "filters_ms" not in figures:
        raise RuntimeError(f"annotator gui ended with status {status} before the measurements: {figures}")
    print(json.dumps(figures))
    return 0


def _measure(app: Any, window: Any, figures: dict[str, object]) -> None:
    """In the app's event loop after its first frame: the icons, then six filters; then close the window."""
    from PySide6.QtCore import QEvent, QObject

    from annotator.ui.shared import icons

    figures["first_paint_s"] = time.time() - _process_start_epoch()
    figures["first_paint_cpu_s"] = time.process_time()  # CPU of every thread of this process since it started
    # The icons come in the turns of the event loop after the first frame (annotator/ui/shared/icons.py): the
    # window is complete once they are set and their widgets repainted.
    while icons.pending(window):
        app.processEvents()
    app.processEvents()
    figures["complete_s"] = time.time() - _process_start_epoch()
    figures["complete_cpu_s"] = time.process_time()

    class PaintCounter(QObject):
        """Counts the paint events of the widget it filters (the list's viewport)."""

        count = 0

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint:
                self.count += 1
            return False

    paints = PaintCounter()
    window.articles.table.viewport().installEventFilter(paints)
    filters = []
    filter_cpu = []
    for query in FILTERS:
        paints.count = 0
        start, start_cpu = time.perf_counter(), time.process_time()
        # What Enter in the filter box does (typing waits for a 180 ms pause first, which is not our latency),
        # then one turn of the event loop: Qt paints what the filter changed, as it does for the analyst. (Until
        # session 3 the whole window was repainted here as well, about 10 ms of painting no filter causes.)
        window.articles.filter_text.setText(query)
        window.articles.apply_filter()
        app.processEvents()
        filters.append((time.perf_counter() - start) * 1000)
        filter_cpu.append((time.process_time() - start_cpu) * 1000)
        if paints.count == 0:
            raise RuntimeError(f"the article list was not painted after filtering by {query!r}")
    figures.update({"filter_ms": statistics.median(filters), "filter_max_ms": max(filters),
                    "filter_cpu_ms": statistics.median(filter_cpu), "filter_max_cpu_ms": max(filter_cpu),
                    "filters_ms": filters, "rss_mb": _peak_rss_mb()})
    window.close()  # the last window: the app quits, and the command returns


if __name__ == "__main__":
    raise SystemExit(main())
