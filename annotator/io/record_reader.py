"""Turn one JSON record (a JSONL line, an item of a JSON list, an export article) into an ``ArticleIn``.

Accepted record shapes, all with a required string ``text``:

- generic records: optional ``id`` (-> ``ext_id``), ``title``, ``date``, ``source`` / ``outlet`` /
  ``publisher``, ``url``, ``file``, ``meta`` (an object), ``entities`` or ``spans`` (``{start, end, label}``);
  any other key is kept in ``meta``;
- the PolNeAR-like evaluation format (``id``, ``publisher``, ``text``, ``claims`` with ``[s, e]`` lists): a
  plain article, its claims are ignored;
- an article object of our JSON / JSONL export: entities, claims and actors keep their layer (``annotator``),
  status, origin and actor links; a JSONL line's ``codebook`` (codes the project may lack) comes with it.

A record that cannot be used raises ``RecordError`` with a short reason; the caller adds the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from annotator.core.codebook import Codebook
from annotator.core.errors import ValidationError
from annotator.core.names import validate_annotator_name
from annotator.core.records import (
    GOLD_LAYER,
    PIECE_JOIN,
    SUGGESTIONS_LAYER,
    ActorIn,
    ArticleIn,
    ArticleStatus,
    ClaimIn,
    EntityIn,
    Span,
    Status,
)
from annotator.core.text_checks import surrogate_in
from annotator.core.validation import check_choice, check_integer
from annotator.io.codebook_file import codebook_from_object
from annotator.io.headers import parse_date, parse_header

# Keys that map to ArticleIn fields (never copied into meta).
_ARTICLE_KEYS = frozenset(
    {
        "id",
        "title",
        "date",
        "source",
        "outlet",
        "publisher",
        "url",
        "file",
        "meta",
        "text",
        "text_sha256",
        "status",
        "entities",
        "spans",
        "claims",
        "actors",
        "codebook",
    }
)
_SOURCE_KEYS = ("source", "outlet", "publisher")


class RecordError(ValueError):
    """A record is refused; the message is the reason shown to the user."""


def _as_int(value: Any, what: str) -> int:
    try:
        return check_integer(value, what)
    except ValidationError as exc:
        raise RecordError(str(exc)) from None


def _as_str(value: Any, what: str, *, allow_none: bool = True) -> str | None:
    if value is None and allow_none:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"{what} must be a string, got {value!r}")


def _annotator(value: Any, what: str) -> str | None:
    """The layer an imported item names: ``suggestions``, ``gold``, or a valid annotator name."""
    name = _as_str(value, what)
    if name is None or name in (SUGGESTIONS_LAYER, GOLD_LAYER):
        return name
    try:
        return validate_annotator_name(name)
    except ValidationError as exc:
        raise RecordError(f"{what}: {exc}") from None


def make_span(start: Any, end: Any, text_length: int, what: str) -> Span:
    """A validated span inside a text of ``text_length`` characters.

    Raises:
        RecordError: offsets not integers, ``start >= end``, negative, or past the end of the text.
    """
    try:
        return Span.checked(start, end, text_length, what)
    except ValidationError as exc:
        raise RecordError(str(exc)) from None


def _check_text(expected: Any, spans: list[Span], text: str, what: str) -> None:
    """Refuse a span whose recorded text differs from the article text: its offsets point elsewhere."""
    if expected is None:
        return
    actual = PIECE_JOIN.join(span.slice(text) for span in spans)
    if expected != actual:
        raise RecordError(
            f"{what} text {expected!r} does not match the article text at its offsets ({actual!r})"
        )


def _status(value: Any, what: str) -> Status:
    if value is None:
        return Status.ACCEPTED
    try:
        return check_choice(value, Status, f"{what} status")
    except ValidationError as exc:
        raise RecordError(str(exc)) from None


def _entities(items: list[Any], text: str) -> list[EntityIn]:
    """The entities of a record. The common case, ``{start, end, label}`` well formed, is checked in this loop
    (an import of 10,000 articles holds 250,000 of them, issue 16); anything else goes to ``_entity``."""
    length = len(text)
    out = []
    for index, item in enumerate(items):
        if type(item) is dict and len(item) == 3:
            start, end, label = item.get("start"), item.get("end"), item.get("label")
            if type(start) is int and type(end) is int and 0 <= start < end <= length and type(label) is str \
                    and label:
                out.append(EntityIn(start, end, label))
                continue
        out.append(_entity(item, index, text))
    return out


def _named(kind: str, item: Any, index: int) -> str:
    """How an error names the ``index``-th entity or claim of a record ("claim 3", or by its own id)."""
    if not isinstance(item, Mapping):
        raise RecordError(f"{kind} {index + 1} is not an object")
    return f"{kind} {item['id']}" if isinstance(item.get("id"), str) else f"{kind} {index + 1}"


def _entity(item: Any, index: int, text: str) -> EntityIn:
    what = _named("entity", item, index)
    label = item.get("label")
    if not isinstance(label, str) or not label:
        raise RecordError(f"{what} has no label")
    span = make_span(item.get("start"), item.get("end"), len(text), what)
    _check_text(item.get("text"), [span], text, what)
    return EntityIn(
        start=span.start,
        end=span.end,
        label=label,
        status=_status(item.get("status"), what),
        origin=_as_str(item.get("origin"), f"{what} origin") or "import",
        annotator=_annotator(item.get("annotator"), f"{what} annotator"),
        actor=_as_str(item.get("actor"), f"{what} actor"),
    )


def _role_spans(role: Any, text: str, what: str) -> list[Span]:
    """The spans of one claim role object ``{start, end, text, spans?}`` (None -> no spans)."""
    if role is None:
        return []
    if not isinstance(role, Mapping):
        raise RecordError(f"{what} is not an object")
    pieces = role.get("spans")
    if pieces is None:
        spans = [make_span(role.get("start"), role.get("end"), len(text), what)]
    else:
        if not isinstance(pieces, list) or not pieces:
            raise RecordError(f"{what} spans must be a non-empty list of [start, end] pairs")
        spans = []
        for piece in pieces:
            if not isinstance(piece, list | tuple) or len(piece) != 2:
                raise RecordError(f"{what} spans must be [start, end] pairs, got {piece!r}")
            spans.append(make_span(piece[0], piece[1], len(text), what))
        spans.sort()
        outer = (role.get("start"), role.get("end"))
        if outer != (None, None) and outer != (spans[0].start, max(s.end for s in spans)):
            raise RecordError(f"{what} start/end {outer} are not the outer extent of its spans")
    _check_text(role.get("text"), spans, text, what)
    return spans


def _stance(value: Any, what: str) -> int | None:
    # Any integer: the project's codebook says which stances exist (an unknown one is added to it on import).
    return None if value is None else _as_int(value, f"{what} stance")


def _variables(value: Any, what: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise RecordError(f"{what} variables must be an object of name: value, got {value!r}")
    out: dict[str, Any] = {}
    for name, item in value.items():
        if item is not None and not isinstance(item, bool | int | str):
            raise RecordError(f"{what} variable {name!r} must be true/false, an integer or a text, got {item!r}")
        if item is not None:
            out[str(name)] = item
    return out


def _claim(item: Any, index: int, text: str) -> ClaimIn:
    what = _named("claim", item, index)
    if item.get("cue") is None and item.get("content") is None:
        raise RecordError(f"{what} has neither a cue nor a content span")
    source = item.get("source")
    source_actor = (
        _as_str(source.get("actor"), f"{what} source actor") if isinstance(source, Mapping) else None
    )
    return ClaimIn(
        cue=_role_spans(item.get("cue"), text, f"{what} cue"),
        content=_role_spans(item.get("content"), text, f"{what} content"),
        source=_role_spans(source, text, f"{what} source"),
        # Absent: not coded (the project's codebook has the kinds and forms, whatever they are).
        kind=_as_str(item.get("kind"), f"{what} kind") or "",
        form=_as_str(item.get("form"), f"{what} form") or "",
        source_actor=source_actor,
        addressee=_as_str(item.get("addressee"), f"{what} addressee"),
        issue=_as_str(item.get("issue"), f"{what} issue"),
        stance=_stance(item.get("stance"), what),
        note=_as_str(item.get("note"), f"{what} note") or "",
        variables=_variables(item.get("variables"), what),
        status=_status(item.get("status"), what),
        origin=_as_str(item.get("origin"), f"{what} origin") or "import",
        annotator=_annotator(item.get("annotator"), f"{what} annotator"),
    )


def _is_export_claims(claims: list[Any]) -> bool:
    """True for claims shaped like our export (role objects); False for the PolNeAR ``[s, e]`` lists."""
    return all(isinstance(c, Mapping) and not isinstance(c.get("cue"), list) for c in claims)


def actor_from_dict(item: Any) -> ActorIn:
    """One actor of our export (``{id, name, kind, aliases, parent, notes?}``).

    Raises:
        RecordError: not an object, or no id / name.
    """
    if not isinstance(item, Mapping):
        raise RecordError("actor is not an object")
    key = _as_str(item.get("id"), "actor id")
    name = _as_str(item.get("name"), "actor name")
    if not key or not name:
        raise RecordError(f"actor {item.get('id')!r} needs an id and a name")
    aliases = item.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise RecordError(f"actor {key} aliases must be a list of strings")
    return ActorIn(
        key=key,
        name=name,
        # No kind given: unknown (kinds are the project's labels; no label is assumed).
        kind=_as_str(item.get("kind"), f"actor {key} kind") or "",
        aliases=list(aliases),
        parent=_as_str(item.get("parent"), f"actor {key} parent"),
        notes=_as_str(item.get("notes"), f"actor {key} notes") or "",
    )


def actors_by_key(items: Any) -> dict[str, ActorIn]:
    """Index a list of export actors by id (raises RecordError on a bad one)."""
    if items is None:
        return {}
    if not isinstance(items, list):
        raise RecordError("actors must be a list")
    actors = [actor_from_dict(item) for item in items]
    return {actor.key: actor for actor in actors}


def _referenced_actors(article: ArticleIn, known: Mapping[str, ActorIn]) -> list[ActorIn]:
    """The actors an article's items refer to, with their parent chains; dangling references are dropped."""
    if not known and not article.claims and (not article.entities or all(e.actor is None for e in article.entities)):
        return []  # a plain record (nearly every one of a bulk import): nothing to resolve or unlink
    wanted = [e.actor for e in article.entities]
    wanted += [c.source_actor for c in article.claims] + [c.addressee for c in article.claims]
    chosen: dict[str, ActorIn] = {}
    for key in wanted:
        while key is not None and key in known and key not in chosen:
            chosen[key] = known[key]
            key = known[key].parent
    # A reference to an actor the file does not define cannot be resolved: unlink rather than refuse the work.
    for entity in article.entities:
        if entity.actor not in chosen:
            entity.actor = None
    for claim in article.claims:
        if claim.source_actor not in chosen:
            claim.source_actor = None
        if claim.addressee not in chosen:
            claim.addressee = None
    result = []
    for actor in chosen.values():
        parent = actor.parent if actor.parent in chosen else None
        result.append(ActorIn(actor.key, actor.name, actor.kind, list(actor.aliases), parent, actor.notes))
    return result


