"""Score suggestions against gold annotations: claims (attributions) and entities. Standard library only.

Claim matching follows ``dev-data/README.md``: a gold attribution is found when a suggested claim's cue
overlaps the gold cue and its content overlaps the gold content (outer extents). Matching is one-to-one —
each gold attribution and each suggestion is used at most once — and maximal, so a suggester cannot score
twice with one claim nor lose a match because a greedy pass took the wrong partner.

Source accuracy is the share of *all* gold attributions whose matched suggestion has the right source: its
source overlaps the gold source, or both have none ("it was reported that ...").

Gold files: the dev-data JSONL (one article per line, claims with ``[start, end]`` lists) and our own export
(docs/architecture.md, "Export contract": one JSON document with ``articles``, or JSONL with one article object
per line; claims with ``source``/``cue``/``content`` objects; entities with ``start``/``end``/``label``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.agreement import Mention
from annotator.core.errors import InputError
from annotator.core.records import ClaimSuggestion, EntitySuggestion
from annotator.core.tally import Tally, merged_by_key

Extent = tuple[int, int]


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class ClaimSpans:
    """A claim reduced to what scoring needs: outer extents of cue, content and (optional) source."""

    cue: Extent
    content: Extent
    source: Extent | None = None


@dataclass
class GoldArticle:
    """One gold article; ``claims``/``entities`` are None when the file does not annotate that layer."""

    id: str
    text: str
    publisher: str = ""
    claims: list[ClaimSpans] | None = None
    entities: list[Mention] | None = None


@dataclass
class PRF(Tally):
    """True positives, gold and predicted counts with the derived figures (``+`` adds the counts)."""

    tp: int = 0
    n_gold: int = 0
    n_pred: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        return _f1(self.precision, self.recall)


@dataclass
class ClaimScores(PRF):
    """Counts and figures of claim matching (add scores of articles with ``+``): the matched claims are the
    true positives; ``source_correct`` of them have the right source."""

    source_correct: int = 0

    @property
    def matched(self) -> int:
        return self.tp

    @property
    def source_accuracy(self) -> float:
        return self.source_correct / self.n_gold if self.n_gold else 0.0


@dataclass
class EntityScores:
    """Exact-match entity scores, overall and per label."""

    overall: PRF = field(default_factory=PRF)
    per_label: dict[str, PRF] = field(default_factory=dict)

    def __add__(self, other: EntityScores) -> EntityScores:
        return EntityScores(self.overall + other.overall, merged_by_key(self.per_label, other.per_label, PRF()))


#: The roles of a claim, in the order reports list them.
CLAIM_ROLES: tuple[str, ...] = ("source", "cue", "content")


@dataclass
class RoleScores:
    """Per-role span figures of claims: exact match (same start and end) and begin match (same start).

    Each article contributes the distinct extents of each role among its gold and its suggested claims, so a
    source shared by three claims counts once, and a claim without a source contributes no source.
    """

    exact: dict[str, PRF] = field(default_factory=lambda: {r: PRF() for r in CLAIM_ROLES})
    begin: dict[str, PRF] = field(default_factory=lambda: {r: PRF() for r in CLAIM_ROLES})

    def __add__(self, other: RoleScores) -> RoleScores:
        return RoleScores(
            {r: self.exact[r] + other.exact[r] for r in CLAIM_ROLES},
            {r: self.begin[r] + other.begin[r] for r in CLAIM_ROLES},
        )

    def as_dict(self) -> dict[str, dict[str, dict[str, float]]]:
        """``{"exact": {role: {"precision", "recall", "f1", "gold", "suggested"}}, "begin": {...}}``."""
        return {
            kind: {
                role: {
                    "precision": prf.precision,
                    "recall": prf.recall,
                    "f1": prf.f1,
                    "gold": prf.n_gold,
                    "suggested": prf.n_pred,
                }
                for role, prf in table.items()
            }
            for kind, table in (("exact", self.exact), ("begin", self.begin))
        }


def score_roles(gold: Sequence[ClaimSpans], pred: Sequence[ClaimSpans]) -> RoleScores:
    """Exact and begin-match figures per role for one article's claims (see :class:`RoleScores`)."""
    out = RoleScores()
    for role in CLAIM_ROLES:
        g = {x for x in (getattr(c, role) for c in gold) if x is not None}
        p = {x for x in (getattr(c, role) for c in pred) if x is not None}
        out.exact[role] = PRF(len(g & p), len(g), len(p))
        gb, pb = {x[0] for x in g}, {x[0] for x in p}
        out.begin[role] = PRF(len(gb & pb), len(gb), len(pb))
    return out


