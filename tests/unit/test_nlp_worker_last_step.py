"""``map_in_workers(then=...)``: a last step in a process of its own, and a stop that counts what was done.

The window stores its suggestion runs from such a process, so that its own interpreter does none of that work while
the analyst codes. What is checked here, with a stand-in pipeline and a stand-in step (no spaCy, no database):
the step's results come back in input order and it is closed at the end; it starts from a fresh interpreter (a
database it opens must not inherit this process's); a failure in it names the step and carries its traceback; it
runs below the window's priority without the idle policy of the workers; and after a stop, everything the step
finished is yielded and nothing else was done.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from annotator.nlp.workers import BACKGROUND_NICENESS, WorkerFailed, map_in_workers


class EchoPipeline:
    """``pipe`` yields each text as its 'document'."""

    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[str]:
        return iter(list(texts))


class SlowPipeline(EchoPipeline):
    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[str]:
        for text in texts:
            time.sleep(0.02)
            yield text


def _upper(doc: str, context: int) -> str:
    return doc.upper()


class Journal:
    """A stand-in step: appends each item to a file (what it *did*) and returns it with its process id."""

    description = "keeping the journal"

    def __init__(self, path: Path, fail_on: str | None = None) -> None:
        self.path = path
        self.fail_on = fail_on

    def __call__(self, item: str) -> tuple[str, int]:
        if item == self.fail_on:
            raise ValueError(f"cannot keep {item}")
        with self.path.open("a", encoding="utf-8") as journal:
            journal.write(item + "\n")
        return item, os.getpid()

    def close(self) -> None:
        with self.path.open("a", encoding="utf-8") as journal:
            journal.write("closed\n")


class Priority:
    def __call__(self, item: str) -> tuple[int, int]:
        policy = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else -1
        return policy, os.getpriority(os.PRIO_PROCESS, 0)


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_the_last_step_runs_in_a_fresh_process_in_order_and_is_closed(tmp_path: Path) -> None:
    journal = tmp_path / "journal.txt"
    texts = [f"t{i}" for i in range(30)]
    out = list(map_in_workers(EchoPipeline(), ((t, i) for i, t in enumerate(texts)), batch_size=4, n_process=2,
                              process=_upper, then=Journal(journal)))
    assert [item for (item, _pid), _ctx in out] == [t.upper() for t in texts]
    assert [ctx for _, ctx in out] == list(range(30))
    pids = {pid for (_item, pid), _ in out}
    assert len(pids) == 1 and os.getpid() not in pids  # one process of its own did every item
    lines = _lines(journal)
    # Two workers: the step takes their results as they come; what comes back here is in input order.
    assert sorted(lines[:-1]) == sorted(t.upper() for t in texts) and lines[-1] == "closed"
    assert multiprocessing.active_children() == []


class HasModule:
    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, item: str) -> bool:
        return self.name in sys.modules


def test_the_last_step_is_not_a_fork_of_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # A fork of a process with an open SQLite database inherits SQLite's bookkeeping of that file's locks, which
    # is wrong in the child: the step starts from a fresh interpreter instead.
    marker = "annotator_test_only_here"
    monkeypatch.setitem(sys.modules, marker, sys)
    ((inherited, _),) = list(map_in_workers(EchoPipeline(), [("x", 0)], batch_size=1, n_process=1, process=_upper,
                                            then=HasModule(marker)))
    assert inherited is False
    ((forked, _),) = list(map_in_workers(EchoPipeline(), [("x", 0)], batch_size=1, n_process=1,
                                         process=_in_modules))
    assert forked is ("fork" in multiprocessing.get_all_start_methods())  # the workers themselves are forks


def _in_modules(doc: str, context: int) -> bool:
    return "annotator_test_only_here" in sys.modules


def test_a_failure_in_the_last_step_names_it_and_stops_everything(tmp_path: Path) -> None:
    journal = tmp_path / "journal.txt"
    texts = [f"t{i}" for i in range(12)]
    with pytest.raises(WorkerFailed) as failed:
        list(map_in_workers(EchoPipeline(), ((t, i) for i, t in enumerate(texts)), batch_size=1, n_process=1,
                            process=_upper, then=Journal(journal, fail_on="T5")))
    assert "keeping the journal: ValueError: cannot keep T5" in str(failed.value)
    assert "in __call__" in failed.value.child_traceback  # the step's own traceback
    assert multiprocessing.active_children() == []
    assert _lines(journal)[:5] == ["T0", "T1", "T2", "T3", "T4"]


def test_after_a_stop_everything_the_step_did_is_yielded_and_nothing_more_is_done(tmp_path: Path) -> None:
    journal = tmp_path / "journal.txt"
    texts = [f"t{i}" for i in range(200)]
    seen: list[str] = []

    def stop() -> bool:
        return len(seen) >= 5

    for (item, _pid), _ctx in map_in_workers(SlowPipeline(), ((t, i) for i, t in enumerate(texts)), batch_size=8,
                                             n_process=1, process=_upper, then=Journal(journal), stop=stop):
        seen.append(item)
    done = [line for line in _lines(journal) if line != "closed"]
    assert len(seen) >= 5 and len(seen) < len(texts)
    assert seen == done  # counted exactly: each item the step did came back, in order
    assert _lines(journal)[-1] == "closed"
    assert multiprocessing.active_children() == []


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no nice values on this platform")
def test_the_last_step_runs_below_the_window_but_never_idle(tmp_path: Path) -> None:
    # It may hold the database's write lock: under SCHED_IDLE, a busy machine would leave the window's own
    # writes waiting for it.
    here = os.getpriority(os.PRIO_PROCESS, 0)
    ((policy, nice), _), = list(map_in_workers(EchoPipeline(), [("x", 0)], batch_size=1, n_process=1,
                                               process=_upper, then=Priority(), background=True))
    if hasattr(os, "SCHED_OTHER"):
        assert policy == os.SCHED_OTHER
    assert nice == min(19, here + BACKGROUND_NICENESS)
    ((policy, nice), _), = list(map_in_workers(EchoPipeline(), [("x", 0)], batch_size=1, n_process=1,
                                               process=_upper, then=Priority()))
    assert nice == here
