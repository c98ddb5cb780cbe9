"""Run a spaCy pipeline, and optionally our rules on each parsed Doc, in worker processes.

Design (issue 15, points 15 and 33):

- **Work stealing, bounded.** Small tasks (``TASK_TEXTS``) go to a shared task queue and results come back on a
  result queue; a free worker takes the next task, so one slow task does not leave the other worker idle, and
  the run's tail, where one worker finishes alone, is short. At most ``4 * n_process`` tasks are out at once, so
  a corpus of a million articles is never read into memory.
  ``multiprocessing`` queues send from a feeder thread, so a large batch and a large result never block each
  other (the deadlock of two pipes written at once).
- **Small results.** With ``process`` given, the worker runs it on each Doc (the suggesters) and sends back only
  its result: a serialised Doc is about 20 times larger than the article's suggestions, and rebuilding it in the
  parent cost the parent as much CPU as one worker's parse.
- **No orphans.** A worker ends when its parent does, however the parent ended: Linux delivers SIGTERM to it
  when the parent dies (``PR_SET_PDEATHSIG``, even on SIGKILL), and a watchdog thread checks the parent's pid
  once a second elsewhere. Closing the iterator early (a cancel) terminates the workers at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from annotator.nlp.allocator import keep_freed_memory

T = TypeVar("T")
R = TypeVar("R")

#: Seconds between checks that the workers are still alive while waiting for a result.
_POLL = 0.5
#: Texts per task sent to a worker, at most. The run ends when the last task does, and the other worker has
#: nothing left to take meanwhile: with tasks of 32 texts (the ``nlp.pipe`` batch size) that idle tail was up to
#: 32 parses, about a tenth of a 500-article run on two cores. spaCy's CPU per text is the same in batches of 4
#: to 32 (measured: within the ±10% noise), so the tasks can be small.
TASK_TEXTS = 8
#: Tasks in flight per worker (one being parsed, the others queued): results are yielded in input order, so a
#: worker that finishes several tasks while the other is on a long one still finds work queued.
_IN_FLIGHT_PER_WORKER = 4
#: Tasks held per worker at most, results waiting to be yielded included.
_HELD_PER_WORKER = 16
_PR_SET_PDEATHSIG = 1
#: How much lower than its parent a background worker runs (nice levels; 19 is the lowest).
BACKGROUND_NICENESS = 10

log = logging.getLogger(__name__)


class WorkerFailed(RuntimeError):
    """A worker process raised or died; ``child_traceback`` is the worker's own traceback (empty if it died)."""

    def __init__(self, message: str, child_traceback: str = "") -> None:
        super().__init__(message)
        self.child_traceback = child_traceback


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when the process ``parent_pid`` ends, even if it was SIGKILLed."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)

    def watch() -> None:  # for systems without PDEATHSIG; harmless with it
        while True:
            time.sleep(1.0)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name="annotator-parent-watch", daemon=True).start()


def run_in_background() -> None:
    """Run this (worker) process only on CPU time nothing else wants: Linux's ``SCHED_IDLE`` policy, where it
    exists, else ``BACKGROUND_NICENESS`` nice levels lower (relative to its own; capped at the lowest).

    Why ``SCHED_IDLE`` and not only a lower nice level: on two cores the parse keeps one core busy, and the threads
    that the window's key presses wake (the database worker, the job's writer) are placed by the scheduler beside
    the thread that woke them, the window's, where they take turns with it at equal weight, while the core of a
    merely niced worker does not count as free. A core running only ``SCHED_IDLE`` work counts as free for a
    waking thread, which then takes it from the worker at once: the window's thread keeps its own core.

    Only the worker process is lowered, never a thread of the window's process: a thread there holds the
    interpreter lock at times, and a lowered thread that the scheduler leaves waiting while it holds the lock would
    keep the window's thread waiting too.
    """
    idle = getattr(os, "SCHED_IDLE", None)
    if idle is not None:
        try:
            os.sched_setscheduler(0, idle, os.sched_param(0))
            return
        except OSError:
            log.debug("could not give the worker process the idle policy", exc_info=True)
    nice = getattr(os, "nice", None)
    if nice is None:  # not on this platform: the worker runs at its parent's priority
        return
    try:
        nice(BACKGROUND_NICENESS)
    except OSError:
        log.debug("could not lower the worker process's priority", exc_info=True)


def _worker(nlp: Any, process: Callable[[Any, Any], Any] | None, tasks: Any, results: Any, batch_size: int,
            parent_pid: int, background: bool = False) -> None:
    """Worker process: parse batches (and run ``process`` on each Doc) until told to stop."""
    die_with_parent(parent_pid)
    if background:
        run_in_background()
    keep_freed_memory()  # the parse's blocks are reused by the next batch instead of being faulted in again
    # Ctrl+C in a terminal reaches the whole process group: the parent decides how to stop, not each worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while True:
            task = tasks.get()
            if task is None:
                return
            index, items = task
            try:
                docs = nlp.pipe((text for text, _ in items), batch_size=batch_size)
                if process is None:
                    # The tensor is large and not read by the suggesters; user data is empty.
                    out = [doc.to_bytes(exclude=["tensor", "user_data"]) for doc in docs]
                else:
                    out = [process(doc, ctx) for doc, (_, ctx) in zip(docs, items, strict=True)]
                results.put((index, "ok", out))
            except Exception as exc:  # reported to the parent, which raises it where the caller can see it
                results.put((index, "error", (f"{type(exc).__name__}: {exc}", traceback.format_exc())))
    except (EOFError, OSError, KeyboardInterrupt):  # the parent went away or is stopping us
        return


