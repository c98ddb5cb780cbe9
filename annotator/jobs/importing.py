"""Import files and folders into the database: one bad file or line never stops the rest."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.core.errors import AnnotatorError, InputError
from annotator.core.names import validate_annotator_name
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, ArticleIn
from annotator.core.text_checks import printable_name
from annotator.io import iter_inputs, read_file_located
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.summaries import ImportSummary
from annotator.store.repository import Repository


def import_paths(
    repo: Repository,
    paths: Sequence[str | Path],
    *,
    annotator: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> ImportSummary:
    """Import every readable article under ``paths``; refusals are collected, not raised.

    Args:
        repo: the open project.
        paths: files and folders (folders are walked recursively).
        annotator: layer for pre-existing annotations that name no annotator (None: the suggestions layer).
        progress: called after each file with (files done, files total).
        cancel: checked between files and between the records of a file; on cancel the articles imported so far
            are kept.

    Returns:
        What was imported, skipped as duplicate and refused (with file, line and reason).
    """
    if annotator is not None and annotator not in (SUGGESTIONS_LAYER, GOLD_LAYER):
        annotator = validate_annotator_name(annotator)
    summary = ImportSummary()
    files = list(iter_inputs(paths))
    total = len(files)
    progress(Progress(0, total, "importing"))
    for done, path in enumerate(files, start=1):
        if cancel is not None and cancel.cancelled:
            summary.cancelled = True
            break
        for item, line in read_file_located(path):
            if cancel is not None and cancel.cancelled:
                summary.cancelled = True  # a JSONL file of a million lines stops between lines, not at its end
                break
            if isinstance(item, InputError):
                summary.refused.append(item)
                continue
            _store_one(repo, item, path, line, annotator, summary)
        if summary.cancelled:
            break
        progress(Progress(done, total, printable_name(path.name)))
    return summary


def _store_one(repo: Repository, article: ArticleIn, path: Path, line: int | None, annotator: str | None,
               summary: ImportSummary) -> None:
    try:
        result = repo.add_article(article, annotator=annotator)
    except AnnotatorError as error:
        # A record whose annotations do not fit its text is refused alone; the file's other records go on.
        summary.refused.append(InputError(str(path), str(error), line))
        return
    except UnicodeError as error:
        # The readers refuse lone surrogates; this keeps any other string the database cannot encode from
        # ending the import of everything after it.
        summary.refused.append(InputError(str(path), f"text the database cannot store: {error}", line))
        return
    for added in result.codebook_added:
        if added not in summary.codebook_added:
            summary.codebook_added.append(added)
    if result.created:
        summary.imported += 1
        summary.article_ids.append(result.article_id)
    else:
        summary.duplicates += 1