def normalise_date(value: Any, meta: dict[str, Any]) -> str | None:
    """An ISO date from a record's ``date``; an unrecognised value is kept in ``meta['date_raw']``."""
    raw = value if type(value) is str else _as_str(value, "date")
    if not raw:
        return None
    raw = raw.strip()
    if not raw:
        return None
    found = parse_date(raw)
    if found is None and len(raw) > 10 and raw[10] in "T ":
        found = parse_date(raw[:10])  # an ISO timestamp
    if found is None:
        meta["date_raw"] = raw
    return found


def _field(record: Mapping[str, Any], key: str) -> str:
    """A string field of the record ("" when absent); a number is read as its text, anything else refused."""
    value = record.get(key)
    if type(value) is str:  # nearly always: checked without a call (10,000 records of an import, 5 fields each)
        return value
    return "" if value is None else _as_str(value, key) or ""


def record_to_article(
    record: Any, actors: Mapping[str, ActorIn] | None = None, *, may_hold_surrogates: bool = True
) -> ArticleIn:
    """Build an ``ArticleIn`` from one record.

    Args:
        record: the decoded JSON value.
        actors: actors of the enclosing export (by id); a record's own ``actors`` list is used when present.
        may_hold_surrogates: False when the reader knows no string in ``record`` holds a lone surrogate (its
            JSON text had no surrogate escape), so the record need not be walked for one.

    Raises:
        RecordError: the record is refused (the message says why).
    """
    # ``type(x) is dict`` before ``isinstance(x, Mapping)``: an ABC check per record costs more than the rest of
    # a plain record's checks (the decoded records are dicts; other mappings still pass).
    if type(record) is not dict and not isinstance(record, Mapping):
        raise RecordError(f"record is not a JSON object (got {type(record).__name__})")
    text = record.get("text")
    if not isinstance(text, str):
        raise RecordError("record has no 'text' string")
    if not text or text.isspace():  # (no stripped copy of every text made to find out)
        raise RecordError("record text is empty")
    # A lone surrogate ("\ud800" in the JSON) cannot be stored or shown: refuse the record, keep the others.
    # (A line's codebook is checked once per distinct codebook, in ``_line_codebook``.)
    bad = surrogate_in({k: v for k, v in record.items() if k != "codebook"}, "record") if may_hold_surrogates \
        else None
    if bad is not None:
        raise RecordError(bad)
    meta_value = record.get("meta") or {}
    if type(meta_value) is not dict and not isinstance(meta_value, Mapping):
        raise RecordError("'meta' must be an object")
    meta: dict[str, Any] = dict(meta_value)
    for key, value in record.items():
        if key not in _ARTICLE_KEYS:
            meta.setdefault(key, value)
    source = ""
    for key in _SOURCE_KEYS:  # a loop, not a generator: 10,000 records are read in an import
        value = record.get(key)
        if isinstance(value, str) and value:
            source = value
            break
    status = record.get("status")
    if status is not None:
        try:
            check_choice(status, ArticleStatus, "article status")
        except ValidationError as exc:
            raise RecordError(str(exc)) from None
    raw_entities = record.get("entities", record.get("spans")) or []
    raw_claims = record.get("claims") or []
    if not isinstance(raw_entities, list):
        raise RecordError("'entities' must be a list")
    if not isinstance(raw_claims, list):
        raise RecordError("'claims' must be a list")
    ext_id = record.get("id")
    article = ArticleIn(
        text=text,
        title=_field(record, "title"),
        date=normalise_date(record.get("date"), meta),
        source=source,
        url=_field(record, "url"),
        file=_field(record, "file"),
        ext_id=ext_id if type(ext_id) is str else _as_str(ext_id, "id"),
        meta=meta,
        status=status,
        entities=_entities(raw_entities, text) if raw_entities else [],
        claims=[_claim(item, i, text) for i, item in enumerate(raw_claims)]
        if raw_claims and _is_export_claims(raw_claims)
        else [],
    )
    if "title" not in record:
        # A record without a title (PolNeAR, plain corpora) gets one as a text file would, from its top.
        header = parse_header(text)
        article.title = header.title
        if article.date is None and "date_raw" not in meta:
            article.date = header.date
        article.source = article.source or header.source
    own_actors = record.get("actors")
    known = actors_by_key(own_actors) if own_actors is not None else (actors or {})
    if known or article.claims or article.entities:  # (a plain record: nothing to resolve or unlink)
        article.actors = _referenced_actors(article, known)
    if record.get("codebook") is not None:
        # A line of our JSONL export carries codes (the first line the project's whole codebook): added on import.
        try:
            article.codebook = _line_codebook(json.dumps(record["codebook"]))
        except ValidationError as exc:
            raise RecordError(str(exc)) from None
    return article


@lru_cache(maxsize=1024)
def _line_codebook(text: str) -> Codebook:
    """The codebook of a JSONL line, checked once per distinct text (lines repeat a few sets of codes, and the
    schema check costs more than the rest of a line); a ``Codebook`` is immutable, so lines may share one."""
    obj = json.loads(text)
    bad = surrogate_in(obj, "codebook")
    if bad is not None:
        raise ValidationError(bad)
    return codebook_from_object(obj, "codebook")