def format_role_scores(scores: RoleScores) -> str:
    """Per-role lines: exact P/R/F1 and begin-match F1."""
    lines = []
    for role in CLAIM_ROLES:
        e, b = scores.exact[role], scores.begin[role]
        lines.append(
            f"  {role:<8} exact: precision {e.precision:.3f}  recall {e.recall:.3f}  F1 {e.f1:.3f}   "
            f"begin-match F1 {b.f1:.3f}  (gold {e.n_gold}, suggested {e.n_pred})"
        )
    return "\n".join(lines)


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(a: Extent | None, b: Extent | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _overlap_len(a: Extent, b: Extent) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


# --------------------------------------------------------------------------- conversion


def claim_spans(suggestion: ClaimSuggestion) -> ClaimSpans:
    """A ``ClaimSuggestion`` as ``ClaimSpans`` (outer extents of its roles)."""
    source = (
        (min(s.start for s in suggestion.source), max(s.end for s in suggestion.source)) if suggestion.source else None
    )
    return ClaimSpans(
        cue=(min(s.start for s in suggestion.cue), max(s.end for s in suggestion.cue)),
        content=(min(s.start for s in suggestion.content), max(s.end for s in suggestion.content)),
        source=source,
    )


def entity_spans(suggestions: Iterable[EntitySuggestion]) -> list[Mention]:
    """Entity suggestions as ``Mention`` records (span and label, the unit of exact-match scoring)."""
    return [Mention(e.start, e.end, e.label) for e in suggestions]


# --------------------------------------------------------------------------- scoring


def _match(gold: Sequence[ClaimSpans], pred: Sequence[ClaimSpans]) -> dict[int, int]:
    """Maximum one-to-one matching gold index -> suggestion index (augmenting paths, Kuhn's algorithm).

    Each gold item tries its partners best first (right source, then most content overlap), so among maximal
    matchings the one found keeps good pairs together.
    """
    edges: list[list[int]] = []
    for g in gold:
        cands = [j for j, p in enumerate(pred) if _overlaps(g.cue, p.cue) and _overlaps(g.content, p.content)]
        cands.sort(key=lambda j: (not _source_ok(g, pred[j]), -_overlap_len(g.content, pred[j].content)))
        edges.append(cands)
    owner: dict[int, int] = {}  # suggestion -> gold

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(gold)):
        if edges[i]:
            augment(i, set())
    return {i: j for j, i in owner.items()}


def _source_ok(gold: ClaimSpans, pred: ClaimSpans) -> bool:
    if gold.source is None:
        return pred.source is None
    return _overlaps(gold.source, pred.source)


def score_claims(gold: Sequence[ClaimSpans], pred: Sequence[ClaimSpans]) -> ClaimScores:
    """Score the suggested claims of one article against its gold attributions.

    Args:
        gold: gold attributions.
        pred: suggested claims.

    Returns:
        Counts for this article; add the scores of several articles with ``+``.
    """
    matching = _match(gold, pred)
    source_correct = sum(1 for i, j in matching.items() if _source_ok(gold[i], pred[j]))
    return ClaimScores(tp=len(matching), n_gold=len(gold), n_pred=len(pred), source_correct=source_correct)


def score_entities(gold: Iterable[Mention], pred: Iterable[Mention]) -> EntityScores:
    """Exact span and label match of one article's entities, overall and per label."""
    gold_set, pred_set = set(gold), set(pred)
    per_label: dict[str, PRF] = {}
    for lab in sorted({e.label for e in gold_set | pred_set}):
        g = {e for e in gold_set if e.label == lab}
        p = {e for e in pred_set if e.label == lab}
        per_label[lab] = PRF(len(g & p), len(g), len(p))
    return EntityScores(PRF(len(gold_set & pred_set), len(gold_set), len(pred_set)), per_label)