def _batches(pairs: Iterable[tuple[str, T]], size: int, single_from: int | None = None
             ) -> Iterator[list[tuple[str, T]]]:
    """Tasks of ``size`` pairs; from the pair numbered ``single_from`` on, one pair per task."""
    batch: list[tuple[str, T]] = []
    for number, pair in enumerate(pairs):
        single = single_from is not None and number >= single_from
        if single and batch:
            yield batch
            batch = []
        batch.append(pair)
        if len(batch) >= size or single:
            yield batch
            batch = []
    if batch:
        yield batch


def map_in_workers(
    nlp: Any,
    pairs: Iterable[tuple[str, T]],
    *,
    batch_size: int,
    n_process: int,
    process: Callable[[Any, T], R] | None = None,
    expected: int | None = None,
    background: bool = False,
) -> Iterator[tuple[Any, T]]:
    """Parse ``(text, context)`` pairs in ``n_process`` workers; yield ``(result, context)`` in input order.

    Args:
        nlp: the loaded ``Language`` (shared with the workers by fork; pickled to them where there is no fork).
        pairs: ``(text, context)``; consumed lazily. Contexts travel to the workers, so they must be picklable.
        batch_size: texts per ``nlp.pipe`` batch; a task sent to a worker holds at most ``TASK_TEXTS`` of them.
        n_process: worker processes.
        process: run in the worker on each ``(doc, context)``; its result is what is yielded. None yields the
            parsed ``Doc`` itself (serialised in the worker, rebuilt here).
        expected: how many pairs there will be, if known: the last ``n_process * TASK_TEXTS`` of them then go
            one per task, so that the workers finish within a text of each other (the run's tail).
        background: run the workers at a lower CPU priority (``run_in_background``): the window's suggestion
            runs, so that a key press gets a core at once while spaCy keeps one busy.

    Raises:
        WorkerFailed: a worker failed (its traceback is on the exception and in the log) or died; the others are
            stopped.
    """
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    tasks = mp.Queue()
    results = mp.Queue()
    parent = os.getpid()
    workers = [
        mp.Process(target=_worker, args=(nlp, process, tasks, results, batch_size, parent, background),
                   daemon=True,
                   name=f"annotator-spacy-{i + 1}")
        for i in range(n_process)
    ]
    # The loaded pipeline is a large heap of long-lived objects. Frozen, the garbage collector of the workers
    # (forked with it) and of this process leaves it alone: a collection in a worker no longer writes to every
    # inherited object's header (a copy of each of those pages), and this process's collections while it stores
    # the results no longer walk it (Python's gc.freeze documentation describes this use before fork).
    gc.freeze()
    for proc in workers:
        proc.start()
    finished = False
    try:
        size = max(1, min(batch_size, TASK_TEXTS))
        single_from = None if expected is None else max(0, expected - n_process * size)
        batches = enumerate(_batches(pairs, size, single_from))
        contexts: dict[int, list[T]] = {}
        done: dict[int, list[Any]] = {}
        exhausted = False
        following = 0

        def feed() -> None:
            # Tasks at the workers (sent, no result yet) are kept at the limit, also while results wait here for
            # an earlier one to come back; the cap on all held tasks keeps memory bounded.
            nonlocal exhausted
            while (not exhausted and len(contexts) - len(done) < _IN_FLIGHT_PER_WORKER * n_process
                   and len(contexts) < _HELD_PER_WORKER * n_process):
                nxt = next(batches, None)
                if nxt is None:
                    exhausted = True
                    return
                index, batch = nxt
                contexts[index] = [ctx for _, ctx in batch]
                tasks.put((index, batch))

        feed()
        vocab = None
        while contexts:
            index, status, payload = _next_result(results, workers)
            if status != "ok":
                summary, child_traceback = payload
                log.error("spaCy worker process failed:\n%s", child_traceback)
                raise WorkerFailed(f"spaCy worker process failed: {summary}", child_traceback)
            done[index] = payload
            feed()
            while following in done:
                out = done.pop(following)
                ctxs = contexts.pop(following)
                following += 1
                feed()  # keep the workers busy while the caller stores these
                if process is None:
                    from spacy.tokens import Doc

                    vocab = vocab or nlp.vocab
                    for data, ctx in zip(out, ctxs, strict=True):
                        yield Doc(vocab).from_bytes(data), ctx
                else:
                    yield from zip(out, ctxs, strict=True)
        finished = True
    finally:
        _stop(workers, tasks, results, graceful=finished)
        gc.unfreeze()


def _next_result(results: Any, workers: list[Any]) -> tuple[int, str, Any]:
    """The next result; a WorkerFailed if a worker died without one (killed, out of memory)."""
    while True:
        try:
            return results.get(timeout=_POLL)
        except queue.Empty:
            dead = [p for p in workers if p.exitcode is not None]
            if dead:
                codes = ", ".join(f"{p.name} exit code {p.exitcode}" for p in dead)
                raise WorkerFailed(f"spaCy worker process ended unexpectedly ({codes})") from None


def _stop(workers: list[Any], tasks: Any, results: Any, graceful: bool) -> None:
    if graceful:
        for _ in workers:
            with contextlib.suppress(OSError, ValueError):
                tasks.put(None)
    else:
        # Cancelled or failed: the batches in flight are not wanted, and nothing left in the task queue must
        # keep this process waiting at exit.
        tasks.cancel_join_thread()
        for proc in workers:
            proc.terminate()
    for proc in workers:
        proc.join(timeout=10)
        if proc.is_alive():
            proc.kill()
            proc.join()
    for q in (tasks, results):
        q.close()
