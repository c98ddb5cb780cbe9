"""Edits of a codebook that return a new one: rename, merge, remove a code, and merge a codebook file by name.

These are the pure halves of the repository's codebook operations: the store applies the same rename or merge
to the coded rows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.codebook import (
    DEFAULT_COLOR,
    Code,
    Codebook,
    Issue,
    Label,
    Section,
    StanceLevel,
    Variable,
    VariableType,
)
from annotator.core.errors import NotFoundError, ValidationError

#: What the editor's tabs and ``annotator codebook show`` call each section, in codebook order.
SECTION_TITLES: dict[Section, str] = {
    Section.LABEL: "Labels",
    Section.KIND: "Claim kinds",
    Section.FORM: "Claim forms",
    Section.STANCE: "Stances",
    Section.ISSUE: "Issues",
    Section.VARIABLE: "Variables",
}


def rows_text(section: Section, count: int) -> str:
    """How many rows use a code, in words: "1 mention", "1,200 claims" (labels code mentions, the rest claims)."""
    noun = "mention" if section == Section.LABEL else "claim"
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


@dataclass
class MergeReport:
    """What merging a codebook into another did: codes added and codes updated, by section."""

    added: dict[Section, list[str]] = field(default_factory=dict)
    updated: dict[Section, list[str]] = field(default_factory=dict)

    def note(self, kind: str, section: Section, name: str) -> None:
        target = self.added if kind == "added" else self.updated
        target.setdefault(section, []).append(name)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def lines(self) -> list[str]:
        """One human line per section and kind, e.g. ``added label: ACTOR, PLACE``."""
        out = []
        for kind, table in (("added", self.added), ("updated", self.updated)):
            for section, names in table.items():
                out.append(f"{kind} {section.value}{'s' if len(names) > 1 else ''}: {', '.join(names)}")
        return out


def require(book: Codebook, section: Section, name: str) -> None:
    if name not in book.names(section):
        raise NotFoundError(f"the codebook has no {section.value} {name!r}")


def _free(book: Codebook, section: Section, name: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"a {section.value} needs a name")
    if name in book.names(section):
        raise ValidationError(f"the codebook already has a {section.value} {name!r}")


# ---------------------------------------------------------------------- rename


def issue_renames(book: Codebook, old: str, new: str) -> dict[str, str]:
    """Codes an issue rename changes: the issue, and its descendants whose code starts with ``old/``.

    "climate" -> "environment" also turns "climate/targets" into "environment/targets", as an analyst who named
    the children by path expects; other children keep their codes.
    """
    renames = {old: new}
    prefix = old + "/"
    for row in book.issue_rows():
        code = row.issue.code
        if code.startswith(prefix) and _descends(book, code, old):
            renames[code] = new + "/" + code[len(prefix) :]
    return renames


def _descends(book: Codebook, code: str, ancestor: str) -> bool:
    parent = book.issue_parent(code)
    while parent is not None:
        if parent == ancestor:
            return True
        parent = book.issue_parent(parent)
    return False


def rename(book: Codebook, section: Section, old: str, new: str) -> tuple[Codebook, dict[str, str]]:
    """The codebook with ``old`` renamed ``new`` in ``section``, and every code renamed (old -> new).

    A stance is renamed by its name (its value, which claims store, stays).
    """
    require(book, section, old)
    new = new.strip() if isinstance(new, str) else new
    if new == old:
        return book, {}
    renames = issue_renames(book, old, new) if section == Section.ISSUE else {old: new}
    for target in renames.values():
        _free(book, section, target)
    if section == Section.LABEL:
        result = replace(
            book,
            labels=tuple(replace(x, name=new) if x.name == old else x for x in book.labels),
            spacy_map=tuple((k, new if v == old else v) for k, v in book.spacy_map),
        )
    elif section == Section.KIND:
        result = replace(book, kinds=_renamed(book.kinds, old, new))
    elif section == Section.FORM:
        result = replace(book, forms=_renamed(book.forms, old, new))
    elif section == Section.STANCE:
        result = replace(book, stances=tuple(replace(s, name=new) if s.name == old else s for s in book.stances))
    elif section == Section.ISSUE:
        result = replace(book, issues=_map_issues(book.issues, lambda i: replace(i, code=renames.get(i.code, i.code))))
    else:
        result = replace(book, variables=tuple(replace(v, name=new) if v.name == old else v for v in book.variables))
    return result, renames


def _renamed(items: tuple[Code, ...], old: str, new: str) -> tuple[Code, ...]:
    return tuple(replace(x, name=new) if x.name == old else x for x in items)


def _map_issues(issues: Sequence[Issue], fn: Callable[[Issue], Issue]) -> tuple[Issue, ...]:
    return tuple(fn(replace(i, children=_map_issues(i.children, fn))) for i in issues)


# ---------------------------------------------------------------------- remove and merge


def remove(book: Codebook, section: Section, name: str) -> Codebook:
    """The codebook without ``name``; a removed issue's children move up to its parent."""
    require(book, section, name)
    if section == Section.LABEL:
        return replace(
            book,
            labels=tuple(x for x in book.labels if x.name != name),
            spacy_map=tuple((k, None if v == name else v) for k, v in book.spacy_map),
        )
    if section == Section.KIND:
        return replace(book, kinds=tuple(x for x in book.kinds if x.name != name))
    if section == Section.FORM:
        return replace(book, forms=tuple(x for x in book.forms if x.name != name))
    if section == Section.STANCE:
        return replace(book, stances=tuple(s for s in book.stances if s.name != name))
    if section == Section.ISSUE:
        return replace(book, issues=_without_issue(book.issues, name))
    return replace(book, variables=tuple(v for v in book.variables if v.name != name))


