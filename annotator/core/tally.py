"""Counts that add up: an article's scores or agreement counts summed into a corpus's. Standard library only.

Scoring (``core.evaluation``) and agreement (``core.agreement``) both count items per article and per label and
add the articles up; the addition is written once here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, Protocol, Self, TypeVar, cast


class Tally:
    """Mixin for a dataclass of counts: ``a + b`` adds them field by field into a new record of ``a``'s class.

    A field that ``b`` lacks counts as 0, so a record with extra counts (``ClaimScores`` beside ``PRF``) can be
    added to its base.
    """

    def __add__(self, other: Tally) -> Self:
        names = (f.name for f in fields(cast(Any, self)))
        return type(self)(**{name: getattr(self, name) + getattr(other, name, 0) for name in names})


class _Addable(Protocol):
    def __add__(self, other: Any, /) -> Any: ...


T = TypeVar("T", bound=_Addable)


def merged_by_key(first: Mapping[str, T], second: Mapping[str, T], zero: T) -> dict[str, T]:
    """The two maps' values added key by key (a key only one has is added to ``zero``), keys sorted."""
    return {key: first.get(key, zero) + second.get(key, zero) for key in sorted(set(first) | set(second))}
