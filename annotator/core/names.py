"""Annotator names: one rule for every way a name comes in (the CLI, the app, an imported file).

A name becomes a layer name, a column in CSV exports, a ``--annotators A,B`` item and a line in the window's
title, so what it may hold is decided once, here.
"""

from __future__ import annotations

import unicodedata

from annotator.core.errors import ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER

#: Longest name the store keeps.
MAX_NAME_LENGTH = 200
#: Layer names no person may take (compared case-insensitively).
RESERVED_NAMES = frozenset({SUGGESTIONS_LAYER, GOLD_LAYER})
#: First characters a spreadsheet reads as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def validate_annotator_name(name: object) -> str:
    """The name, stripped; a ``ValidationError`` saying why when it cannot be an annotator's name.

    Refused: not a string, empty or whitespace only, control characters (newline, NUL...), longer than the store
    keeps, the names of the model and gold layers in any case (an annotator's layer carries their name), commas
    (``--annotators A,B`` splits on them), and a start a spreadsheet runs as a formula (``=HYPERLINK(...)``).
    """
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise ValidationError("an annotator needs a name (it is empty or only spaces)")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(f"annotator name is longer than {MAX_NAME_LENGTH} characters ({len(cleaned)})")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise ValidationError(f"annotator name {cleaned!r} contains control characters")
    if "," in cleaned:
        raise ValidationError(f"annotator name {cleaned!r} contains a comma")
    if cleaned.casefold() in RESERVED_NAMES:
        raise ValidationError(f"{cleaned!r} is the name of a layer, not available for an annotator")
    if cleaned.startswith(FORMULA_STARTS):
        raise ValidationError(f"annotator name {cleaned!r} starts with {cleaned[0]!r}, which spreadsheets run "
                              f"as a formula")
    return cleaned