def score_claim_corpus(
    pairs: Iterable[tuple[GoldArticle, Sequence[ClaimSpans]]],
) -> dict[str, ClaimScores]:
    """Score many articles: ``{"": overall, publisher: scores, ...}`` (articles without claim gold skipped).

    Args:
        pairs: each gold article with the claims suggested for its text.
    """
    out: dict[str, ClaimScores] = {"": ClaimScores()}
    for article, pred in pairs:
        if article.claims is None:
            continue
        scores = score_claims(article.claims, pred)
        out[""] += scores
        if article.publisher:
            out[article.publisher] = out.get(article.publisher, ClaimScores()) + scores
    return out


def score_role_corpus(pairs: Iterable[tuple[GoldArticle, Sequence[ClaimSpans]]]) -> RoleScores:
    """Per-role exact and begin-match figures of many articles (articles without claim gold skipped)."""
    return sum((score_roles(article.claims, pred) for article, pred in pairs if article.claims is not None),
               RoleScores())


def parse_label_map(spec: str) -> dict[str, str | None]:
    """A label map from ``"PER=PERSON,GPE=LOC,DATE="`` or a JSON object file's path (``{"PER": "PERSON"}``).

    A label mapped to nothing (``DATE=`` or ``null``) is left out of the scoring on both sides.

    Raises:
        InputError: the file is unreadable or not an object of strings; an inline entry lacks ``=``.
    """
    path = Path(spec)
    if path.is_file():
        try:
            raw = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(str(path), f"cannot read the label map: {exc}") from exc
        if not isinstance(raw, dict) or not all(isinstance(v, str | None) for v in raw.values()):
            raise InputError(str(path), 'a label map is a JSON object of label names, e.g. {"PER": "PERSON"}')
        return {str(k): (v or None) for k, v in raw.items()}
    out: dict[str, str | None] = {}
    for item in spec.split(","):
        if not item.strip():
            continue
        if "=" not in item:
            raise InputError("--label-map", f"{item.strip()!r}: write FROM=TO (or FROM= to leave a label out)")
        source, target = (x.strip() for x in item.split("=", 1))
        out[source] = target or None
    return out


def map_labels(spans: Iterable[Mention], mapping: dict[str, str | None]) -> list[Mention]:
    """``spans`` with their labels mapped (unmapped labels kept; labels mapped to None dropped)."""
    out = []
    for span in spans:
        label = mapping.get(span.label, span.label)
        if label is not None:
            out.append(Mention(span.start, span.end, label))
    return out


def score_entity_corpus(pairs: Iterable[tuple[GoldArticle, Sequence[Mention]]]) -> EntityScores:
    """Score the entities of many articles (articles without entity gold skipped)."""
    return sum((score_entities(article.entities, pred) for article, pred in pairs if article.entities is not None),
               EntityScores())


def format_claim_scores(scores: ClaimScores, title: str = "claims") -> str:
    """One human-readable line of claim figures (used by the CLI and bench script)."""
    return (
        f"{title}: precision {scores.precision:.3f}  recall {scores.recall:.3f}  F1 {scores.f1:.3f}  "
        f"source accuracy {scores.source_accuracy:.3f}  (gold {scores.n_gold}, suggested {scores.n_pred}, "
        f"matched {scores.matched})"
    )


