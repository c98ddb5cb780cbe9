"""Checks on strings that come from outside (files, names, JSON): lone surrogates and undisplayable file names.

Python strings can hold lone surrogates (a JSON ``"\\ud800"`` escape, a file name that is not UTF-8 decoded with
``surrogateescape``), but no UTF-8 database, terminal or file can: writing one raises ``UnicodeEncodeError``
far from where it came in. Inputs are checked where they are read, and names are made printable for messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_SURROGATE = re.compile("[\ud800-\udfff]")


def first_surrogate(text: str) -> int | None:
    """The index of the first lone surrogate in ``text``, or None when it is valid Unicode."""
    match = _SURROGATE.search(text)
    return match.start() if match else None


def surrogate_in(value: Any, what: str) -> str | None:
    """A reason naming the first string (recursively in lists and mappings) that holds a lone surrogate.

    Args:
        value: a decoded JSON value.
        what: how to name ``value`` in the reason ("title", "meta").

    Returns:
        e.g. ``"title holds a lone surrogate \\ud800 at character 2 (not valid Unicode)"``, or None.
    """
    if isinstance(value, str):
        index = first_surrogate(value)
        if index is None:
            return None
        code = f"\\u{ord(value[index]):04x}"
        return f"{what} holds a lone surrogate {code} at character {index} (not valid Unicode)"
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = surrogate_in(key, f"{what} key") if isinstance(key, str) else None
            found = found or surrogate_in(item, f"{what}.{key}" if isinstance(key, str) else what)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = surrogate_in(item, f"{what}[{index}]")
            if found:
                return found
    return None


def printable_name(name: str) -> str:
    """``name`` as it can be printed and stored: bytes that were not UTF-8 become ``\\xff`` escapes.

    A file name that is not UTF-8 (``bad\\xff.txt`` on Linux) reaches Python as ``"bad\\udcff.txt"``; printing or
    storing it fails. The escaped form names the same file to a reader and is valid Unicode.
    """
    if first_surrogate(name) is None:
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that did not come from surrogateescape (e.g. "\ud800")
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
