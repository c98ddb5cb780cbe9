"""Importers: expand the paths a user names into input files and read each into ``ArticleIn`` records.

Reading never raises for bad content: every refused file, line or record becomes an ``InputError`` in the
output stream (naming the file and, where it applies, the line), so one bad input never stops the others.

Typical use (the import job)::

    for path in iter_inputs(paths):
        for item in read_file(path):
            if isinstance(item, InputError): report(item) else: repository.add_article(item)
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from annotator.core.codebook import Codebook
from annotator.core.errors import InputError, ValidationError
from annotator.core.records import ActorIn, ArticleIn
from annotator.core.text_checks import printable_name
from annotator.io import jsontext
from annotator.io.codebook_file import codebook_from_object
from annotator.io.headers import parse_header
from annotator.io.record_reader import RecordError, actors_by_key, record_to_article
from annotator.io.sources import (
    ARCHIVE_EXTENSIONS,
    DOCUMENT_EXTENSIONS,
    UNREADABLE_EXTENSIONS,
    read_archive,
    read_document,
    text_export_items,
)
from annotator.io.textfile import DEFAULT_MAX_BYTES, format_size, read_limited_bytes, read_text_file

TEXT_EXTENSIONS = frozenset({".txt", ".text"})
JSON_EXTENSIONS = frozenset({".json"})
JSONL_EXTENSIONS = frozenset({".jsonl", ".ndjson"})
#: Every extension an import accepts (the exports of news services among them: see annotator.io.sources).
INPUT_EXTENSIONS = TEXT_EXTENSIONS | JSON_EXTENSIONS | JSONL_EXTENSIONS | DOCUMENT_EXTENSIONS | ARCHIVE_EXTENSIONS
#: A whole .json file is parsed in memory (our export of a large corpus can be big); JSONL streams instead.
DEFAULT_MAX_JSON_BYTES = 1024 * 1024 * 1024
#: ``format`` value of our own JSON export, and the highest export version this reader understands (1: 0.1.0,
#: 2: with the project's codebook and claim variables).
EXPORT_FORMAT = "annotator-export"
EXPORT_VERSION = 2

ReadItem = ArticleIn | InputError
#: A read item with the 1-based line it comes from (JSONL), or None (a text file, a JSON file).
Located = tuple[ReadItem, int | None]


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(folder: Path) -> Iterator[Path]:
    """Files under ``folder``, recursively, sorted, skipping hidden files and folders.

    Files of other types are yielded too, and so is a folder that cannot be listed: ``read_file`` then says why
    each is not imported, so that nothing in a folder is skipped without a word.
    """
    unreadable: list[Path] = []

    def note(error: OSError) -> None:
        unreadable.append(Path(error.filename) if error.filename else folder)

    for root, dirs, files in os.walk(folder, onerror=note):
        yield from unreadable
        unreadable.clear()
        # Pruning ``dirs`` in place both skips hidden folders and makes the walk order deterministic.
        dirs[:] = sorted(d for d in dirs if not _is_hidden(d))
        for name in sorted(files):
            if not _is_hidden(name):
                yield Path(root) / name
    yield from unreadable


def iter_inputs(paths: Sequence[str | Path]) -> Iterator[Path]:
    """Expand files and folders into the files an import reads.

    Folders are walked recursively in sorted order; hidden files and folders are skipped silently. Every other
    file is yielded, whatever its extension, and so is a folder that cannot be read: ``read_file`` then refuses
    it with a reason, so the user learns why it was not imported. A file reached twice (named and inside a
    named folder) is yielded once.

    Args:
        paths: files and folders as the user named them.

    Yields:
        Paths of candidate input files.
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        candidates = _walk(path) if path.is_dir() else iter([path])
        for candidate in candidates:
            try:
                key = candidate.resolve()
            except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python < 3.13)
                key = candidate.absolute()
            if key not in seen:
                seen.add(key)
                yield candidate


