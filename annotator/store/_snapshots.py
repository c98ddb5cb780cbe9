"""Audit events: before/after snapshots of touched rows, writing one Event per mutation, and reverting one.

Payload shape (JSON)::

    {"rows": [{"table": "entity", "id": 7, "before": {...} | null, "after": {...} | null}, ...],
     "bulk": {"entity": {"created": [ids], "deleted": [ids], "undeleted": [ids]}, ...},
     "recode": [{"table": "entity", "column": "label", "changes": [[old, new, [ids]], ...]}, ...]}

``rows`` carries full snapshots (claims include their spans under ``_spans``). ``bulk`` is the compact form
used by suggestion runs and imports, where thousands of rows are created: only ids and their deleted-flag
change. ``recode`` is the compact form of a codebook rename or merge: one column of many rows set from one value
to another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from annotator.core.changes import Action, Change
from annotator.core.errors import NotFoundError
from annotator.store._compiled import dicts_for, insert_row, rows_for
from annotator.store._context import dumps, now
from annotator.store.models import (
    Actor,
    ActorName,
    ArticleState,
    Claim,
    ClaimSpan,
    Entity,
    Event,
    ProjectCodebook,
    bulk_insert,
)

TABLES: dict[str, Any] = {
    "entity": Entity,
    "claim": Claim,
    "actor": Actor,
    "article_state": ArticleState,
    "codebook": ProjectCodebook,
}
#: Tables whose rows are soft-deleted (a row an event created is reverted by setting ``deleted``).
SOFT = {"entity", "claim", "actor"}


def _row_by_id(row_id: int, model: Any) -> Any:
    return model.select().where(model.id == row_id)


def _spans_as_written(claim_id: int) -> Any:
    return (ClaimSpan.select(ClaimSpan.role, ClaimSpan.start, ClaimSpan.end, ClaimSpan.ordinal)
            .where(ClaimSpan.claim == claim_id).order_by(ClaimSpan.id))


def spans_snapshot(claim_id: int) -> list[list[Any]]:
    """A claim's span rows as its snapshot holds them (``_spans``): [role, start, end, ordinal], as written."""
    return [list(row) for row in rows_for(_spans_as_written, (claim_id,))]


def snapshot(table: str, row_id: int) -> dict[str, Any] | None:
    """All columns of one row as JSON values (foreign keys as ids), claims with ``_spans``; None if absent.

    Its statements are composed once (``_compiled``): a decision takes one or two snapshots.
    """
    rows = dicts_for(_row_by_id, (row_id,), TABLES[table])
    if not rows:
        return None
    data = rows[0]
    if table == "claim":
        data["_spans"] = spans_snapshot(row_id)
    return data


def restore(table: str, row_id: int, state: dict[str, Any] | None) -> None:
    """Put one row back to ``state``; ``None`` means "did not exist" (soft-deleted; a state goes back to todo)."""
    model = TABLES[table]
    if table == "article_state" and model.select().where(model.id == row_id).exists():
        # Only the status is undoable: time spent (add_time) keeps accumulating whatever is undone.
        status = state["status"] if state is not None else "todo"
        model.update(status=status).where(model.id == row_id).execute()
        return
    if state is None:
        if table in SOFT:
            model.update(deleted=True).where(model.id == row_id).execute()
        else:
            model.delete().where(model.id == row_id).execute()
        if table == "actor":
            reindex_actor(row_id)
        return
    values = {k: v for k, v in state.items() if not k.startswith("_")}
    values["id"] = row_id
    exists = model.select(model.id).where(model.id == row_id).exists()
    if exists:
        model.update(**{k: v for k, v in values.items() if k != "id"}).where(model.id == row_id).execute()
    else:
        model.insert(**values).execute()
    if table == "claim" and "_spans" in state:
        ClaimSpan.delete().where(ClaimSpan.claim == row_id).execute()
        spans = [{"claim": row_id, "role": r, "start": s, "end": e, "ordinal": o} for r, s, e, o in state["_spans"]]
        if spans:
            bulk_insert(ClaimSpan, spans)
    if table == "actor":
        reindex_actor(row_id)


def reindex_actor(actor_id: int) -> None:
    """Rebuild the lower-cased name/alias lookup rows of one actor (none when deleted or merged)."""
    ActorName.delete().where(ActorName.actor == actor_id).execute()
    row = Actor.select(Actor.name, Actor.aliases, Actor.deleted).where(Actor.id == actor_id).tuples().first()
    if row is None or row[2]:
        return
    keys = {row[0].strip().casefold()} | {a.strip().casefold() for a in json.loads(row[1] or "[]")}
    keys.discard("")
    if keys:
        bulk_insert(ActorName, [{"actor": actor_id, "key": k[:300]} for k in sorted(keys)])


