"""The suggestion paths keep the memory a parse frees (glibc's mallopt), so the next batch is not faulted in again.

The figure is a kernel count, not a time: minor page faults (``ru_minflt``) of a child process that frees and
reallocates blocks of megabytes the way a batch of spaCy's network does, with and without the settings.
"""

from __future__ import annotations

import platform
import subprocess
import sys
import textwrap
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest

import annotator.jobs.suggesting as suggesting
import annotator.nlp.workers as workers

glibc = pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                           reason="glibc's allocator settings")

# Eight blocks of 4 MiB written and freed, ten times: with glibc's defaults the free top of the heap (32 MiB, more
# than twice the largest block) is handed back to the kernel after each round, and written again page by page.
_BATCHES = textwrap.dedent(
    """
    import resource, sys
    from annotator.nlp.allocator import keep_freed_memory
    if sys.argv[1] == "keep":
        assert keep_freed_memory()
    def batch():
        blocks = [bytearray(4 << 20) for _ in range(8)]
        for block in blocks:
            block[::4096] = b"x" * len(range(0, len(block), 4096))
    batch()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(10):
        batch()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    """
)


def _faults(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", _BATCHES, mode], capture_output=True, text=True, check=True)
    return int(out.stdout.strip())


@glibc
def test_kept_memory_is_not_faulted_in_again() -> None:
    default, kept = _faults("default"), _faults("keep")
    pages = 10 * 8 * (4 << 20) // 4096  # every page of every round
    assert default > pages // 2
    assert kept < pages // 20


class _Pipeline:
    def pipe(self, texts: Iterable[str], batch_size: int) -> Iterator[str]:
        return iter(list(texts))


_CALLED: list[bool] = []


def _was_called(doc: str, context: int) -> bool:
    return bool(_CALLED)


def test_worker_processes_keep_freed_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    # The workers are forked after the patch: each records its own call, which the result reports.
    def record() -> bool:
        _CALLED.append(True)
        return True

    monkeypatch.setattr(workers, "keep_freed_memory", record)
    seen = [called for called, _ in workers.map_in_workers(_Pipeline(), ((f"t{i}", i) for i in range(6)),
                                                           batch_size=2, n_process=2, process=_was_called)]
    assert seen == [True] * 6
    assert not _CALLED  # the parent itself is left as it is


@pytest.mark.slow
def test_the_one_process_suggest_job_keeps_freed_memory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from annotator.core.records import ArticleIn
    from annotator.store import open_repository

    calls: list[Any] = []
    def record() -> bool:
        calls.append("one process")
        return True

    monkeypatch.setattr(suggesting, "keep_freed_memory", record)
    repo = open_repository(str(tmp_path / "p.db"))
    repo.add_article(ArticleIn(text="Lavrov said that the talks would go on.", ext_id="a"))
    summary = suggesting.suggest(repo)
    repo.close()
    assert summary.articles == 1
    assert calls == ["one process"]
