"""Key press to drawn decision while a suggestion run writes: the figure of the database worker.

A background thread does what ``annotator suggest`` does to the database (one write transaction per article, its
suggestions and audit event) for ``load_articles`` articles, on the same repository, while the real window takes
A / X key presses. Each press is timed from the key to the moment its result is drawn: the decision has run on the
database thread, its rows are read, the event loop has delivered it and painted once. Only presses made while the
writer is still writing count. The database is a temporary SQLite file, or any URL given with ``--db`` (an empty
PostgreSQL database, for the team server's figure).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from bench.corpus import make_articles, synthetic_suggestions


def _backend(location: str) -> str:
    return location.partition("://")[0].split("+")[0] if "://" in location else "sqlite"


def bench_decisions_under_load(
    work: Path, *, load_articles: int, presses: int, words: int, spans: int, claims: int, db: str | None = None
) -> list[tuple[str, float, str, float | None]]:
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.store import open_repository
    from annotator.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    location = db or str(work / "under_load.db")
    repo = open_repository(location)
    coded = repo.add_article(next(make_articles(1, words=words, seed=17))).article_id
    text = repo.article(coded).text
    repo.store_suggestions(synthetic_suggestions(coded, text, spans, claims))
    loaded = [repo.add_article(a).article_id for a in make_articles(load_articles, words=400, seed=19)]
    texts = {article_id: repo.article(article_id).text for article_id in loaded}

    window = MainWindow(repo, "bench")
    window.resize(1400, 900)
    window.show()
    window.open_article(coded)
    app.processEvents()
    decisions = window.workspace.decisions
    focus = window.workspace.text
    focus.setFocus()

    writing = threading.Event()
    stop = threading.Event()

    def suggestion_run() -> None:
        writing.set()
        for n, article_id in enumerate(loaded):
            if stop.is_set():
                break
            repo.store_suggestions(
                synthetic_suggestions(article_id, texts[article_id], 30, 3, origin=f"spacy:load@{n % 2}")
            )
        writing.clear()

    def wait_drawn() -> None:
        if decisions.busy:
            loop = QEventLoop()
            decisions.idle.connect(loop.quit)
            loop.exec()
            decisions.idle.disconnect(loop.quit)
        app.processEvents()

    writer = threading.Thread(target=suggestion_run, name="bench-suggest")
    writer.start()
    writing.wait(10)
    keys = [Qt.Key.Key_A, Qt.Key.Key_X]
    timings: list[float] = []
    for i in range(presses * 3):
        if not writing.is_set() or len(timings) >= presses:
            break
        start = time.perf_counter()
        QTest.keyClick(focus, keys[i % 2])
        wait_drawn()
        elapsed = time.perf_counter() - start
        if writing.is_set():
            timings.append(elapsed)
        QTest.keyClick(focus, Qt.Key.Key_N)  # next suggestion (not timed)
        wait_drawn()
        if not window.workspace.suggestions():
            window.open_article(coded, reload=True)
    stop.set()
    writer.join()
    window.close()
    repo.close()
    if not timings:
        raise RuntimeError("the suggestion run ended before any key press; raise load_articles")
    ordered = sorted(timings)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    name = (f"decision while a suggestion run writes {load_articles} articles: key press to drawn, p95 "
            f"({_backend(location)})")
    return [(name, p95 * 1000, "ms", 16.0)]

