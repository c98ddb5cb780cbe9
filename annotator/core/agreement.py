"""Inter-annotator agreement: entity span F1, claim matching and F1, Cohen's kappa, per-item review status.

Pure functions over small value records (spans are ``(start, end)`` tuples, end exclusive), so the metrics
can be checked by hand and do not depend on the repository. Adapters build the records from ``EntityView`` /
``ClaimView``.

Definitions (docs/architecture.md, "Review and agreement", says where they are used):

- **Entities** agree when span *and* label are identical (exact match). One annotator is taken as the
  reference: a mention both have is a true positive, one only the other has a false positive, one only the
  reference has a false negative. F1 = 2·tp / (2·tp + fp + fn) is symmetric, so the choice of reference does
  not change it (precision and recall swap). Counts are summed over articles before the ratios are taken
  (micro average).
- **Claims** match when their cue spans overlap *and* their content spans overlap (a role both claims leave
  empty counts as agreeing, a role only one fills does not). Matching is one-to-one and greedy by overlap size
  (cue overlap + content overlap, in characters), ties broken by position, so it is deterministic whatever the
  input order. Matched pairs are claim true positives; the F1 is as for entities.
- **Cohen's kappa** for kind, form and stance over matched claims: κ = (pₒ − pₑ) / (1 − pₑ). Degenerate
  cases: no pair → ``None``; pₑ = 1 (both annotators used one and the same category throughout) → 1.0 when
  pₒ = 1, else 0.0 (pₑ = 1 forces pₒ = 1, so the 0.0 branch only guards against inconsistent input). An unset
  stance (``None``) is a category of its own: one analyst leaving it open while the other codes it is a
  disagreement. Ratios are computed with exact fractions so that pₑ = 1 is detected exactly.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from annotator.core.records import ClaimView, EntityView, RoleView
from annotator.core.tally import Tally, merged_by_key

Offsets = tuple[int, int]

#: The claim attributes whose agreement is measured with Cohen's kappa.
CLAIM_ATTRIBUTES = ("kind", "form", "stance")

#: Review status of an item: every required annotator has this exact item.
AGREED = "agreed"
#: Review status: annotators have conflicting versions (other label or attributes, or other boundaries).
DISPUTED = "disputed"
#: Review status: one version only, not held by every required annotator (usually: by one annotator).
SINGLE = "single"


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, order=True)
class Mention:
    """An entity mention: span and label. ``ref`` (e.g. the row id) is carried along but never compared."""

    start: int
    end: int
    label: str
    ref: int | None = field(default=None, compare=False)

    @property
    def span(self) -> Offsets:
        return (self.start, self.end)


@dataclass(frozen=True)
class ClaimItem:
    """A claim reduced to what agreement looks at. ``ref`` is carried along but never compared."""

    cue: tuple[Offsets, ...]
    content: tuple[Offsets, ...]
    source: tuple[Offsets, ...] = ()
    kind: str | None = None
    form: str | None = None
    stance: int | None = None
    ref: int | None = field(default=None, compare=False)

    def attribute(self, name: str) -> Any:
        """The value of one of :data:`CLAIM_ATTRIBUTES`."""
        return getattr(self, name)

    @property
    def position(self) -> tuple[Any, ...]:
        """A sort key: position in the text, then the other values (breaks ties deterministically)."""
        return (tuple(sorted(self.content)), tuple(sorted(self.cue)), tuple(sorted(self.source)),
                str(self.kind), str(self.form), str(self.stance))


def mention_from_view(view: EntityView) -> Mention:
    """The agreement record of an entity row."""
    return Mention(view.start, view.end, view.label, ref=view.id)


def _offsets(role: RoleView | None) -> tuple[Offsets, ...]:
    if role is None:
        return ()
    return tuple(sorted((s.start, s.end) for s in role.spans))


def claim_from_view(view: ClaimView) -> ClaimItem:
    """The agreement record of a claim row (roles as sorted offset tuples; an absent role is empty)."""
    return ClaimItem(cue=_offsets(view.cue), content=_offsets(view.content), source=_offsets(view.source),
                     kind=view.kind, form=view.form, stance=view.stance, ref=view.id)


# --------------------------------------------------------------------------- counts and F1


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass(frozen=True)
class Counts(Tally):
    """Item counts: tp both annotators have, fp only the other has, fn only the reference has (``+`` adds)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def n_reference(self) -> int:
        """Items of the reference annotator."""
        return self.tp + self.fn

    @property
    def n_other(self) -> int:
        """Items of the other annotator."""
        return self.tp + self.fp

    @property
    def precision(self) -> float | None:
        """tp / (tp + fp); ``None`` when the other annotator has no item."""
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """tp / (tp + fn); ``None`` when the reference annotator has no item."""
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        """2·tp / (2·tp + fp + fn); ``None`` when neither annotator has any item (nothing to agree on)."""
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def to_json(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class EntityAgreement:
    """Entity agreement of two annotators: overall and per label (the label of the mention itself)."""

    overall: Counts = Counts()
    per_label: Mapping[str, Counts] = field(default_factory=dict)

    def __add__(self, other: EntityAgreement) -> EntityAgreement:
        return EntityAgreement(self.overall + other.overall, merged_by_key(self.per_label, other.per_label, Counts()))

    def to_json(self) -> dict[str, Any]:
        return {"overall": self.overall.to_json(),
                "labels": {lab: c.to_json() for lab, c in sorted(self.per_label.items())}}


def entity_agreement(reference: Iterable[Mention], other: Iterable[Mention]) -> EntityAgreement:
    """Compare two annotators' mentions of ONE article (exact span and label).

    A mention with the same span but another label counts twice: a false negative under the reference's label
    and a false positive under the other's. Duplicate mentions within one annotator's list count once.
    """
    ref_set = {(m.start, m.end, m.label) for m in reference}
    other_set = {(m.start, m.end, m.label) for m in other}
    per_label: dict[str, Counts] = {}

    def bump(label: str, counts: Counts) -> None:
        per_label[label] = per_label.get(label, Counts()) + counts

    for item in ref_set:
        bump(item[2], Counts(tp=1) if item in other_set else Counts(fn=1))
    for item in other_set - ref_set:
        bump(item[2], Counts(fp=1))
    overall = sum(per_label.values(), Counts())
    return EntityAgreement(overall, dict(sorted(per_label.items())))


# --------------------------------------------------------------------------- claims


def overlap(a: Sequence[Offsets], b: Sequence[Offsets]) -> int:
    """Characters shared by two (possibly discontinuous) span lists."""
    return sum(max(0, min(ae, be) - max(as_, bs)) for as_, ae in a for bs, be in b)


def _role_agrees(a: Sequence[Offsets], b: Sequence[Offsets]) -> tuple[bool, int]:
    """Whether one role is compatible in two claims, and by how many characters it overlaps."""
    if not a and not b:
        return True, 0  # both leave the role empty: that is agreement, not a reason to refuse the match
    shared = overlap(a, b)
    return shared > 0, shared


def claim_overlap(a: ClaimItem, b: ClaimItem) -> int | None:
    """The match score of two claims (cue + content overlap), or ``None`` when they do not match."""
    cue_ok, cue = _role_agrees(a.cue, b.cue)
    content_ok, content = _role_agrees(a.content, b.content)
    if not (cue_ok and content_ok) or (not a.cue and not a.content):
        return None  # a claim with neither cue nor content has nothing to be matched on
    return cue + content


def match_claims(reference: Sequence[ClaimItem], other: Sequence[ClaimItem]) -> list[tuple[int, int]]:
    """One-to-one greedy matching of two annotators' claims of ONE article.

    Returns ``(index in reference, index in other)`` pairs, sorted by reference index. The candidate pairs are
    taken by decreasing overlap; ties go to the pair earlier in the text (then by the claims' other values),
    so the matched claims do not depend on the order of the lists (only equal claims are interchangeable).
    """
    candidates: list[tuple[int, Any, Any, int, int]] = []
    for i, a in enumerate(reference):
        for j, b in enumerate(other):
            score = claim_overlap(a, b)
            if score is not None:
                candidates.append((-score, a.position, b.position, i, j))
    candidates.sort()
    used_ref: set[int] = set()
    used_other: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, _, _, i, j in candidates:
        if i not in used_ref and j not in used_other:
            used_ref.add(i)
            used_other.add(j)
            pairs.append((i, j))
    return sorted(pairs)


@dataclass(frozen=True)
class ClaimAgreement:
    """Claim agreement of two annotators: match counts and, per attribute, the matched value pairs."""

    counts: Counts = Counts()
    pairs: Mapping[str, tuple[tuple[Hashable, Hashable], ...]] = field(
        default_factory=lambda: {name: () for name in CLAIM_ATTRIBUTES})

    def __add__(self, other: ClaimAgreement) -> ClaimAgreement:
        merged = {name: tuple(self.pairs.get(name, ())) + tuple(other.pairs.get(name, ()))
                  for name in CLAIM_ATTRIBUTES}
        return ClaimAgreement(self.counts + other.counts, merged)

    def kappa(self, attribute: str) -> Kappa:
        """Cohen's kappa of one attribute over the matched claims."""
        return kappa_details(self.pairs.get(attribute, ()))


def claim_agreement(reference: Sequence[ClaimItem], other: Sequence[ClaimItem]) -> ClaimAgreement:
    """Compare two annotators' claims of ONE article: matched = tp, unmatched other = fp, ref = fn."""
    matched = match_claims(reference, other)
    counts = Counts(tp=len(matched), fp=len(other) - len(matched), fn=len(reference) - len(matched))
    pairs = {name: tuple((reference[i].attribute(name), other[j].attribute(name)) for i, j in matched)
             for name in CLAIM_ATTRIBUTES}
    return ClaimAgreement(counts, pairs)


# --------------------------------------------------------------------------- Cohen's kappa


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa with its ingredients: n pairs, observed agreement pₒ, expected (chance) agreement pₑ."""

    n: int
    observed: float | None
    expected: float | None
    value: float | None

    def to_json(self) -> dict[str, Any]:
        return {"n": self.n, "observed": self.observed, "expected": self.expected, "kappa": self.value}


def kappa_details(pairs: Iterable[tuple[Hashable, Hashable]]) -> Kappa:
    """Cohen's kappa of two raters over paired judgements (see the module docstring for edge cases)."""
    judged = list(pairs)
    n = len(judged)
    if n == 0:
        return Kappa(0, None, None, None)
    first = Counter(a for a, _ in judged)
    second = Counter(b for _, b in judged)
    observed = Fraction(sum(1 for a, b in judged if a == b), n)
    expected = sum((Fraction(first[c] * second[c], n * n) for c in first), Fraction(0))
    if expected == 1:
        value = Fraction(1) if observed == 1 else Fraction(0)
    else:
        value = (observed - expected) / (1 - expected)
    return Kappa(n, float(observed), float(expected), float(value))


def cohen_kappa(pairs: Iterable[tuple[Hashable, Hashable]]) -> float | None:
    """Cohen's kappa of two raters; ``None`` without any pair."""
    return kappa_details(pairs).value


# --------------------------------------------------------------------------- per-item status for review


@dataclass(frozen=True)
class ItemAgreement:
    """One distinct entity or one claim cluster across layers, with who has it and its review status.

    Attributes:
        kind: ``"entity"`` or ``"claim"``.
        status: :data:`AGREED`, :data:`DISPUTED` or :data:`SINGLE`.
        annotators: layers holding the item (for a claim cluster: holding a member), sorted.
        members: ``(layer, record)`` pairs, sorted by layer (an entity item: one equal record per layer).
        conflicts: for an entity, the other layers' overlapping mentions that make it disputed.
    """

    kind: str
    status: str
    annotators: tuple[str, ...]
    members: tuple[tuple[str, Mention | ClaimItem], ...]
    conflicts: tuple[tuple[str, Mention], ...] = ()

    @property
    def start(self) -> int:
        """Where the item starts in the text (the earliest span of any member)."""
        return min(_spans_start(record) for _, record in self.members)


def _spans_start(record: Mention | ClaimItem) -> int:
    if isinstance(record, Mention):
        return record.start
    return min((s for s, _ in (*record.cue, *record.content, *record.source)), default=0)


def _required(layers: Mapping[str, object], required: Iterable[str] | None) -> frozenset[str]:
    return frozenset(layers) if required is None else frozenset(required)


def entity_items(layers: Mapping[str, Iterable[Mention]], required: Iterable[str] | None = None
                 ) -> list[ItemAgreement]:
    """Review status of every distinct entity (span + label) across layers.

    - agreed: every required layer (default: every layer given) has this exact span and label;
    - disputed: not agreed, and a layer that lacks it has an overlapping mention (same span with another
      label, or other boundaries) that the item's holders do not have themselves (so a nested mention only
      one layer marked, inside a mention both marked, is single, not disputed);
    - single: otherwise (one version, held by one layer or by some but not all required layers).
    """
    need = _required(layers, required)
    by_layer = {name: sorted(set(mentions)) for name, mentions in layers.items()}
    holders: dict[tuple[int, int, str], list[tuple[str, Mention]]] = {}
    for name in sorted(by_layer):
        for m in by_layer[name]:
            holders.setdefault((m.start, m.end, m.label), []).append((name, m))
    items: list[ItemAgreement] = []
    for key in sorted(holders):
        members = tuple(holders[key])
        have = {name for name, _ in members}
        conflicts: tuple[tuple[str, Mention], ...] = ()
        if need and need <= have:
            status = AGREED
        else:
            start, end, _ = key
            # The holders' own other mentions (e.g. the enclosing "Government of Japan" around "Japan") are
            # versions the holders agree with, so another layer having one of them is no conflict.
            held = {(m.start, m.end, m.label) for name in have for m in by_layer[name]}
            conflicts = tuple((name, m) for name in sorted(by_layer) if name not in have
                              for m in by_layer[name]
                              if m.start < end and start < m.end and (m.start, m.end, m.label) not in held)
            status = DISPUTED if conflicts else SINGLE
        items.append(ItemAgreement("entity", status, tuple(sorted(have)), members, conflicts))
    return items


def claim_clusters(layers: Mapping[str, Sequence[ClaimItem]]) -> list[list[tuple[str, ClaimItem]]]:
    """Group the claims of several layers: at most one claim per layer in a cluster.

    Layers are taken in name order; each layer's claims are matched one-to-one (greedy, as
    :func:`match_claims`) to the clusters built so far — a claim joins a cluster when it matches any member,
    scored by its best overlap — and unmatched claims start new clusters. Deterministic for given input.
    """
    clusters: list[list[tuple[str, ClaimItem]]] = []
    for name in sorted(layers):
        claims = list(dict.fromkeys(layers[name]))  # drop exact duplicates, keep order
        candidates: list[tuple[int, Any, int, int]] = []
        for ci, cluster in enumerate(clusters):
            for j, claim in enumerate(claims):
                scores = [s for _, member in cluster if (s := claim_overlap(member, claim)) is not None]
                if scores:
                    candidates.append((-max(scores), claim.position, ci, j))
        candidates.sort()
        used_clusters: set[int] = set()
        used_claims: set[int] = set()
        for _, _, ci, j in candidates:
            if ci not in used_clusters and j not in used_claims:
                used_clusters.add(ci)
                used_claims.add(j)
                clusters[ci].append((name, claims[j]))
        clusters.extend([(name, claim)] for j, claim in enumerate(claims) if j not in used_claims)
    return clusters


def claim_items(layers: Mapping[str, Sequence[ClaimItem]], required: Iterable[str] | None = None
                ) -> list[ItemAgreement]:
    """Review status of every claim cluster (see :func:`claim_clusters`).

    - agreed: every required layer has a member and all members are equal (same source, cue and content spans,
      same kind, form and stance);
    - disputed: members differ (boundaries or attributes);
    - single: otherwise (one version, not held by every required layer).
    """
    need = _required(layers, required)
    items: list[ItemAgreement] = []
    for cluster in claim_clusters(layers):
        have = {name for name, _ in cluster}
        identical = len(set(claim for _, claim in cluster)) == 1
        if not identical:
            status = DISPUTED
        elif need and need <= have:
            status = AGREED
        else:
            status = SINGLE
        ordered = sorted(cluster, key=_first)
        items.append(ItemAgreement("claim", status, tuple(sorted(have)), tuple(ordered)))
    items.sort(key=lambda item: (item.start, item.annotators))
    return items


def _first(member: tuple[str, ClaimItem]) -> str:
    return member[0]


def item_agreement(layers: Mapping[str, Sequence[Mention | ClaimItem]], required: Iterable[str] | None = None
                   ) -> list[ItemAgreement]:
    """Review status of every entity and claim across layers: entity items first, then claim clusters.

    Each layer's list may mix :class:`Mention` and :class:`ClaimItem` records; see :func:`entity_items` and
    :func:`claim_items` for the statuses. ``required`` names the layers that must all hold an item for it to
    be agreed (default: every layer given), e.g. the annotators who marked the article done.
    """
    need = list(_required(layers, required))
    mentions = {name: [r for r in records if isinstance(r, Mention)] for name, records in layers.items()}
    claims = {name: [r for r in records if isinstance(r, ClaimItem)] for name, records in layers.items()}
    return entity_items(mentions, need) + claim_items(claims, need)