def _without_issue(issues: Sequence[Issue], code: str) -> tuple[Issue, ...]:
    out: list[Issue] = []
    for issue in issues:
        if issue.code == code:
            out.extend(issue.children)
        else:
            out.append(replace(issue, children=_without_issue(issue.children, code)))
    return tuple(out)


def merge(book: Codebook, section: Section, source: str, target: str) -> Codebook:
    """The codebook after merging ``source`` into ``target``: ``source`` goes, its pipeline labels map to
    ``target``, an issue's children and keywords move to ``target``."""
    require(book, section, source)
    require(book, section, target)
    if source == target:
        raise ValidationError(f"cannot merge the {section.value} {source!r} into itself")
    if section == Section.VARIABLE:
        raise ValidationError("variables cannot be merged; rename or delete one instead")
    if section == Section.LABEL:
        book = replace(book, spacy_map=tuple((k, target if v == source else v) for k, v in book.spacy_map))
        return remove(book, section, source)
    if section == Section.ISSUE:
        gone = book.issue(source)
        assert gone is not None
        if _descends(book, target, source):
            raise ValidationError(f"cannot merge the issue {source!r} into its own sub-issue {target!r}")
        keywords = gone.keywords
        children = gone.children

        def absorb(issue: Issue) -> Issue:
            if issue.code != target:
                return issue
            merged = tuple(dict.fromkeys(issue.keywords + keywords))
            return replace(issue, keywords=merged, children=issue.children + children)

        stripped = _drop_subtree(book.issues, source)
        return replace(book, issues=_map_issues(stripped, absorb))
    return remove(book, section, source)


def _drop_subtree(issues: Sequence[Issue], code: str) -> tuple[Issue, ...]:
    return tuple(replace(i, children=_drop_subtree(i.children, code)) for i in issues if i.code != code)


# ---------------------------------------------------------------------- merging a codebook file


def merge_by_name(book: Codebook, incoming: Codebook, *, update: bool = True) -> tuple[Codebook, MergeReport]:
    """``book`` with every code of ``incoming``: new codes added, existing ones updated, others kept.

    Codes match by name (labels, kinds, forms, variables), by code (issues) and by value (stances). A new issue
    goes under its parent when the project has that parent, else at the top level. With ``update=False`` codes
    the project has stay exactly as they are (an import that only needs the codes its rows use).
    """
    report = MergeReport()
    labels = _merge_named(book.labels, incoming.labels, lambda x: x.name, Section.LABEL, report, update)
    kinds = _merge_named(book.kinds, incoming.kinds, lambda x: x.name, Section.KIND, report, update)
    forms = _merge_named(book.forms, incoming.forms, lambda x: x.name, Section.FORM, report, update)
    stances = _merge_named(book.stances, incoming.stances, lambda x: x.value, Section.STANCE, report, update)
    variables = _merge_named(book.variables, incoming.variables, lambda x: x.name, Section.VARIABLE, report, update)
    spacy_map = dict(book.spacy_map)
    for key, target in incoming.spacy_map:
        if update or key not in spacy_map:
            spacy_map[key] = target
    issues = _merge_issues(book, incoming, report, update)
    merged = Codebook(
        labels=labels,
        spacy_map=tuple(spacy_map.items()),
        kinds=kinds,
        forms=forms,
        stances=_stances_named_uniquely(stances),
        issues=issues,
        variables=variables,
    )
    return merged, report


