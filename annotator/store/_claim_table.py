"""Every claim of a layer as a flat :class:`~annotator.core.claim_table.ClaimRow`, in two queries.

The claims view and the networks read the whole corpus at once (100,000 claims): one query for the claims with
their article's metadata and actors' names, one for every span with its text cut out by the database
(``SUBSTR`` counts characters on SQLite and PostgreSQL alike, as our code-point offsets do), so no article text
crosses into Python.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from peewee import JOIN, fn

from annotator.core.claim_table import ClaimRow
from annotator.core.records import PIECE_JOIN
from annotator.store._context import StoreContext
from annotator.store.models import Actor, Article, Claim, ClaimSpan


def _conditions(st: StoreContext, layer: str | None, statuses: Sequence[str] | None) -> list[Any] | None:
    """Where-clauses for the claims wanted; None when the layer exists by name but has no rows yet."""
    conditions: list[Any] = [Claim.deleted == False]  # noqa: E712
    if layer is not None:
        layer_id = st.wanted_layer_id(layer)
        if layer_id is None:
            return None
        conditions.append(Claim.layer == layer_id)
    if statuses is not None:
        conditions.append(Claim.status.in_(list(statuses)))
    return conditions


def _raw(st: StoreContext, query: Any) -> list[tuple[Any, ...]]:
    """The rows of a query as the database driver returns them.

    These columns need no conversion (integers and text), and peewee's per-value conversion costs more than
    SQLite's work on 100,000 claims and their 300,000 spans; the SQL is still peewee's, for every backend.
    """
    sql, params = query.sql()
    return list(st.db.execute_sql(sql, params).fetchall())


def claim_rows(st: StoreContext, layer: str | None, statuses: Sequence[str] | None) -> list[ClaimRow]:
    """Live claims of ``layer`` (None: every layer), optionally only with ``statuses``, by claim id."""
    conditions = _conditions(st, layer, statuses)
    if conditions is None:
        return []
    texts: dict[int, dict[str, list[tuple[int, int, str]]]] = defaultdict(lambda: defaultdict(list))
    span_query = (
        ClaimSpan.select(ClaimSpan.claim, ClaimSpan.role, ClaimSpan.start, ClaimSpan.end,
                         fn.SUBSTR(Article.text, ClaimSpan.start + 1, ClaimSpan.end - ClaimSpan.start))
        .join(Claim, on=(ClaimSpan.claim == Claim.id))
        .join(Article, on=(Claim.article == Article.id))
        .where(*conditions)
    )
    for claim_id, role, start, end, piece in _raw(st, span_query):
        texts[claim_id][role].append((start, end, piece or ""))
    source = Actor.alias("source")
    addressee = Actor.alias("addressee")
    query = (
        Claim.select(Claim.id, Claim.article, Article.title, Article.date, Article.source, Claim.layer,
                     Claim.created_by, Claim.status, Claim.kind, Claim.form, Claim.source_actor,
                     source.name, Claim.addressee, addressee.name, Claim.issue, Claim.stance, Claim.note,
                     Claim.variables)
        .join(Article, on=(Claim.article == Article.id))
        .switch(Claim)
        .join(source, JOIN.LEFT_OUTER, on=(Claim.source_actor == source.id))
        .switch(Claim)
        .join(addressee, JOIN.LEFT_OUTER, on=(Claim.addressee == addressee.id))
        .where(*conditions)
        .order_by(Claim.id)
    )

    def joined(pieces: list[tuple[int, int, str]]) -> str:
        return PIECE_JOIN.join(p for _, _, p in sorted(pieces))

    rows = []
    for (claim_id, article_id, title, day, outlet, layer_id, created_by, status, kind, form, source_id, source_name,
         addressee_id, addressee_name, issue, stance, note, variables) in _raw(st, query):
        roles = texts.get(claim_id, {})
        starts = [s for pieces in roles.values() for s, _, _ in pieces]
        rows.append(ClaimRow(
            id=claim_id, article_id=article_id, title=title or "", date=day, outlet=outlet or "",
            layer=st.layer_name(layer_id), annotator=created_by, status=status, kind=kind, form=form,
            source_text=joined(roles.get("source", [])), cue_text=joined(roles.get("cue", [])),
            content_text=joined(roles.get("content", [])), source_actor_id=source_id, source_actor_name=source_name,
            addressee_id=addressee_id, addressee_name=addressee_name, issue=issue, stance=stance, note=note or "",
            start=min(starts) if starts else 0, variables=json.loads(variables or "{}"),
        ))
    return rows
