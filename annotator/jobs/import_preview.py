"""A preview of an import: every article the inputs hold and every refusal, without storing anything.

``annotator import --dry-run`` prints it; File › Import shows it as a table and imports when the user confirms.
With the project given, articles already in it are marked as duplicates and near-duplicates are found against
it too, exactly as the import will.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.jobs.import_scan import ImportScan, source_path
from annotator.jobs.near_duplicate_settings import DEFAULT_THRESHOLD
from annotator.jobs.progress import CancelFlag, ProgressCallback, no_progress
from annotator.store.repository import Repository

NEW, DUPLICATE, NEAR_DUPLICATE, REFUSED = "new", "duplicate", "near-duplicate", "refused"


@dataclass(frozen=True)
class PreviewRow:
    """One article found (or one refusal): what the preview table shows."""

    file: str
    number: str  # article number in the file, the JSONL line, or "" for a one-article file
    title: str
    date: str
    outlet: str
    words: int
    status: str  # new, duplicate, near-duplicate, refused
    detail: str = ""  # the refusal's reason, what a near-duplicate repeats, a note


@dataclass
class ImportPreview:
    rows: list[PreviewRow] = field(default_factory=list)
    cancelled: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def headline(self) -> str:
        return (f"{self.count(NEW)} articles to import, {self.count(DUPLICATE)} duplicates, "
                f"{self.count(NEAR_DUPLICATE)} near-duplicates, {self.count(REFUSED)} refused"
                + (" (preview cancelled: incomplete)" if self.cancelled else ""))

    def lines(self) -> list[str]:
        """A plain-text table: file, number, title, date, outlet, words, status (and detail)."""
        header = ("file", "#", "title", "date", "outlet", "words", "status")
        table = [header] + [
            (r.file, r.number, _cut(r.title, 50), r.date, _cut(r.outlet, 24), str(r.words) if r.words else "",
             r.status + (f": {r.detail}" if r.detail else ""))
            for r in self.rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
        out = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1] for row in table]
        return [line.rstrip() for line in out] + [self.headline()]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def preview_paths(
    paths: Sequence[str | Path],
    *,
    repo: Repository | None = None,
    near_duplicate_threshold: float | None = DEFAULT_THRESHOLD,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> ImportPreview:
    """Read the inputs as an import would, and list what it would do; nothing is stored.

    Args:
        paths: files and folders.
        repo: the project, to mark articles it already has (None: compare within the inputs only).
        near_duplicate_threshold: as for the import (None: no near-duplicate detection).
        progress, cancel: as for the import (a cancelled preview is marked incomplete).
    """
    preview = ImportPreview()
    scan = ImportScan(repo, threshold=near_duplicate_threshold, progress=progress, cancel=cancel)
    for found in scan.scan(paths):
        if found.error is not None:
            error = found.error
            number = str(error.line) if error.line is not None else ""
            preview.rows.append(PreviewRow(error.path, number, "", "", "", 0, REFUSED, error.reason))
            continue
        article = found.article
        assert article is not None
        number = str(found.line) if found.line is not None else str(article.meta.get("article_number", ""))
        if found.exact_duplicate:
            status, detail = DUPLICATE, "the same text is already in the project or earlier in this import"
        elif found.near is not None:
            status, detail = NEAR_DUPLICATE, f"repeats {found.near.of} (similarity {found.near.similarity:.2f})"
        else:
            status, detail = NEW, found.note
        words = len(article.text.split()) if isinstance(article.text, str) else 0
        where = str(source_path(found.path, article))
        preview.rows.append(PreviewRow(where, number, article.title, article.date or "", article.source, words,
                                       status, detail))
    preview.cancelled = scan.cancelled
    return preview
