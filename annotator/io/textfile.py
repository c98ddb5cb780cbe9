"""Read one plain-text article file: size and permission checks, encoding detection, newline normalisation.

The decoded text keeps every character of the file (no NFC, no trimming) except the byte order mark, and CRLF
/ CR become LF: offsets computed on this text are the offsets the store, the UI and the exports use.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from pathlib import Path

import charset_normalizer

from annotator.core.errors import InputError

#: Default size limit of one text file (and of one JSONL line / JSON record).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# Byte order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS: list[tuple[bytes, str]] = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
# Control characters that legitimately occur in text files.
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
#: Share of control characters above which a decoded file is considered binary.
MAX_CONTROL_SHARE = 0.05
# Encodings charset-normalizer may propose that we prefer to read as Windows-1252 when that decodes: Western
# European news is far more often cp1252 than, say, cp1250 or mac_roman, and the guess on short texts is
# shaky.
_WESTERN_FALLBACK = "cp1252"


def format_size(n: int) -> str:
    """A human size: ``10 MB``, ``512 KB``, ``12 bytes``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.3g} MB"
    if n >= 1024:
        return f"{n / 1024:.3g} KB"
    return f"{n} bytes"


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF (nothing else changes, so offsets stay those of the file's characters)."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_limited_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a whole file, refusing it when it is missing, unreadable or larger than ``max_bytes``.

    Raises:
        InputError: naming the file and the reason.
    """
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(str(path), "file not found") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if not path.is_file():
        raise InputError(str(path), "not a regular file")
    if size > max_bytes:
        raise InputError(
            str(path), f"file too large ({format_size(size)}; the limit is {format_size(max_bytes)})"
        )
    try:
        with path.open("rb") as handle:
            # Read one byte more than allowed: the file may have grown since stat().
            data = handle.read(max_bytes + 1)
    except PermissionError:
        raise InputError(str(path), "cannot read file: permission denied") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError(str(path), f"file too large (over the limit of {format_size(max_bytes)})")
    return data


# One well-formed UTF-8 sequence of two to four bytes (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}"
    rb"|\xed[\x80-\x9f][\x80-\xbf]|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}"
    rb"|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def _utf8_with_bad_bytes(data: bytes, path: str, error: UnicodeDecodeError) -> InputError | None:
    """A refusal when ``data`` is UTF-8 apart from a few broken bytes; None when it is some other encoding.

    Decoding such a file as Windows-1252 turns every correct character into mojibake ("Köln" -> "KÃ¶ln"), and
    replacing the broken bytes changes the text silently, so it is refused with the place of the first bad byte.
    A file in another 8-bit encoding has (almost) no well-formed UTF-8 sequences among its high bytes.
    """
    valid = _UTF8_MULTIBYTE.findall(data)
    if not valid:
        return None
    high = sum(1 for b in data if b >= 0x80)
    invalid = high - sum(len(seq) for seq in valid)
    if len(valid) < invalid:
        return None
    offset = error.start
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return InputError(
        path,
        f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} (column {column}) is not UTF-8, "
        f"though the rest of the file is ({invalid} bad byte{'s' if invalid != 1 else ''} in all); fix those "
        f"bytes or save the file again as UTF-8",
        line,
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` / ``utf-16-be`` when the NUL bytes fall as in UTF-16 text without a BOM, else None.

    Mostly-Latin UTF-16 has a NUL in every other byte (the high byte of each code unit) and almost none in the
    others; a binary file has NULs scattered over both.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    sample = data[:65536]
    half = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    sample = text[:100_000]
    controls = sum(
        1 for ch in sample if (ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0) and ch not in _ALLOWED_CONTROLS
    )
    return controls / len(sample)


def _non_latin_share(text: str) -> float:
    """Share of letters outside the Latin script (0 for a text without letters)."""
    letters = [ch for ch in text[:20_000] if ch.isalpha()]
    if not letters:
        return 0.0
    latin = sum(1 for ch in letters if ord(ch) < 0x250 or unicodedata.name(ch, "").startswith("LATIN"))
    return 1 - latin / len(letters)


def _guess_encoding(data: bytes) -> str | None:
    """Best guess for bytes that are not UTF-8: charset-normalizer, with a Western European preference.

    charset-normalizer's guess on a short Western text is shaky (cp775, cp037...). When Windows-1252 decodes
    the bytes and the guessed encoding also yields a Latin-script text, the text is far more likely Western
    European (cp1252, a superset of the printable Latin-1 range), so cp1252 wins; a guess that yields another
    script (Cyrillic, Greek, CJK...) is kept.
    """
    best = charset_normalizer.from_bytes(data).best()
    guessed = best.encoding if best is not None else None
    try:
        data.decode(_WESTERN_FALLBACK)
    except UnicodeDecodeError:
        return guessed
    if guessed is None:
        return _WESTERN_FALLBACK
    try:
        guessed_text = data.decode(guessed)
    except (UnicodeDecodeError, LookupError):
        return _WESTERN_FALLBACK
    return guessed if _non_latin_share(guessed_text) > 0.5 else _WESTERN_FALLBACK


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode the bytes of a text file.

    Args:
        data: the file content.
        path: the file name, for error messages.

    Returns:
        (text, encoding): the text without BOM and with LF newlines, and the encoding used.

    Raises:
        InputError: empty, whitespace-only or binary content.
    """
    if not data:
        raise InputError(path, "empty file")
    text: str | None = None
    encoding = ""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(name)
            except UnicodeDecodeError:
                raise InputError(path, f"binary file or broken encoding (invalid {name.upper()})") from None
            encoding = name + "-bom" if name != "utf-8" else "utf-8-sig"
            break
    if text is None and b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        try:
            if utf16 is None:
                raise UnicodeDecodeError("utf-16", data, 0, 1, "no UTF-16 pattern")
            text, encoding = data.decode(utf16), utf16
        except UnicodeDecodeError:
            raise InputError(path, "binary file (contains NUL bytes)") from None
    if text is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as error:
            broken = _utf8_with_bad_bytes(data, path, error)
            if broken is not None:
                raise broken from None
            guessed = _guess_encoding(data)
            if guessed is None:
                raise InputError(path, "binary file or unknown encoding") from None
            try:
                text = data.decode(guessed)
            except (UnicodeDecodeError, LookupError):
                raise InputError(path, "binary file or unknown encoding") from None
            encoding = codecs.lookup(guessed).name
    # A stray BOM may remain (a BOM-marked file saved twice); it is never article content.
    text = normalise_newlines(text.lstrip("\ufeff"))
    if not text.strip():
        raise InputError(path, "empty file (only whitespace)")
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise InputError(path, "binary file (mostly control characters)")
    return text, encoding


def read_text_file(path: Path, *, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Read and decode one text file; see ``decode_text``.

    Raises:
        InputError: the file is refused (missing, unreadable, too large, empty, binary).
    """
    return decode_text(read_limited_bytes(path, max_bytes), str(path))
