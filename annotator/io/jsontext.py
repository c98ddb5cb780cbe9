"""JSON as strict parsers read it: no ``NaN`` / ``Infinity`` in what we write, none kept from what we read.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which JavaScript, jq, PostgreSQL and most JSON
libraries refuse. Records exported from pandas and the like carry them for missing values, so reading maps them
to ``null`` (their meaning there), and writing replaces any that are left (an older database) with ``null``.

Bulk reading (an import of 10,000 JSONL lines) decodes with orjson first, three times faster than ``json``;
wherever the two could differ (orjson refuses ``NaN``, a lone surrogate escape, deep nesting and bad UTF-8, and
reads an integer past 64 bits as a float) the line is read again with ``json``, so the value and every error
message are ``json``'s.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

#: Every ASCII digit mapped to NUL: a run of 19 NULs in the result is a run of 19 digits, a literal that may be
#: an integer orjson cannot hold (it would become a float). Found with a substring search, several times
#: faster than a regular expression (a NUL in the input only sends it to ``json``, which is right either way).
_DIGITS_TO_NUL = bytes(0 if 0x30 <= i <= 0x39 else i for i in range(256))
_LONG_NUMBER = b"\x00" * 19


def _no_constant(_name: str) -> None:
    # ``parse_constant`` is called for NaN, Infinity and -Infinity only.
    return None


def loads(text: str) -> Any:
    """``json.loads`` with ``NaN`` / ``Infinity`` / ``-Infinity`` read as ``None``."""
    return json.loads(text, parse_constant=_no_constant)


def fast_loads(raw: bytes) -> tuple[bool, Any]:
    """Decode UTF-8 JSON bytes with orjson when it reads them exactly as :func:`loads` does.

    Returns:
        ``(True, value)``; or ``(False, None)``: read ``raw`` with :func:`loads` (it words the error, reads
        ``NaN`` as ``None`` and keeps big integers). A value read here holds no lone surrogate (orjson
        refuses one).
    """
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False, None
    # orjson differs from ``json`` only in the floats it returns: an integer past 64 bits becomes one, and a
    # fraction of many digits may differ in its last bit; both are literals of 19 digits or more. A flat object
    # of strings and integers (a plain news record) holds no float, and its line need not be searched for such a
    # literal (the search costs a third of orjson's decoding). Anything nested is searched, as before: walking
    # 25 entity objects would cost more than the search.
    if not _flat_without_float(value) and _LONG_NUMBER in raw.translate(_DIGITS_TO_NUL):
        return False, None
    return True, value


def _flat_without_float(value: Any) -> bool:
    """Whether ``value`` is an object whose values are neither floats nor objects or arrays."""
    if type(value) is not dict:
        return False
    for item in value.values():
        kind = type(item)
        if kind is float or kind is dict or kind is list:
            return False
    return True


def finite(value: Any) -> Any:
    """``value`` with every non-finite float (recursively in lists and dicts) replaced by ``None``."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` that never writes ``NaN`` or ``Infinity`` (they become ``null``).

    The common case costs one ordinary dump: the value is only walked when it holds a non-finite float.
    """
    try:
        return json.dumps(value, allow_nan=False, **kwargs)
    except ValueError:
        return json.dumps(finite(value), allow_nan=False, **kwargs)
