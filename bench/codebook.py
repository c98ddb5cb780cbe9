"""Codebook operations on a coded project: rename, undo, merge, "where used" and the per-code counts.

The project holds ``mentions`` entity rows in one annotator's layer, 100 per article, half of them ORG and half
PERSON, built straight through the repository (no spaCy). A rename recodes every row that uses the code in one
transaction and one audit event; its undo sets them back. The editor lists the first 200 rows of "where used" and
shows a count per code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.codebook import Section
from annotator.core.records import ArticleIn, EntityIn
from annotator.store import open_repository

Row = tuple[str, float, str, float | None]
PER_ARTICLE = 100


def _build(path: Path, mentions: int) -> Any:
    repo = open_repository(str(path))
    repo.ensure_annotator("alice")
    words = [f"W{i}" for i in range(PER_ARTICLE)]
    for a in range(max(1, mentions // PER_ARTICLE)):
        text = f"Article {a}: " + " ".join(words)
        entities, pos = [], 0
        for i, word in enumerate(words):
            start = text.index(word, pos)
            pos = start + len(word)
            entities.append(EntityIn(start, pos, "ORG" if i % 2 else "PERSON", annotator="alice"))
        repo.add_article(ArticleIn(text=text, entities=entities))
    return repo


def _seconds(fn: Callable[[], Any]) -> tuple[float, Any]:
    began = time.perf_counter()
    result = fn()
    return time.perf_counter() - began, result


def bench_codebook(work: Path, mentions: int) -> list[Row]:
    repo = _build(work / "codebook.db", mentions)
    try:
        half = mentions // 2
        rename_s, change = _seconds(lambda: repo.rename_code(Section.LABEL, "ORG", "COMPANY", "alice"))
        undo_s, _ = _seconds(lambda: repo.revert(change.event_id, "alice"))
        merge_s, _ = _seconds(lambda: repo.merge_codes(Section.LABEL, "ORG", "PERSON", "alice"))
        where_s, _ = _seconds(lambda: repo.where_used(Section.LABEL, "PERSON", limit=200))
        counts_s, _ = _seconds(lambda: repo.code_counts(Section.LABEL))
        read_s, _ = _seconds(repo.codebook)
    finally:
        repo.close()
    return [
        (f"codebook: rename a label used by {half:,} mentions (one undoable event)", rename_s, "s", 3.0),
        (f"codebook: undo that rename ({half:,} mentions back)", undo_s, "s", 3.0),
        (f"codebook: merge a label of {half:,} mentions into another", merge_s, "s", 3.0),
        (f"codebook: where used, first 200 of {mentions:,} mentions", where_s, "s", 0.3),
        (f"codebook: mentions per label over {mentions:,} mentions", counts_s, "s", 0.3),
        ("codebook: read the project's codebook (a call of the repository)", read_s * 1000, "ms", 5.0),
    ]
