"""The project's codebook: the one vocabulary every layer codes with.

A codebook holds the entity labels (name, colour, description, order, and which labels name actors), the map from
a spaCy pipeline's labels to ours, the claim kinds and forms, the stance scale, the hierarchical issue codebook
(code, description, keywords, children) and the custom claim variables. It is pure data: the store persists one
per project and hands it out, the suggesters, the store's validation, the UI and the exporters read it.

A :class:`Codebook` is immutable and always valid: every constructor checks it and raises a
:class:`~annotator.core.errors.ValidationError` naming the JSON path of the first problem (``labels[2].color``).
Edits (:mod:`annotator.core.codebook_edit`) return a new codebook.

The dictionary form (:meth:`Codebook.to_dict` / :meth:`Codebook.from_dict`) is the codebook file format
(``"format": "annotator-codebook"``, schema ``resources/codebook.schema.json``) and the ``codebook`` object of the
JSON export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from annotator.core.errors import ValidationError

CODEBOOK_FORMAT = "annotator-codebook"
CODEBOOK_VERSION = 1
#: The colour a label gets when nobody chose one (an import that brings a label the project lacks).
DEFAULT_COLOR = "#7f7f7f"
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


class ActorType(StrEnum):
    """What kind of actor a label's mentions name; labels without one (dates, laws) never become actors.

    The type tells the suggesters how to group mentions: persons by name containment ("Abe" is "Shinzo Abe"),
    the others by name and alias. A group (nationality, party) written before another word modifies it
    ("Japanese officials") rather than naming the speaker.
    """

    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    GROUP = "group"


class VariableType(StrEnum):
    BOOLEAN = "boolean"
    INTEGER = "integer"
    TEXT = "text"
    CHOICE = "choice"


class Section(StrEnum):
    """The parts of a codebook whose codes rows refer to (what rename, merge and delete work on)."""

    LABEL = "label"
    KIND = "kind"
    FORM = "form"
    STANCE = "stance"
    ISSUE = "issue"
    VARIABLE = "variable"


@dataclass(frozen=True)
class Label:
    name: str
    color: str = DEFAULT_COLOR
    description: str = ""
    actor: ActorType | None = None


@dataclass(frozen=True)
class Code:
    """A claim kind or form."""

    name: str
    description: str = ""


@dataclass(frozen=True)
class StanceLevel:
    value: int
    name: str


@dataclass(frozen=True)
class Issue:
    code: str
    description: str = ""
    keywords: tuple[str, ...] = ()
    children: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class Variable:
    name: str
    type: VariableType = VariableType.TEXT
    choices: tuple[str, ...] = ()
    description: str = ""

    def check_value(self, value: Any) -> Any:
        """``value`` if it fits the variable (None always does: not coded), else a ValidationError."""
        if value is None:
            return None
        ok = {
            VariableType.BOOLEAN: isinstance(value, bool),
            VariableType.INTEGER: isinstance(value, int) and not isinstance(value, bool),
            VariableType.TEXT: isinstance(value, str),
            VariableType.CHOICE: isinstance(value, str) and value in self.choices,
        }[self.type]
        if not ok:
            expected = f"one of {', '.join(self.choices)}" if self.type == VariableType.CHOICE else f"a {self.type}"
            raise ValidationError(f"variable {self.name!r} must be {expected}, got {value!r}")
        return value


@dataclass(frozen=True)
class IssueRow:
    """One issue of the flattened tree: the issue, how deep it sits and its parent's code."""

    issue: Issue
    depth: int
    parent: str | None