@dataclass
class EventBuilder:
    """Collects what one mutation touches, then writes its Event and builds its Change.

    The Change's flags come from the tables touched, so no caller (and no view) has to know which action
    touches what: ``entity`` rows set ``entities``, ``claim`` rows ``claims``, ``actor`` rows ``actors``, and
    ``article_state`` rows ``status`` and ``progress``.
    """

    action: Action
    annotator: str | None
    article_id: str | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    bulk: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    created: dict[str, int] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    recode: list[dict[str, Any]] = field(default_factory=list)
    #: Set when the mutation changes what counts as progress without touching a state row (a new article).
    progress: bool = False

    def touch(
        self, table: str, row_id: int, before: dict[str, Any] | None, *, created: bool = False,
        after: dict[str, Any] | None = None,
    ) -> None:
        """Record one row after it was written (``before`` taken earlier with :func:`snapshot`; ``after`` when
        the caller knows every column it wrote, else read back)."""
        if after is None:
            after = snapshot(table, row_id)
        self.rows.append({"table": table, "id": row_id, "before": before, "after": after})
        if created:
            self.created.setdefault(table, row_id)

    def add_bulk(self, table: str, kind: str, ids: list[int]) -> None:
        if ids:
            self.bulk.setdefault(table, {}).setdefault(kind, []).extend(ids)

    def add_recode(self, table: str, column: str, old: Any, new: Any, ids: list[int]) -> None:
        """Record that ``column`` of the rows ``ids`` went from ``old`` to ``new`` (already written)."""
        if ids:
            self.recode.append({"table": table, "column": column, "changes": [[old, new, list(ids)]]})

    def ids(self, table: str) -> tuple[int, ...]:
        seen: dict[int, None] = {}
        for r in self.rows:
            if r["table"] == table:
                seen[r["id"]] = None
        for ids in self.bulk.get(table, {}).values():
            for i in ids:
                seen[i] = None
        for item in self.recode:
            if item["table"] == table:
                for _old, _new, ids in item["changes"]:
                    for i in ids:
                        seen[i] = None
        return tuple(seen)

    def _in_place(self) -> bool:
        """Every touched entity / claim row is live after the mutation, and no other table was touched."""
        if self.bulk or self.recode:
            return False
        return all(
            r["table"] in ("entity", "claim") and r["after"] is not None and not r["after"].get("deleted")
            for r in self.rows
        )

    def event_row(self) -> dict[str, Any]:
        """The Event row this mutation writes (every column but the id)."""
        payload: dict[str, Any] = {**self.extra, "rows": self.rows}
        if self.bulk:
            payload["bulk"] = self.bulk
        if self.recode:
            payload["recode"] = self.recode
        return {"at": now(), "annotator": self.annotator, "action": self.action.value, "article": self.article_id,
                "payload": dumps(payload)}

    def write(self) -> Change:
        return self.change(insert_row(Event, self.event_row()))

    def change(self, event_id: int) -> Change:
        """The Change of this mutation, once its event ``event_id`` is written."""
        entity_ids, claim_ids, actor_ids = self.ids("entity"), self.ids("claim"), self.ids("actor")
        status = bool(self.ids("article_state"))
        return Change(
            event_id=event_id,
            action=self.action.value,
            article_id=self.article_id,
            entity_ids=entity_ids,
            claim_ids=claim_ids,
            actor_ids=actor_ids,
            created_entity_id=self.created.get("entity"),
            created_claim_id=self.created.get("claim"),
            created_actor_id=self.created.get("actor"),
            entities=bool(entity_ids),
            claims=bool(claim_ids),
            actors=bool(actor_ids),
            status=status,
            progress=status or self.progress,
            codebook=bool(self.ids("codebook")),
            in_place=bool(self.rows) and self._in_place(),
        )


def write_article_state(ev: EventBuilder, annotator_id: int, value: str) -> Change:
    """Set one annotator's status of ``ev``'s article (creating the state row) and write the event."""
    assert ev.article_id is not None
    row_id = (
        ArticleState.select(ArticleState.id)
        .where(ArticleState.article == ev.article_id, ArticleState.annotator == annotator_id)
        .scalar()
    )
    if row_id is None:
        row_id = ArticleState.insert(
            article=ev.article_id, annotator=annotator_id, status=value, seconds=0.0, updated=now()
        ).execute()
        ev.touch("article_state", int(row_id), None, created=True)
    else:
        before = snapshot("article_state", row_id)
        ArticleState.update(status=value, updated=now()).where(ArticleState.id == row_id).execute()
        ev.touch("article_state", row_id, before)
    return ev.write()


_BULK_INVERSE = {"created": "deleted", "deleted": "undeleted", "undeleted": "deleted"}


def revert(event_id: int, annotator: str) -> Change:
    """Restore every row an event touched to its ``before`` state; the caller holds the transaction."""
    row = Event.get_or_none(Event.id == event_id)
    if row is None:
        raise NotFoundError(f"unknown event {event_id!r}")
    payload = json.loads(row.payload)
    ev = EventBuilder(Action.REVERT, annotator, row.article)
    # Undo in reverse order, so a row touched twice ends at its first ``before``.
    for item in reversed(payload.get("rows", [])):
        table, row_id = item["table"], int(item["id"])
        before = snapshot(table, row_id)
        restore(table, row_id, item["before"])
        ev.touch(table, row_id, before)
    ev.rows.reverse()
    for table, kinds in payload.get("bulk", {}).items():
        model = TABLES[table]
        for kind, ids in kinds.items():
            inverse = _BULK_INVERSE[kind]
            for chunk in _chunks(ids):
                model.update(deleted=(inverse == "deleted")).where(model.id.in_(chunk)).execute()
            if table == "actor":
                for actor_id in ids:
                    reindex_actor(actor_id)
            ev.add_bulk(table, inverse, list(ids))
    for item in reversed(payload.get("recode", [])):
        model = TABLES[item["table"]]
        column = item["column"]
        for old, new, ids in reversed(item["changes"]):
            # Rows recoded again since (relabelled by hand) keep their later value.
            field_ = getattr(model, column)
            for chunk in _chunks(ids):
                model.update(**{column: old}).where(model.id.in_(chunk), field_ == new).execute()
            ev.add_recode(item["table"], column, new, old, ids)
    ev.extra["reverts"] = event_id
    return ev.write()


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    # SQLite limits bound parameters per statement; 500 stays well under every backend's limit.
    return [ids[i : i + size] for i in range(0, len(ids), size)]
