"""The codebook a version-1 database was coded with, rebuilt when it is migrated (schema step 2).

Version 1 had no codebook in the database: the labels, kinds, forms and issues were the package's resource files,
optionally overridden by the project settings ``labels``, ``claim_kinds``, ``claim_forms`` and ``claim_issues``
(lists of names, or of objects with ``name`` / ``code`` and ``children``). The migration turns that into the
project's codebook, adds every code the rows use that neither lists (so nothing loses its code), and removes
the settings, which nothing reads any more.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from annotator.core.codebook import DEFAULT_COLOR, Code, Codebook, Issue, Label, StanceLevel
from annotator.core.codebook_edit import merge_by_name
from annotator.core.resources import sample_codebook
from annotator.store.models import Claim, Entity, Setting

_OVERRIDES = ("labels", "claim_kinds", "claim_forms", "claim_issues")


def _setting(key: str) -> Any:
    text = Setting.select(Setting.value).where(Setting.key == f"setting:{key}").scalar()
    return None if text is None else json.loads(text)


def _name(item: Any, field: str) -> str:
    return str(item[field]) if isinstance(item, dict) else str(item)


def _labels(override: list[Any], sample: Codebook) -> tuple[Label, ...]:
    out = []
    for item in override:
        name = _name(item, "name")
        known = sample.label(name)
        color = item.get("color") if isinstance(item, dict) else None
        base = known or Label(name)
        out.append(replace(base, color=color or base.color, description=_desc(item) or base.description))
    return tuple(out)


def _desc(item: Any) -> str:
    return str(item.get("description", "")) if isinstance(item, dict) else ""


def _codes(override: list[Any], known: tuple[Code, ...]) -> tuple[Code, ...]:
    by_name = {c.name: c for c in known}
    return tuple(by_name.get(_name(i, "name"), Code(_name(i, "name"), _desc(i))) for i in override)


def _issues(nodes: list[Any]) -> tuple[Issue, ...]:
    out = []
    for node in nodes:
        if isinstance(node, dict):
            out.append(Issue(str(node["code"]), _desc(node), children=_issues(list(node.get("children", [])))))
        else:
            out.append(Issue(str(node)))
    return tuple(out)


def _distinct(model: Any, column: str) -> list[Any]:
    field = getattr(model, column)
    return [v for (v,) in model.select(field).distinct().order_by(field).tuples() if v not in (None, "")]


def codebook_of_v1() -> Codebook:
    """The codebook of the version-1 database the models are bound to (the settings are removed)."""
    sample = sample_codebook()
    book = sample
    labels = _setting("labels")
    if labels:
        chosen = _labels(list(labels), sample)
        names = {label.name for label in chosen}
        book = replace(
            book,
            labels=chosen,
            spacy_map=tuple((k, v if v in names else None) for k, v in book.spacy_map),
        )
    kinds, forms, issues = _setting("claim_kinds"), _setting("claim_forms"), _setting("claim_issues")
    if kinds:
        book = replace(book, kinds=_codes(list(kinds), sample.kinds))
    if forms:
        book = replace(book, forms=_codes(list(forms), sample.forms))
    if issues:
        book = replace(book, issues=_issues(list(issues)))
    used = Codebook(
        labels=tuple(Label(str(n), DEFAULT_COLOR) for n in _distinct(Entity, "label")),
        kinds=tuple(Code(str(n)) for n in _distinct(Claim, "kind")),
        forms=tuple(Code(str(n)) for n in _distinct(Claim, "form")),
        stances=tuple(StanceLevel(int(v), str(v)) for v in _distinct(Claim, "stance")),
        issues=tuple(Issue(str(c)) for c in _distinct(Claim, "issue")),
    )
    book, _report = merge_by_name(book, used, update=False)
    Setting.delete().where(Setting.key.in_([f"setting:{k}" for k in _OVERRIDES])).execute()
    return book
