"""Entity decisions on a PostgreSQL team server in two round trips, with the rules of ``_entities.settle``.

A decision on a team server is a conversation with a server a network away, shared by everyone deciding at the
same moment, so its cost is mostly round trips and the work each side does per statement. Through peewee it was
six: BEGIN, the annotator's role, the rows, the entity INSERT ... RETURNING, the event INSERT ... RETURNING and
COMMIT, each composed by peewee (most of the client's CPU). Here, in psycopg's pipeline mode (the repository
opens the transaction with ``tx(pipelined=True)``):

1. BEGIN, then the annotator's id and role with two ids from the entity and event sequences (and, for a
   relabel, the codebook) in one statement, and the row decided on with every live row derived from it and the
   row it derives from in another, are sent together and answered together;
2. the entity INSERT or UPDATE with the event INSERT (one statement, the ids known: nothing waits for an answer)
   and COMMIT are sent together and answered together.

The SQL is written once per process from the models' columns. The transaction, its isolation (REPEATABLE READ:
a concurrent change of the same row aborts it and the repository runs the decision again), the row-level
security policies that check every write, and the audit event in the same transaction are those of every other
mutation. An id taken from a sequence and not used (the decision updated a row instead) is a gap in the ids,
which PostgreSQL leaves after any rolled-back insert as well.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from annotator.core.changes import Action, Change
from annotator.core.errors import NotFoundError
from annotator.store._context import StoreContext
from annotator.store._entities import _COMPARED, settle
from annotator.store._snapshots import EventBuilder
from annotator.store.models import Annotator, Entity, Event, ProjectCodebook


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@cache
def _sql() -> dict[str, str]:
    """The statements, from the models' tables and columns."""
    entity, event = _quote(Entity._meta.table_name), _quote(Event._meta.table_name)
    fields = Entity._meta.sorted_fields
    columns = ", ".join(_quote(f.column_name) for f in fields)
    eid, derived, deleted = (_quote(Entity._meta.fields[n].column_name) for n in ("id", "derived_from", "deleted"))
    others = [f for f in fields if f.name != "id"]
    event_fields = Event._meta.sorted_fields
    book, book_id = _quote(ProjectCodebook._meta.table_name), _quote(ProjectCodebook.id.column_name)
    people, name = _quote(Annotator._meta.table_name), _quote(Annotator.name.column_name)
    # The decider's id and role (NULLs for a name nobody has: the row is always there), the ids of the entity
    # row that may be created and of the event, and the codebook when the decision needs it.
    head = (f"SELECT a.{_quote(Annotator.id.column_name)}, a.{_quote(Annotator.role.column_name)}, "
            f"nextval(pg_get_serial_sequence('{Entity._meta.table_name}', 'id')), "
            f"nextval(pg_get_serial_sequence('{Event._meta.table_name}', 'id'))")
    head_from = f" FROM (SELECT 1) AS one LEFT JOIN {people} AS a ON a.{name} = %s"
    event_insert = (f"INSERT INTO {event} ({', '.join(_quote(f.column_name) for f in event_fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(event_fields))})")
    return {
        "head": head + head_from,
        "head_codebook": f"{head}, (SELECT {_quote(ProjectCodebook.data.column_name)} FROM {book} "
                         f"WHERE {book_id} = 1){head_from}",
        # The row, every live row derived from it (the decider's is among them; a person has one per suggestion),
        # and the row it derives from (the source a decision on one's own row is compared with).
        "rows": f"SELECT {columns} FROM {entity} WHERE {eid} = %s OR ({derived} = %s AND NOT {deleted}) "
                f"OR {eid} = (SELECT {derived} FROM {entity} WHERE {eid} = %s) ORDER BY {eid}",
        "row": f"SELECT {columns} FROM {entity} WHERE {eid} = %s",
        # The row and its event in one statement (a data-modifying WITH runs whether or not it is read).
        "insert": f"WITH written AS (INSERT INTO {entity} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})) "
                  f"{event_insert}",
        "update": f"WITH written AS (UPDATE {entity} SET {', '.join(f'{_quote(f.column_name)} = %s' for f in others)} "
                  f"WHERE {eid} = %s) {event_insert}",
    }


class PipelinedWriter:
    """Queues a decision's row and its event as one statement, with ids taken beforehand: nothing waits for the
    server until COMMIT."""

    def __init__(self, st: StoreContext, entity_id: int, event_id: int) -> None:
        self.st = st
        self.entity_id = entity_id
        self.event_id = event_id
        self._write: tuple[str, list[Any]] | None = None

    def insert(self, values: dict[str, Any]) -> int:
        row = {**values, "id": self.entity_id}
        self._write = ("insert", [f.db_value(row[f.name]) for f in Entity._meta.sorted_fields])
        return self.entity_id

    def update(self, row_id: int, values: dict[str, Any]) -> None:
        params = [f.db_value(values[f.name]) for f in Entity._meta.sorted_fields if f.name != "id"]
        self._write = ("update", [*params, row_id])

    def event(self, ev: EventBuilder) -> Change:
        assert self._write is not None, "a decision writes its row before its event"
        kind, params = self._write
        row = {**ev.event_row(), "id": self.event_id}
        params += [f.db_value(row[f.name]) for f in Event._meta.sorted_fields]
        self.st.db.execute_sql(_sql()[kind], params)
        return ev.change(self.event_id)

    def row(self, row_id: int) -> dict[str, Any] | None:
        rows = _entity_rows(self.st.db.execute_sql(_sql()["row"], (row_id,)))
        return rows[0] if rows else None


def _entity_rows(cursor: Any) -> list[dict[str, Any]]:
    fields = Entity._meta.sorted_fields
    return [{f.name: f.python_value(v) for f, v in zip(fields, values, strict=True)} for values in cursor.fetchall()]


def decide_entity(
    st: StoreContext,
    row_id: int,
    annotator: str,
    action: Action,
    mutate: Callable[[dict[str, Any]], None],
    validate: Callable[[], None] | None,
    *,
    reject: bool = False,
    codebook: bool = False,
) -> Change:
    """``_entities.decide`` for an entity on PostgreSQL; ``validate`` checks the decision's arguments once the
    codebook (read with the rows when ``codebook``) is known. The caller holds the (pipelined) transaction."""
    st.check_acting_as(annotator)  # who is connected: looked up once per repository
    sql, db = _sql(), st.db
    # Sent together; the first fetch waits for all of them (with the BEGIN before them) in one round trip.
    head = db.execute_sql(sql["head_codebook" if codebook else "head"], (annotator,))
    rows = db.execute_sql(sql["rows"], (row_id, row_id, row_id))
    ann_id, role, entity_id, event_id, *stored = head.fetchone()
    found = _entity_rows(rows)
    if codebook:
        st.use_codebook_text(stored[0])
    if ann_id is None:
        raise NotFoundError(f"unknown annotator {annotator!r}; start a session with that name first")
    if validate is not None:
        validate()
    layer_id = st.layer_for(annotator, int(ann_id), str(role))
    return settle(st, Entity, row_id, layer_id, annotator, action, found, mutate, _COMPARED, reject, None,
                  PipelinedWriter(st, int(entity_id), int(event_id)))
