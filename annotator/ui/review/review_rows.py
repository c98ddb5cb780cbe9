"""The rows of the review panel: every version of every entity and claim of the done annotators, and gold.

A row is one *version*: an entity item is one span + label (two annotators labelling "Japan" GPE and ORG give
two disputed rows); a claim cluster whose members differ is split into one row per distinct member. Each row
knows the annotator rows that hold it, its agreement status (:mod:`annotator.core.agreement`), the gold row that
holds it (if any) and the gold rows that adopting it replaces (the other versions of the same dispute). Gold rows
that are no annotator's version (the reviewer added them) get rows of their own, status ``gold``.

Pure Python (no Qt), so the logic is tested without a window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from annotator.core.agreement import (
    AGREED,
    DISPUTED,
    SINGLE,
    ClaimItem,
    Mention,
    claim_from_view,
    claim_items,
    entity_items,
    mention_from_view,
)
from annotator.core.records import ClaimView, EntityView, Status

ENTITY, CLAIM = "entity", "claim"
#: Status of a gold row that no annotator's version matches (added or changed by the reviewer).
GOLD_ONLY = "gold"
STATUS_TEXT = {AGREED: "all agree", DISPUTED: "disputed", SINGLE: "only some", GOLD_ONLY: "reviewer's"}

Layers = Mapping[str, tuple[Sequence[EntityView], Sequence[ClaimView]]]


@dataclass(frozen=True)
class ReviewRow:
    """One version of one item.

    Attributes:
        kind: ENTITY or CLAIM.
        key: identifies the version across refreshes (entity: start, end, label; claim: spans + attributes).
        status: AGREED, DISPUTED, SINGLE or GOLD_ONLY.
        holders: ``(annotator, row)`` of the annotators who have this version, by name.
        gold: the live gold row holding this version (accepted, corrected, manual or rejected), if any.
        replaces: ids of live, non-rejected gold rows of the other versions of this item.
        start: where it starts in the text (for ordering).
    """

    kind: str
    key: tuple[object, ...]
    status: str
    holders: tuple[tuple[str, EntityView | ClaimView], ...]
    gold: EntityView | ClaimView | None
    replaces: tuple[int, ...] = ()
    start: int = 0
    others: tuple[str, ...] = field(default=(), compare=False)  # how the other versions differ, for tooltips
    changed: bool = False  # gold holds a version derived from this one but edited by the reviewer

    @property
    def annotators(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.holders)

    @property
    def representative(self) -> EntityView | ClaimView:
        """The row drawn for this version: gold when gold holds it, else the first annotator's."""
        if self.gold is not None:
            return self.gold
        return self.holders[0][1]

    @property
    def in_gold(self) -> bool:
        return self.gold is not None and self.gold.status != Status.REJECTED

    @property
    def rejected(self) -> bool:
        return self.gold is not None and self.gold.status == Status.REJECTED

    @property
    def decided(self) -> bool:
        """The reviewer has decided on this version: in gold, rejected, or adopted and then edited."""
        return self.in_gold or self.rejected or self.changed


def _derived(gold: Sequence[EntityView] | Sequence[ClaimView], holders: tuple[tuple[str, object], ...]
             ) -> list[EntityView | ClaimView]:
    """Gold rows copied from one of the holders' rows (whatever the reviewer did to them since)."""
    ids = {getattr(view, "id", None) for _, view in holders}
    return [g for g in gold if g.derived_from in ids]


def _entity_key(e: EntityView | Mention | ClaimItem) -> tuple[object, ...]:
    assert not isinstance(e, ClaimItem)  # entity items hold mentions only
    return (e.start, e.end, e.label)


def _spans(c: ClaimView) -> tuple[object, ...]:
    item = claim_from_view(c)
    return (item.source, item.cue, item.content)


def _claim_key(item: ClaimItem) -> tuple[object, ...]:
    return (item.source, item.cue, item.content, item.kind, item.form, item.stance)


