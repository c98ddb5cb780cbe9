"""The project's codebook in the database: reading it, replacing or merging it, and recoding the rows that use it.

The codebook is one JSON row (``ProjectCodebook``). Renaming, merging or deleting a code also changes every row
coded with it (entity labels, actor kinds, claim kinds, forms, issues, stances and variable values) in the same
transaction and the same audit event, so one undo brings both back. The event stores the recoded row ids
grouped by old value (``recode``), not a snapshot of each row: a label used 50,000 times costs a list of ids.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from peewee import fn

from annotator.core import codebook as cb
from annotator.core.changes import Action, Change
from annotator.core.codebook import Codebook, Section, VariableType
from annotator.core.codebook_edit import (
    MergeReport,
    merge,
    merge_by_name,
    remove,
    removed_choices,
    removed_codes,
    rename,
    require,
    rows_text,
)
from annotator.core.errors import PermissionDeniedError, ValidationError
from annotator.core.records import AnnotatorRole, ArticleIn
from annotator.store._context import StoreContext, dumps, now
from annotator.store._snapshots import EventBuilder, snapshot
from annotator.store.models import Actor, Article, Claim, Entity, ProjectCodebook, upsert

CODEBOOK_ID = 1


@dataclass(frozen=True)
class CodeUse:
    """One row coded with a code: an entity mention or a claim, where it is and what it says."""

    table: str  # "entity" or "claim"
    row_id: int
    article_id: str
    layer_id: int
    status: str


# ---------------------------------------------------------------------- reading and writing the row


def stored_text() -> str | None:
    row = ProjectCodebook.select(ProjectCodebook.data).where(ProjectCodebook.id == CODEBOOK_ID).scalar()
    return None if row is None else str(row)


def parse(text: str | None) -> Codebook:
    return cb.EMPTY_CODEBOOK if text is None else Codebook.from_dict(json.loads(text))


def write(book: Codebook) -> None:
    """Store ``book`` as the project's codebook (no event: callers record the row in theirs)."""
    upsert(ProjectCodebook, {"id": CODEBOOK_ID}, {"data": dumps(book.to_dict()), "updated": now()})


def _save(st: StoreContext, ev: EventBuilder, book: Codebook) -> None:
    before = snapshot("codebook", CODEBOOK_ID)
    write(book)
    st.forget_codebook()
    ev.touch("codebook", CODEBOOK_ID, before)


# ---------------------------------------------------------------------- where a code is used


def _targets(section: Section) -> list[tuple[str, Any, str]]:
    """(table, model, column) of the rows a section's codes are stored in."""
    if section == Section.LABEL:
        return [("entity", Entity, "label"), ("actor", Actor, "kind")]
    column = {Section.KIND: "kind", Section.FORM: "form", Section.ISSUE: "issue", Section.STANCE: "stance"}
    if section in column:
        return [("claim", Claim, column[section])]
    return [("claim", Claim, "variables")]


def _stored_value(st: StoreContext, section: Section, name: str) -> Any:
    """What rows store for a code: a stance's value for its name, the name itself otherwise."""
    if section == Section.STANCE:
        book = st.codebook()
        return next(s.value for s in book.stances if s.name == name)
    return name


def _variable_rows(name: str, live_only: bool) -> Iterator[tuple[int, str, dict[str, Any]]]:
    # A LIKE on the JSON text narrows the scan; the parsed object decides.
    query = Claim.select(Claim.id, Claim.variables).where(Claim.variables.contains(dumps(name) + ":"))
    if live_only:
        query = query.where(Claim.deleted == False)  # noqa: E712
    for row_id, text in query.tuples():
        values = json.loads(text or "{}")
        if name in values:
            yield int(row_id), str(text), values


def _ids_with(model: Any, column: str, value: Any, live_only: bool) -> list[int]:
    field = getattr(model, column)
    query = model.select(model.id).where(field == value)
    if live_only:
        query = query.where(model.deleted == False)  # noqa: E712
    return [int(i) for (i,) in query.tuples()]