def format_entity_scores(scores: EntityScores) -> str:
    """Entity figures: overall line plus one line per label."""
    o = scores.overall
    lines = [
        f"entities: precision {o.precision:.3f}  recall {o.recall:.3f}  F1 {o.f1:.3f}  "
        f"(gold {o.n_gold}, suggested {o.n_pred}, matched {o.tp})"
    ]
    for lab, s in scores.per_label.items():
        lines.append(
            f"  {lab:<12} precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
            f"(gold {s.n_gold}, suggested {s.n_pred})"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- reading gold files


def _extent(value: Any, where: str, path: Path, line: int | None) -> Extent | None:
    """``[s, e]`` or ``{"start": s, "end": e}`` (or null) as an extent; ``InputError`` when malformed."""
    if value is None:
        return None
    if isinstance(value, dict):
        spans = value.get("spans")
        if spans:
            pieces = [_extent(s, where, path, line) for s in spans]
            good = [p for p in pieces if p is not None]
            if good:
                return min(p[0] for p in good), max(p[1] for p in good)
        value = [value.get("start"), value.get("end")]
    if (
        isinstance(value, list | tuple)
        and len(value) == 2
        and all(isinstance(v, int) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return int(value[0]), int(value[1])
    raise InputError(str(path), f"{where}: expected [start, end] or an object with start/end", line)


#: Statuses of an exported item that say it is *not* in the gold standard: a reviewer rejected it.
NOT_GOLD_STATUSES = frozenset({"rejected"})


def _rejected(item: dict[str, Any]) -> bool:
    """Whether an exported gold item was rejected (a gold layer keeps rejected rows; they are not gold)."""
    return item.get("status") in NOT_GOLD_STATUSES


def _claims(raw: Any, path: Path, line: int | None) -> list[ClaimSpans]:
    if not isinstance(raw, list):
        raise InputError(str(path), "'claims' must be a list", line)
    out = []
    for k, c in enumerate(raw):
        if not isinstance(c, dict):
            raise InputError(str(path), f"claims[{k}] must be an object", line)
        if _rejected(c):
            continue
        cue = _extent(c.get("cue"), f"claims[{k}].cue", path, line)
        content = _extent(c.get("content"), f"claims[{k}].content", path, line)
        if cue is None or content is None:
            raise InputError(str(path), f"claims[{k}] needs a cue and a content", line)
        out.append(ClaimSpans(cue, content, _extent(c.get("source"), f"claims[{k}].source", path, line)))
    return out


def _entities(raw: Any, path: Path, line: int | None) -> list[Mention]:
    if not isinstance(raw, list):
        raise InputError(str(path), "'entities' must be a list", line)
    out: list[Mention] = []
    for k, e in enumerate(raw):
        if isinstance(e, dict):
            if _rejected(e):
                continue
            ext = _extent([e.get("start"), e.get("end")], f"entities[{k}]", path, line)
            label = e.get("label")
        elif isinstance(e, list) and len(e) == 3:  # [start, end, label] as in spaCy-style files
            ext = _extent(e[:2], f"entities[{k}]", path, line)
            label = e[2]
        else:
            raise InputError(str(path), f"entities[{k}] must be an object with start, end, label", line)
        if ext is None or not isinstance(label, str):
            raise InputError(str(path), f"entities[{k}] needs start, end and label", line)
        out.append(Mention(ext[0], ext[1], label))
    return out


def _article(obj: Any, path: Path, line: int | None, number: int) -> GoldArticle:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError(str(path), "an article needs a 'text' string", line)
    meta: dict[str, Any] = obj["meta"] if isinstance(obj.get("meta"), dict) else {}
    publisher = obj.get("publisher") or obj.get("source") or meta.get("publisher") or ""
    return GoldArticle(
        id=str(obj.get("id") or f"article-{number}"),
        text=obj["text"],
        publisher=str(publisher),
        claims=_claims(obj["claims"], path, line) if "claims" in obj else None,
        entities=_entities(obj["entities"], path, line) if "entities" in obj else None,
    )


def load_gold(path: Path | str) -> list[GoldArticle]:
    """Read a gold file: dev-data JSONL, our export JSON document, or export JSONL (one article per line).

    Args:
        path: the gold file.

    Returns:
        The articles in file order.

    Raises:
        InputError: unreadable file, malformed JSON (with its line) or a record of the wrong shape.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(str(path), f"cannot read gold file: {exc}") from exc
    if not text.strip():
        raise InputError(str(path), "empty file")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            doc = None  # several objects: JSONL
        if isinstance(doc, dict):
            if isinstance(doc.get("articles"), list):
                return [_article(a, path, None, k) for k, a in enumerate(doc["articles"], 1)]
            return [_article(doc, path, 1, 1)]
    elif stripped.startswith("["):
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"malformed JSON: {exc.msg}", exc.lineno) from exc
        return [_article(a, path, None, k) for k, a in enumerate(items, 1)]
    out: list[GoldArticle] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"malformed JSON: {exc.msg}", lineno) from exc
        if isinstance(obj, dict) and isinstance(obj.get("articles"), list):
            out.extend(_article(a, path, lineno, len(out) + k) for k, a in enumerate(obj["articles"], 1))
        else:
            out.append(_article(obj, path, lineno, len(out) + 1))
    return out
