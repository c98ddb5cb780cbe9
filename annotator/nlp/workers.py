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
- **A last step in a process of its own** (``then``, the window's suggestion runs: storing). The workers' results
  go to one more process, which runs ``then`` on each and sends back only what it returns, so that this process
  neither unpickles the results nor runs the step: a key press of the window then has the interpreter lock to
  itself. That process is started from a fresh interpreter (spawn), never a fork of this one: it opens a
  database of its own, and a fork of a process with an open SQLite database inherits SQLite's per-process lock
  bookkeeping for that file, which would then be wrong in the child.
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
#: Seconds between the ``then`` process's checks for a stop while it waits for the workers.
_LAST_STEP_POLL = 0.1
#: Seconds a stopped ``then`` process is given to finish the item in hand before it is killed.
_LAST_STEP_GRACE = 10.0
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
    _lower_priority()


def _lower_priority() -> None:
    """``BACKGROUND_NICENESS`` nice levels lower than now (capped at the lowest), where the platform has nice."""
    nice = getattr(os, "nice", None)
    if nice is None:  # not on this platform: the process runs at its parent's priority
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


def _last_step(then: Callable[[Any], Any], inbox: Any, results: Any, stopping: Any, parent_pid: int,
               background: bool) -> None:
    """The ``then`` process: run ``then`` on each result of the workers, in the order they come, until told to stop.

    It runs at a lower priority than its parent when ``background`` is set, but never under ``SCHED_IDLE`` like
    the workers: ``then`` may hold a database's write lock, and a process that gets a core only when nothing
    else wants one would keep the window's own writes waiting for it on a busy machine. ``stopping`` (an event)
    ends it after the item in hand: what it finished is sent back, so the parent can count it.
    """
    die_with_parent(parent_pid)
    if background:
        _lower_priority()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        while not stopping.is_set():
            try:
                message = inbox.get(timeout=_LAST_STEP_POLL)
            except queue.Empty:
                continue
            if message is None:
                return
            index, status, payload = message
            if status != "ok":
                results.put(message)  # a worker's failure, passed on as it came
                continue
            out: list[Any] = []
            try:
                for item in payload:
                    if stopping.is_set():
                        break  # the rest of the task is not wanted; what is done goes back
                    out.append(then(item))
            except Exception as exc:  # reported to the parent like a worker's failure, naming the step
                what = getattr(then, "description", "the step after the parse")
                results.put((index, "error", (f"{what}: {type(exc).__name__}: {exc}", traceback.format_exc())))
                continue
            results.put((index, "ok", out))
    except (EOFError, OSError, KeyboardInterrupt):
        return
    finally:
        close = getattr(then, "close", None)
        if close is not None:
            close()


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
    then: Callable[[Any], Any] | None = None,
    stop: Callable[[], bool] | None = None,
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
        then: run on each worker result in one further process (see the module's notes); what it returns is
            yielded instead. Pickled to that process, so it must be picklable. It may have a ``close()``, called
            when the process ends, and a ``description`` that a failure's message names it by. Without ``then``
            the results come back here.
        stop: asked between results (and twice a second while waiting): once it says True, the workers are
            terminated and nothing more is parsed. With ``then``, its process first finishes the item in hand,
            and everything it finished is still yielded (in input order, with gaps where the parse was cut
            short): the caller can count exactly what was done. Without ``stop``, close the iterator to end early.

    Raises:
        WorkerFailed: a worker failed (its traceback is on the exception and in the log) or died; the others are
            stopped.
    """
    methods = multiprocessing.get_all_start_methods()
    mp = multiprocessing.get_context("fork" if "fork" in methods else None)
    # Queues a spawned process receives must come from the spawn context: a fork context's semaphores are unlinked
    # at once and cannot be opened again by name. Forked workers can use them all the same.
    fresh = multiprocessing.get_context("spawn")
    queues = mp if then is None else fresh
    tasks = queues.Queue()
    results = queues.Queue()
    worker_results = results if then is None else queues.Queue()
    parent = os.getpid()
    workers = [
        mp.Process(target=_worker, args=(nlp, process, tasks, worker_results, batch_size, parent, background),
                   daemon=True,
                   name=f"annotator-spacy-{i + 1}")
        for i in range(n_process)
    ]
    stopping = fresh.Event() if then is not None else None
    last_step = None if then is None else fresh.Process(
        target=_last_step, args=(then, worker_results, results, stopping, parent, background), daemon=True,
        name="annotator-last-step")
    # The loaded pipeline is a large heap of long-lived objects. Frozen, the garbage collector of the workers
    # (forked with it) and of this process leaves it alone: a collection in a worker no longer writes to every
    # inherited object's header (a copy of each of those pages), and this process's collections while it stores
    # the results no longer walk it (Python's gc.freeze documentation describes this use before fork).
    gc.freeze()
    for proc in workers:
        proc.start()
    processes: list[Any] = list(workers)
    if last_step is not None:
        last_step.start()
        processes.append(last_step)
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
        stopped = False
        while contexts:
            got = _next_result(results, processes, stop)
            if got is None:
                stopped = True
                break
            index, _status, payload = _checked(got)
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
        if stopped and last_step is not None and stopping is not None:
            _stop(workers, tasks, worker_results, graceful=False)
            stopping.set()
            for index, out in _finished_by(last_step, results, done):
                yield from zip(out, contexts[index], strict=False)  # a task cut short has fewer results
        finished = not stopped
    finally:
        _stop(workers, tasks, results, graceful=finished)
        if last_step is not None:
            # After the workers: a graceful end has nothing left for it, and it ends on the marker; a cancel or a
            # failure stops it at once (a transaction it was in is rolled back by the database).
            _stop([last_step], worker_results, worker_results, graceful=finished)
        gc.unfreeze()


def _next_result(results: Any, processes: list[Any], stop: Callable[[], bool] | None = None
                 ) -> tuple[int, str, Any] | None:
    """The next result; None once ``stop`` says so; a WorkerFailed if a process died without one (killed, out of
    memory)."""
    while True:
        if stop is not None and stop():
            return None
        try:
            return results.get(timeout=_POLL)
        except queue.Empty:
            dead = [p for p in processes if p.exitcode is not None]
            if dead:
                codes = ", ".join(f"{p.name} exit code {p.exitcode}" for p in dead)
                raise WorkerFailed(f"a suggestion worker process ended unexpectedly ({codes})") from None


def _checked(result: tuple[int, str, Any]) -> tuple[int, str, Any]:
    """``result`` if it is one; the worker's failure raised as a WorkerFailed (and logged) if not."""
    _index, status, payload = result
    if status != "ok":
        summary, child_traceback = payload
        log.error("suggestion worker process failed:\n%s", child_traceback)
        raise WorkerFailed(f"a suggestion worker process failed: {summary}", child_traceback)
    return result


def _finished_by(last_step: Any, results: Any, done: dict[int, list[Any]]) -> list[tuple[int, list[Any]]]:
    """After a stop: what the ``then`` process finished (with what was already here), by task, in input order.

    Its results are read only once it has ended on its own (its queue flushed at exit): a process killed in the
    middle of a send could leave half a message, which a read would wait on for ever.
    """
    last_step.join(_LAST_STEP_GRACE)
    if last_step.is_alive():
        log.warning("the last step did not stop within %.0f s; killed", _LAST_STEP_GRACE)
        last_step.kill()
        last_step.join()
    elif last_step.exitcode == 0:
        while True:
            try:
                index, _status, payload = _checked(results.get(timeout=_POLL))
            except queue.Empty:
                break
            done[index] = payload
    return sorted(done.items())


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