def usage_count(st: StoreContext, section: Section, name: str) -> int:
    """How many live entities and claims are coded with ``name`` (actor kinds are not counted)."""
    require(st.codebook(), section, name)
    if section == Section.VARIABLE:
        return sum(1 for _ in _variable_rows(name, True))
    value = _stored_value(st, section, name)
    return sum(len(_ids_with(m, c, value, True)) for t, m, c in _targets(section) if t != "actor")


def where_used(
    st: StoreContext, section: Section, name: str, limit: int | None = None, offset: int = 0
) -> list[CodeUse]:
    """Every live entity or claim coded with ``name`` (``limit`` of them after the first ``offset``), by article
    position then id: one page of "Where used"."""
    require(st.codebook(), section, name)
    if section == Section.VARIABLE:
        model: Any = Claim
        table = "claim"
        ids = [i for i, _, _ in _variable_rows(name, True)]
        condition = model.id.in_(ids) if ids else (model.id < 0)
    else:
        table, model, column = _targets(section)[0]
        condition = getattr(model, column) == _stored_value(st, section, name)
    query = (
        model.select(model.id, model.article, model.layer, model.status)
        .join(Article, on=(model.article == Article.id))
        .where(condition, model.deleted == False)  # noqa: E712
        .order_by(Article.position, model.id)
    )
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [CodeUse(table, int(i), str(a), int(lay), str(s)) for i, a, lay, s in query.tuples()]


# ---------------------------------------------------------------------- recoding rows


def _recode(ev: EventBuilder, section: Section, old: Any, new: Any) -> None:
    """Give every row (live or soft-deleted) coded ``old`` the value ``new`` (None clears it)."""
    if section == Section.VARIABLE:
        _recode_variable(ev, old, new)
        return
    for table, model, column in _targets(section):
        ids = _ids_with(model, column, old, False)
        if not ids:
            continue
        if new is None and table == "claim" and column in ("kind", "form"):
            value: Any = ""
        else:
            value = new
        for start in range(0, len(ids), 500):
            model.update(**{column: value, "updated": now()}).where(model.id.in_(ids[start : start + 500])).execute()
        ev.add_recode(table, column, old, value, ids)


def _recode_variable(ev: EventBuilder, old: str, new: str | None) -> None:
    for row_id, text, values in list(_variable_rows(old, False)):
        value = values.pop(old)
        if new is not None:
            values[new] = value
        after = dumps(dict(sorted(values.items())))
        Claim.update(variables=after).where(Claim.id == row_id).execute()
        ev.add_recode("claim", "variables", text, after, [row_id])


def _recode_choice(ev: EventBuilder, variable: str, old: str, new: str | None) -> None:
    for row_id, text, values in list(_variable_rows(variable, False)):
        if values.get(variable) != old:
            continue
        if new is None:
            values.pop(variable)
        else:
            values[variable] = new
        after = dumps(dict(sorted(values.items())))
        Claim.update(variables=after).where(Claim.id == row_id).execute()
        ev.add_recode("claim", "variables", text, after, [row_id])


# ---------------------------------------------------------------------- the operations


def rename_code(st: StoreContext, section: Section, old: str, new: str, annotator: str | None) -> Change:
    book = st.codebook()
    renamed, codes = rename(book, section, old, new)
    ev = EventBuilder(Action.RENAME_CODE, annotator)
    ev.extra["codebook"] = {"section": section.value, "old": old, "new": new}
    if section != Section.STANCE:  # a stance's rows store its value, which a rename keeps
        for before, after in codes.items():
            _recode(ev, section, before, after)
    _save(st, ev, renamed)
    return ev.write()


