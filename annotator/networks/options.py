"""The settings of a discourse network, named and checked as Discourse Network Analyzer (DNA) names them.

See ``docs/networks.md`` for what each setting computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from annotator.core.actor_levels import ActorLevel
from annotator.core.errors import ValidationError


class NetworkType(StrEnum):
    TWO_MODE = "two-mode"  # actor × issue
    ACTOR = "actor"  # one-mode actor × actor through shared issues
    ISSUE = "issue"  # one-mode issue × issue through shared actors


class Aggregation(StrEnum):
    IGNORE = "ignore"
    COMBINE = "combine"  # two-mode only
    SUBTRACT = "subtract"
    CONGRUENCE = "congruence"  # one-mode only
    CONFLICT = "conflict"  # one-mode only


class Normalization(StrEnum):
    NO = "no"
    AVERAGE = "average"  # one-mode
    JACCARD = "jaccard"  # one-mode
    COSINE = "cosine"  # one-mode
    ACTIVITY = "activity"  # two-mode
    PROMINENCE = "prominence"  # two-mode


class Duplicates(StrEnum):
    ALL = "all"
    DOCUMENT = "document"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class WindowUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    YEARS = "years"


TWO_MODE_AGGREGATIONS = (Aggregation.IGNORE, Aggregation.COMBINE, Aggregation.SUBTRACT)
ONE_MODE_AGGREGATIONS = (Aggregation.IGNORE, Aggregation.CONGRUENCE, Aggregation.CONFLICT, Aggregation.SUBTRACT)
TWO_MODE_NORMALIZATIONS = (Normalization.NO, Normalization.ACTIVITY, Normalization.PROMINENCE)
ONE_MODE_NORMALIZATIONS = (Normalization.NO, Normalization.AVERAGE, Normalization.JACCARD, Normalization.COSINE)


def _parse(enum: type[StrEnum], value: str | StrEnum, what: str) -> StrEnum:
    try:
        return enum(str(value).lower())
    except ValueError:
        known = ", ".join(m.value for m in enum)
        raise ValidationError(f"unknown {what} {value!r}; expected one of {known}") from None


def parse_date(value: str | date | None, what: str = "date") -> date | None:
    """An ISO date (``2015-11-17``; a longer timestamp is cut to its date), or None."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValidationError(f"{what} {value!r} is not a date like 2015-11-17") from None


@dataclass(frozen=True)
class WindowOptions:
    """A moving time window: networks of ``size`` units, the next one starting ``step`` units later."""

    unit: WindowUnit = WindowUnit.MONTHS
    size: int = 3
    step: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", _parse(WindowUnit, self.unit, "window unit"))
        if self.size < 1 or self.step < 1:
            raise ValidationError(f"a time window needs a size and a step of at least 1, not {self.size}/{self.step}")


@dataclass(frozen=True)
class NetworkOptions:
    """Everything that decides a network; invalid combinations raise ``ValidationError`` naming the setting.

    Attributes:
        type: two-mode (actor × issue), actor (one-mode) or issue (one-mode).
        aggregation: how stances combine into a weight (see ``docs/networks.md``).
        normalization: how weights are normalised.
        duplicates: count all statements, or one identical statement per document / week / month / year.
        date_from / date_to: inclusive date range (statements of undated articles are left out when either is set).
        isolates: keep every actor and issue of the statements (``True``) or only nodes with an edge.
        level: the claimant at mention, actor or parent level.
    """

    type: NetworkType = NetworkType.TWO_MODE
    aggregation: Aggregation = Aggregation.IGNORE
    normalization: Normalization = Normalization.NO
    duplicates: Duplicates = Duplicates.ALL
    date_from: date | None = None
    date_to: date | None = None
    isolates: bool = False
    level: ActorLevel = ActorLevel.ACTOR

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "type", _parse(NetworkType, self.type, "network type"))
        set_(self, "aggregation", _parse(Aggregation, self.aggregation, "aggregation"))
        set_(self, "normalization", _parse(Normalization, self.normalization, "normalization"))
        set_(self, "duplicates", _parse(Duplicates, self.duplicates, "duplicates setting"))
        set_(self, "level", ActorLevel.parse(str(self.level)))
        set_(self, "date_from", parse_date(self.date_from, "--from"))
        set_(self, "date_to", parse_date(self.date_to, "--to"))
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValidationError(f"the date range is empty: {self.date_from} is after {self.date_to}")
        aggregations: tuple[Aggregation, ...]
        normalizations: tuple[Normalization, ...]
        if self.two_mode:
            aggregations, normalizations, kind = TWO_MODE_AGGREGATIONS, TWO_MODE_NORMALIZATIONS, "two-mode"
        else:
            aggregations, normalizations, kind = ONE_MODE_AGGREGATIONS, ONE_MODE_NORMALIZATIONS, "one-mode"
        if self.aggregation not in aggregations:
            raise ValidationError(f"aggregation {self.aggregation.value!r} does not apply to a {kind} network; "
                                  f"use {', '.join(a.value for a in aggregations)}")
        if self.normalization not in normalizations:
            raise ValidationError(f"normalization {self.normalization.value!r} does not apply to a {kind} network; "
                                  f"use {', '.join(n.value for n in normalizations)}")

    @property
    def two_mode(self) -> bool:
        return self.type == NetworkType.TWO_MODE