def _merge_named(
    current: Sequence[Any],
    incoming: Sequence[Any],
    key: Callable[[Any], Any],
    section: Section,
    report: MergeReport,
    update: bool,
) -> tuple[Any, ...]:
    out = list(current)
    where = {key(x): i for i, x in enumerate(out)}
    for item in incoming:
        k = key(item)
        if k in where:
            if update and out[where[k]] != item:
                out[where[k]] = item
                report.note("updated", section, _display(item))
        else:
            where[k] = len(out)
            out.append(item)
            report.note("added", section, _display(item))
    return tuple(out)


def _display(item: Label | Code | StanceLevel | Variable) -> str:
    return item.name


def _stances_named_uniquely(stances: tuple[StanceLevel, ...]) -> tuple[StanceLevel, ...]:
    # A file may call value 1 "support" where the project calls value 2 "support": keep both, tell them apart.
    seen: set[str] = set()
    out = []
    for s in stances:
        name = s.name
        while name in seen:
            name = f"{name} ({s.value})"
        seen.add(name)
        out.append(replace(s, name=name))
    return tuple(out)


def _merge_issues(book: Codebook, incoming: Codebook, report: MergeReport, update: bool) -> tuple[Issue, ...]:
    # Work on a flat table (code -> fields, parent, children order), then rebuild the tree.
    fields: dict[str, Issue] = {}
    children: dict[str | None, list[str]] = {None: []}
    for row in book.issue_rows():
        fields[row.issue.code] = replace(row.issue, children=())
        children.setdefault(row.parent, []).append(row.issue.code)
        children.setdefault(row.issue.code, [])
    for row in incoming.issue_rows():
        code = row.issue.code
        bare = replace(row.issue, children=())
        if code in fields:
            if update and fields[code] != bare:
                fields[code] = bare
                report.note("updated", Section.ISSUE, code)
            continue
        parent = row.parent if row.parent in fields else None
        fields[code] = bare
        children.setdefault(parent, []).append(code)
        children.setdefault(code, [])
        report.note("added", Section.ISSUE, code)

    def build(parent: str | None) -> tuple[Issue, ...]:
        return tuple(replace(fields[c], children=build(c)) for c in children.get(parent, []))

    return build(None)


# ---------------------------------------------------------------------- what a replacement removes


def removed_codes(old: Codebook, new: Codebook) -> dict[Section, list[str]]:
    """Codes of ``old`` that ``new`` lacks, by section (stances by value, as claims store them)."""
    out: dict[Section, list[str]] = {}
    for section in Section:
        if section == Section.STANCE:
            gone = [str(v) for v in old.stance_values if v not in new.stance_values]
        else:
            kept = set(new.names(section))
            gone = [n for n in old.names(section) if n not in kept]
        if gone:
            out[section] = gone
    return out


def removed_choices(old: Codebook, new: Codebook) -> dict[str, list[str]]:
    """Choices of choice variables that ``new`` keeps but without some of their choices."""
    out: dict[str, list[str]] = {}
    for var in old.variables:
        kept = new.variable(var.name)
        if kept is None:
            continue
        gone = [c for c in var.choices if c not in kept.choices]
        if gone and kept.choices:
            out[var.name] = gone
    return out


# ---------------------------------------------------------------------- the editor's edits (no row changes)

Item = Label | Code | StanceLevel | Issue | Variable


def items(book: Codebook, section: Section) -> tuple[Any, ...]:
    """The items of a flat section (issues: the top level)."""
    return {
        Section.LABEL: book.labels,
        Section.KIND: book.kinds,
        Section.FORM: book.forms,
        Section.STANCE: book.stances,
        Section.ISSUE: book.issues,
        Section.VARIABLE: book.variables,
    }[section]


def _with_items(book: Codebook, section: Section, new: tuple[Any, ...]) -> Codebook:
    if section == Section.LABEL:
        return replace(book, labels=new)
    if section == Section.KIND:
        return replace(book, kinds=new)
    if section == Section.FORM:
        return replace(book, forms=new)
    if section == Section.STANCE:
        return replace(book, stances=new)
    if section == Section.ISSUE:
        return replace(book, issues=new)
    return replace(book, variables=new)


def _name_of(item: Any) -> str:
    return str(item.code) if isinstance(item, Issue) else str(item.name)