def merge_codes(st: StoreContext, section: Section, source: str, target: str, annotator: str | None) -> Change:
    book = st.codebook()
    merged = merge(book, section, source, target)
    ev = EventBuilder(Action.MERGE_CODES, annotator)
    ev.extra["codebook"] = {"section": section.value, "old": source, "new": target}
    _recode(ev, section, _stored_value(st, section, source), _stored_value(st, section, target))
    _save(st, ev, merged)
    return ev.write()


def delete_code(
    st: StoreContext, section: Section, name: str, annotator: str | None, move_to: str | None, clear: bool
) -> Change:
    """Remove a code; rows using it move to ``move_to``, or are cleared with ``clear``, else it is refused."""
    book = st.codebook()
    require(book, section, name)
    if move_to is not None:
        return merge_codes(st, section, name, move_to, annotator)
    used = usage_count(st, section, name)
    if used and not clear:
        raise ValidationError(f"{_in_use(section, name, used)}; choose a {section.value} to move them to")
    if clear and section == Section.LABEL and (used or _ids_with(Entity, "label", name, False)):
        raise ValidationError(f"a mention needs a label: choose a label to move the mentions of {name!r} to")
    ev = EventBuilder(Action.DELETE_CODE, annotator)
    ev.extra["codebook"] = {"section": section.value, "old": name, "new": None}
    if section != Section.LABEL:
        _recode(ev, section, _stored_value(st, section, name), None)
    _save(st, ev, remove(book, section, name))
    return ev.write()


def _in_use(section: Section, name: str, count: int) -> str:
    return f"the {section.value} {name!r} is used by {rows_text(section, count)}"


def _live_use(st: StoreContext, section: Section, code: str) -> int:
    if section == Section.VARIABLE:
        return sum(1 for _ in _variable_rows(code, True))
    value: Any = int(code) if section == Section.STANCE else code
    return sum(len(_ids_with(m, c, value, True)) for t, m, c in _targets(section) if t != "actor")


def replace_codebook(
    st: StoreContext, new: Codebook, annotator: str | None, action: Action = Action.REPLACE_CODEBOOK
) -> Change:
    """Make ``new`` the project's codebook; refused while a code it drops is used by a live row."""
    old = st.codebook()
    problems = []
    for section, codes in removed_codes(old, new).items():
        for code in codes:
            used = _live_use(st, section, code)
            if used:
                shown = old.stance_name(int(code)) if section == Section.STANCE else code
                problems.append(_in_use(section, shown, used))
    for variable, choices in removed_choices(old, new).items():
        for choice in choices:
            used = sum(1 for _, _, v in _variable_rows(variable, True) if v.get(variable) == choice)
            if used:
                problems.append(f"the choice {choice!r} of variable {variable!r} is used by {used} claims")
    if problems:
        raise ValidationError("the codebook cannot drop codes in use: " + "; ".join(problems))
    ev = EventBuilder(action, annotator)
    _save(st, ev, new)
    return ev.write()


def merge_codebook(st: StoreContext, incoming: Codebook, annotator: str | None) -> tuple[Change, MergeReport]:
    """Add the codes of ``incoming`` the project lacks and update the ones it has; nothing is removed."""
    merged, report = merge_by_name(st.codebook(), incoming)
    ev = EventBuilder(Action.IMPORT_CODEBOOK, annotator)
    ev.extra["codebook"] = {"added": {s.value: n for s, n in report.added.items()}}
    _save(st, ev, merged)
    return ev.write(), report


def ensure_codes(st: StoreContext, ev: EventBuilder, book: Codebook) -> MergeReport:
    """Add to the project the codes of ``book`` it lacks, inside an import's event; existing codes stay as they are."""
    merged, report = merge_by_name(st.codebook(), book, update=False)
    if report.added:
        _save(st, ev, merged)
    return report


