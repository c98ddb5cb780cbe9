"""What the exporters take (``ExportArticle``, ``ExportContext``) and how views become the JSON export's objects.

The JSON shape is the export contract of docs/architecture.md (schema: ``resources/export.schema.json``). Ids are stable
across exports of the same database: ``a<N>`` / ``e<N>`` / ``c<N>`` where N is the row id. The ``annotator``
field of an entity or claim is its *layer* (``suggestions``, ``gold`` or an annotator's name), so a re-import
keeps layers.

Compatible additions to the contract's first example (optional for readers, listed in the schema): article ``url`` and
``meta``, actor ``notes``, and a ``spans`` list on ``source`` / ``cue`` when that role is discontinuous.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from annotator.core.codebook import EMPTY_CODEBOOK, Codebook, Section
from annotator.core.records import PIECE_JOIN, ActorView, ArticleRecord, ClaimView, EntityView, RoleView, Span

#: The ``format`` and ``version`` of the JSON export (bump the version on an incompatible change).
EXPORT_FORMAT = "annotator-export"
EXPORT_VERSION = 2
TOOL_NAME = "annotator"


@dataclass
class ExportArticle:
    """One article to export with the rows of the exported layer(s).

    Attributes:
        article: the stored article.
        status: the article status of the exported layer (todo / in_progress / done / skipped).
        entities: entity mentions to write (the caller chooses layers and statuses).
        claims: claims to write.
    """

    article: ArticleRecord
    status: str
    entities: list[EntityView] = field(default_factory=list)
    claims: list[ClaimView] = field(default_factory=list)


@dataclass(frozen=True)
class ExportContext:
    """What every export format may need besides the articles; one object, so formats share one signature.

    Attributes:
        actors: the project's actors (the JSON export lists them once, at the top; others resolve names).
        codebook: the project's codebook (the JSON export carries it; the claims CSV has a column per variable).
        layer: the exported layer's name (``gold``, an annotator, ``suggestions``, or ``all``).
    """

    actors: Sequence[ActorView] = ()
    codebook: Codebook = EMPTY_CODEBOOK
    layer: str = ""

    @property
    def labels(self) -> tuple[str, ...]:
        """The project's label names, in codebook order."""
        return self.codebook.label_names

    @cached_property
    def actor_ids(self) -> frozenset[int]:
        """Ids of the actors the export lists: links to any other actor are written as null."""
        return frozenset(actor.id for actor in self.actors)

    @cached_property
    def actors_by_id(self) -> dict[int, ActorView]:
        return {actor.id: actor for actor in self.actors}


def utc_timestamp(now: datetime | None = None) -> str:
    """``2026-11-23T12:00:00Z`` for ``now`` (default: the current time)."""
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def actor_ref(actor_id: int | None, known: Collection[int] | None = None) -> str | None:
    """The export id of an actor row (``a<N>``); None for no actor, or one outside ``known`` when given.

    Writing a reference to an actor the export does not list would make the file inconsistent (a reader could
    not resolve it), so such a link is written as null.
    """
    if actor_id is None or (known is not None and actor_id not in known):
        return None
    return f"a{actor_id}"


def actor_to_dict(actor: ActorView, known: Collection[int] | None = None) -> dict[str, Any]:
    """One entry of the export's ``actors`` list."""
    return {
        "id": actor_ref(actor.id),
        "name": actor.name,
        "kind": actor.kind,
        "aliases": list(actor.aliases),
        "parent": actor_ref(actor.parent_id, known),
        "notes": actor.notes,
    }


def spans_text(text: str, spans: tuple[Span, ...] | list[Span]) -> str:
    """The text of a (possibly discontinuous) span list, pieces joined with `` … ``."""
    return PIECE_JOIN.join(text[s.start : s.end] for s in spans)


def role_to_dict(role: RoleView | None, text: str, *, always_spans: bool = False) -> dict[str, Any] | None:
    """A claim role ``{start, end, text[, spans]}``; ``spans`` is written when discontinuous or asked for.

    The ``text`` is taken from the article, not from the view, so it always matches the offsets a reader
    checks.
    """
    if role is None or not role.spans:
        return None
    spans = sorted(role.spans)
    result: dict[str, Any] = {
        "start": spans[0].start,
        "end": max(s.end for s in spans),
        "text": spans_text(text, spans),
    }
    if always_spans or len(spans) > 1:
        result["spans"] = [[s.start, s.end] for s in spans]
    return result


