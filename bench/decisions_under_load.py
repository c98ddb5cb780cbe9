"""Key press to drawn decision while a suggestion run writes: the figure of the database worker.

The suggestion run is the window's own (Suggest in the menu): the spaCy pipeline and the claim rules in the run's
worker process, the writes, one transaction per article, from its storing process, for ``load_articles`` new
articles, run from the app's :class:`~annotator.ui.shared.workers.JobRunner` worker thread in this process, on the
same repository, with the
interpreter set up as the app sets it up at start (:func:`annotator.app.share_the_interpreter`), while the real
window, with the look ``annotator gui`` gives it, takes A / X key presses on open suggestions. The pipeline is
loaded before the presses start (the window loads it once, on the first run; the worker process gets it by fork).
Each press is timed from the key to the moment its result is painted: the
decision is drawn ahead of the database (the suggestion shown accepted or rejected, the next one current) and the
event loop has painted once (delivering and drawing any answers of earlier decisions that came back meanwhile).
A second figure times the same presses to their *answer*: the decision committed on the database thread, its rows
read there and drawn in place of the guess. Only presses made while the writer is still writing count. Wall time
is shared with whatever else runs on the machine: the GUI thread's own CPU time for the same presses is reported
beside it, and where the kernel keeps per-thread scheduler statistics (Linux: ``/proc/thread-self/schedstat``)
the rest of each press is split into the time the GUI thread was ready but waited for a core (the machine's other
work, or the window's own threads queued on its core) and the time it was off the CPU otherwise (waiting for the
interpreter lock, or for Qt's own threads). How many articles per second the run stored while the presses were
timed is reported too: a run that stored less would make the presses look quick. The database is a temporary
SQLite file, or any URL given with ``--db`` (an empty PostgreSQL database, for the team server's figure).
"""

from __future__ import annotations

import functools
import sys
import threading
import time
from pathlib import Path

from bench.corpus import make_articles, synthetic_suggestions
from bench.postgres import local_server

_SCHEDSTAT = Path("/proc/thread-self/schedstat")


