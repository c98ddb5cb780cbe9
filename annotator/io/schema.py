"""Validate a JSON export (or one JSONL export line) against ``resources/export.schema.json``.

The JSON Schema checks the shape; ``validate_export`` then checks what a schema cannot: offsets inside the
text with ``start < end``, span texts equal to the article text at their offsets, and actor references that
resolve.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from annotator.core.errors import ValidationError
from annotator.core.records import PIECE_JOIN
from annotator.core.resources import load_json_resource
from annotator.io.codebook_file import codebook_from_object, schema_registry

if TYPE_CHECKING:  # imported where an export is checked (see codebook_file)
    import jsonschema

SCHEMA_NAME = "export.schema.json"
#: How many schema violations a ValidationError message lists.
MAX_REPORTED = 5


@cache
def _validator(definition: str | None) -> jsonschema.protocols.Validator:
    import jsonschema

    schema = load_json_resource(SCHEMA_NAME)
    if definition is not None:
        # Validate against one definition while keeping the whole document for its "$ref"s.
        schema = {**schema, "$ref": f"#/$defs/{definition}"}
        for key in ("type", "required", "properties", "additionalProperties", "allOf"):
            schema.pop(key, None)
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # The version-2 ``codebook`` refers to the codebook schema by its $id.
    return validator_class(schema, registry=schema_registry())


def export_schema() -> dict[str, Any]:
    """The export JSON Schema (a shared object: do not mutate it)."""
    schema: dict[str, Any] = load_json_resource(SCHEMA_NAME)
    return schema


def _schema_errors(obj: Any, definition: str | None) -> None:
    errors = sorted(_validator(definition).iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"/{'/'.join(str(p) for p in e.absolute_path)}: {e.message}" for e in errors[:MAX_REPORTED]]
        more = f" (and {len(errors) - MAX_REPORTED} more)" if len(errors) > MAX_REPORTED else ""
        raise ValidationError("export does not match its schema: " + "; ".join(lines) + more)


def _check_span(text: str, start: int, end: int, where: str) -> None:
    if not 0 <= start < end <= len(text):
        raise ValidationError(
            f"{where}: span [{start}, {end}) is not inside the text ({len(text)} characters)"
        )


def _check_role(text: str, role: Mapping[str, Any] | None, where: str) -> None:
    if role is None:
        return
    pieces = role.get("spans") or [[role["start"], role["end"]]]
    for start, end in pieces:
        _check_span(text, start, end, where)
    if (role["start"], role["end"]) != (min(p[0] for p in pieces), max(p[1] for p in pieces)):
        raise ValidationError(f"{where}: start/end are not the outer extent of its spans")
    expected = PIECE_JOIN.join(text[s:e] for s, e in pieces)
    if role["text"] != expected:
        raise ValidationError(f"{where}: text {role['text']!r} differs from the article text {expected!r}")


def _check_article(article: Mapping[str, Any], actor_ids: set[str]) -> None:
    text = article["text"]
    where = f"article {article['id']!r}"
    for entity in article["entities"]:
        name = f"{where} entity {entity['id']}"
        _check_span(text, entity["start"], entity["end"], name)
        if entity["text"] != text[entity["start"] : entity["end"]]:
            raise ValidationError(f"{name}: text {entity['text']!r} differs from the article text")
        if entity["actor"] is not None and entity["actor"] not in actor_ids:
            raise ValidationError(f"{name}: unknown actor {entity['actor']}")
    for claim in article["claims"]:
        name = f"{where} claim {claim['id']}"
        for role in ("source", "cue", "content"):
            _check_role(text, claim[role], f"{name} {role}")
        refs = [claim["addressee"], claim["source"]["actor"] if claim["source"] else None]
        for ref in refs:
            if ref is not None and ref not in actor_ids:
                raise ValidationError(f"{name}: unknown actor {ref}")


def _check_actors(actors: Iterable[Mapping[str, Any]]) -> set[str]:
    ids = [a["id"] for a in actors]
    if len(ids) != len(set(ids)):
        raise ValidationError("export actors: duplicate actor ids")
    known = set(ids)
    for actor in actors:
        if actor["parent"] is not None and actor["parent"] not in known:
            raise ValidationError(f"actor {actor['id']}: unknown parent {actor['parent']}")
    return known


def validate_export(obj: Any) -> None:
    """Check a JSON export object (the parsed file) against the schema and its cross-references.

    Raises:
        ValidationError: the first problems found, each with its JSON path.
    """
    _schema_errors(obj, None)
    if "codebook" in obj:
        codebook_from_object(obj["codebook"], "export codebook")
    actor_ids = _check_actors(obj["actors"])
    for article in obj["articles"]:
        _check_article(article, actor_ids)


def validate_export_line(obj: Any) -> None:
    """Check one line of the JSONL export (an article with its own ``actors``).

    Raises:
        ValidationError: as ``validate_export``.
    """
    _schema_errors(obj, "article_line")
    _check_article(obj, _check_actors(obj["actors"]))
