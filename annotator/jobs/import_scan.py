"""What an import and its preview share: reading every file, article by article, with near-duplicate detection.

``ImportScan`` walks the inputs and yields one ``Found`` per article or refusal, checking the cancel flag and
reporting progress between articles (so a single 500-article export shows progress and can be cancelled). Each
article is compared with the project's articles and with those found before it in the same import.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.core.text_checks import printable_name
from annotator.io import iter_inputs, read_file_located
from annotator.io.sources.fields import NOTE_KEY
from annotator.jobs.near_duplicate_settings import DEFAULT_THRESHOLD
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.summaries import NearDuplicate
from annotator.store.repository import Repository

if TYPE_CHECKING:
    from annotator.jobs.near_duplicates import Match, NearDuplicateIndex

#: Progress is reported every this many articles inside one file.
PROGRESS_EVERY = 25


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def where_of(path: Path, article: ArticleIn | None, line: int | None) -> str:
    """How a summary names an article: ``file:line`` (JSONL), ``file article N`` (an export), or the file."""
    where = source_path(path, article)
    if line is not None:
        return f"{where}:{line}"
    number = article.meta.get("article_number") if article is not None else None
    return f"{where} article {number}" if number else str(where)


def source_path(path: Path, article: ArticleIn | None) -> Path:
    """The file an article comes from: ``path``, or ``archive.zip/member`` for a member of a .zip."""
    name = article.file if article is not None else ""
    return path.parent / name if name.startswith(path.name + "/") else path


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
        return path.absolute()


@dataclass
class Found:
    """One article read (``article``) or one refusal (``error``), with where it is and what it repeats."""

    path: Path
    line: int | None
    article: ArticleIn | None = None
    error: InputError | None = None
    note: str = ""
    key: int = 0  # provisional key of the article in the near-duplicate index
    sha: str = ""
    exact_duplicate: bool = False  # same text as an article found earlier or already in the project
    near: NearDuplicate | None = None
    near_key: object = None  # index key of the article it repeats

    @property
    def where(self) -> str:
        return where_of(self.path, self.article, self.line)


class ImportScan:
    """Read the inputs, article by article, and find what repeats what.

    Args:
        repo: the project (its articles are indexed for near-duplicates on the first article read), or None.
        threshold: near-duplicate similarity (None: no near-duplicate detection).
        progress, cancel: as the jobs take them; ``cancelled`` tells afterwards whether the scan stopped.
        project_duplicates: mark articles whose text the project has (``Found.exact_duplicate``); an import
            leaves that to the store.
    """

    def __init__(
        self,
        repo: Repository | None,
        *,
        threshold: float | None = DEFAULT_THRESHOLD,
        progress: ProgressCallback = no_progress,
        cancel: CancelFlag | None = None,
        project_duplicates: bool = True,
    ) -> None:
        self._repo = repo
        # Without near-duplicate detection the project's texts are read only to mark exact duplicates.
        self._read_project = project_duplicates or threshold is not None
        self._index: NearDuplicateIndex | None = None
        if threshold is not None:
            # Imported only when the check runs: it loads numpy, datasketch and scipy (see near_duplicate_settings).
            from annotator.jobs.near_duplicates import NearDuplicateIndex

            self._index = NearDuplicateIndex(threshold)
        self._progress = progress
        self._cancel = cancel
        self._loaded = False
        self._seq = 0
        self._labels: dict[object, tuple[str, str | None]] = {}  # key -> (how to name it, stored id)
        self._shas: set[str] = set()
        self.cancelled = False

    # -------------------------------------------------------------- the project's articles
    def _load_project(self) -> None:
        """Index the project's articles once (texts read in batches)."""
        self._loaded = True
        if self._repo is None or not self._read_project:
            return
        for view in self._repo.iter_articles():
            self._shas.add(view.text_sha256)
            if self._index is not None:
                self._index.add(view.id, self._index.signature(view.text))
                self._labels[view.id] = (f'{view.id} "{view.title}"', view.id)

    # -------------------------------------------------------------- scanning
    def _stopped(self) -> bool:
        if self._cancel is not None and self._cancel.cancelled:
            self.cancelled = True
        return self.cancelled

    def _own_files(self) -> set[Path]:
        """The project's own database files (a folder holding the project is imported without them)."""
        location = self._repo.location if self._repo is not None else ""
        if not location or "://" in location:
            return set()
        base = Path(location)
        own = {base, *(base.with_name(base.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
        return {_resolved(p) for p in own}

    def scan(self, paths: Sequence[str | Path]) -> Iterator[Found]:
        """Every article and refusal under ``paths``, in order; stops early on cancel."""
        own = self._own_files()
        files = [f for f in iter_inputs(paths) if not own or _resolved(f) not in own]
        total = len(files)
        self._progress(Progress(0, total, "reading"))
        for done, path in enumerate(files):
            if self._stopped():
                return
            for count, (item, line) in enumerate(read_file_located(path), start=1):
                if isinstance(item, InputError):
                    yield Found(path, line, error=item)
                else:
                    yield self._article(path, line, item)
                if count % PROGRESS_EVERY == 0:
                    self._progress(Progress(done, total, f"{printable_name(path.name)}: article {count}"))
                if self._stopped():
                    return
            self._progress(Progress(done + 1, total, printable_name(path.name)))

    def _article(self, path: Path, line: int | None, article: ArticleIn) -> Found:
        if not self._loaded:
            self._load_project()
        note = article.meta.pop(NOTE_KEY, "")
        found = Found(path, line, article=article, note=str(note) if note else "")
        if self._index is None and not self._read_project:
            return found  # an import without near-duplicate detection: the store checks exact duplicates
        found.sha = text_sha256(article.text) if isinstance(article.text, str) else ""
        if found.sha in self._shas:
            found.exact_duplicate = True
            return found
        self._shas.add(found.sha)
        if self._index is None or not isinstance(article.text, str):
            return found
        self._seq += 1
        found.key = self._seq
        sig = self._index.signature(article.text)
        matches = self._index.query(sig)
        if matches:
            found.near_key = matches[0].key
            found.near = self._near(found, matches[0])
        self._index.add(found.key, sig)
        self._labels[found.key] = (f'{found.where} "{article.title}"', None)
        return found

    def _near(self, found: Found, match: Match) -> NearDuplicate:
        label, stored = self._labels[match.key]
        assert found.article is not None
        return NearDuplicate(found.where, found.article.title, label, stored, match.similarity)

    def refresh(self, found: Found) -> None:
        """Name the article ``found`` repeats again (it may have been stored since it was found)."""
        if found.near is not None and found.near_key in self._labels:
            label, stored = self._labels[found.near_key]
            found.near = NearDuplicate(found.near.where, found.near.title, label, stored, found.near.similarity)

    def stored(self, found: Found, article_id: str) -> None:
        """Tell the scan that ``found`` is now article ``article_id`` (later near-duplicates name that id)."""
        if found.key and found.key in self._labels:
            assert found.article is not None
            self._labels[found.key] = (f'{article_id} "{found.article.title}"', article_id)

    def dropped(self, found: Found) -> None:
        """``found`` was not stored (refused or skipped): nothing later can repeat it."""
        if self._index is not None and found.key:
            self._index.remove(found.key)
        self._shas.discard(found.sha)