def import_codes(st: StoreContext, ev: EventBuilder, article: ArticleIn) -> tuple[str, ...]:
    """Add the codes an imported article brings that the project lacks: first those of the codebook its export
    carries (with their colours, descriptions and places in the tree), then any its rows use that no codebook
    lists (a colleague's JSONL with another label set). Returns one line per section, e.g. ``added label: X``.
    """
    identity = st.team_identity()
    if identity is not None and identity[1] != AnnotatorRole.ADMIN.value:
        return _codes_kept_out(st, article, identity[0])
    lines: list[str] = []
    if article.codebook is not None:
        lines += ensure_codes(st, ev, article.codebook).lines()
    lines += ensure_codes(st, ev, _used_codes(article)).lines()
    return tuple(lines)


def _codes_kept_out(st: StoreContext, article: ArticleIn, user: str) -> tuple[str, ...]:
    """On a team server only admins change the codebook: an annotator's or reviewer's article that is coded with
    codes the project lacks is refused, naming them; codes its file only carries are reported as not added."""
    book = st.codebook()
    _merged, missing = merge_by_name(book, _used_codes(article), update=False)
    if missing.added:
        codes = "; ".join(_listing(section, names) for section, names in missing.added.items())
        raise PermissionDeniedError(
            f"this article is coded with codes the project's codebook lacks ({codes}), and on the team server only "
            f"an admin adds codes ({user} is not one): ask an admin to import the file (that adds the codes and "
            "these rows) or to add the codes in Project › Codebook…; nothing of this article was imported"
        )
    if article.codebook is None:
        return ()
    _merged, carried = merge_by_name(book, article.codebook, update=False)
    return tuple(
        f"not added (on the team server only an admin adds codes): {_listing(section, names)}"
        for section, names in carried.added.items()
    )


def _listing(section: Section, names: list[str]) -> str:
    return f"{section.value}{'s' if len(names) > 1 else ''} " + ", ".join(repr(n) for n in names)


def _used_codes(article: ArticleIn) -> Codebook:
    def distinct(values: Iterable[Any]) -> list[Any]:
        return list(dict.fromkeys(v for v in values if v not in (None, "")))

    claims = article.claims
    variables: dict[str, cb.Variable] = {}
    for claim in claims:
        for name, value in claim.variables.items():
            if name not in variables and value is not None:
                variables[name] = cb.Variable(str(name), _type_of(value))
    return Codebook(
        labels=tuple(cb.Label(str(n), cb.DEFAULT_COLOR) for n in distinct(e.label for e in article.entities)),
        kinds=tuple(cb.Code(str(n)) for n in distinct(c.kind for c in claims)),
        forms=tuple(cb.Code(str(n)) for n in distinct(c.form for c in claims)),
        stances=tuple(
            cb.StanceLevel(v, str(v))
            for v in distinct(c.stance for c in claims)
            if isinstance(v, int) and not isinstance(v, bool)
        ),
        issues=tuple(cb.Issue(str(n)) for n in distinct(c.issue for c in claims)),
        variables=tuple(variables.values()),
    )


def _type_of(value: Any) -> VariableType:
    if isinstance(value, bool):
        return VariableType.BOOLEAN
    if isinstance(value, int):
        return VariableType.INTEGER
    return VariableType.TEXT


def usage_counts(st: StoreContext, section: Section) -> dict[str, int]:
    """Live rows per code of a section, in one query (codes nobody uses are absent)."""
    book = st.codebook()
    if section == Section.VARIABLE:
        counts: dict[str, int] = {}
        query = Claim.select(Claim.variables).where(Claim.deleted == False, Claim.variables != "{}")  # noqa: E712
        for (text,) in query.tuples():
            for name in json.loads(text or "{}"):
                counts[name] = counts.get(name, 0) + 1
        return counts
    _table, model, column = _targets(section)[0]
    field = getattr(model, column)
    query = model.select(field, fn.COUNT(model.id)).where(model.deleted == False).group_by(field)  # noqa: E712
    by_value = {value: int(n) for value, n in query.tuples()}
    if section == Section.STANCE:
        return {s.name: by_value[s.value] for s in book.stances if s.value in by_value}
    return {str(k): v for k, v in by_value.items() if k not in (None, "")}
