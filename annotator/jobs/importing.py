"""Import files and folders into the database: one bad file, line or article never stops the rest.

Articles are stored in batches (one transaction each, see ``Repository.add_articles``); near-duplicates of the
project's articles or of articles earlier in the same import are skipped, or kept and marked
(``meta["near_duplicate_of"]``, ``meta["near_duplicate_similarity"]``) with ``keep_near_duplicates``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.names import validate_annotator_name
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, ArticleIn, ImportResult
from annotator.jobs.import_scan import Found, ImportScan
from annotator.jobs.near_duplicate_settings import DEFAULT_THRESHOLD
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.summaries import ImportSummary
from annotator.store.repository import Repository

#: Articles stored per transaction (a few MB of text: large enough that statements and commits are few).
BATCH = 2000
#: Articles indexed for the text filter per transaction by ``catch_up_search`` (a second or so of work).
INDEX_STEP = 1000
#: Meta keys of a near-duplicate kept with ``keep_near_duplicates``.
NEAR_DUPLICATE_OF = "near_duplicate_of"
NEAR_DUPLICATE_SIMILARITY = "near_duplicate_similarity"
#: From this many articles stored, an import ends by settling the tables it filled (``settle_after_import``:
#: on PostgreSQL the first filters after a large import are otherwise 2-3 times slower until autovacuum runs).
SETTLE_AFTER = 1000


def import_paths(
    repo: Repository,
    paths: Sequence[str | Path],
    *,
    annotator: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    near_duplicate_threshold: float | None = DEFAULT_THRESHOLD,
    keep_near_duplicates: bool = False,
) -> ImportSummary:
    """Import every readable article under ``paths``; refusals are collected, not raised.

    Args:
        repo: the open project.
        paths: files and folders (folders are walked recursively).
        annotator: layer for pre-existing annotations that name no annotator (None: the suggestions layer).
        progress: called after each file and every few articles inside a file, with (files done, files total).
        cancel: checked between articles; on cancel the articles imported so far are kept.
        near_duplicate_threshold: similarity from which an article repeats another (None: no detection).
        keep_near_duplicates: import near-duplicates too, marked in their meta, instead of skipping them.

    Returns:
        What was imported, skipped as duplicate or near-duplicate, and refused (with file, line or article
        number, and reason).
    """
    if annotator is not None and annotator not in (SUGGESTIONS_LAYER, GOLD_LAYER):
        annotator = validate_annotator_name(annotator)
    with cyclic_gc_paused():
        return _import(repo, paths, annotator, progress, cancel, near_duplicate_threshold, keep_near_duplicates)


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the block (the previous setting comes back after it).

    An import builds millions of short-lived containers (the decoded records, their articles and spans, the
    rows) and keeps a batch of them alive at a time, so the collector runs hundreds of times and walks every
    live object each time it reaches the oldest generation: 15% of the CPU of an import of 250,000 spans
    (py-spy). Those objects hold no reference cycles, so the collector would free nothing; reference counting
    frees them as before. Cyclic garbage made meanwhile (by any thread) is collected once the block ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import(
    repo: Repository,
    paths: Sequence[str | Path],
    annotator: str | None,
    progress: ProgressCallback,
    cancel: CancelFlag | None,
    near_duplicate_threshold: float | None,
    keep_near_duplicates: bool,
) -> ImportSummary:
    summary = ImportSummary()
    scan = ImportScan(repo, threshold=near_duplicate_threshold, progress=progress, cancel=cancel,
                      project_duplicates=False)
    pending: list[Found] = []
    skipped: list[Found] = []
    for found in scan.scan(paths):
        if found.error is not None:
            summary.refused.append(found.error)
            continue
        if found.note:
            summary.notes.append(f"{found.where}: {found.note}")
        if found.near is not None:
            if not keep_near_duplicates:
                skipped.append(found)
                scan.dropped(found)
                continue
            if found.near.of_id is None:
                # It repeats an article of this import not stored yet: store that one first, to name its id.
                _flush(repo, pending, annotator, summary, scan)
                scan.refresh(found)
        # Exact duplicates go to the store too: it counts them, and adds the layers a round trip brings that
        # the stored article lacks.
        pending.append(found)
        if len(pending) >= BATCH:
            _flush(repo, pending, annotator, summary, scan)
    _flush(repo, pending, annotator, summary, scan)
    if summary.imported >= SETTLE_AFTER and not scan.cancelled:
        repo.settle_after_import()
    for found in skipped:
        scan.refresh(found)  # the article it repeats may have been stored since: name it by its id
        if found.near is not None:
            summary.near_duplicates.append(found.near)
    summary.cancelled = scan.cancelled
    return summary


def catch_up_search(
    repo: Repository, *, progress: ProgressCallback = no_progress, cancel: CancelFlag | None = None
) -> int:
    """Index the articles a bulk import stored for the text filter, in steps of :data:`INDEX_STEP` (each its
    own transaction, so the window and other writers are never held up long).

    ``import_paths`` stores the articles first and leaves their search-index entries for afterwards: indexing
    costs SQLite about three times what storing does. The CLI runs this right after the import, the window as
    a background job; the filter itself catches up before it searches, so it never misses an article.

    Returns:
        How many articles were indexed (a cancel stops between steps; the rest stays in the backlog).
    """
    total = repo.search_backlog()
    left = total
    while left:
        progress(Progress(total - left, total, "indexing for the filter"))
        if cancel is not None and cancel.cancelled:
            break
        left = repo.index_search_backlog(INDEX_STEP)
    progress(Progress(total - left, total, "indexing for the filter"))
    return total - left


def _flush(repo: Repository, pending: list[Found], annotator: str | None, summary: ImportSummary,
           scan: ImportScan) -> None:
    if not pending:
        return
    _store_batch(repo, pending, annotator, summary, scan)
    # The collector is paused during an import (``cyclic_gc_paused``). The batch is freed by now (a collection
    # while it was alive walked all its objects: 4% of an import), so this is cheap, and it keeps any cyclic
    # garbage (a reader's) from piling up over a long import.
    gc.collect(1)


def _store_batch(repo: Repository, pending: list[Found], annotator: str | None, summary: ImportSummary,
                 scan: ImportScan) -> None:
    for found in pending:
        if found.near is not None and found.article is not None:
            found.article.meta[NEAR_DUPLICATE_OF] = found.near.of_id
            found.article.meta[NEAR_DUPLICATE_SIMILARITY] = round(found.near.similarity, 3)
    articles = [f.article for f in pending if f.article is not None]
    try:
        results = repo.add_articles(articles, annotator=annotator)
    except UnicodeError:
        # The readers refuse lone surrogates; should any other string the database cannot encode remain, the
        # batch is rolled back and stored one by one, so only that article is refused.
        results = [_one(repo, article, annotator) for article in articles]
    for found, result in zip(pending, results, strict=True):
        if isinstance(result, Exception):
            # A record whose annotations do not fit its text is refused alone; the others go on.
            summary.refused.append(InputError(str(found.path), _prefix(found) + str(result), found.line))
            scan.dropped(found)
            continue
        for added in result.codebook_added:
            if added not in summary.codebook_added:
                summary.codebook_added.append(added)
        if result.created:
            summary.imported += 1
            summary.article_ids.append(result.article_id)
            scan.stored(found, result.article_id)
            if found.near is not None:
                summary.near_duplicates.append(replace(found.near, kept=True))
        else:
            summary.duplicates += 1
    pending.clear()


def _one(repo: Repository, article: ArticleIn, annotator: str | None) -> ImportResult | AnnotatorError:
    try:
        return repo.add_article(article, annotator=annotator)
    except AnnotatorError as error:
        return error
    except UnicodeError as error:
        return AnnotatorError(f"text the database cannot store: {error}")


def _prefix(found: Found) -> str:
    number = found.article.meta.get("article_number") if found.article is not None else None
    return f"article {number}: " if number and found.line is None else ""
