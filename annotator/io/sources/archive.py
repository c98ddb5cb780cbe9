"""A .zip of exports: each member is read as if it were a file of its own, and named ``archive.zip/member``.

Members are unpacked one at a time into a private temporary folder (so every reader works on a real file,
nested archives included) and deleted after reading. Folders, hidden files and macOS resource forks are left
out; a member larger than the limit, or a zip that cannot be opened, is refused with a reason.
"""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.core.text_checks import printable_name

ARCHIVE_EXTENSIONS = frozenset({".zip"})
#: Size limit of one unpacked member.
DEFAULT_MAX_MEMBER_BYTES = 512 * 1024 * 1024

#: Reads one unpacked file: yields (item, line) pairs as ``annotator.io.readers.read_file_located`` does.
ReadMember = Callable[[Path], Iterator[tuple[ArticleIn | InputError, int | None]]]


def _skipped(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return name.endswith("/") or any(p.startswith(".") or p == "__MACOSX" for p in parts)


def read_archive(
    path: Path, read_member: ReadMember, *, max_member_bytes: int = DEFAULT_MAX_MEMBER_BYTES
) -> Iterator[tuple[ArticleIn | InputError, int | None]]:
    """The articles of every member of a .zip, in name order.

    Args:
        path: the .zip file.
        read_member: the reader of one unpacked member.
        max_member_bytes: size limit of one member, unpacked.

    Yields:
        (item, line) pairs; errors name ``archive.zip/member`` and articles get ``file`` = that name.
    """
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        yield InputError(str(path), "file not found"), None
        return
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield InputError(str(path), f"damaged or not a .zip file ({exc})"), None
        return
    with archive, tempfile.TemporaryDirectory(prefix="annotator-zip-") as tmp:
        members = sorted((m for m in archive.infolist() if not _skipped(m.filename)), key=lambda m: m.filename)
        if not members:
            yield InputError(str(path), "empty archive (no files in it)"), None
            return
        for index, member in enumerate(members):
            where = f"{path}/{member.filename}"
            if member.flag_bits & 0x1:
                yield InputError(where, "password-protected zip member: unzip it yourself first"), None
                continue
            if member.file_size > max_member_bytes:
                yield InputError(where, f"too large once unpacked ({member.file_size} bytes)"), None
                continue
            target = Path(tmp) / str(index) / PurePosixPath(member.filename).name
            target.parent.mkdir(parents=True)
            try:
                with archive.open(member) as source, target.open("wb") as sink:
                    shutil.copyfileobj(source, sink)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                yield InputError(where, f"cannot unpack ({exc})"), None
                continue
            for item, line in read_member(target):
                yield _renamed(item, where, f"{path.name}/{member.filename}"), line
            shutil.rmtree(target.parent, ignore_errors=True)


def _renamed(item: ArticleIn | InputError, where: str, file_name: str) -> ArticleIn | InputError:
    if isinstance(item, InputError):
        return InputError(where, item.reason, item.line)
    item.file = printable_name(file_name)
    return item