@dataclass(frozen=True)
class Codebook:
    """One project's vocabulary (see the module docstring); build it from parts or with :meth:`from_dict`."""

    labels: tuple[Label, ...] = ()
    spacy_map: tuple[tuple[str, str | None], ...] = ()
    kinds: tuple[Code, ...] = ()
    forms: tuple[Code, ...] = ()
    stances: tuple[StanceLevel, ...] = ()
    issues: tuple[Issue, ...] = ()
    variables: tuple[Variable, ...] = ()
    _issue_index: dict[str, IssueRow] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)
    # Each section's names (and the labels' as a set), built once: the store checks every stored suggestion's
    # label and claim codes against them, thousands of times in a suggestion run.
    _names: dict[Section, tuple[str, ...]] = field(default_factory=dict, init=False, repr=False, compare=False,
                                                   hash=False)
    _label_set: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        _check(self)  # first: a malformed part is refused with its path before anything walks it
        index = {row.issue.code: row for row in _walk(self.issues, 0, None)}
        object.__setattr__(self, "_issue_index", index)
        names = {section: _section_names(self, section) for section in Section}
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_label_set", frozenset(names[Section.LABEL]))

    # ------------------------------------------------------------------ reading
    @property
    def label_names(self) -> tuple[str, ...]:
        return self.names(Section.LABEL)

    @property
    def stance_values(self) -> tuple[int, ...]:
        return tuple(s.value for s in self.stances)

    @property
    def issue_codes(self) -> tuple[str, ...]:
        """Every issue code, parents before their children, in codebook order."""
        return tuple(self._issue_index)

    def issue_rows(self) -> list[IssueRow]:
        """The issue tree flattened depth first (what a list or a combo box shows, indented by depth)."""
        return list(self._issue_index.values())

    def label(self, name: str) -> Label | None:
        return next((label for label in self.labels if label.name == name), None)

    def issue(self, code: str) -> Issue | None:
        row = self._issue_index.get(code)
        return row.issue if row is not None else None

    def issue_parent(self, code: str) -> str | None:
        row = self._issue_index.get(code)
        return row.parent if row is not None else None

    def variable(self, name: str) -> Variable | None:
        return next((v for v in self.variables if v.name == name), None)

    def stance_name(self, value: int | None) -> str:
        return next((s.name for s in self.stances if s.value == value), "" if value is None else str(value))

    @property
    def label_map(self) -> dict[str, str | None]:
        """Pipeline label -> our label, or None to drop such entities."""
        return dict(self.spacy_map)

    def actor_labels(self) -> dict[str, ActorType]:
        """Label -> actor type, for the labels whose mentions name actors, in label order."""
        return {label.name: label.actor for label in self.labels if label.actor is not None}

    def names(self, section: Section) -> tuple[str, ...]:
        """The code names of one section, in codebook order (stances by name, issues by code)."""
        found = self._names.get(section)
        return found if found is not None else _section_names(self, section)  # while the codebook is checked

    # ------------------------------------------------------------------ validation of coded values
    def check_label(self, label: str) -> None:
        if label not in self._label_set:
            known = ", ".join(self.label_names) or "none yet: add labels in Project › Codebook"
            raise ValidationError(f"unknown label {label!r}; the project's labels are {known}")

    def check_claim(self, attrs: Mapping[str, Any]) -> None:
        """Check the claim attributes present in ``attrs`` (kind, form, issue, stance, note, variables).

        An empty kind or form means "not coded" (a project without kinds still codes claims).
        """
        for section in (Section.KIND, Section.FORM):
            value, known = attrs.get(section.value), self.names(section)
            if value and value not in known:
                raise ValidationError(f"unknown claim {section.value} {value!r}; expected one of {list(known)}")
        if "stance" in attrs:
            stance = attrs["stance"]
            if stance is not None and (isinstance(stance, bool) or stance not in self.stance_values):
                allowed = ", ".join(str(v) for v in self.stance_values)
                raise ValidationError(f"stance must be one of {allowed} or none, got {stance!r}")
        if "issue" in attrs:
            issue = attrs["issue"]
            if issue is not None and (not isinstance(issue, str) or issue not in self._issue_index):
                raise ValidationError(f"unknown issue {issue!r}; it is not in the project's issue codebook")
        if "note" in attrs and not isinstance(attrs["note"], str):
            raise ValidationError(f"claim note must be text, got {attrs['note']!r}")
        if "variables" in attrs:
            self.check_variables(attrs["variables"])

    def check_variables(self, values: Any) -> dict[str, Any]:
        """The custom variable values of a claim, checked; unset (None) values are left out."""
        if not isinstance(values, Mapping):
            raise ValidationError(f"claim variables must be an object of name: value, got {values!r}")
        out: dict[str, Any] = {}
        for name, value in values.items():
            variable = self.variable(name)
            if variable is None:
                known = ", ".join(v.name for v in self.variables) or "none"
                raise ValidationError(f"unknown claim variable {name!r}; the project's variables are {known}")
            if variable.check_value(value) is not None:
                out[name] = value
        return out

    # ------------------------------------------------------------------ the file format
    def to_dict(self) -> dict[str, Any]:
        """The codebook file object (``format``, ``version`` and every section)."""
        return {
            "format": CODEBOOK_FORMAT,
            "version": CODEBOOK_VERSION,
            "labels": [_label_dict(label) for label in self.labels],
            "spacy_map": dict(self.spacy_map),
            "kinds": [{"name": k.name, "description": k.description} for k in self.kinds],
            "forms": [{"name": f.name, "description": f.description} for f in self.forms],
            "stances": [{"value": s.value, "name": s.name} for s in self.stances],
            "issues": [_issue_dict(i) for i in self.issues],
            "variables": [_variable_dict(v) for v in self.variables],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Codebook:
        """Build from the file format; every section is optional (an absent one is empty).

        Raises:
            ValidationError: the JSON path and the problem of the first error found.
        """
        if not isinstance(data, Mapping):
            raise ValidationError(f"$: a codebook is a JSON object, got {type(data).__name__}")
        if data.get("format", CODEBOOK_FORMAT) != CODEBOOK_FORMAT:
            raise ValidationError(f"$.format: expected {CODEBOOK_FORMAT!r}, got {data.get('format')!r}")
        version = data.get("version", CODEBOOK_VERSION)
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= CODEBOOK_VERSION:
            raise ValidationError(f"$.version: this annotator reads version {CODEBOOK_VERSION}, not {version!r}")
        spacy_map = data.get("spacy_map", {})
        if not isinstance(spacy_map, Mapping):
            raise ValidationError("$.spacy_map: must be an object of pipeline label: label or null")
        return cls(
            labels=tuple(_read_label(x, f"$.labels[{i}]") for i, x in enumerate(_list(data, "labels"))),
            spacy_map=tuple(
                (_text(k, "$.spacy_map key"), None if v is None else _text(v, f"$.spacy_map.{k}"))
                for k, v in spacy_map.items()
            ),
            kinds=tuple(_read_code(x, f"$.kinds[{i}]") for i, x in enumerate(_list(data, "kinds"))),
            forms=tuple(_read_code(x, f"$.forms[{i}]") for i, x in enumerate(_list(data, "forms"))),
            stances=tuple(_read_stance(x, f"$.stances[{i}]") for i, x in enumerate(_list(data, "stances"))),
            issues=tuple(_read_issue(x, f"$.issues[{i}]") for i, x in enumerate(_list(data, "issues"))),
            variables=tuple(_read_variable(x, f"$.variables[{i}]") for i, x in enumerate(_list(data, "variables"))),
        )


# ---------------------------------------------------------------------- helpers: the tree


def _section_names(book: Codebook, section: Section) -> tuple[str, ...]:
    """The code names of one section of ``book``, in codebook order (stances by name, issues by code)."""
    if section == Section.ISSUE:
        return tuple(row.issue.code for row in _walk(book.issues, 0, None))
    entries: dict[Section, tuple[Label | Code | StanceLevel | Variable, ...]] = {
        Section.LABEL: book.labels, Section.KIND: book.kinds, Section.FORM: book.forms,
        Section.STANCE: book.stances, Section.VARIABLE: book.variables,
    }
    return tuple(entry.name for entry in entries[section])


def _walk(issues: Sequence[Issue], depth: int, parent: str | None) -> Iterator[IssueRow]:
    for issue in issues:
        yield IssueRow(issue, depth, parent)
        yield from _walk(issue.children, depth + 1, issue.code)


def _issue_paths(issues: Sequence[Issue], prefix: str) -> Iterator[tuple[str, Issue]]:
    for i, issue in enumerate(issues):
        path = f"{prefix}[{i}]"
        yield path, issue
        yield from _issue_paths(issue.children, f"{path}.children")


# ---------------------------------------------------------------------- helpers: validation


def _unique(names: Sequence[Any], path: str, what: str) -> None:
    seen: set[Any] = set()
    for i, name in enumerate(names):
        if name in seen:
            raise ValidationError(f"{path}[{i}]: duplicate {what} {name!r}")
        seen.add(name)


def _name_ok(name: Any, path: str) -> None:
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(f"{path}: a name must be a non-empty text, got {name!r}")
    if name != name.strip():
        raise ValidationError(f"{path}: {name!r} starts or ends with a space")


def _check(book: Codebook) -> None:
    for i, label in enumerate(book.labels):
        _name_ok(label.name, f"$.labels[{i}].name")
        if not isinstance(label.color, str) or not _COLOR.fullmatch(label.color):
            raise ValidationError(f"$.labels[{i}].color: {label.color!r} is not a colour like #1f77b4")
        if label.actor is not None and not isinstance(label.actor, ActorType):
            raise ValidationError(f"$.labels[{i}].actor: {label.actor!r} is not an actor type")
    _unique([label.name for label in book.labels], "$.labels", "label")
    names = set(book.label_names)
    for key, target in book.spacy_map:
        _name_ok(key, "$.spacy_map key")
        if target is not None and target not in names:
            raise ValidationError(f"$.spacy_map.{key}: {target!r} is not one of the codebook's labels")
    _unique([k for k, _ in book.spacy_map], "$.spacy_map", "pipeline label")
    for section, items in (("kinds", book.kinds), ("forms", book.forms)):
        for i, item in enumerate(items):
            _name_ok(item.name, f"$.{section}[{i}].name")
        _unique([x.name for x in items], f"$.{section}", section[:-1])
    for i, stance in enumerate(book.stances):
        if isinstance(stance.value, bool) or not isinstance(stance.value, int):
            raise ValidationError(f"$.stances[{i}].value: must be an integer, got {stance.value!r}")
        _name_ok(stance.name, f"$.stances[{i}].name")
    _unique([s.value for s in book.stances], "$.stances", "stance value")
    _unique([s.name for s in book.stances], "$.stances", "stance name")
    seen: dict[str, str] = {}
    for path, issue in _issue_paths(book.issues, "$.issues"):
        _name_ok(issue.code, f"{path}.code")
        if issue.code in seen:
            raise ValidationError(f"{path}.code: duplicate issue code {issue.code!r} (also at {seen[issue.code]})")
        seen[issue.code] = path
        for k, keyword in enumerate(issue.keywords):
            if not isinstance(keyword, str) or not keyword.strip():
                raise ValidationError(f"{path}.keywords[{k}]: a keyword must be a non-empty text")
    for i, var in enumerate(book.variables):
        _name_ok(var.name, f"$.variables[{i}].name")
        if not isinstance(var.type, VariableType):
            raise ValidationError(f"$.variables[{i}].type: {var.type!r} is not boolean, integer, text or choice")
        if var.type == VariableType.CHOICE:
            if not var.choices:
                raise ValidationError(f"$.variables[{i}].choices: a choice variable needs at least one choice")
            for c, choice in enumerate(var.choices):
                _name_ok(choice, f"$.variables[{i}].choices[{c}]")
            _unique(list(var.choices), f"$.variables[{i}].choices", "choice")
        elif var.choices:
            raise ValidationError(f"$.variables[{i}].choices: only a choice variable has choices")
    _unique([v.name for v in book.variables], "$.variables", "variable")


# ---------------------------------------------------------------------- helpers: reading the file format


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValidationError(f"$.{key}: must be a list")
    return value


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ValidationError(f"{path}: must be an object, got {value!r}")
    return value


def _text(value: Any, path: str, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise ValidationError(f"{path}: must be a text, got {value!r}")
    return value


def _read_label(value: Any, path: str) -> Label:
    item = _obj(value, path)
    actor = item.get("actor")
    try:
        actor_type = None if actor is None else ActorType(actor)
    except ValueError:
        allowed = ", ".join(t.value for t in ActorType)
        raise ValidationError(f"{path}.actor: {actor!r} is not one of {allowed} or null") from None
    return Label(
        name=_text(item.get("name"), f"{path}.name"),
        color=_text(item.get("color"), f"{path}.color", DEFAULT_COLOR),
        description=_text(item.get("description"), f"{path}.description", ""),
        actor=actor_type,
    )


def _read_code(value: Any, path: str) -> Code:
    item = _obj(value, path)
    return Code(_text(item.get("name"), f"{path}.name"), _text(item.get("description"), f"{path}.description", ""))


def _read_stance(value: Any, path: str) -> StanceLevel:
    item = _obj(value, path)
    number = item.get("value")
    if isinstance(number, bool) or not isinstance(number, int):
        raise ValidationError(f"{path}.value: must be an integer, got {number!r}")
    return StanceLevel(number, _text(item.get("name"), f"{path}.name"))


def _read_issue(value: Any, path: str) -> Issue:
    item = _obj(value, path)
    keywords = item.get("keywords", [])
    children = item.get("children", [])
    if not isinstance(keywords, list):
        raise ValidationError(f"{path}.keywords: must be a list")
    if not isinstance(children, list):
        raise ValidationError(f"{path}.children: must be a list")
    return Issue(
        code=_text(item.get("code"), f"{path}.code"),
        description=_text(item.get("description"), f"{path}.description", ""),
        keywords=tuple(_text(k, f"{path}.keywords[{i}]") for i, k in enumerate(keywords)),
        children=tuple(_read_issue(c, f"{path}.children[{i}]") for i, c in enumerate(children)),
    )


def _read_variable(value: Any, path: str) -> Variable:
    item = _obj(value, path)
    kind = item.get("type", VariableType.TEXT.value)
    try:
        var_type = VariableType(kind)
    except ValueError:
        raise ValidationError(f"{path}.type: {kind!r} is not boolean, integer, text or choice") from None
    choices = item.get("choices", [])
    if not isinstance(choices, list):
        raise ValidationError(f"{path}.choices: must be a list")
    return Variable(
        name=_text(item.get("name"), f"{path}.name"),
        type=var_type,
        choices=tuple(_text(c, f"{path}.choices[{i}]") for i, c in enumerate(choices)),
        description=_text(item.get("description"), f"{path}.description", ""),
    )


def _label_dict(label: Label) -> dict[str, Any]:
    out: dict[str, Any] = {"name": label.name, "color": label.color, "description": label.description}
    out["actor"] = label.actor.value if label.actor is not None else None
    return out


def _issue_dict(issue: Issue) -> dict[str, Any]:
    return {
        "code": issue.code,
        "description": issue.description,
        "keywords": list(issue.keywords),
        "children": [_issue_dict(c) for c in issue.children],
    }


def _variable_dict(var: Variable) -> dict[str, Any]:
    out: dict[str, Any] = {"name": var.name, "type": var.type.value}
    if var.type == VariableType.CHOICE:
        out["choices"] = list(var.choices)
    if var.description:
        out["description"] = var.description
    return out


#: A codebook with nothing in it (``project new --empty``).
EMPTY_CODEBOOK = Codebook()
