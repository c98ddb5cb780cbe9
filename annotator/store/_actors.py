"""Actors (canonical entities): listing, adding, editing, merging, and matching suggested actors to them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from peewee import fn

from annotator.core.changes import Action
from annotator.core.codebook import ActorType, Codebook
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import ActorView, Change
from annotator.store._compiled import CHUNK, rows_in
from annotator.store._context import StoreContext, dumps, now
from annotator.store._entities import ensure_text
from annotator.store._snapshots import EventBuilder, reindex_actor, snapshot
from annotator.store._views import actor_view
from annotator.store.models import Actor, ActorName, Claim, Entity


def _kind_group(book: Codebook, kind: str) -> str:
    actor = book.actor_labels().get(kind)
    if actor is None:
        return f"label:{kind}"
    return "person" if actor == ActorType.PERSON else "collective"


def compatible(book: Codebook, kind_a: str, kind_b: str) -> bool:
    """Whether actors of two kinds (labels) may be one: "Japan" the country and "Japan" the government are one
    actor (both collective in the codebook's actor types); a person never matches an organisation."""
    return _kind_group(book, kind_a) == _kind_group(book, kind_b)


def _key(name: str) -> str:
    return name.strip().casefold()[:300]


def live_actor(actor_id: int) -> Any:
    row = Actor.get_or_none(Actor.id == actor_id)
    if row is None or row.deleted:
        raise NotFoundError(f"unknown actor {actor_id!r}" + (" (deleted or merged)" if row is not None else ""))
    return row


def actors(query: str, limit: int | None) -> list[ActorView]:
    select = Actor.select().where(Actor.deleted == False)  # noqa: E712
    if "\x00" in query:
        # No name holds a NUL, and SQLite would cut the LIKE pattern at it and match every actor.
        return []
    if query.strip():
        matching = ActorName.select(ActorName.actor).where(ActorName.key.contains(_key(query)))
        select = select.where(Actor.id.in_(matching))
    select = select.order_by(fn.LOWER(Actor.name), Actor.id)
    if limit is not None:
        select = select.limit(limit)
    return [actor_view(r) for r in select.dicts()]


def actor(actor_id: int) -> ActorView:
    row = Actor.select().where(Actor.id == actor_id).dicts().first()
    if row is None:
        raise NotFoundError(f"unknown actor {actor_id!r}")
    return actor_view(row)


def _aliases(values: Iterable[str], name: str) -> list[str]:
    if isinstance(values, str):
        raise ValidationError(f"aliases must be a list of names, got the text {values!r}")
    out: list[str] = []
    seen = {_key(name)}
    for alias in values:
        if not isinstance(alias, str):
            raise ValidationError(f"alias {alias!r} is not a text")
        if alias.strip() and _key(alias) not in seen:
            seen.add(_key(alias))
            out.append(alias.strip())
    return out


def makes_cycle(actor_id: int | None, parent_id: int) -> bool:
    """Whether giving ``actor_id`` the parent ``parent_id`` would close a cycle (Abe -> Government -> Abe)."""
    # Walk up from the parent: reaching the actor itself would make a cycle.
    seen: set[int] = set()
    current: int | None = parent_id
    while current is not None and current not in seen:
        if current == actor_id:
            return True
        seen.add(current)
        current = Actor.select(Actor.parent).where(Actor.id == current).scalar()
    return False


def _check_parent(actor_id: int | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    live_actor(parent_id)
    if makes_cycle(actor_id, parent_id):
        raise ValidationError(f"actor {parent_id} cannot be the parent of actor {actor_id}: that makes a cycle")


def insert_actor(name: str, kind: str, aliases: Sequence[str], parent_id: int | None, notes: str) -> int:
    stamp = now()
    actor_id = int(
        Actor.insert(
            name=name,
            kind=kind,
            aliases=dumps(list(aliases)),
            parent=parent_id,
            notes=notes,
            merged_into=None,
            deleted=False,
            created=stamp,
            updated=stamp,
        ).execute()
    )
    reindex_actor(actor_id)
    return actor_id


def add_actor(
    name: str, kind: str, annotator: str, aliases: Iterable[str], parent_id: int | None, notes: str
) -> Change:
    name = ensure_text(name, "actor name")
    kind = ensure_text(kind, "actor kind")
    clean = _aliases(aliases, name)
    _check_parent(None, parent_id)
    actor_id = insert_actor(name, kind, clean, parent_id, notes or "")
    ev = EventBuilder(Action.ADD_ACTOR, annotator)
    ev.touch("actor", actor_id, None, created=True)
    return ev.write()


_ACTOR_ATTRIBUTES = {"name", "kind", "aliases", "parent_id", "notes"}


def update_actor(actor_id: int, annotator: str, attributes: dict[str, Any]) -> Change:
    unknown = sorted(set(attributes) - _ACTOR_ATTRIBUTES)
    if unknown:
        raise ValidationError(
            f"unknown actor attribute(s) {', '.join(map(repr, unknown))}; expected {sorted(_ACTOR_ATTRIBUTES)}"
        )
    row = live_actor(actor_id)
    values: dict[str, Any] = {}
    name = ensure_text(attributes["name"], "actor name") if "name" in attributes else row.name
    if "name" in attributes:
        values["name"] = name
    if "kind" in attributes:
        values["kind"] = ensure_text(attributes["kind"], "actor kind")
    if "aliases" in attributes:
        values["aliases"] = dumps(_aliases(attributes["aliases"], name))
    if "parent_id" in attributes:
        _check_parent(actor_id, attributes["parent_id"])
        values["parent"] = attributes["parent_id"]
    if "notes" in attributes:
        if not isinstance(attributes["notes"], str):
            raise ValidationError(f"actor notes must be text, got {attributes['notes']!r}")
        values["notes"] = attributes["notes"]
    before = snapshot("actor", actor_id)
    Actor.update(updated=now(), **values).where(Actor.id == actor_id).execute()
    reindex_actor(actor_id)
    ev = EventBuilder(Action.UPDATE_ACTOR, annotator)
    ev.touch("actor", actor_id, before)
    return ev.write()


def merge_actors(keep_id: int, merge_id: int, annotator: str) -> Change:
    if keep_id == merge_id:
        raise ValidationError(f"cannot merge actor {keep_id} into itself")
    keep = live_actor(keep_id)
    gone = live_actor(merge_id)
    ev = EventBuilder(Action.MERGE_ACTORS, annotator)
    stamp = now()
    # Every row that points at the merged actor moves to the kept one; snapshots make it undoable.
    moves: list[tuple[str, Any, Any, Any]] = [
        ("entity", Entity, Entity.actor, "actor"),
        ("claim", Claim, Claim.source_actor, "source_actor"),
        ("claim", Claim, Claim.addressee, "addressee"),
        ("actor", Actor, Actor.parent, "parent"),
    ]
    for table, model, column, name in moves:
        ids = [i for (i,) in model.select(model.id).where(column == merge_id).tuples() if i != keep_id]
        for row_id in ids:
            before = snapshot(table, row_id)
            model.update(**{name: keep_id}).where(model.id == row_id).execute()
            ev.touch(table, row_id, before)
    names = [gone.name, *json.loads(gone.aliases or "[]")]
    merged = _aliases([*json.loads(keep.aliases or "[]"), *names], keep.name)
    before = snapshot("actor", keep_id)
    values: dict[str, Any] = {"aliases": dumps(merged), "updated": stamp}
    if keep.parent_id == merge_id:
        # Merging an actor into its own child: the child takes the parent's place in the hierarchy.
        values["parent"] = gone.parent_id if gone.parent_id != keep_id else None
    Actor.update(**values).where(Actor.id == keep_id).execute()
    reindex_actor(keep_id)
    ev.touch("actor", keep_id, before)
    before = snapshot("actor", merge_id)
    Actor.update(deleted=True, merged_into=keep_id, updated=stamp).where(Actor.id == merge_id).execute()
    reindex_actor(merge_id)
    ev.touch("actor", merge_id, before)
    return ev.write()


def _live_actors_named(keys: Any) -> Any:
    """(name key, actor id, kind) of the live actors with one of these name keys, for :func:`rows_in`."""
    return (
        ActorName.select(ActorName.key, Actor.id, Actor.kind)
        .join(Actor, on=(ActorName.actor == Actor.id))
        .where(ActorName.key.in_(keys), Actor.deleted == False)  # noqa: E712
        .order_by(Actor.id)
    )


def resolve_actors(
    st: StoreContext,
    proposals: Sequence[tuple[str, str, str, Sequence[str]]],
) -> tuple[dict[str, int], list[int]]:
    """Match (key, name, kind, aliases) proposals to live actors by name/alias; create the unmatched ones.

    Returns (key -> actor id, ids of the actors created). One lookup query for the whole batch.
    """
    all_names = {_key(n) for _, name, _, aliases in proposals for n in (name, *aliases) if n.strip()}
    found: dict[str, list[tuple[int, str]]] = {}
    names = sorted(all_names)
    # Each chunk of names in actor-id order, as one query over all of them would give (rows_in chunks by 500).
    for i in range(0, len(names), CHUNK):
        for key, actor_id, kind in rows_in(_live_actors_named, names[i : i + CHUNK]):
            found.setdefault(key, []).append((actor_id, kind))
    mapping: dict[str, int] = {}
    created: list[int] = []
    book = st.codebook()
    for key, name, kind, aliases in proposals:
        candidates = [c for n in (name, *aliases) for c in found.get(_key(n), [])]
        exact = [c for c in candidates if c[1] == kind]
        near = [c for c in candidates if compatible(book, c[1], kind)]
        chosen = (exact or near)[0] if (exact or near) else None
        if chosen is None:
            if not name.strip():
                continue
            actor_id = insert_actor(name.strip(), kind, _aliases(aliases, name), None, "")
            created.append(actor_id)
            # Later proposals in the same batch ("Abe" after "Shinzo Abe") find the new actor.
            for n in (name, *aliases):
                found.setdefault(_key(n), []).append((actor_id, kind))
            mapping[key] = actor_id
        else:
            mapping[key] = chosen[0]
    return mapping, created
