"""Write a file atomically (temporary file in the same folder, then ``os.replace``); check for cancel.

A crash, an exception or a cancel while writing leaves the previous target untouched and no temporary file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, Protocol, runtime_checkable

from annotator.core.errors import AnnotatorError, CancelledError

#: Mode of a new export file when no previous file gives one (``mkstemp`` would make it owner-only).
DEFAULT_FILE_MODE = 0o644


@runtime_checkable
class CancelLike(Protocol):
    """Anything with a ``cancelled`` property, such as ``annotator.jobs.progress.CancelFlag``."""

    @property
    def cancelled(self) -> bool: ...


#: A cancel request: a ``CancelFlag``-like object or a plain ``() -> bool`` callable.
Cancel = CancelLike | Callable[[], bool]
#: Called after each written article with the number of articles written so far.
OnArticle = Callable[[int], None]


class Checkpoint:
    """Counts written articles, reports progress and raises ``CancelledError`` when a cancel is requested."""

    def __init__(self, cancel: Cancel | None = None, on_article: OnArticle | None = None) -> None:
        self._cancel = cancel
        self._on_article = on_article
        self.count = 0

    def cancelled(self) -> bool:
        if self._cancel is None:
            return False
        if isinstance(self._cancel, CancelLike):
            return bool(self._cancel.cancelled)
        return bool(self._cancel())

    def check(self) -> None:
        """Raise CancelledError if a cancel was requested."""
        if self.cancelled():
            raise CancelledError("export cancelled by the user; the previous file is unchanged")

    def done_one(self) -> None:
        """Record one more written article and report it."""
        self.count += 1
        if self._on_article is not None:
            self._on_article(self.count)


def _target_mode(target: Path) -> int:
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return DEFAULT_FILE_MODE


@contextmanager
def atomic_open(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """Open a temporary file next to ``path``; on a clean exit it replaces ``path``, otherwise it is removed.

    Args:
        path: the target file (its folder must exist).
        mode: ``"w"`` (text) or ``"wb"`` (bytes).
        encoding: text encoding (ignored in binary mode).
        newline: as for ``open`` (``""`` for the csv module).

    Yields:
        The open temporary file.

    Raises:
        AnnotatorError: the target cannot be written (missing folder, no permission, target is a folder).
    """
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise AnnotatorError(f"cannot write {target}: it is a folder")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except FileNotFoundError:
        raise AnnotatorError(f"cannot write {target}: the folder {folder} does not exist") from None
    except OSError as exc:
        # Name the file the user chose, not the temporary file next to it.
        raise AnnotatorError(f"cannot write {target}: {exc.strerror or exc}") from None
    tmp = Path(tmp_name)
    try:
        binary = "b" in mode
        with os.fdopen(
            fd, mode, encoding=None if binary else encoding, newline=None if binary else newline
        ) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, _target_mode(target))
        os.replace(tmp, target)
    except BaseException:
        with suppress(OSError):
            tmp.unlink()
        raise
