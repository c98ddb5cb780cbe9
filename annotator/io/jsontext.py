"""JSON as strict parsers read it: no ``NaN`` / ``Infinity`` in what we write, none kept from what we read.

Python's ``json`` writes ``NaN`` and ``Infinity`` by default, which JavaScript, jq, PostgreSQL and most JSON
libraries refuse. Records exported from pandas and the like carry them for missing values, so reading maps them
to ``null`` (their meaning there), and writing replaces any that are left (an older database) with ``null``.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _no_constant(_name: str) -> None:
    # ``parse_constant`` is called for NaN, Infinity and -Infinity only.
    return None


def loads(text: str) -> Any:
    """``json.loads`` with ``NaN`` / ``Infinity`` / ``-Infinity`` read as ``None``."""
    return json.loads(text, parse_constant=_no_constant)


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
