"""What a project's decided layers teach a model, and the seeded split into training and evaluation shares.

Standard library only: the job reads the rows through the Repository, this module says which of them are
evidence. Accepted, corrected and manual rows are positive evidence; rejected suggestions are negative evidence
("not this"). An article counts as *complete* when its annotator marked it done (or a reviewer reviewed it, for
the gold layer): then every token not covered by a positive row is "nothing here". In an article that is not
complete only the decided rows are known, and the trainer treats every other token as missing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.core.records import ClaimView, EntityView, Span

POSITIVE = frozenset({"accepted", "corrected", "manual"})
NEGATIVE = frozenset({"rejected"})
COMPLETE = frozenset({"done", "reviewed"})
#: What ``annotator train --what`` accepts.
WHAT = ("entities", "claims", "codes")
#: Most epochs of the claims tagger unless told otherwise (``annotator train --epochs``; patience stops it sooner).
TAGGER_EPOCHS = 12


@dataclass(frozen=True)
class DecidedClaim:
    """A claim's spans and codes as decided."""

    cue: tuple[Span, ...]
    content: tuple[Span, ...]
    source: tuple[Span, ...] = ()
    issue: str | None = None
    stance: int | None = None

    def spans(self) -> list[Span]:
        return [*self.cue, *self.content, *self.source]


@dataclass
class TrainingArticle:
    """One article's evidence from one layer."""

    id: str
    text: str
    layer: str
    complete: bool
    entities: list[tuple[int, int, str]] = field(default_factory=list)
    rejected_entities: list[tuple[int, int, str]] = field(default_factory=list)
    claims: list[DecidedClaim] = field(default_factory=list)
    rejected_claims: list[DecidedClaim] = field(default_factory=list)

    @property
    def has_evidence(self) -> bool:
        return self.complete or bool(self.entities or self.rejected_entities or self.claims or self.rejected_claims)

    def entity_known(self) -> list[tuple[int, int]] | None:
        """Character ranges whose entity annotation is known (None: all of the article)."""
        if self.complete:
            return None
        return [(s, e) for s, e, _ in [*self.entities, *self.rejected_entities]]

    def claim_known(self) -> list[tuple[int, int]] | None:
        """Character ranges whose claim roles are known (None: all of the article)."""
        if self.complete:
            return None
        return [(s.start, s.end) for c in [*self.claims, *self.rejected_claims] for s in c.spans()]


def _decided_claim(claim: ClaimView) -> DecidedClaim | None:
    if claim.cue is None or claim.content is None:
        return None
    return DecidedClaim(
        cue=claim.cue.spans,
        content=claim.content.spans,
        source=claim.source.spans if claim.source is not None else (),
        issue=claim.issue,
        stance=claim.stance,
    )


def training_article(
    article_id: str, text: str, layer: str, status: str, entities: Sequence[EntityView], claims: Sequence[ClaimView]
) -> TrainingArticle:
    """The evidence of one article's rows in one layer (``status``: the article's status for that layer)."""
    out = TrainingArticle(article_id, text, layer, complete=status in COMPLETE)
    for ent in entities:
        if ent.status in POSITIVE:
            out.entities.append((ent.start, ent.end, ent.label))
        elif ent.status in NEGATIVE:
            out.rejected_entities.append((ent.start, ent.end, ent.label))
    for claim in claims:
        decided = _decided_claim(claim)
        if decided is None:
            continue
        if claim.status in POSITIVE:
            out.claims.append(decided)
        elif claim.status in NEGATIVE:
            out.rejected_claims.append(decided)
    return out


def split(
    articles: Sequence[TrainingArticle], eval_share: float, seed: int
) -> tuple[list[TrainingArticle], list[TrainingArticle]]:
    """Seeded split into (training, evaluation) shares; the same seed and articles give the same split.

    At least one article goes to each share when there are two or more; ``eval_share`` 0 keeps all for training.
    """
    if not 0.0 <= eval_share < 1.0:
        raise ValueError(f"the evaluation share must be at least 0 and below 1, not {eval_share}")
    order = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(order)
    n_eval = math.ceil(len(order) * eval_share) if eval_share > 0 else 0
    if eval_share > 0 and len(order) >= 2:
        n_eval = min(max(n_eval, 1), len(order) - 1)
    return order[n_eval:], order[:n_eval]
