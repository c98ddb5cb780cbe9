"""Write a file atomically (temporary file in the same folder, then ``os.replace``); check for cancel.

A crash, an exception or a cancel while writing leaves the previous target untouched and no temporary file; the
temporary file of a killed process is removed by the next export to the same target.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
import time
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


#: A temporary file of an unknown writer (older versions named no process) is removed when this old.
STALE_AFTER_SECONDS = 3600


def _part_prefix(target: Path) -> str:
    return f".{target.name}."


def _owner_tag() -> str:
    """``host-pid`` of this process: a later export can tell whether the writer of a ``.part`` file is alive."""
    host = "".join(ch for ch in socket.gethostname() if ch.isalnum() or ch == "-")[:40] or "host"
    return f"{host}-{os.getpid()}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def remove_stale_parts(target: Path) -> list[Path]:
    """Delete temporary files next to ``target`` left by exports that were killed; returns what was removed.

    A ``.part`` file written by this host is stale when its process no longer runs; one without an owner tag
    (written by an older version) or from another host when it is older than :data:`STALE_AFTER_SECONDS`.
    An export running now, here or on another machine sharing the folder, keeps its file.
    """
    removed: list[Path] = []
    prefix = _part_prefix(target)
    host = _owner_tag().rsplit("-", 1)[0]
    try:
        candidates = [p for p in target.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(".part")]
    except OSError:
        return removed
    for part in candidates:
        owner = part.name[len(prefix):].split(".", 1)[0]
        owner_host, _, pid = owner.rpartition("-")
        try:
            if owner_host == host and pid.isdigit():
                stale = not _pid_alive(int(pid))
            else:
                stale = time.time() - part.stat().st_mtime > STALE_AFTER_SECONDS
            if stale:
                part.unlink()
                removed.append(part)
        except OSError:
            continue
    return removed


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
        AnnotatorError: the target cannot be written (missing folder, no permission, target is a folder, full
            disk, file size limit); the previous target is unchanged and no temporary file is left.

    Temporary files of exports that were killed (SIGKILL leaves no chance to clean up) are removed first.
    """
    target = Path(path)
    folder = target.parent
    if target.is_dir():
        raise AnnotatorError(f"cannot write {target}: it is a folder")
    remove_stale_parts(target)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=_part_prefix(target) + _owner_tag() + ".", suffix=".part", dir=folder)
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
    except BaseException as exc:
        with suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and not isinstance(exc, AnnotatorError):
            # A full disk (ENOSPC), a file size limit (EFBIG, `ulimit -f`), a vanished network share: one line.
            raise AnnotatorError(f"cannot write {target}: {exc.strerror or exc}; the previous file is unchanged "
                                 "and no partial file is left") from None
        raise
