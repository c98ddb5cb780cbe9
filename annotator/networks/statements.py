"""Statements: claims as Discourse Network Analyzer sees them (claimant, issue, stance, date, document).

A claim becomes a statement when it has a claimant at the chosen actor level and an issue; the others are counted
as skipped so the user can see what the network leaves out and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from annotator.core.actor_levels import ActorHierarchy, ActorLevel, ActorNode
from annotator.core.claim_table import ClaimRow, ClaimVocabulary
from annotator.networks.options import Duplicates, parse_date


@dataclass(frozen=True, slots=True)
class Statement:
    claim_id: int
    document: str  # article id
    date: date | None
    actor: str  # node key of the claimant at the chosen level
    issue: str  # issue code
    stance: int | None


@dataclass
class StatementSet:
    """The statements of one layer at one actor level, with what the nodes are called.

    Attributes:
        statements: in date order (undated last), then by claim id.
        actors: actor node key -> (label, kind).
        issues: issue code -> kind (its top-level issue).
        stance_scale: the codebook's stance values, lowest first (DNA's qualifier range comes from it).
        skipped: reasons claims were not made statements -> how many.
    """

    statements: list[Statement]
    actors: dict[str, tuple[str, str]]
    issues: dict[str, str]
    stance_scale: tuple[int, ...] = (-1, 0, 1)
    skipped: dict[str, int] = field(default_factory=dict)

    def dated_range(self) -> tuple[date, date] | None:
        dates = [s.date for s in self.statements if s.date is not None]
        return (min(dates), max(dates)) if dates else None


def _order(statement: Statement) -> tuple[int, date, int]:
    return (statement.date is None, statement.date or date.min, statement.claim_id)


def statements_from_claims(
    rows: Iterable[ClaimRow],
    hierarchy: ActorHierarchy,
    level: ActorLevel,
    vocabulary: ClaimVocabulary | None = None,
) -> StatementSet:
    """Turn claim rows into statements; a claim without a claimant at ``level`` or without an issue is skipped."""
    vocabulary = vocabulary or ClaimVocabulary()
    statements: list[Statement] = []
    actors: dict[str, tuple[str, str]] = {}
    issues: dict[str, str] = {}
    skipped = {"no claimant": 0, "no issue": 0}
    dates: dict[str | None, date | None] = {}
    nodes: dict[int, ActorNode | None] = {}  # at the actor and parent levels a claimant depends on its actor only
    for row in rows:
        if level != ActorLevel.MENTION and row.source_actor_id is not None:
            node = nodes.get(row.source_actor_id)
            if node is None:
                node = nodes[row.source_actor_id] = hierarchy.node(level, row.source_actor_id)
        else:
            node = hierarchy.node(level, row.source_actor_id, row.source_text)
        if node is None:
            skipped["no claimant"] += 1
            continue
        if not row.issue:
            skipped["no issue"] += 1
            continue
        if row.date not in dates:
            try:
                dates[row.date] = parse_date(row.date)
            except ValueError:
                dates[row.date] = None
        actors.setdefault(node.key, (node.label, node.kind))
        issues.setdefault(row.issue, vocabulary.top(row.issue))
        statements.append(Statement(row.id, row.article_id, dates[row.date], node.key, row.issue, row.stance))
    statements.sort(key=_order)
    return StatementSet(statements, actors, issues, vocabulary.stance_values() or (-1, 0, 1), skipped)


def in_range(statements: Sequence[Statement], start: date | None, end: date | None) -> list[Statement]:
    """Statements dated within ``[start, end]``; without either bound, every statement (undated ones too)."""
    if start is None and end is None:
        return list(statements)
    low, high = start or date.min, end or date.max
    return [s for s in statements if s.date is not None and low <= s.date <= high]


def _period(statement: Statement, duplicates: Duplicates) -> object:
    if duplicates == Duplicates.DOCUMENT:
        return statement.document
    day = statement.date
    if day is None:
        return None  # undated statements share one period
    if duplicates == Duplicates.WEEK:
        year, week, _ = day.isocalendar()  # Monday to Sunday, as DNA's UK calendar week
        return (year, week)
    if duplicates == Duplicates.MONTH:
        return (day.year, day.month)
    return day.year


def drop_duplicates(
    statements: Sequence[Statement], duplicates: Duplicates, compare_stance: bool = True
) -> list[Statement]:
    """Keep the first of identical statements (same actor, issue and stance) per document / week / month / year.

    ``compare_stance=False`` (the ``ignore`` aggregation, as in DNA) treats statements that differ only in stance
    as identical too. ``Duplicates.ALL`` keeps everything.
    """
    if duplicates == Duplicates.ALL:
        return list(statements)
    seen: set[tuple[object, ...]] = set()
    kept = []
    periods: dict[object, object] = {}  # a corpus has far fewer distinct dates than statements
    for s in statements:
        if duplicates == Duplicates.DOCUMENT:
            period: object = s.document
        else:
            period = periods.get(s.date, periods)
            if period is periods:
                period = periods[s.date] = _period(s, duplicates)
        key = (s.actor, s.issue, s.stance if compare_stance else None, period)
        if key not in seen:
            seen.add(key)
            kept.append(s)
    return kept