def add(book: Codebook, section: Section, item: Item, parent: str | None = None) -> Codebook:
    """The codebook with ``item`` appended to its section (an issue under ``parent``, or at the top)."""
    _free(book, section, _name_of(item))
    if section != Section.ISSUE or parent is None:
        return _with_items(book, section, (*items(book, section), item))
    require(book, Section.ISSUE, parent)
    assert isinstance(item, Issue)

    def attach(issue: Issue) -> Issue:
        return replace(issue, children=(*issue.children, item)) if issue.code == parent else issue

    return replace(book, issues=_map_issues(book.issues, attach))


def update(book: Codebook, section: Section, name: str, item: Item) -> Codebook:
    """The codebook with the item called ``name`` replaced by ``item`` (same name: colour, description,
    keywords, choices...; an issue keeps its children). Renaming goes through :func:`rename` instead."""
    require(book, section, name)
    if _name_of(item) != name:
        raise ValidationError(f"use rename to change the name of the {section.value} {name!r}")
    if section == Section.ISSUE:
        assert isinstance(item, Issue)

        def swap(issue: Issue) -> Issue:
            return replace(item, children=issue.children) if issue.code == name else issue

        return replace(book, issues=_map_issues(book.issues, swap))
    return _with_items(book, section, tuple(item if _name_of(x) == name else x for x in items(book, section)))


def move(book: Codebook, section: Section, name: str, delta: int) -> Codebook:
    """The codebook with ``name`` moved ``delta`` places among its siblings (clamped at the ends)."""
    require(book, section, name)
    if section == Section.ISSUE:
        return replace(book, issues=_move_issue(book.issues, name, delta))
    return _with_items(book, section, _moved(items(book, section), name, delta))


def _moved(seq: tuple[Any, ...], name: str, delta: int) -> tuple[Any, ...]:
    out = list(seq)
    i = next(k for k, x in enumerate(out) if _name_of(x) == name)
    j = max(0, min(len(out) - 1, i + delta))
    out.insert(j, out.pop(i))
    return tuple(out)


def _move_issue(issues: tuple[Issue, ...], code: str, delta: int) -> tuple[Issue, ...]:
    if any(i.code == code for i in issues):
        return _moved(issues, code, delta)
    return tuple(replace(i, children=_move_issue(i.children, code, delta)) for i in issues)


def free_name(book: Codebook, section: Section, base: str) -> str:
    """``base``, or ``base 2``, ``base 3``... whichever the section does not have yet."""
    taken = set(book.names(section))
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base} {n}"
    return name


def placeholder(book: Codebook, section: Section, parent: str | None = None) -> Item:
    """A new code for ``section`` with a name the section does not have yet ("NEW", "new issue 2", ...), for the
    analyst to rename: a grey label, a text variable, the stance after the highest, an issue under ``parent``."""
    if section == Section.LABEL:
        return Label(free_name(book, section, "NEW"), DEFAULT_COLOR)
    if section in (Section.KIND, Section.FORM):
        return Code(free_name(book, section, "new"))
    if section == Section.STANCE:
        value = max(book.stance_values, default=-1) + 1
        return StanceLevel(value, free_name(book, section, f"stance {value:+d}"))
    if section == Section.ISSUE:
        return Issue(free_name(book, section, f"{parent}/new issue" if parent else "new issue"))
    return Variable(free_name(book, section, "new variable"), VariableType.TEXT)


def subset(book: Codebook, used: Mapping[Section, Collection[Any]]) -> Codebook:
    """The part of ``book`` holding only the codes ``used`` names (stances by value), in the book's order.

    An issue keeps its ancestors (its place in the tree) but not its unused siblings; the label map is left out
    (it concerns suggesting, not coded rows). What a line of the JSONL export carries.
    """
    def keep(section: Section, seq: tuple[Any, ...], key: Callable[[Any], Any]) -> tuple[Any, ...]:
        wanted = used.get(section, ())
        return tuple(x for x in seq if key(x) in wanted)

    wanted_issues = set(used.get(Section.ISSUE, ()))
    for code in list(wanted_issues):
        parent = book.issue_parent(code)
        while parent is not None and parent not in wanted_issues:
            wanted_issues.add(parent)
            parent = book.issue_parent(parent)

    def issues(nodes: Sequence[Issue]) -> tuple[Issue, ...]:
        return tuple(replace(n, children=issues(n.children)) for n in nodes if n.code in wanted_issues)

    return Codebook(
        labels=keep(Section.LABEL, book.labels, lambda x: x.name),
        kinds=keep(Section.KIND, book.kinds, lambda x: x.name),
        forms=keep(Section.FORM, book.forms, lambda x: x.name),
        stances=keep(Section.STANCE, book.stances, lambda x: x.value),
        issues=issues(book.issues),
        variables=keep(Section.VARIABLE, book.variables, lambda x: x.name),
    )