def entity_rows(layers: Layers, gold: Sequence[EntityView]) -> list[ReviewRow]:
    views = {e.id: e for ents, _ in layers.values() for e in ents}
    mentions = {name: [mention_from_view(e) for e in ents] for name, (ents, _) in layers.items()}
    gold_by_key: dict[tuple[object, ...], EntityView] = {}
    for g in sorted(gold, key=lambda g: (g.status == Status.REJECTED, g.id)):
        gold_by_key.setdefault(_entity_key(g), g)  # a live decision beats a rejection of the same key
    rows: list[ReviewRow] = []
    seen: set[tuple[object, ...]] = set()
    for item in entity_items(mentions, list(layers)):
        key = _entity_key(item.members[0][1])
        seen.add(key)
        holders = tuple((name, views[m.ref]) for name, m in item.members if m.ref is not None)
        conflict_keys = {_entity_key(m) for _, m in item.conflicts}
        exact = gold_by_key.get(key)
        derived = [g for g in _derived(gold, holders) if isinstance(g, EntityView) and _entity_key(g) != key]
        # Adopting this version supersedes the other versions in gold, and a reviewer's edit of this one.
        replaces = tuple(
            g.id for k, g in gold_by_key.items() if k in conflict_keys and g.status != Status.REJECTED
        ) + tuple(g.id for g in derived if g.status != Status.REJECTED)
        changed = exact is None and any(g.status != Status.REJECTED for g in derived)
        others = tuple(sorted({f"{name}: {m.label} “{m.start}–{m.end}”" for name, m in item.conflicts}))
        rows.append(ReviewRow(ENTITY, key, item.status, holders, exact, tuple(dict.fromkeys(replaces)),
                              item.start, others, changed))
    for key, g in gold_by_key.items():
        if key not in seen:
            rows.append(ReviewRow(ENTITY, key, GOLD_ONLY, (), g, (), g.start))
    return rows


def claim_rows(layers: Layers, gold: Sequence[ClaimView]) -> list[ReviewRow]:
    views = {c.id: c for _, claims in layers.values() for c in claims}
    records = {name: [claim_from_view(c) for c in claims] for name, (_, claims) in layers.items()}
    gold_items = [(g, claim_from_view(g)) for g in sorted(gold, key=lambda g: (g.status == Status.REJECTED, g.id))]
    rows: list[ReviewRow] = []
    used_gold: set[int] = set()
    for item in claim_items(records, list(layers)):
        versions: dict[tuple[object, ...], list[tuple[str, ClaimItem]]] = {}
        for name, member in item.members:
            assert isinstance(member, ClaimItem)
            versions.setdefault(_claim_key(member), []).append((name, member))
        member_ids = {m.ref for _, m in item.members}
        spans_of_versions = {(k[0], k[1], k[2]) for k in versions}
        # Gold rows of this cluster: derived from one of its members, or equal in spans to one of its versions.
        cluster_gold = [
            (g, gi) for g, gi in gold_items
            if g.derived_from in member_ids or (gi.source, gi.cue, gi.content) in spans_of_versions
        ]
        for key, members in versions.items():
            holders = tuple((name, views[m.ref]) for name, m in members if m.ref is not None)
            exact = next((g for g, gi in cluster_gold if _claim_key(gi) == key), None)
            replaces = tuple(
                g.id for g, gi in cluster_gold
                if g.status != Status.REJECTED and (gi.source, gi.cue, gi.content) != key[:3]
            )
            derived = [g for g in _derived(gold, holders) if g is not exact]
            changed = exact is None and any(g.status != Status.REJECTED for g in derived)
            start = min((s for s, _ in (*members[0][1].cue, *members[0][1].content, *members[0][1].source)),
                        default=0)
            others = tuple(sorted(_claim_text(k) for k in versions if k != key))
            rows.append(ReviewRow(CLAIM, key, item.status, holders, exact, replaces, start, others, changed))
            if exact is not None:
                used_gold.add(exact.id)
    # Gold claims matching no version exactly (the reviewer's own, or a version they edited) get rows too.
    for g, gi in gold_items:
        if g.id not in used_gold:
            start = min((s for s, _ in (*gi.cue, *gi.content, *gi.source)), default=0)
            rows.append(ReviewRow(CLAIM, _claim_key(gi), GOLD_ONLY, (), g, (), start))
    return rows


def _claim_text(key: tuple[object, ...]) -> str:
    return f"{key[3]} · {key[4]} · stance {key[5] if key[5] is not None else '—'}"


def review_rows(layers: Layers, gold_entities: Sequence[EntityView], gold_claims: Sequence[ClaimView]
                ) -> list[ReviewRow]:
    """Every row of the review panel, in text order (entities before claims at the same position)."""
    rows = entity_rows(layers, gold_entities) + claim_rows(layers, gold_claims)
    rows.sort(key=lambda r: (r.start, r.kind == CLAIM, r.key.__repr__()))
    return rows


def agreed_items(rows: Sequence[ReviewRow]) -> list[tuple[str, int]]:
    """``(kind, annotator row id)`` of every agreed row not yet in gold (what Shift+A adopts)."""
    return [(r.kind, r.holders[0][1].id) for r in rows if r.status == AGREED and r.holders and not r.decided]
