"""The training report: the current and the new model scored on the evaluation share, side by side.

Entities: P/R/F1 per label (exact span and label). Claims: exact-match P/R/F1 per role, begin-match F1 per role,
and the overlap claim F1 of ``annotator evaluate`` (a gold claim is found when a suggested cue and content overlap
its own). In an article that is not complete only its decided parts are known, so only suggestions touching them
are scored there.

The gate compares one figure: the mean of the entity F1 (when entities were trained) and, for claims, the mean of
the overlap claim F1 and the three exact role F1s.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.core.agreement import Mention
from annotator.core.evaluation import (
    CLAIM_ROLES,
    ClaimScores,
    ClaimSpans,
    EntityScores,
    RoleScores,
    claim_spans,
    score_claims,
    score_entities,
    score_roles,
)
from annotator.core.records import ArticleSuggestions
from annotator.core.training_data import TrainingArticle


def _touches(extent: tuple[int, int], known: list[tuple[int, int]] | None) -> bool:
    return known is None or any(s < extent[1] and extent[0] < e for s, e in known)


def _prf(p: Any) -> dict[str, Any]:
    return {"precision": round(p.precision, 4), "recall": round(p.recall, 4), "f1": round(p.f1, 4),
            "gold": p.n_gold, "suggested": p.n_pred}


def score_predictions(
    eval_set: Sequence[TrainingArticle], predictions: Sequence[ArticleSuggestions], wanted: set[str]
) -> dict[str, Any]:
    """The figures of one model's suggestions on the evaluation share (JSON-ready)."""
    by_id = {p.article_id: p for p in predictions}
    entities = EntityScores()
    claims = ClaimScores()
    roles = RoleScores()
    for article in eval_set:
        pred = by_id.get(article.id)
        if pred is None:
            continue
        if "entities" in wanted:
            known = article.entity_known()
            gold_e = [Mention(s, e, lab) for s, e, lab in article.entities]
            pred_e = [Mention(x.start, x.end, x.label) for x in pred.entities if _touches((x.start, x.end), known)]
            entities = entities + score_entities(gold_e, pred_e)
        if "claims" in wanted:
            known = article.claim_known()
            gold_c = [
                ClaimSpans(
                    (min(s.start for s in c.cue), max(s.end for s in c.cue)),
                    (min(s.start for s in c.content), max(s.end for s in c.content)),
                    (min(s.start for s in c.source), max(s.end for s in c.source)) if c.source else None,
                )
                for c in article.claims
            ]
            pred_c = [claim_spans(c) for c in pred.claims if c.cue and c.content]
            pred_c = [c for c in pred_c if _touches(c.cue, known) or _touches(c.content, known)]
            claims = claims + score_claims(gold_c, pred_c)
            roles = roles + score_roles(gold_c, pred_c)
    out: dict[str, Any] = {"articles": len(eval_set)}
    parts: list[float] = []
    if "entities" in wanted:
        out["entities"] = {**_prf(entities.overall), "per_label": {k: _prf(v) for k, v in entities.per_label.items()}}
        parts.append(entities.overall.f1)
    if "claims" in wanted:
        out["claims"] = {
            "overlap": {"precision": round(claims.precision, 4), "recall": round(claims.recall, 4),
                        "f1": round(claims.f1, 4), "source_accuracy": round(claims.source_accuracy, 4),
                        "gold": claims.n_gold, "suggested": claims.n_pred},
            "exact": {r: _prf(roles.exact[r]) for r in CLAIM_ROLES},
            "begin": {r: _prf(roles.begin[r]) for r in CLAIM_ROLES},
        }
        exact_mean = sum(roles.exact[r].f1 for r in CLAIM_ROLES) / len(CLAIM_ROLES)
        parts.append((claims.f1 + exact_mean) / 2)
    out["score"] = round(sum(parts) / len(parts), 4) if parts else 0.0
    return out


def compare(current: dict[str, Any] | None, new: dict[str, Any] | None, current_name: str) -> dict[str, Any]:
    """The report: both models' figures and whether the new one is better (no evaluation share: it is not)."""
    better = bool(new is not None and (current is None or new["score"] > current["score"]))
    if new is None:
        better = False
    return {"current_name": current_name, "current": current, "new": new, "new_is_better": better}


def report_rows(report: dict[str, Any]) -> list[tuple[str, float | None, float | None]]:
    """``(figure, current, new)`` rows of the report, for the CLI table and the GUI table and chart."""
    rows: list[tuple[str, float | None, float | None]] = []
    current, new = report.get("current") or {}, report.get("new") or {}

    def get(scores: dict[str, Any], *keys: str) -> float | None:
        value: Any = scores
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return float(value) if isinstance(value, int | float) else None

    if "claims" in new:
        rows.append(
            ("claims: overlap F1", get(current, "claims", "overlap", "f1"), get(new, "claims", "overlap", "f1"))
        )
        for role in CLAIM_ROLES:
            rows.append((f"{role}: exact F1", get(current, "claims", "exact", role, "f1"),
                         get(new, "claims", "exact", role, "f1")))
        for role in CLAIM_ROLES:
            rows.append((f"{role}: begin-match F1", get(current, "claims", "begin", role, "f1"),
                         get(new, "claims", "begin", role, "f1")))
    if "entities" in new:
        rows.append(("entities: F1", get(current, "entities", "f1"), get(new, "entities", "f1")))
        for label in new["entities"].get("per_label", {}):
            rows.append((f"{label}: F1", get(current, "entities", "per_label", label, "f1"),
                         get(new, "entities", "per_label", label, "f1")))
    if new:
        rows.append(("gate score", get(current, "score"), get(new, "score")))
    return rows


def report_lines(report: dict[str, Any]) -> list[str]:
    """The report as aligned text lines."""
    new = report.get("new")
    if not new:
        return ["no evaluation share: the new model was not measured (use --eval-share above 0)"]
    lines = [f"evaluation share: {new.get('articles', 0)} articles; current = {report.get('current_name')}",
             f"  {'figure':<26} {'current':>8} {'new':>8}"]
    for figure, cur, nw in report_rows(report):
        def fmt(v: float | None) -> str:
            return f"{v:.3f}" if v is not None else "—"

        lines.append(f"  {figure:<26} {fmt(cur):>8} {fmt(nw):>8}")
    return lines