def read_file(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES,
) -> Iterator[ReadItem]:
    """Read one input file into articles.

    ``.txt`` / ``.text``: one article (encoding detected, header fields recognised, text = the whole file).
    ``.jsonl`` / ``.ndjson``: one record per line, streamed. ``.json``: a list of records, one record, or our
    own export (layers, statuses, actors kept).

    Args:
        path: the file.
        max_bytes: size limit of a text file and of one JSONL line.
        max_json_bytes: size limit of a whole ``.json`` file (parsed in memory).

    Yields:
        An ``ArticleIn`` per article and an ``InputError`` per refused file, line or record; never raises for
        bad content.
    """
    for item, _line in read_file_located(path, max_bytes=max_bytes, max_json_bytes=max_json_bytes):
        yield item


def read_file_located(
    path: str | Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES,
) -> Iterator[Located]:
    """``read_file``, with the 1-based line each item comes from (None outside JSONL).

    The import job uses the line to name it when the store refuses an article that read fine (e.g. a label
    outside the project's label set), without putting the line into the article's meta.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        yield InputError(str(path), _folder_reason(path)), None
    elif suffix in TEXT_EXTENSIONS:
        for item in _read_text_items(path, max_bytes):
            yield item, None
    elif suffix in DOCUMENT_EXTENSIONS:
        for item in read_document(path):
            yield item, None
    elif suffix in ARCHIVE_EXTENSIONS:
        yield from read_archive(
            path, lambda member: read_file_located(member, max_bytes=max_bytes, max_json_bytes=max_json_bytes)
        )
    elif suffix in JSONL_EXTENSIONS:
        yield from _read_jsonl(path, max_bytes)
    elif suffix in JSON_EXTENSIONS:
        yield from _read_json(path, max_bytes, max_json_bytes)
    elif not path.exists():
        yield InputError(str(path), "file not found"), None
    elif suffix in UNREADABLE_EXTENSIONS:
        yield InputError(str(path), f"cannot be read: {UNREADABLE_EXTENSIONS[suffix]}"), None
    else:
        allowed = ", ".join(sorted(INPUT_EXTENSIONS))
        reason = f"unsupported file type {suffix or '(no extension)'!r} (expected {allowed})"
        hint = _UNSUPPORTED_HINTS.get(suffix)
        yield InputError(str(path), f"{reason}; {hint}" if hint else reason), None


#: What to do with file types analysts often have that no reader here takes.
_UNSUPPORTED_HINTS = {
    ".sgm": "a Reuters-21578 SGML file holds many stories in markup: convert it to one .txt or JSONL record "
            "per story (TITLE, DATE and BODY) and import that",
    ".sgml": "SGML is not read: convert it to .txt files or JSONL records and import those",
    ".md": "save it as .txt to import it as an article",
}


def _folder_reason(path: Path) -> str:
    """Why a folder reached ``read_file``: it cannot be listed (``iter_inputs`` walks every other one)."""
    try:
        with os.scandir(path):
            pass
    except PermissionError:
        return "cannot read folder: permission denied (nothing in it was imported)"
    except OSError as exc:
        return f"cannot read folder: {exc.strerror or exc} (nothing in it was imported)"
    return "is a folder, not a file"


def read_inputs(
    paths: Sequence[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_json_bytes: int = DEFAULT_MAX_JSON_BYTES,
) -> Iterator[ReadItem]:
    """``read_file`` over every file of ``iter_inputs(paths)``."""
    for path in iter_inputs(paths):
        yield from read_file(path, max_bytes=max_bytes, max_json_bytes=max_json_bytes)


# --------------------------------------------------------------------------- text files


def _read_text_items(path: Path, max_bytes: int) -> list[ReadItem]:
    """One article, or the articles of a service's text export (Lexis, ProQuest) split by its layout."""
    try:
        text, encoding = read_text_file(path, max_bytes=max_bytes)
    except InputError as exc:
        return [exc]
    exported = text_export_items(text, str(path), path.name)
    if exported is not None:
        return exported
    return [_text_article(path, text, encoding)]


def _text_article(path: Path, text: str, encoding: str) -> ReadItem:
    header = parse_header(text)
    meta = dict(header.meta)
    if encoding not in ("utf-8", "utf-8-sig"):
        # Worth knowing when a text looks odd: the file was not UTF-8.
        meta["encoding"] = encoding
    return ArticleIn(
        text=text, title=header.title, date=header.date, source=header.source, file=printable_name(path.name),
        meta=meta,
    )


# --------------------------------------------------------------------------- JSON and JSONL


