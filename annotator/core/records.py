"""Plain domain records shared by every layer.

These are the only shapes that cross package boundaries: importers produce ``ArticleIn``; the NLP suggesters
produce ``EntitySuggestion`` / ``ClaimSuggestion``; the repository takes them and returns the ``*View`` records and
``Change`` (:mod:`annotator.core.changes`); exporters read the views. No ORM object ever leaves ``annotator.store``.

Offsets are Python code-point offsets into ``Article.text``; ``end`` is exclusive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# ``Change`` lives in annotator.core.changes; it is re-exported here beside the records it travels with.
from annotator.core.changes import Change as Change
from annotator.core.codebook import Codebook
from annotator.core.validation import check_offsets, check_within


class Status(StrEnum):
    """Lifecycle of an entity mention or a claim."""

    SUGGESTED = "suggested"
    ACCEPTED = "accepted"
    CORRECTED = "corrected"
    REJECTED = "rejected"
    MANUAL = "manual"


class ArticleStatus(StrEnum):
    """An annotator's progress on one article."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"
    REVIEWED = "reviewed"  # a reviewer's state: the article's gold layer is final


class ClaimKind(StrEnum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    ACCORDING_TO = "according-to"
    OTHER = "other"


class Role(StrEnum):
    SOURCE = "source"
    CUE = "cue"
    CONTENT = "content"


class LayerKind(StrEnum):
    MODEL = "model"  # suggestions of a pipeline
    ANNOTATOR = "annotator"  # one human's decisions
    GOLD = "gold"  # the reviewed result


class AnnotatorRole(StrEnum):
    ANNOTATOR = "annotator"
    REVIEWER = "reviewer"
    # Runs the team server: everything a reviewer may do, plus the codebook, the annotators and the settings.
    ADMIN = "admin"

    @property
    def reviews(self) -> bool:
        """True for the roles whose decisions go to the gold layer (reviewers and admins)."""
        return self in (AnnotatorRole.REVIEWER, AnnotatorRole.ADMIN)


def role_reviews(role: str | None) -> bool:
    """True when a stored role string is one that reviews (``reviewer`` or ``admin``)."""
    return role in (AnnotatorRole.REVIEWER.value, AnnotatorRole.ADMIN.value)


#: Name of the layer that holds every model suggestion (each row keeps its own ``origin``).
SUGGESTIONS_LAYER = "suggestions"
#: Name of the reviewed layer.
GOLD_LAYER = "gold"
#: Joins the pieces of a discontinuous role in its text (views, exports and the readers' text check).
PIECE_JOIN = " … "


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[start, end)`` into an article text."""

    start: int
    end: int

    def __post_init__(self) -> None:
        check_offsets(self.start, self.end)

    @classmethod
    def checked(cls, start: Any, end: Any, text_length: int, what: str = "span") -> Span:
        """A span from untrusted offsets, inside a text of ``text_length`` code points (ValidationError if not)."""
        check_offsets(start, end, what)
        check_within(start, end, text_length, what)
        return cls(start, end)

    def check_within(self, text_length: int) -> None:
        check_within(self.start, self.end, text_length)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


# --------------------------------------------------------------------------- inputs (import and NLP)


@dataclass
class EntityIn:
    """An entity mention coming from an import (pre-existing annotation) or a round trip of our export."""

    start: int
    end: int
    label: str
    status: Status = Status.ACCEPTED
    origin: str = "import"
    annotator: str | None = None  # layer name; None = the importing user's choice (suggestions layer)
    actor: str | None = None  # key into ArticleIn.actors / export "actors" ids


@dataclass
class ClaimIn:
    """A claim coming from an import (round trip)."""

    cue: list[Span]
    content: list[Span]
    source: list[Span] = field(default_factory=list)
    kind: str = ClaimKind.OTHER
    form: str = "statement"
    source_actor: str | None = None
    addressee: str | None = None
    issue: str | None = None
    stance: int | None = None
    note: str = ""
    status: Status = Status.ACCEPTED
    origin: str = "import"
    annotator: str | None = None
    variables: dict[str, Any] = field(default_factory=dict)  # custom claim variables, name -> value


@dataclass
class ActorIn:
    key: str
    name: str
    kind: str = ""  # one of the codebook's labels; "" when the input gives none
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None  # key of another ActorIn
    notes: str = ""


@dataclass
class ArticleIn:
    """One article as read by an importer, before it is stored."""

    text: str
    title: str = ""
    date: str | None = None  # ISO 8601 date (YYYY-MM-DD) when recognised
    source: str = ""  # outlet
    url: str = ""
    file: str = ""  # original file name (basename)
    ext_id: str | None = None  # id given by the input, kept in meta and used as article id when free
    meta: dict[str, Any] = field(default_factory=dict)
    status: str | None = None  # article status from a round trip
    entities: list[EntityIn] = field(default_factory=list)
    claims: list[ClaimIn] = field(default_factory=list)
    actors: list[ActorIn] = field(default_factory=list)
    # The codebook of the export the article comes from (one object shared by its articles): its codes are added
    # to the project's before the article's rows are checked against it.
    codebook: Codebook | None = None


@dataclass(frozen=True)
class EntitySuggestion:
    start: int
    end: int
    label: str
    actor_key: str | None = None  # key of an ActorSuggestion of the same article


@dataclass(frozen=True)
class RoleSpans:
    """The spans of one claim role (several pieces when discontinuous), with their outer extent."""

    spans: tuple[Span, ...]

    @property
    def start(self) -> int:
        return min(s.start for s in self.spans)

    @property
    def end(self) -> int:
        return max(s.end for s in self.spans)


@dataclass(frozen=True)
class ClaimSuggestion:
    cue: tuple[Span, ...]
    content: tuple[Span, ...]
    source: tuple[Span, ...] = ()
    kind: str = ClaimKind.OTHER
    form: str = "statement"
    source_actor_key: str | None = None
    # For a pronoun or title source ("he", "the prime minister"): the named mention it resolves to.
    source_ref: Span | None = None
    # The named mention the cue addresses ("called on Japan to", "told him that" -> the mention "him" refers to).
    addressee: Span | None = None
    addressee_actor_key: str | None = None  # key of an ActorSuggestion of the same article
    score: float = 1.0
    # An issue code: from the codebook's keywords the claim mentions, or a trained pipeline's code classifier.
    issue: str | None = None
    # A stance (-1, 0, +1) from a trained pipeline's code classifier (issue 11); None when nothing is suggested.
    stance: int | None = None


@dataclass(frozen=True)
class ActorSuggestion:
    """A canonical actor proposed for an article; ``key`` is local to that article's suggestions."""

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()


@dataclass
class ArticleSuggestions:
    article_id: str
    origin: str  # e.g. "spacy:en_core_web_sm@3.8.0"
    entities: list[EntitySuggestion] = field(default_factory=list)
    claims: list[ClaimSuggestion] = field(default_factory=list)
    actors: list[ActorSuggestion] = field(default_factory=list)


# --------------------------------------------------------------------------- views (what the repository returns)


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list; cheap to build for 100,000 articles."""

    id: str
    title: str
    date: str | None
    source: str
    file: str
    status: str  # the asking annotator's ArticleStatus, or the overall one
    n_entities: int
    n_claims: int
    n_suggested: int
    near_duplicate_of: str | None = None  # the article this one repeats, when imported as a marked near-duplicate


@dataclass(frozen=True)
class ArticleRecord:
    """One stored article: its metadata and its text (immutable once imported)."""

    id: str
    title: str
    date: str | None
    source: str
    url: str
    file: str
    text: str
    text_sha256: str
    meta: dict[str, Any]
    imported_at: str


@dataclass(frozen=True)
class ActorView:
    id: int
    name: str
    kind: str
    aliases: tuple[str, ...]
    parent_id: int | None
    notes: str


@dataclass(frozen=True)
class EntityView:
    id: int
    article_id: str
    layer: str
    start: int
    end: int
    text: str
    label: str
    status: Status
    origin: str
    actor_id: int | None
    actor_name: str | None
    derived_from: int | None  # the suggestion this decision was made on
    annotator: str | None  # who made the row (None for model rows)


@dataclass(frozen=True)
class RoleView(RoleSpans):
    """A claim role as the repository returns it: its spans and their text."""

    text: str  # the spans' texts joined with PIECE_JOIN


@dataclass(frozen=True, slots=True)
class ClaimCoding:
    """What a claim says beyond its spans: who it is attributed to, to whom, on which issue, with which stance.

    Shared by the claim as the workspace shows it (:class:`ClaimView`) and as the claims view lists it
    (:class:`~annotator.core.claim_table.ClaimRow`).
    """

    source_actor_id: int | None
    source_actor_name: str | None
    addressee_id: int | None
    addressee_name: str | None
    issue: str | None
    stance: int | None
    note: str


@dataclass(frozen=True)
class ClaimView(ClaimCoding):
    id: int
    article_id: str
    layer: str
    source: RoleView | None
    cue: RoleView | None
    content: RoleView | None
    kind: str
    form: str
    status: Status
    origin: str
    derived_from: int | None
    annotator: str | None
    # Custom claim variables, name -> value (only the coded ones); not part of the hash.
    variables: dict[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ImportResult:
    """What storing one ArticleIn did."""

    article_id: str
    created: bool  # False: duplicate by text hash (nothing changed except merged layers on round trip)
    entities: int = 0
    claims: int = 0
    codebook_added: tuple[str, ...] = ()  # codes the import added to the project's codebook ("label ACTOR")
