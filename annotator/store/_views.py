"""Building the ``*View`` records from rows (dicts), with few queries: one per kind of row, never per row."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from peewee import JOIN

from annotator.core.errors import NotFoundError
from annotator.core.records import (
    PIECE_JOIN,
    ActorView,
    ArticleRecord,
    ClaimView,
    EntityView,
    RoleView,
    Span,
    Status,
)
from annotator.store._compiled import dicts_for, rows_in
from annotator.store._context import StoreContext
from annotator.store.models import Actor, Article, Claim, ClaimSpan, Entity

V = TypeVar("V", EntityView, ClaimView)


def view_by_id(
    st: StoreContext,
    select_by_id: Callable[[int], Any],
    item_id: int,
    to_views: Callable[[StoreContext, list[dict[str, Any]]], list[V]],
    what: str,
) -> V:
    """The view of the one row ``select_by_id`` selects for ``item_id``.

    ``select_by_id`` must be a module-level function: the composed statement is cached by it
    (:func:`~annotator.store._compiled.dicts_for`).

    Raises:
        NotFoundError: no row has that id; the message names ``what`` it was asked for.
    """
    rows = dicts_for(select_by_id, (item_id,))
    if not rows:
        raise NotFoundError(f"unknown {what} {item_id!r}")
    return to_views(st, rows)[0]


def _texts(article_ids: Iterable[str], known: dict[str, str] | None = None) -> dict[str, str]:
    texts = dict(known or {})
    missing = sorted({a for a in article_ids if a not in texts})
    for aid, text in rows_in(_article_texts, missing):  # a decision's view reads one: composed once (_compiled)
        texts[aid] = text
    return texts


def _article_texts(article_ids: list[str]) -> Any:
    return Article.select(Article.id, Article.text).where(Article.id.in_(article_ids))


def entity_query():
    """Entities with their actor's name (``actor_name``), as dicts."""
    return (
        Entity.select(Entity, Actor.name.alias("actor_name"))
        .join(Actor, JOIN.LEFT_OUTER, on=(Entity.actor == Actor.id))
        .order_by(Entity.start, Entity.end, Entity.id)
    )


def entity_views(st: StoreContext, rows: list[dict[str, Any]], texts: dict[str, str] | None = None) -> list[EntityView]:
    texts = _texts((r["article"] for r in rows), texts)
    return [
        EntityView(
            id=r["id"],
            article_id=r["article"],
            layer=st.layer_name(r["layer"]),
            start=r["start"],
            end=r["end"],
            text=texts[r["article"]][r["start"] : r["end"]],
            label=r["label"],
            status=Status(r["status"]),
            origin=r["origin"],
            actor_id=r["actor"],
            actor_name=r.get("actor_name"),
            derived_from=r["derived_from"],
            annotator=r["created_by"],
        )
        for r in rows
    ]


def claim_query():
    """Claims with their source actor's and addressee's names, as dicts."""
    source = Actor.alias("source")
    addressee = Actor.alias("addressee")
    return (
        Claim.select(Claim, source.name.alias("source_actor_name"), addressee.name.alias("addressee_name"))
        .join(source, JOIN.LEFT_OUTER, on=(Claim.source_actor == source.id))
        .switch(Claim)
        .join(addressee, JOIN.LEFT_OUTER, on=(Claim.addressee == addressee.id))
        .order_by(Claim.id)
    )


def spans_of(claim_ids: list[int]) -> dict[int, dict[str, list[Span]]]:
    """claim id -> role -> spans (in ordinal order)."""
    out: dict[int, dict[str, list[Span]]] = defaultdict(lambda: defaultdict(list))
    for i in range(0, len(claim_ids), 500):
        chunk = claim_ids[i : i + 500]
        query = (
            ClaimSpan.select(ClaimSpan.claim, ClaimSpan.role, ClaimSpan.start, ClaimSpan.end)
            .where(ClaimSpan.claim.in_(chunk))
            .order_by(ClaimSpan.claim, ClaimSpan.role, ClaimSpan.ordinal, ClaimSpan.start)
            .tuples()
        )
        for claim_id, role, start, end in query:
            out[claim_id][role].append(Span(start, end))
    return out


def role_view(spans: list[Span] | None, text: str) -> RoleView | None:
    if not spans:
        return None
    ordered = tuple(sorted(spans))
    return RoleView(spans=ordered, text=PIECE_JOIN.join(s.slice(text) for s in ordered))


def claim_views(st: StoreContext, rows: list[dict[str, Any]], texts: dict[str, str] | None = None) -> list[ClaimView]:
    texts = _texts((r["article"] for r in rows), texts)
    spans = spans_of([r["id"] for r in rows])
    views = []
    for r in rows:
        text = texts[r["article"]]
        roles = spans.get(r["id"], {})
        views.append(
            ClaimView(
                id=r["id"],
                article_id=r["article"],
                layer=st.layer_name(r["layer"]),
                source=role_view(roles.get("source"), text),
                cue=role_view(roles.get("cue"), text),
                content=role_view(roles.get("content"), text),
                kind=r["kind"],
                form=r["form"],
                source_actor_id=r["source_actor"],
                source_actor_name=r.get("source_actor_name"),
                addressee_id=r["addressee"],
                addressee_name=r.get("addressee_name"),
                issue=r["issue"],
                stance=r["stance"],
                note=r["note"],
                status=Status(r["status"]),
                origin=r["origin"],
                derived_from=r["derived_from"],
                annotator=r["created_by"],
                variables=json.loads(r.get("variables") or "{}"),
            )
        )
    return views


def actor_view(r: dict[str, Any]) -> ActorView:
    return ActorView(
        id=r["id"],
        name=r["name"],
        kind=r["kind"],
        aliases=tuple(json.loads(r["aliases"] or "[]")),
        parent_id=r["parent"],
        notes=r["notes"],
    )


def article_record(r: dict[str, Any]) -> ArticleRecord:
    return ArticleRecord(
        id=r["id"],
        title=r["title"],
        date=r["date"],
        source=r["source"],
        url=r["url"],
        file=r["file"],
        text=r["text"],
        text_sha256=r["text_sha256"],
        meta=json.loads(r["meta"] or "{}"),
        imported_at=r["imported_at"],
    )
