"""Score claim or entity suggestions against a gold file (``annotator evaluate``).

Gold articles are matched to stored articles by their exact text (SHA-256). With ``run=True`` the suggester runs
in memory on the gold texts instead, and nothing is read from or written to a database.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.core.agreement import Mention
from annotator.core.codebook import Codebook
from annotator.core.errors import ValidationError
from annotator.core.evaluation import (
    ClaimScores,
    ClaimSpans,
    EntityScores,
    GoldArticle,
    claim_spans,
    entity_spans,
    load_gold,
    map_labels,
    score_claim_corpus,
    score_entity_corpus,
    score_role_corpus,
)
from annotator.core.records import SUGGESTIONS_LAYER, ClaimView, EntityView
from annotator.core.resources import sample_codebook
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.nlp.pipeline import LoadedPipeline, load_pipeline
from annotator.nlp.suggester import Suggester
from annotator.store.repository import Repository

Predictions = tuple[list[ClaimSpans], list[Mention]]


def _claim_view_spans(claim: ClaimView) -> ClaimSpans | None:
    if claim.cue is None or claim.content is None:
        return None  # a claim still being built by hand has nothing to score
    source = (claim.source.start, claim.source.end) if claim.source is not None else None
    return ClaimSpans((claim.cue.start, claim.cue.end), (claim.content.start, claim.content.end), source)


def _from_repo(repo: Repository, gold: Sequence[GoldArticle], missing: list[str]
               ) -> Iterator[tuple[GoldArticle, Predictions]]:
    for article in gold:
        article_id = repo.article_id_for_text(article.text)
        if article_id is None:
            missing.append(article.id)
            continue
        entities, claims = repo.export_rows(article_id, SUGGESTIONS_LAYER)
        spans = [s for s in (_claim_view_spans(c) for c in claims) if s is not None]
        yield article, (spans, [Mention(e.start, e.end, e.label) for e in entities if _live(e)])


def _live(entity: EntityView) -> bool:
    return entity.status != "rejected"


def _in_memory(
    loaded: LoadedPipeline, gold: Sequence[GoldArticle], codebook: Codebook
) -> Iterator[tuple[GoldArticle, Predictions]]:
    suggester = Suggester(loaded, codebook)
    by_id = {str(i): g for i, g in enumerate(gold)}
    for result in suggester.suggest_texts((str(i), g.text) for i, g in enumerate(gold)):
        article = by_id[result.article_id]
        yield article, ([claim_spans(c) for c in result.claims], entity_spans(result.entities))


def evaluate(
    gold_path: str | Path,
    *,
    kind: str = "claims",
    repo: Repository | None = None,
    run: bool = False,
    pipeline: str | None = None,
    loaded: LoadedPipeline | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    label_map: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """Precision, recall and F1 (and source accuracy for claims) of the suggestions against ``gold_path``.

    Args:
        gold_path: JSONL in the dev-data format (source / cue / content spans) or our own JSON export.
        kind: "claims" or "entities".
        repo: the project whose current suggestions are scored (required unless ``run``).
        run: run the suggester in memory on the gold texts instead of reading the project (with the project's
            codebook when ``repo`` is given, else the sample codebook).
        pipeline: spaCy pipeline setting for ``run``.
        loaded: an already loaded pipeline for ``run``.
        progress: called after each gold article.
        cancel: checked between articles.
        label_map: entity label -> scored label, applied to gold and suggestions alike (None drops a label),
            for gold that names labels differently (CoNLL's PER, LOC, MISC).

    Returns:
        A JSON-ready dict: kind, counts, overall figures and (claims) figures per publisher.
    """
    if kind not in ("claims", "entities"):
        raise ValidationError(f"unknown evaluation kind {kind!r}: use claims or entities")
    gold = load_gold(gold_path)
    annotated = [g for g in gold if (g.claims if kind == "claims" else g.entities) is not None]
    if not annotated:
        raise ValidationError(f"{gold_path}: no article in this file has gold {kind}")
    missing: list[str] = []
    if run:
        # The project's codebook when there is a project, else the sample one (a run on files alone).
        codebook = repo.codebook() if repo is not None else sample_codebook()
        pairs = _in_memory(loaded or load_pipeline(pipeline), annotated, codebook)
    elif repo is None:
        raise ValidationError("evaluate needs a project database, or run=True to suggest in memory")
    else:
        pairs = _from_repo(repo, annotated, missing)
    collected: list[tuple[GoldArticle, Predictions]] = []
    for done, pair in enumerate(pairs, start=1):
        collected.append(pair)
        progress(Progress(done, len(annotated), pair[0].id))
        if cancel is not None:
            cancel.check()
    result: dict[str, Any] = {"kind": kind, "gold": str(gold_path), "gold_articles": len(annotated),
                              "scored_articles": len(collected), "missing_articles": len(missing),
                              "source": "in-memory suggester" if run else "project suggestions"}
    if kind == "claims":
        scores = score_claim_corpus((g, p[0]) for g, p in collected)
        result["overall"] = _claim_json(scores.pop(""))
        result["by_publisher"] = {k: _claim_json(v) for k, v in sorted(scores.items())}
        result["roles"] = score_role_corpus((g, p[0]) for g, p in collected).as_dict()
    else:
        if label_map:
            collected = [
                (replace(g, entities=map_labels(g.entities or [], label_map)), (p[0], map_labels(p[1], label_map)))
                for g, p in collected
            ]
            result["label_map"] = label_map
        entity_scores = score_entity_corpus((g, p[1]) for g, p in collected)
        result["overall"] = _entity_json(entity_scores)
    return result


def _claim_json(s: ClaimScores) -> dict[str, Any]:
    return {"precision": round(s.precision, 4), "recall": round(s.recall, 4), "f1": round(s.f1, 4),
            "source_accuracy": round(s.source_accuracy, 4), "gold": s.n_gold, "suggested": s.n_pred,
            "matched": s.matched}


def _entity_json(s: EntityScores) -> dict[str, Any]:
    def prf(p: Any) -> dict[str, Any]:
        return {"precision": round(p.precision, 4), "recall": round(p.recall, 4), "f1": round(p.f1, 4),
                "gold": p.n_gold, "suggested": p.n_pred, "matched": p.tp}

    return {**prf(s.overall), "per_label": {k: prf(v) for k, v in s.per_label.items()}}


def format_report(result: dict[str, Any]) -> str:
    """The evaluation as aligned text."""
    lines = [f"{result['kind']} against {result['gold']} ({result['source']}): "
             f"{result['scored_articles']} of {result['gold_articles']} gold articles scored"]
    if result["missing_articles"]:
        lines.append(f"  {result['missing_articles']} gold articles are not in the project: import them and run "
                     "`annotator suggest`, or pass --run to suggest in memory")

    def row(name: str, f: dict[str, Any]) -> str:
        extra = f"  source accuracy {f['source_accuracy']:.3f}" if "source_accuracy" in f else ""
        return (f"  {name:<20} precision {f['precision']:.3f}  recall {f['recall']:.3f}  F1 {f['f1']:.3f}{extra}"
                f"  (gold {f['gold']}, suggested {f['suggested']}, matched {f['matched']})")

    lines.append(row("overall", result["overall"]))
    for name, figures in result.get("by_publisher", {}).items():
        lines.append(row(name, figures))
    if "roles" in result:
        lines.append("  per role (distinct spans per article):")
        for role, exact in result["roles"]["exact"].items():
            begin = result["roles"]["begin"][role]
            lines.append(f"    {role:<8} exact: precision {exact['precision']:.3f}  recall {exact['recall']:.3f}  "
                         f"F1 {exact['f1']:.3f}   begin-match F1 {begin['f1']:.3f}  "
                         f"(gold {exact['gold']}, suggested {exact['suggested']})")
    for name, figures in result["overall"].get("per_label", {}).items():
        lines.append(row(name, figures))
    return "\n".join(lines)