def _waited_for_a_core() -> float | None:
    """Seconds this thread has spent ready to run but waiting for a core (None: the system does not say)."""
    try:
        return int(_SCHEDSTAT.read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def _backend(location: str) -> str:
    return location.partition("://")[0].split("+")[0] if "://" in location else "sqlite"


def bench_decisions_under_load(
    work: Path, *, load_articles: int, presses: int, words: int, spans: int, claims: int, db: str | None = None
) -> list[tuple[str, float, str, float | None]]:
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from annotator.app import share_the_interpreter
    from annotator.jobs import suggesting
    from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback
    from annotator.store import open_repository
    from annotator.ui.shared.services import build_services
    from annotator.ui.shared.workers import JobRunner
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.window.shell import configure_application

    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    # The look `annotator gui` gives the window (Fusion, the style sheet, the tables' palette): the style sheet
    # decides how much a repaint costs (drawn without it, a key press took half the CPU time it takes in the app).
    restore_look = configure_application(app)
    previous_interval = sys.getswitchinterval()
    share_the_interpreter()
    location = db or str(work / "under_load.db")
    repo = open_repository(location)
    coded = repo.add_article(next(make_articles(1, words=words, seed=17))).article_id
    text = repo.article(coded).text
    repo.store_suggestions(synthetic_suggestions(coded, text, spans, claims))
    loaded = [repo.add_article(a).article_id for a in make_articles(load_articles, words=400, seed=19)]
    services = build_services(repo, None)
    services.pipeline = suggesting.load_pipeline(suggesting.pipeline_setting(repo, None))
    runner = JobRunner(app)

    window = MainWindow(repo, "bench", services, runner)
    window.resize(1400, 900)
    window.show()
    window.open_article(coded)
    app.processEvents()
    decisions = window.workspace.decisions
    focus = window.workspace.text
    focus.setFocus()

    writing = threading.Event()
    finished = threading.Event()

    stored: list[tuple[float, int]] = []  # (when, articles stored so far), as the run reports them

    def suggestion_run(progress: ProgressCallback, cancel: CancelFlag) -> object:
        def report(p: Progress) -> None:
            if p.done > 0:
                stored.append((time.perf_counter(), p.done))
                writing.set()  # the first article is written: the run holds the database from here on
            progress(p)

        try:
            return services.suggest(loaded, False, report, cancel)
        finally:
            writing.clear()
            finished.set()

    def wait_answered() -> None:
        if decisions.busy:
            loop = QEventLoop()
            decisions.idle.connect(loop.quit)
            loop.exec()
            decisions.idle.disconnect(loop.quit)
        app.processEvents()

    # Every A / X press on an open suggestion gets exactly one answer, in order (the worker runs them FIFO).
    answers: list[float] = []
    decisions.applied.connect(lambda _change, _rows: answers.append(time.perf_counter()))
    pressed: list[tuple[float, bool]] = []  # (when, made while the writer was writing)

    runner.run("Suggesting", suggestion_run)
    while not writing.is_set() and not finished.is_set():
        app.processEvents()
        time.sleep(0.005)
    keys = [Qt.Key.Key_A, Qt.Key.Key_X]
    timings: list[float] = []
    cpu_timings: list[float] = []  # the GUI thread's own CPU time for the same presses
    core_waits: list[float] = []  # its time waiting for a core, where the system says
    for i in range(presses * 3):
        if not writing.is_set() or len(timings) >= presses:
            break
        waited_start = _waited_for_a_core()
        start, cpu_start = time.perf_counter(), time.thread_time()
        QTest.keyClick(focus, keys[i % 2])
        app.processEvents()  # the paint of what the key press drew
        elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
        waited_end = _waited_for_a_core()
        timed = writing.is_set()
        pressed.append((start, timed))
        if timed:
            timings.append(elapsed)
            cpu_timings.append(cpu)
            if waited_start is not None and waited_end is not None:
                core_waits.append(waited_end - waited_start)
        QTest.keyClick(focus, Qt.Key.Key_N)  # one suggestion further (not timed)
        app.processEvents()
        if not window.workspace.suggestions():
            wait_answered()
            window.open_article(coded, reload=True)
    wait_answered()
    runner.cancel()
    while not finished.is_set():
        app.processEvents()
        time.sleep(0.01)
    runner.shutdown()
    window.close()
    repo.close()
    sys.setswitchinterval(previous_interval)
    restore_look()
    if not timings:
        raise RuntimeError("the suggestion run ended before any key press; raise load_articles")
    if len(answers) != len(pressed):
        raise RuntimeError(f"{len(pressed)} decisions but {len(answers)} answers drawn")
    answered = [answer - start for (start, timed), answer in zip(pressed, answers, strict=True) if timed]
    timed_starts = [start for start, timed in pressed if timed]
    write_rate = _stored_per_second(stored, timed_starts[0], timed_starts[-1])
    where = _backend(location)
    name = f"decision while a suggestion run writes {load_articles} articles: key press to drawn, p95 ({where})"
    answer_name = (f"decision while a suggestion run writes {load_articles} articles: key press to its answer "
                   f"from the database drawn, p95 ({where})")
    cpu_name = f"decision while a suggestion run writes: GUI thread CPU time from key press to drawn, p95 ({where})"
    median_name = f"decision while a suggestion run writes {load_articles} articles: key press to drawn, p50 ({where})"
    cpu_median_name = (f"decision while a suggestion run writes: GUI thread CPU time from key press to drawn, p50 "
                       f"({where})")
    rows: list[tuple[str, float, str, float | None]] = [
        (name, _quantile(timings, 0.95) * 1000, "ms", 16.0),
        (answer_name, _quantile(answered, 0.95) * 1000, "ms", None),
        (cpu_name, _quantile(cpu_timings, 0.95) * 1000, "ms", None),
        (median_name, _quantile(timings, 0.5) * 1000, "ms", None),
        (cpu_median_name, _quantile(cpu_timings, 0.5) * 1000, "ms", None),
    ]
    if write_rate is not None:
        # What the presses were timed against: a run that stored little meanwhile would make them look good.
        rows.append((f"decision while a suggestion run writes: articles the run stored per second while the key "
                     f"presses were timed ({where})", write_rate, "articles/s", None))
    if len(core_waits) == len(timings):
        # Off the CPU but not waiting for a core: the interpreter lock, Qt's fill threads (never below 0: the
        # two clocks are read a moment apart).
        other = [max(0.0, wall - cpu - wait) for wall, cpu, wait in zip(timings, cpu_timings, core_waits,
                                                                           strict=True)]
        rows += [
            (f"decision while a suggestion run writes: GUI thread waiting for a core per key press, p95 ({where})",
             _quantile(core_waits, 0.95) * 1000, "ms", None),
            (f"decision while a suggestion run writes: GUI thread off the CPU otherwise per key press (interpreter "
             f"lock, Qt's threads), p95 ({where})", _quantile(other, 0.95) * 1000, "ms", None),
        ]
    return rows


def _stored_per_second(stored: list[tuple[float, int]], start: float, end: float) -> float | None:
    """Articles stored per second between ``start`` and ``end``, from the run's reports (None: too few of them).

    The run reports a task's articles together (a few at once), so the span is taken from the last report before
    ``start`` to the first after ``end``.
    """
    before = [(t, n) for t, n in stored if t <= start]
    after = [(t, n) for t, n in stored if t >= end] or stored[-1:]  # a run cancelled at once: its last report
    if not before or not after or after[0][0] <= before[-1][0]:
        return None
    (t0, n0), (t1, n1) = before[-1], after[0]
    return (n1 - n0) / (t1 - t0)


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def bench_load(
    work: Path, *, load_articles: int, presses: int, words: int, spans: int, claims: int, db: str | None = None
) -> list[tuple[str, float, str, float | None]]:
    """The figures on ``db``; without one, on a temporary SQLite file and on a local PostgreSQL server.

    The server is a cluster of its own in a temporary folder (:func:`bench.postgres.local_server`), as the team
    server benchmark runs it.
    """
    measure = functools.partial(bench_decisions_under_load, work, load_articles=load_articles, presses=presses,
                                words=words, spans=spans, claims=claims)
    if db is not None:
        return measure(db=db)
    rows = measure()
    with local_server("the decision figure on PostgreSQL") as server:
        return rows + measure(db=server.create_database("bench_load"))