def entity_to_dict(entity: EntityView, text: str, known: Collection[int] | None = None) -> dict[str, Any]:
    """One entity of an exported article."""
    return {
        "id": f"e{entity.id}",
        "start": entity.start,
        "end": entity.end,
        "text": text[entity.start : entity.end],
        "label": entity.label,
        "actor": actor_ref(entity.actor_id, known),
        "status": str(entity.status),
        "origin": entity.origin,
        "annotator": entity.layer,
    }


def claim_to_dict(claim: ClaimView, text: str, known: Collection[int] | None = None) -> dict[str, Any]:
    """One claim of an exported article (``source`` is null when the claim states no source)."""
    source = role_to_dict(claim.source, text)
    if source is not None:
        source["actor"] = actor_ref(claim.source_actor_id, known)
    return {
        "id": f"c{claim.id}",
        "source": source,
        "cue": role_to_dict(claim.cue, text),
        "content": role_to_dict(claim.content, text, always_spans=True),
        "kind": claim.kind,
        "form": claim.form,
        "addressee": actor_ref(claim.addressee_id, known),
        "issue": claim.issue,
        "stance": claim.stance,
        "note": claim.note,
        "variables": dict(claim.variables),
        "status": str(claim.status),
        "origin": claim.origin,
        "annotator": claim.layer,
    }


#: The fields that name an article in every export, in their order there (JSON, JSONL, and the metadata of the
#: NER formats).
ARTICLE_HEAD = ("id", "title", "date", "source")


def article_head(article: ArticleRecord, *more: str) -> dict[str, Any]:
    """The article's naming fields (:data:`ARTICLE_HEAD`), then the fields ``more`` names, in that order."""
    return {name: getattr(article, name) for name in (*ARTICLE_HEAD, *more)}


def article_to_dict(item: ExportArticle, known: Collection[int] | None = None) -> dict[str, Any]:
    """One article object of the JSON export (also one line of the JSONL export, minus its ``actors``).

    Args:
        item: the article and its rows.
        known: ids of the actors the export lists; links to other actors are written as null (None: all).
    """
    article = item.article
    text = article.text
    return {
        **article_head(article, "url", "file"),
        "text": text,
        "text_sha256": article.text_sha256,
        "status": item.status,
        "meta": dict(article.meta),
        "entities": [
            entity_to_dict(e, text, known)
            for e in sorted(item.entities, key=lambda e: (e.start, e.end, e.id))
        ],
        "claims": [claim_to_dict(c, text, known) for c in item.claims],
    }


def referenced_actor_ids(item: ExportArticle) -> set[int]:
    """Ids of the actors an article's entities and claims refer to (without parents)."""
    ids = {e.actor_id for e in item.entities if e.actor_id is not None}
    for claim in item.claims:
        ids.update(i for i in (claim.source_actor_id, claim.addressee_id) if i is not None)
    return ids


def with_parents(ids: set[int], actors: dict[int, ActorView]) -> list[ActorView]:
    """The actors of ``ids`` plus their parent chains, in id order (unknown ids are skipped)."""
    chosen: dict[int, ActorView] = {}
    for actor_id in ids:
        current: int | None = actor_id
        while current is not None and current in actors and current not in chosen:
            chosen[current] = actors[current]
            current = actors[current].parent_id
    return [chosen[i] for i in sorted(chosen)]


def used_codes(item: ExportArticle, actors: Sequence[ActorView] = ()) -> dict[Section, frozenset[Any]]:
    """The codes an article's rows use, by section: its entities' labels and its actors' kinds, its claims' kinds,
    forms, stances (values), issues and variables."""
    claims = item.claims
    return {
        Section.LABEL: frozenset({e.label for e in item.entities} | {a.kind for a in actors if a.kind}),
        Section.KIND: frozenset(c.kind for c in claims if c.kind),
        Section.FORM: frozenset(c.form for c in claims if c.form),
        Section.STANCE: frozenset(c.stance for c in claims if c.stance is not None),
        Section.ISSUE: frozenset(c.issue for c in claims if c.issue),
        Section.VARIABLE: frozenset(name for c in claims for name, value in c.variables.items() if value is not None),
    }

