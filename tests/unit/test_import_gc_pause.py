"""The import pauses Python's cyclic garbage collector while it runs, and always gives it back."""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import annotator.jobs.importing as importing
from annotator.jobs.importing import cyclic_gc_paused, import_paths
from annotator.jobs.progress import Progress
from annotator.store.repository import Repository


@pytest.fixture
def gc_restored() -> Iterator[None]:
    was = gc.isenabled()
    try:
        yield
    finally:
        (gc.enable if was else gc.disable)()


def _jsonl(tmp_path: Path, n: int = 3) -> Path:
    path = tmp_path / "a.jsonl"
    path.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Article number {i} says little."}) + "\n"
                            for i in range(n)), encoding="utf-8")
    return path


def test_paused_during_the_import_and_enabled_after(repo: Repository, tmp_path: Path, gc_restored: None) -> None:
    gc.enable()
    seen: list[bool] = []

    def progress(_p: Progress) -> None:
        seen.append(gc.isenabled())

    summary = import_paths(repo, [_jsonl(tmp_path)], progress=progress, near_duplicate_threshold=None)
    assert summary.imported == 3
    assert seen and not any(seen)
    assert gc.isenabled()


def test_enabled_again_when_the_import_fails(repo: Repository, tmp_path: Path, gc_restored: None) -> None:
    gc.enable()

    def progress(_p: Progress) -> None:
        raise RuntimeError("the window went away")

    with pytest.raises(RuntimeError):
        import_paths(repo, [_jsonl(tmp_path)], progress=progress)
    assert gc.isenabled()


def test_a_collector_paused_by_the_caller_stays_paused(gc_restored: None) -> None:
    gc.disable()
    with cyclic_gc_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_cyclic_garbage_of_a_batch_is_collected_during_a_long_import(
    repo: Repository, tmp_path: Path, gc_restored: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each stored batch collects the young generation, so reference cycles made while the collector is paused
    do not pile up over an import of many batches."""

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    made: list[weakref.ref[Cycle]] = []
    real_store = importing._store_batch

    def store(*args: Any) -> None:
        made.append(weakref.ref(Cycle()))  # unreachable at once, but only the cyclic collector can free it
        real_store(*args)

    gc.enable()
    monkeypatch.setattr(importing, "_store_batch", store)
    monkeypatch.setattr(importing, "BATCH", 2)
    summary = import_paths(repo, [_jsonl(tmp_path, 5)], near_duplicate_threshold=None)
    assert summary.imported == 5
    assert len(made) >= 3 and all(ref() is None for ref in made)
