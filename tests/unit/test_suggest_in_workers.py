"""The window's suggestion runs: spaCy and the claim rules in a worker process, the suggestions stored by another.

A parse on a thread of the GUI process holds the interpreter lock that every key press needs, and so does the
store's Python, so the window runs ``suggest(..., in_workers=True)``: the pipeline (loaded once) and the rules run
in a forked child, the suggestions are stored by a process of its own (started fresh, with its own connection),
and this process only reads the texts. These tests check that the results are the very rows the in-process run
stores, that neither the parse nor the store happened here, and that a cancel stops both children and leaves
every article either fully suggested or not at all, counted exactly (slow: they load spaCy).
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.resources import seeds_dir
from annotator.jobs.progress import CancelFlag, Progress
from annotator.jobs.suggesting import suggest
from annotator.nlp.pipeline import LoadedPipeline, load_pipeline
from annotator.store import open_repository
from annotator.store.repository import Repository

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded() -> Iterator[LoadedPipeline]:
    yield load_pipeline()


def _project(path: Path) -> tuple[Repository, list[str]]:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("no seeds folder in this install")
    from annotator.jobs.importing import import_paths

    repo = open_repository(str(path))
    import_paths(repo, [str(folder)])
    return repo, repo.articles_needing_suggestions("none", force=True)


def _stored(repo: Repository, ids: list[str]) -> dict[str, tuple[Any, ...]]:
    def entity(e: Any) -> tuple[Any, ...]:
        return (e.start, e.end, e.label, e.status, e.origin)

    def claim(c: Any) -> tuple[Any, ...]:
        roles = tuple((r.start, r.end) if r is not None else (-1, -1) for r in (c.source, c.cue, c.content))
        return (roles, c.kind, c.form, c.status, c.origin)

    return {
        aid: (sorted(entity(e) for e in repo.entities_for(aid, layer="suggestions")),
              sorted(claim(c) for c in repo.claims_for(aid, layer="suggestions")))
        for aid in ids
    }


def test_suggestions_made_in_a_worker_process_are_the_ones_made_here(
    loaded: LoadedPipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here, ids = _project(tmp_path / "here.db")
    there, _ = _project(tmp_path / "there.db")
    workers_seen: list[int] = []

    def progress(p: Progress) -> None:
        if p.done > 0:
            workers_seen.append(len(multiprocessing.active_children()))

    stored_here: list[str] = []
    original = Repository.store_suggestions

    def store_and_note(repo: Repository, suggestions: Any) -> Any:
        if os.getpid() == parent:
            stored_here.append(suggestions.article_id)
        return original(repo, suggestions)

    parent = os.getpid()
    monkeypatch.setattr(Repository, "store_suggestions", store_and_note)
    try:
        plain = suggest(here, loaded=loaded)
        assert len(stored_here) == len(ids)  # the in-process run stores here
        stored_here.clear()
        separate = suggest(there, loaded=loaded, in_workers=True, progress=progress)
        assert stored_here == []  # ... the window's run does not
        assert (separate.articles, separate.entities, separate.claims) == (
            plain.articles, plain.entities, plain.claims)
        assert separate.entities > 0 and separate.claims > 0
        assert _stored(there, ids) == _stored(here, ids)
        # one child parsed while another stored
        assert workers_seen and min(workers_seen) == 2
        assert multiprocessing.active_children() == []  # and it is gone at the end
    finally:
        here.close()
        there.close()


def test_a_cancel_stops_the_worker_and_leaves_no_article_half_suggested(
    loaded: LoadedPipeline, tmp_path: Path
) -> None:
    repo, ids = _project(tmp_path / "p.db")
    reference, _ = _project(tmp_path / "reference.db")
    cancel = CancelFlag()

    def progress(p: Progress) -> None:
        if p.done >= 2:
            cancel.cancel()

    try:
        summary = suggest(repo, loaded=loaded, in_workers=True, progress=progress, cancel=cancel, batch_size=1)
        assert summary.cancelled and 2 <= summary.articles < len(ids)
        assert multiprocessing.active_children() == []
        suggest(reference, loaded=loaded)
        stored, complete = _stored(repo, ids), _stored(reference, ids)
        done = [aid for aid in ids if stored[aid] != ([], [])]
        assert len(done) == summary.articles  # what was reported done is stored, and nothing else
        assert all(stored[aid] == complete[aid] for aid in done)  # each one whole
        # The rest is suggested by the next run, as if the cancelled one had never reached it.
        again = suggest(repo, loaded=loaded, in_workers=True)
        assert again.articles == len(ids) - summary.articles
        assert _stored(repo, ids) == complete
    finally:
        repo.close()
        reference.close()