#: A JSON escape of a UTF-16 surrogate (a pair is fine; a lone one is refused by ``record_to_article``).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _decode_json(raw: bytes, path: Path, line: int | None) -> tuple[Any, bool]:
    """Parse JSON bytes into (value, whether it may hold a lone surrogate); raises InputError naming the file
    and line."""
    # JSON is UTF-8 (RFC 8259), but a whole .json file saved as UTF-16/32 (with or without BOM) is recognised
    # as the json module does; a JSONL line is always UTF-8 (lines are split on the byte b"\n").
    encoding = json.detect_encoding(raw) if line is None else "utf-8"
    if encoding == "utf-8":
        fast, value = jsontext.fast_loads(raw)
        if fast:
            return value, False  # orjson refuses a lone surrogate escape: the value holds none
    try:
        text = raw.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        name = "UTF-8" if encoding.startswith("utf-8") else encoding.upper()
        raise InputError(str(path), f"not {name} (invalid byte at position {exc.start})", line) from None
    try:
        value = jsontext.loads(text)
    except json.JSONDecodeError as exc:
        where = f" (column {exc.colno})" if line is not None else ""
        raise InputError(
            str(path), f"malformed JSON: {exc.msg}{where}", line if line is not None else exc.lineno
        ) from None
    except RecursionError:
        raise InputError(str(path), "malformed JSON: nested too deeply", line) from None
    # Strictly decoded text holds no lone surrogate: only a \\uD800-\\uDFFF escape can put one in the value. Without
    # such an escape the records need not be walked for one (a third of the reading time at 25 spans each).
    return value, _SURROGATE_ESCAPE.search(text) is not None


def _with_file(article: ArticleIn, path: Path) -> ArticleIn:
    # Records rarely name their original file; the input file is then the best answer to "where from?".
    if not article.file:
        article.file = _file_name(path)
    return article


@functools.lru_cache(maxsize=64)
def _file_name(path: Path) -> str:
    # Once per file, not once per record (10,000 records of one JSONL file name the same file).
    return printable_name(path.name)


def _records(
    records: Iterable[Any], path: Path, *, line: int | None, actors: dict[str, ActorIn] | None, label: str,
    surrogates: bool,
) -> Iterator[ReadItem]:
    """Convert records one by one; ``label`` ('record' / 'article') numbers them in errors when no line
    applies."""
    for index, record in enumerate(records, start=1):
        try:
            yield _with_file(record_to_article(record, actors, may_hold_surrogates=surrogates), path)
        except RecordError as exc:
            prefix = "" if line is not None else f"{label} {index}: "
            yield InputError(str(path), prefix + str(exc), line)


def _export_articles(obj: dict[str, Any], path: Path, line: int | None, surrogates: bool) -> Iterator[ReadItem]:
    """Articles of one of our exports (a whole file, or a whole export written on one JSONL line)."""
    version = obj.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version > EXPORT_VERSION or version < 1:
        yield InputError(
            str(path), f"unsupported annotator export version {version!r} (this tool reads 1 and 2)", line
        )
        return
    articles = obj.get("articles")
    if not isinstance(articles, list):
        yield InputError(str(path), "annotator export without an 'articles' list", line)
        return
    try:
        actors = actors_by_key(obj.get("actors"))
    except RecordError as exc:
        yield InputError(str(path), f"export actors: {exc}", line)
        return
    codebook: Codebook | None = None
    if version >= 2:
        try:
            codebook = codebook_from_object(obj.get("codebook"), "export codebook")
        except ValidationError as exc:
            yield InputError(str(path), str(exc), line)
            return
    for item in _records(articles, path, line=line, actors=actors, label="article", surrogates=surrogates):
        if isinstance(item, ArticleIn):
            # One codebook object shared by every article of the export: the store adds its codes once.
            item.codebook = codebook
        yield item


