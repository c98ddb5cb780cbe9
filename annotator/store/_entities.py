"""Entity mentions: the working view of one annotator and every layered decision on a mention."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from annotator.core.changes import Action
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import Change, EntityView, Status
from annotator.store._compiled import dicts_for, insert_row, update_row
from annotator.store._context import StoreContext, now
from annotator.store._rows import entity_row
from annotator.store._snapshots import EventBuilder, snapshot, spans_snapshot
from annotator.store._views import entity_query, entity_views, view_by_id
from annotator.store.models import Actor, Entity

#: Columns a decision may change and that decide between "accepted" and "corrected".
_COMPARED = ("start", "end", "label", "actor")


def decided_ids(model: Any, layer_id: int, own_rows: list[dict[str, Any]]) -> set[int]:
    """Ids of the rows the layer has decided on: what its rows derive from, followed down the chain.

    A gold row derived from alice's row that derives from a suggestion decides the suggestion as well.
    """
    decided: set[int] = set()
    frontier = {r["derived_from"] for r in own_rows if r["derived_from"] is not None}
    while frontier:
        decided |= frontier
        parents = model.select(model.derived_from).where(
            model.id.in_(list(frontier)), model.derived_from.is_null(False)
        )
        frontier = {p for (p,) in parents.tuples()} - decided
    return decided


def working_rows(
    model: Any, query: Any, article_id: str, layer_id: int, suggestions_id: int, include_deleted: bool
) -> list[dict[str, Any]]:
    """A layer's rows plus the suggestions it has not decided on yet (the annotator's working view)."""
    own_query = query.where(model.article == article_id, model.layer == layer_id)
    own = list(own_query.dicts())
    live_own = [r for r in own if not r["deleted"]]
    if not include_deleted:
        own = live_own
    if layer_id == suggestions_id:
        return own
    decided = decided_ids(model, layer_id, live_own)
    suggested = query.where(
        model.article == article_id,
        model.layer == suggestions_id,
        model.deleted == False,  # noqa: E712
    )
    return own + [r for r in suggested.dicts() if r["id"] not in decided]


def article_rows(
    st: StoreContext,
    model: Any,
    query: Any,
    article_id: str,
    annotator: str | None,
    layer: str | None,
    include_deleted: bool,
    sort_key: Callable[[dict[str, Any]], Any],
) -> list[dict[str, Any]]:
    """Entity or claim rows of one article: an annotator's working view, else one layer's (or every layer's)."""
    if annotator is not None:
        rows = working_rows(model, query, article_id, st.read_layer(annotator), st.suggestions_layer(), include_deleted)
        rows.sort(key=sort_key)
        return rows
    query = query.where(model.article == article_id)
    if layer is not None:
        query = query.where(model.layer == st.layer_id(layer))
    if not include_deleted:
        query = query.where(model.deleted == False)  # noqa: E712
    return list(query.dicts())


def entities_for(
    st: StoreContext, article_id: str, annotator: str | None, layer: str | None, include_deleted: bool
) -> list[EntityView]:
    text = st.article_text(article_id)
    rows = article_rows(st, Entity, entity_query(), article_id, annotator, layer, include_deleted,
                        lambda r: (r["start"], r["end"], r["id"]))
    return entity_views(st, rows, {article_id: text})


def _entity_by_id(entity_id: int) -> Any:
    return entity_query().where(Entity.id == entity_id)


def entity_view(st: StoreContext, entity_id: int) -> EntityView:
    return view_by_id(st, _entity_by_id, entity_id, entity_views, "entity")


def live_entity(entity_id: int) -> Any:
    row = Entity.get_or_none(Entity.id == entity_id)
    if row is None or row.deleted:
        raise NotFoundError(f"unknown entity {entity_id!r}" + (" (deleted)" if row is not None else ""))
    return row


def check_actor(actor_id: int | None) -> None:
    if actor_id is None:
        return
    row = Actor.select(Actor.deleted).where(Actor.id == actor_id).tuples().first()
    if row is None or row[0]:
        raise NotFoundError(f"unknown actor {actor_id!r}")


def derived_status(values: dict[str, Any], source: dict[str, Any] | None, columns: tuple[str, ...]) -> str:
    """Status of a non-rejected decision: manual rows stay manual; equal to the source = accepted."""
    if source is None:
        return Status.MANUAL.value
    same = all(values[c] == source[c] for c in columns)
    return Status.ACCEPTED.value if same else Status.CORRECTED.value


def decide(
    st: StoreContext,
    model: Any,
    row_id: int,
    annotator: str,
    action: Action,
    mutate: Callable[[dict[str, Any]], None],
    columns: tuple[str, ...],
    reject: bool = False,
    after_write: Callable[[int, int, bool], list[list[Any]] | None] | None = None,
) -> Change:
    """Apply one decision in the annotator's layer (creating the derived row if needed), with its event.

    ``mutate`` changes the values dict in place (and validates);
    ``after_write(decided_id, target_id, created)`` writes dependent rows (claim spans) before the event
    snapshot, and returns them as the snapshot holds them (None: they did not change). The caller holds the
    transaction. (On PostgreSQL an entity decision takes ``_pg_decisions.decide_entity``: the same rules in two
    round trips.)
    """
    # The row and the decider's own version of it are read together, the "before" snapshot is that read, and
    # the "after" one is what was written.
    layer_id = st.decision_layer(annotator)
    found = dicts_for(_decided_rows, (row_id, row_id, layer_id), model)
    return settle(st, model, row_id, layer_id, annotator, action, found, mutate, columns, reject, after_write,
                  PeeweeWriter(model))


def _decided_rows(row_id: int, again: int, layer_id: int, model: Any) -> Any:
    """The row decided on and the decider's live version of it (``again`` is ``row_id`` once more)."""
    return (model.select()
            .where((model.id == row_id)
                   | ((model.derived_from == again) & (model.layer == layer_id) & (model.deleted == False)))  # noqa: E712
            .order_by(model.id))


class DecisionWriter(Protocol):
    """How :func:`settle` writes: the decided row (inserted or updated) and the event; ``row`` reads a row."""

    def insert(self, values: dict[str, Any]) -> int: ...

    def update(self, row_id: int, values: dict[str, Any]) -> None: ...

    def event(self, ev: EventBuilder) -> Change: ...

    def row(self, row_id: int) -> dict[str, Any] | None: ...


class PeeweeWriter:
    """Writes a decision's row and its event through peewee (every backend)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def insert(self, values: dict[str, Any]) -> int:
        return insert_row(self.model, values)

    def update(self, row_id: int, values: dict[str, Any]) -> None:
        update_row(self.model, row_id, values)

    def event(self, ev: EventBuilder) -> Change:
        return ev.write()

    def row(self, row_id: int) -> dict[str, Any] | None:
        return self.model.select().where(self.model.id == row_id).dicts().first()


def settle(
    st: StoreContext,
    model: Any,
    row_id: int,
    layer_id: int,
    annotator: str,
    action: Action,
    found: list[dict[str, Any]],
    mutate: Callable[[dict[str, Any]], None],
    columns: tuple[str, ...],
    reject: bool,
    after_write: Callable[[int, int, bool], list[list[Any]] | None] | None,
    writer: DecisionWriter,
) -> Change:
    """The rules of a decision, given the rows read (``found``: the row decided on, the rows derived from it, and
    possibly others; as dicts of field name -> value): which row it writes, its values and status, its event."""
    table = model._meta.table_name
    row = next((r for r in found if r["id"] == row_id), None)
    if row is None or row["deleted"]:
        raise NotFoundError(f"unknown {table} {row_id!r}" + (" (deleted)" if row is not None else ""))
    target: dict[str, Any] | None = row
    if row["layer"] != layer_id:
        target = next((r for r in found if r["id"] != row_id and r["derived_from"] == row_id
                       and r["layer"] == layer_id and not r["deleted"]), None)  # the oldest, as before
    ev = EventBuilder(action, annotator, row["article"])
    created = target is None
    if target is None:
        values = {k: v for k, v in row.items() if k != "id"}
        values.update(layer=layer_id, derived_from=row_id, created_by=annotator, created=now(), deleted=False)
        before = None
    else:
        values = {k: v for k, v in target.items() if k != "id"}
        before = dict(target)
        if table == "claim":  # the snapshot of a claim holds its spans too, which the row read above does not
            before["_spans"] = spans_snapshot(target["id"])
    mutate(values)
    source_id = values["derived_from"]
    source = None
    if source_id is not None:
        source = next((r for r in found if r["id"] == source_id), None) or writer.row(source_id)
    if reject:
        values["status"] = Status.REJECTED.value
    else:
        values["status"] = derived_status(values, source, columns)
    values["updated"] = now()
    if target is None:
        target_id = writer.insert(values)
    else:
        target_id = target["id"]
        writer.update(target_id, values)
    spans = after_write(row_id, target_id, created) if after_write is not None else None
    # The row is exactly what was written (no trigger or default changes it), so its snapshot is not read back. A
    # claim's snapshot holds its spans too: those ``after_write`` wrote, or else those it had before.
    written = {**values, "id": target_id}
    row_after = {name: written[name] for name in model._meta.sorted_field_names}
    after: dict[str, Any] | None = row_after
    if table != "entity":
        if spans is None and before is not None:
            spans = before["_spans"]
        after = {**row_after, "_spans": spans} if spans is not None else None  # None: ``touch`` reads it back
    ev.touch(table, target_id, before, created=created, after=after)
    return writer.event(ev)


def add_entity(
    st: StoreContext, article_id: str, start: int, end: int, label: str, annotator: str, actor_id: int | None
) -> Change:
    text = st.article_text(article_id)
    st.span(start, end, text, "entity")
    st.check_label(label)
    check_actor(actor_id)
    row = entity_row(
        article=article_id,
        layer=st.decision_layer(annotator),
        start=start,
        end=end,
        label=label,
        actor=actor_id,
        status=Status.MANUAL.value,
        origin="manual",
        created_by=annotator,
    )
    new_id = int(Entity.insert(**row).execute())
    ev = EventBuilder(Action.ADD_ENTITY, annotator, article_id)
    ev.touch("entity", new_id, None, created=True)
    return ev.write()


def decide_entity(st: StoreContext, entity_id: int, annotator: str, action: Action, **changes: Any) -> Change:
    """accept / relabel / resize / link: set ``changes`` (validated) on the annotator's version of the row."""

    def validate() -> None:
        if "label" in changes:
            st.check_label(changes["label"])
        if "actor" in changes:
            check_actor(changes["actor"])

    def mutate(values: dict[str, Any]) -> None:
        if "start" in changes:
            text = st.article_text(values["article"])
            st.span(changes["start"], changes["end"], text, "entity")
        values.update(changes)

    if st.is_postgres:
        from annotator.store import _pg_decisions

        return _pg_decisions.decide_entity(st, entity_id, annotator, action, mutate, validate,
                                           codebook="label" in changes)
    validate()
    return decide(st, Entity, entity_id, annotator, action, mutate, _COMPARED)


def reject_entity(st: StoreContext, entity_id: int, annotator: str, action: Action = Action.REJECT_ENTITY) -> Change:
    if st.is_postgres:
        from annotator.store import _pg_decisions

        return _pg_decisions.decide_entity(st, entity_id, annotator, action, lambda v: None, None, reject=True)
    return decide(st, Entity, entity_id, annotator, action, lambda v: None, _COMPARED, reject=True)


def delete_own(
    st: StoreContext,
    model: Any,
    row_id: int,
    annotator: str,
    action: Action,
    reject: Callable[[StoreContext, int, str, Action], Change],
) -> Change:
    """Soft-delete a manual row of one's own; on a suggestion or a decision on one it is ``reject``-ed instead
    (the suggestion stays decided, so it does not come back as open)."""
    table = model._meta.table_name
    row = model.get_or_none(model.id == row_id)
    if row is None or row.deleted:
        raise NotFoundError(f"unknown {table} {row_id!r}" + (" (deleted)" if row is not None else ""))
    if row.layer_id == st.decision_layer(annotator) and row.derived_from_id is None:
        before = snapshot(table, row.id)
        model.update(deleted=True, updated=now()).where(model.id == row.id).execute()
        ev = EventBuilder(action, annotator, row.article_id)
        ev.touch(table, row.id, before)
        return ev.write()
    return reject(st, row_id, annotator, action)


def delete_entity(st: StoreContext, entity_id: int, annotator: str) -> Change:
    return delete_own(st, Entity, entity_id, annotator, Action.DELETE_ENTITY, reject_entity)


def ensure_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{what} must be a non-empty text, got {value!r}")
    return value.strip()
