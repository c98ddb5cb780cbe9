"""Codebook files: read and validate one (``resources/codebook.schema.json``), write one atomically.

A codebook is read from a codebook file, or from an export that carries one: a JSON export (its ``codebook``) or a
JSONL export (its first line's, which is the project's whole codebook).

A file is checked in two passes, and the first problem found is reported with the file name and its JSON path
(``codebook.json: $.labels[2].color: '#12' does not match ...``): the JSON Schema checks the shape, then
:meth:`annotator.core.codebook.Codebook.from_dict` what a schema cannot say (unique names across the issue tree,
label map targets that are labels). Reading changes nothing anywhere; the caller decides what to do with the
codebook.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.codebook import Codebook
from annotator.core.errors import InputError, ValidationError
from annotator.core.resources import load_json_resource
from annotator.io.atomic import atomic_open
from annotator.io.textfile import read_limited_bytes

if TYPE_CHECKING:  # jsonschema is imported where a file is checked: 0.1-0.3 s the window's start need not pay
    import jsonschema
    from referencing import Registry

SCHEMA_NAME = "codebook.schema.json"
#: A codebook is a few kilobytes; anything past this is not one.
MAX_CODEBOOK_BYTES = 20 * 1024 * 1024


def codebook_schema() -> dict[str, Any]:
    """The codebook JSON Schema (a shared object: do not mutate it)."""
    schema: dict[str, Any] = load_json_resource(SCHEMA_NAME)
    return schema


def schema_registry() -> Registry:
    """A registry holding the codebook schema under its ``$id``, for schemas that refer to it (the export's)."""
    from referencing import Registry, Resource

    schema = codebook_schema()
    return Registry().with_resource(schema["$id"], Resource.from_contents(schema))


@cache
def _validator() -> Any:
    import jsonschema

    schema = codebook_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _path_key(error: jsonschema.ValidationError) -> tuple[tuple[int, Any], ...]:
    # Document order: list indexes as numbers (2 before 10), keys as text.
    return tuple((0, p) if isinstance(p, int) else (1, str(p)) for p in error.absolute_path)


def first_schema_error(obj: Any) -> str | None:
    """``$.path: message`` of the first error in document order, or None when ``obj`` matches the schema."""
    errors = list(_validator().iter_errors(obj))
    if not errors:
        return None
    error = min(errors, key=_path_key)
    return f"{error.json_path}: {error.message}"


def codebook_from_object(obj: Any, where: str) -> Codebook:
    """Validate a parsed codebook object; ``where`` names it in the error (a file, "export codebook").

    Raises:
        ValidationError: ``where: $.path: problem`` for the first problem.
    """
    problem = first_schema_error(obj)
    if problem is not None:
        raise ValidationError(f"{where}: {problem}")
    try:
        return Codebook.from_dict(obj)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None


def read_codebook(path: str | Path) -> Codebook:
    """Read a codebook file.

    Raises:
        InputError: the file is missing, unreadable, not JSON, or not a valid codebook; the reason names the JSON
            path of the first error (and the line of a JSON syntax error).
    """
    path = Path(path)
    raw = read_limited_bytes(path, MAX_CODEBOOK_BYTES)
    try:
        text = raw.decode(json.detect_encoding(raw)).lstrip("\ufeff")
        obj = _first_value(text)
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 (invalid byte at position {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"malformed JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    if isinstance(obj, dict) and "text" in obj and "format" not in obj:
        # The first line of our JSONL export carries the project's whole codebook.
        if not isinstance(obj.get("codebook"), dict):
            raise InputError(str(path), "these records carry no codebook (a JSONL export of version 2 does)", 1)
        obj = obj["codebook"]
    elif isinstance(obj, dict) and obj.get("format") == "annotator-export":
        # An export carries its project's codebook: reading one from it is what a user means.
        if not isinstance(obj.get("codebook"), dict):
            raise InputError(str(path), "this export (version 1) carries no codebook; export it again")
        obj = obj["codebook"]
    problem = first_schema_error(obj)
    if problem is not None:
        raise InputError(str(path), problem)
    try:
        return Codebook.from_dict(obj)
    except ValidationError as exc:
        raise InputError(str(path), str(exc)) from None


def _first_value(text: str) -> Any:
    """The JSON value of a file; of a JSONL file (several values, one per line), the first line's."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if not exc.msg.startswith("Extra data"):
            raise
        first = next((line for line in text.splitlines() if line.strip()), "")
        return json.loads(first)


def codebook_json(codebook: Codebook) -> str:
    """The file text of a codebook: indented, UTF-8 as is, one trailing newline."""
    return json.dumps(codebook.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_codebook(path: str | Path, codebook: Codebook) -> None:
    """Write ``codebook`` to ``path`` (whole or not at all)."""
    with atomic_open(path, "w", encoding="utf-8") as handle:
        handle.write(codebook_json(codebook))