def _dispatch(obj: Any, path: Path, line: int | None, surrogates: bool = True) -> Iterator[ReadItem]:
    """Route one decoded JSON value (a file's content or a JSONL line) to the right reader."""
    if isinstance(obj, dict) and "format" in obj and "text" not in obj:
        if obj["format"] != EXPORT_FORMAT:
            yield InputError(
                str(path), f"unknown JSON format {obj['format']!r} (expected {EXPORT_FORMAT!r})", line
            )
        else:
            yield from _export_articles(obj, path, line, surrogates)
    elif isinstance(obj, dict) and "text" not in obj and isinstance(obj.get("articles"), list):
        yield from _records(obj["articles"], path, line=line, actors=None, label="article", surrogates=surrogates)
    elif isinstance(obj, list):
        if line is not None:
            yield InputError(str(path), "a JSONL line must hold one JSON object, not a list", line)
        else:
            yield from _records(obj, path, line=None, actors=None, label="record", surrogates=surrogates)
    else:
        try:
            yield _with_file(record_to_article(obj, may_hold_surrogates=surrogates), path)
        except RecordError as exc:
            yield InputError(str(path), str(exc), line)


def _not_regular(path: Path) -> InputError | None:
    """A refusal for anything but a regular file (a FIFO would block, ``/dev/zero`` never ends), else None."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return InputError(str(path), "file not found")
    except OSError as exc:
        return InputError(str(path), f"cannot read file: {exc.strerror or exc}")
    if not stat.S_ISREG(mode):
        return InputError(str(path), "not a regular file")
    return None


_READ_BUFFER = 1 << 20


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Located]:
    refused = _not_regular(path)
    if refused is not None:
        yield refused, None
        return
    try:
        # A 1 MiB buffer: with the default 8 KiB, reading a 60 MB file line by line took 7,000 read calls.
        handle = path.open("rb", buffering=_READ_BUFFER)
    except FileNotFoundError:
        yield InputError(str(path), "file not found"), None
        return
    except PermissionError:
        yield InputError(str(path), "cannot read file: permission denied"), None
        return
    except OSError as exc:
        yield InputError(str(path), f"cannot read file: {exc.strerror or exc}"), None
        return
    any_content = False
    file_name = _file_name(path)  # what a record naming no file of its own gets (``_with_file``), once per file
    with handle:
        number = 0
        while True:
            try:
                # Bounded read: a 2 GB file with no newline must not be loaded whole.
                raw = handle.readline(max_bytes + 1)
            except OSError as exc:
                yield InputError(str(path), f"read error: {exc.strerror or exc}", number + 1), number + 1
                return
            if not raw:
                break
            number += 1
            if len(raw) > max_bytes and not raw.endswith(b"\n"):
                reason = f"line too long (over the limit of {format_size(max_bytes)})"
                yield InputError(str(path), reason, number), number
                # Skip the rest of this overlong line.
                while raw and not raw.endswith(b"\n"):
                    raw = handle.readline(max_bytes + 1)
                continue
            if raw.isspace():  # (the same test as ``not raw.strip()``, without a copy of every line)
                continue
            any_content = True
            if b"\x00" in raw:
                yield InputError(str(path), "binary content (NUL bytes)", number), number
                continue
            try:
                obj, surrogates = _decode_json(raw, path, number)
            except InputError as exc:
                yield exc, number
                continue
            if type(obj) is dict and "text" in obj:
                # A plain record, nearly every line of a bulk import: ``_dispatch``'s last case, read without a
                # generator of its own per line.
                try:
                    article = record_to_article(obj, may_hold_surrogates=surrogates)
                except RecordError as exc:
                    yield InputError(str(path), str(exc), number), number
                    continue
                if not article.file:
                    article.file = file_name
                yield article, number
                continue
            for item in _dispatch(obj, path, number, surrogates):
                yield item, number
    if not any_content:
        yield InputError(str(path), "empty file"), None


def _read_json(path: Path, max_bytes: int, max_json_bytes: int) -> Iterator[Located]:
    try:
        raw = read_limited_bytes(path, max_json_bytes)
    except InputError as exc:
        yield exc, None
        return
    if not raw.strip():
        yield InputError(str(path), "empty file"), None
        return
    try:
        obj, surrogates = _decode_json(raw, path, None)
    except InputError as exc:
        if exc.reason.startswith("malformed JSON: Extra data"):
            # Several JSON values one per line: a JSONL file saved as .json.
            yield from _read_jsonl(path, max_bytes)
        else:
            yield exc, exc.line
        return
    del raw  # the parsed value is all we need; free the bytes of a big file early
    for item in _dispatch(obj, path, None, surrogates):
        yield item, None
