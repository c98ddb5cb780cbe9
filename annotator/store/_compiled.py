"""Queries over a list of ids whose SQL peewee composes once per shape, not once per call.

Composing a query with an ``IN`` list of 200 ids costs peewee about 2 ms (a node per value); SQLite answers it in
a tenth of that. The article list asks six such queries per page, and the bulk import a few per 500 articles, so
the composing was most of the time of a filter in a large project. Here the query is composed once per shape
(which query, its other parameters, the number of ids, the backend) with placeholder ids, and later calls run the
same SQL with the real ids put in the placeholders' places.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from typing import Any

from peewee import Alias, Field

from annotator.store.models import Article

#: Bound parameters per statement (every backend accepts 500).
CHUNK = 500
_MARK_BASE = -(2**62)  # integer placeholders: no row id is negative
#: (builder, its other arguments, number of ids, backend) -> (SQL, parameters, where the ids go in them)
_CACHE: dict[tuple[Any, ...], tuple[str, list[Any], list[tuple[int, int]]]] = {}
_MAX_CACHED = 4096


def _marks(n: int, kind: type) -> list[Any]:
    if kind is int:
        return [_MARK_BASE + i for i in range(n)]
    return [f"\x00annotator-id-{i}\x00" for i in range(n)]


def rows_in(build: Callable[..., Any], ids: Sequence[Any], *args: Hashable) -> list[tuple[Any, ...]]:
    """The rows (plain tuples) of ``build(ids, *args)``, a select holding ``ids`` in ``IN`` lists.

    ``ids`` (all ``str`` or all ``int``) are taken in chunks of :data:`CHUNK`. ``build`` must be a module-level
    function of its arguments only: its SQL is kept per ``(build, args, len(chunk), backend)``, so a value it
    captured from elsewhere would be baked into the SQL. ``args`` must therefore hold every other value the
    query depends on.
    """
    if getattr(build, "__closure__", None) is not None:
        raise TypeError(f"{build.__qualname__} captures variables: pass them as arguments")
    values = list(ids)
    if not values:
        return []
    database = Article._meta.database
    backend = type(getattr(database, "obj", database)).__name__  # the parameter style is the backend's
    kind = int if isinstance(values[0], int) and not isinstance(values[0], bool) else str
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start : start + CHUNK]
        marks = _marks(len(chunk), kind)
        key = (build, args, len(chunk), backend, kind)
        entry = _CACHE.get(key)
        if entry is None:
            entry = _composed(key, functools.partial(build, marks, *args), marks)
            if backend == "PostgresqlDatabase":
                entry = _CACHE[key] = _as_arrays(entry, len(chunk))
        rows.extend(database.execute_sql(entry[0], _filled(entry, chunk)).fetchall())
    return rows


def _as_arrays(entry: tuple[str, list[Any], list[tuple[int, int]]], n: int
               ) -> tuple[str, list[Any], list[tuple[int, int]]]:
    """PostgreSQL: each ``IN`` list of all the ids, in order, becomes ``= ANY(%s)`` taking them as one array.

    An ``IN`` list of 200 ids is 200 bound parameters: psycopg caches its conversion of a statement only up to 50
    parameters, so it split each such statement anew (0.3-1 ms of CPU; 2.8 ms per page of the article list, which
    runs six), and the server parsed 200 parameters. One array parameter is cached, and the index is used alike
    (``id = ANY('{...}'::text[])``). A statement whose parameters cannot be told apart is left as it is.
    """
    sql, params, slots = entry
    pieces = sql.split("%s")  # pieces[j] is the text before parameter j
    if len(pieces) != len(params) + 1 or n == 0:
        return entry
    ids_at = dict(slots)  # parameter -> which id
    out: list[str] = [pieces[0]]
    new_params: list[Any] = []
    new_slots: list[tuple[int, int]] = []
    j = 0
    while j < len(params):
        # Parameters j .. j + n - 1 are the ids 0 .. n - 1, as peewee writes a list: "IN (%s, %s, ..., %s)".
        is_list = (all(ids_at.get(j + i) == i for i in range(n)) and pieces[j + n].startswith(")")
                   and all(pieces[j + i] == ", " for i in range(1, n)))
        head = out[-1]
        if is_list and head.endswith(" NOT IN ("):
            out[-1] = head[: -len(" NOT IN (")] + " <> ALL("
        elif is_list and head.endswith(" IN ("):
            out[-1] = head[: -len(" IN (")] + " = ANY("
        else:
            is_list = False
        if is_list:
            new_slots.append((len(new_params), -1))
            new_params.append(None)
            j += n
        else:
            if j in ids_at:
                new_slots.append((len(new_params), ids_at[j]))
            new_params.append(params[j])
            j += 1
        out.append(pieces[j])
    return "%s".join(out), new_params, new_slots


def _composed(key: tuple[Any, ...], compose: Callable[[], Any], marks: Sequence[Any]
              ) -> tuple[str, list[Any], list[tuple[int, int]]]:
    """The cached (SQL, parameters, slots) of the query ``compose()`` builds with ``marks`` in the values' places;
    a slot (j, i) says that parameter j takes value i."""
    entry = _CACHE.get(key)
    if entry is None:
        position = {m: i for i, m in enumerate(marks)}
        sql, params = compose().sql()
        slots = [(j, position[p]) for j, p in enumerate(params) if type(p) in (int, str) and p in position]
        if len(_CACHE) >= _MAX_CACHED:
            _CACHE.clear()
        entry = _CACHE[key] = (sql, list(params), slots)
    return entry


def _filled(entry: tuple[str, list[Any], list[tuple[int, int]]], values: Sequence[Any]) -> list[Any]:
    _, template, slots = entry
    params = list(template)
    for j, i in slots:
        params[j] = values[i] if i >= 0 else list(values)  # -1: all of them, as one array (_as_arrays)
    return params


def rows_for(build: Callable[..., Any], values: Sequence[Any], *args: Hashable) -> list[tuple[Any, ...]]:
    """The rows (plain tuples) of ``build(*values, *args)``, a select whose ``values`` (``str`` or ``int``, each
    compared once in the query) change from call to call; composed once per shape like :func:`rows_in`.

    The suggestion store asks such a select (an article's rows of a layer) several times per article, and
    peewee's composing took longer than SQLite's answer.
    """
    if getattr(build, "__closure__", None) is not None:
        raise TypeError(f"{build.__qualname__} captures variables: pass them as arguments")
    database = Article._meta.database
    backend = type(getattr(database, "obj", database)).__name__
    kinds = tuple(int if isinstance(v, int) and not isinstance(v, bool) else str for v in values)
    if any(kind is str and not isinstance(v, str) for v, kind in zip(values, kinds, strict=True)):
        raise TypeError("rows_for takes str and int values only")
    marks = [_marks(i + 1, kind)[i] for i, kind in enumerate(kinds)]
    entry = _composed((build, args, kinds, backend, "rows_for"), functools.partial(build, *marks, *args), marks)
    if sorted(i for _, i in entry[2]) != list(range(len(marks))):
        raise ValueError(f"{build.__qualname__} must use each value exactly once")
    return list(database.execute_sql(entry[0], _filled(entry, values)).fetchall())


#: (builder, its other arguments, value kinds, backend) -> the selected columns' (name, converter) pairs
_COLUMNS: dict[tuple[Any, ...], list[tuple[str, Callable[[Any], Any] | None]]] = {}


def _columns(query: Any) -> list[tuple[str, Callable[[Any], Any] | None]]:
    """What peewee's ``.dicts()`` would name each selected column, and the field conversion it would apply."""
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for node in query._returning:
        if isinstance(node, Field):
            out.append((node.name, node.python_value))
        elif isinstance(node, Alias):
            inner = node.node
            out.append((node._alias, inner.python_value if isinstance(inner, Field) else None))  # type: ignore[attr-defined]
        else:
            raise TypeError(f"dicts_for cannot name the selected {node!r}: select fields or aliases")
    return out


def dicts_for(build: Callable[..., Any], values: Sequence[Any], *args: Hashable) -> list[dict[str, Any]]:
    """:func:`rows_for`, each row as the dict peewee's ``.dicts()`` gives (field names, converted values).

    A window's decision reads its rows back by id (the row decided on and the one derived from it, then the
    view drawn): composed by peewee on every call, those selects were most of the database thread's CPU time
    per key press, which it spends while the window paints.
    """
    database = Article._meta.database
    key = (build, args, tuple(type(v) for v in values), type(getattr(database, "obj", database)).__name__)
    columns = _COLUMNS.get(key)
    if columns is None:
        marks = [_marks(i + 1, int if isinstance(v, int) and not isinstance(v, bool) else str)[i]
                 for i, v in enumerate(values)]
        columns = _COLUMNS[key] = _columns(build(*marks, *args))
    out = []
    for row in rows_for(build, values, *args):
        out.append({name: (value if convert is None or value is None else convert(value))
                    for (name, convert), value in zip(columns, row, strict=True)})
    return out


#: (model, the columns given, backend) -> the INSERT statement
_INSERTS: dict[tuple[Any, ...], str] = {}


def insert_row(model: Any, values: dict[str, Any]) -> int:
    """``model.insert(**values).execute()``, the new row's id, with the statement written once per shape.

    Every decision inserts its row and its event; peewee composed each INSERT anew, several times the CPU of
    SQLite's work on it. The values are converted by their fields as peewee converts them. A row that leaves out
    a column with a default goes through peewee, which fills the default in.
    """
    database = model._meta.database
    obj = getattr(database, "obj", database)
    postgres = type(obj).__name__ == "PostgresqlDatabase"
    key = (model, tuple(values), postgres)
    sql = _INSERTS.get(key)
    fields = model._meta.fields
    if sql is None:
        pk = model._meta.primary_key
        if any(f.name not in values and f is not pk and f.default is not None for f in model._meta.sorted_fields):
            return int(model.insert(**values).execute())
        left, right = obj.quote[0], obj.quote[-1]
        columns = ", ".join(f"{left}{fields[name].column_name}{right}" for name in values)
        marks = ", ".join([obj.param] * len(values))
        sql = f"INSERT INTO {left}{model._meta.table_name}{right} ({columns}) VALUES ({marks})"
        if postgres:
            sql += f" RETURNING {left}{pk.column_name}{right}"
        if len(_INSERTS) >= _MAX_CACHED:
            _INSERTS.clear()
        _INSERTS[key] = sql
    cursor = database.execute_sql(sql, [fields[name].db_value(value) for name, value in values.items()])
    return int(cursor.fetchone()[0] if postgres else cursor.lastrowid)


#: (model, the columns given, backend) -> the UPDATE statement of one row by id
_UPDATES: dict[tuple[Any, ...], str] = {}


def update_row(model: Any, row_id: int, values: dict[str, Any]) -> None:
    """``model.update(**values).where(model.id == row_id).execute()``, the statement written once per shape.

    A decision on a row the annotator already has updates it; like :func:`insert_row`, the values are converted
    by their fields as peewee converts them.
    """
    database = model._meta.database
    obj = getattr(database, "obj", database)
    key = (model, tuple(values), type(obj).__name__)
    sql = _UPDATES.get(key)
    fields = model._meta.fields
    if sql is None:
        left, right = obj.quote[0], obj.quote[-1]
        assignments = ", ".join(f"{left}{fields[name].column_name}{right} = {obj.param}" for name in values)
        pk = model._meta.primary_key.column_name
        sql = f"UPDATE {left}{model._meta.table_name}{right} SET {assignments} WHERE {left}{pk}{right} = {obj.param}"
        if len(_UPDATES) >= _MAX_CACHED:
            _UPDATES.clear()
        _UPDATES[key] = sql
    params = [fields[name].db_value(value) for name, value in values.items()]
    database.execute_sql(sql, [*params, model._meta.primary_key.db_value(row_id)])
