"""The checks every layer shares: offsets, integers and choices (statuses, roles), each written once.

The store validates decisions with them, the readers validate imported records with them, and the records
(``Span``) keep their invariants with them, so a rule and its message cannot drift apart between layers.
Each raises :class:`~annotator.core.errors.ValidationError` with a message that names ``what`` was checked.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from annotator.core.errors import ValidationError

E = TypeVar("E", bound=StrEnum)

def check_integer(value: Any, what: str) -> int:
    """``value`` as an offset or a count; ``True`` / ``False`` are refused (bool is an int in Python)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{what} must be an integer, got {value!r}")
    return value


def check_offsets(start: Any, end: Any, what: str = "span") -> tuple[int, int]:
    """Integer offsets with ``0 <= start < end`` (half-open, code points)."""
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        raise ValidationError(f"{what} offsets: each must be an integer, got {start!r}, {end!r}")
    if start < 0 or start >= end:
        raise ValidationError(f"{what} [{start}, {end}) must have 0 <= start < end")
    return start, end


def check_within(start: int, end: int, text_length: int, what: str = "span") -> None:
    """The range ends inside a text of ``text_length`` code points."""
    if end > text_length:
        raise ValidationError(f"{what} [{start}, {end}) ends after the text ({text_length} characters)")


def check_choice(value: Any, choices: type[E], what: str) -> E:
    """A member of the StrEnum ``choices`` (a status, a role) given by its value."""
    try:
        return choices(value)
    except ValueError:
        allowed = ", ".join(member.value for member in choices)
        raise ValidationError(f"{what} {value!r} is not one of {allowed}") from None
