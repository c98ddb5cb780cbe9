"""The worker processes of ``suggest --processes N`` get small tasks, and share the end of a run (issue 15, 33).

A run ends when its last task does; with tasks as large as spaCy's batch (32 texts) one worker parsed the last
32 texts alone while the other waited, about a tenth of a 500-article run. No spaCy here: a stand-in pipeline
records how many texts each of its ``pipe`` calls got and which process ran it.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Iterable, Iterator
from typing import Any

import pytest

from annotator.nlp.workers import BACKGROUND_NICENESS, TASK_TEXTS, WorkerFailed, map_in_workers


class CountingPipeline:
    """``pipe`` yields, per text, the size of the call it came in and the pid of the process that ran it."""

    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[tuple[str, int, int]]:
        batch = list(texts)
        assert len(batch) <= batch_size
        return iter([(text, len(batch), os.getpid()) for text in batch])


def _keep(doc: tuple[str, int, int], context: int) -> tuple[str, int, int, int]:
    return (*doc, context)


def test_tasks_are_small_whatever_the_batch_size_and_results_keep_their_order() -> None:
    texts = [f"text {i}" for i in range(101)]
    out = list(map_in_workers(CountingPipeline(), ((t, i) for i, t in enumerate(texts)), batch_size=32,
                              n_process=2, process=_keep))
    assert [(doc[0], ctx) for doc, ctx in out] == [(t, i) for i, t in enumerate(texts)]
    assert [doc[3] for doc, _ in out] == list(range(101))  # each context travelled with its own text
    sizes = {doc[1] for doc, _ in out}
    assert max(sizes) == TASK_TEXTS < 32
    assert os.getpid() not in {doc[2] for doc, _ in out}  # parsed in the workers, not here


def test_a_batch_size_below_the_task_size_is_kept() -> None:
    out: list[Any] = list(map_in_workers(CountingPipeline(), ((f"t{i}", i) for i in range(10)), batch_size=3,
                                         n_process=2, process=_keep))
    assert max(doc[1] for doc, _ in out) == 3
    assert [ctx for _, ctx in out] == list(range(10))


def test_with_the_expected_count_the_last_texts_go_one_per_task() -> None:
    n = 101
    out = list(map_in_workers(CountingPipeline(), ((f"text {i}", i) for i in range(n)), batch_size=32,
                              n_process=2, process=_keep, expected=n))
    assert [ctx for _, ctx in out] == list(range(n))
    sizes = [doc[1] for doc, _ in out]
    tail = 2 * TASK_TEXTS
    assert sizes[-tail:] == [1] * tail  # the workers end within one text of each other
    assert set(sizes[: n - tail - TASK_TEXTS]) == {TASK_TEXTS}  # before that, full tasks


def test_a_wrong_expected_count_changes_only_the_task_sizes() -> None:
    for expected in (0, 5, 1000):
        out = list(map_in_workers(CountingPipeline(), ((f"t{i}", i) for i in range(40)), batch_size=32,
                                  n_process=2, process=_keep, expected=expected))
        assert [(doc[0], ctx) for doc, ctx in out] == [(f"t{i}", i) for i in range(40)]


class FailingPipeline:
    """Fails on the text ``"bad"``, in the worker, the way a broken custom component would."""

    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[str]:
        for text in texts:
            if text == "bad":
                raise ValueError("this component cannot read the text")
            yield text


def _keep_text(doc: str, context: int) -> str:
    return doc


def test_a_worker_failure_says_what_failed_and_logs_the_workers_own_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pairs = [("fine", 0), ("bad", 1)]
    with caplog.at_level(logging.ERROR, logger="annotator.nlp.workers"), pytest.raises(WorkerFailed) as failed:
        list(map_in_workers(FailingPipeline(), iter(pairs), batch_size=1, n_process=1, process=_keep_text))
    assert "ValueError: this component cannot read the text" in str(failed.value)
    # The traceback is the worker's, down to the line that raised: the parent's own would end in this module.
    assert "in pipe" in failed.value.child_traceback
    assert failed.value.child_traceback in caplog.text
    assert multiprocessing.active_children() == []  # the worker was stopped


def _priority(doc: tuple[str, int, int], context: int) -> tuple[int, int]:
    policy = os.sched_getscheduler(0) if hasattr(os, "sched_getscheduler") else -1
    return policy, os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(not hasattr(os, "nice"), reason="no nice values on this platform")
def test_background_workers_run_below_their_parent_which_keeps_its_priority() -> None:
    # The window's suggestion run: spaCy keeps a core busy, and at the window's priority a key press waited for a
    # core to paint; merely niced, the threads the press wakes (database worker, writer) still queued beside the
    # window's thread. The idle policy leaves the worker only CPU time nothing else wants. Only the worker process
    # is lowered: a lowered thread of the window holding the interpreter lock would keep the window's thread
    # waiting.
    here = _priority(("", 0, 0), 0)
    lowered = {p for p, _ in map_in_workers(CountingPipeline(), ((f"t{i}", i) for i in range(20)), batch_size=4,
                                            n_process=1, process=_priority, background=True)}
    if hasattr(os, "SCHED_IDLE"):
        assert lowered == {(os.SCHED_IDLE, here[1])}
    else:
        assert lowered == {(here[0], min(19, here[1] + BACKGROUND_NICENESS))}
    assert _priority(("", 0, 0), 0) == here
    same = {p for p, _ in map_in_workers(CountingPipeline(), ((f"t{i}", i) for i in range(4)), batch_size=4,
                                         n_process=1, process=_priority)}
    assert same == {here}  # the CLI's suggest --processes N keeps the priority it was started with
