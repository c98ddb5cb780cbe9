"""The spaCy side of ``annotator train``: parse, update the NER, train the attribution tagger and the code
classifiers, save an ordinary pipeline folder.

The base pipeline parses every article once. Its NER is then updated on the decided mentions (spaCy's missing-value
annotation keeps undecided tokens out of the loss), the attribution component is trained on the cached parses
(``attribution_training``), and the claim codes get two small bag-of-words text classifiers (``claim_issue``,
``claim_stance``) that the suggester runs on each claim's sentence; they stay disabled in the pipeline, so
``nlp(text)`` does not classify whole articles.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, TypeVar

from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from spacy.util import minibatch

from annotator.core.evaluation import (
    CLAIM_ROLES,
    ClaimScores,
    ClaimSpans,
    RoleScores,
    claim_spans,
    score_claims,
    score_roles,
)
from annotator.core.training_data import TrainingArticle
from annotator.nlp.attribution_component import FACTORY, decode_batch
from annotator.nlp.attribution_edge_mover import EdgeRecord
from annotator.nlp.attribution_edges import EDGES, EdgeChooser, fit_edge_model
from annotator.nlp.attribution_features import learn_cues
from annotator.nlp.attribution_linking import MODES, link_claims
from annotator.nlp.attribution_pieces import PieceFilter, fit_piece_filter
from annotator.nlp.attribution_training import RoleDoc, TaggerReport, TrainingCancelled, train_tagger
from annotator.nlp.claim_codes import ISSUE_PIPE, STANCE_LABELS, STANCE_PIPE, claim_extent, claim_sentence

Progress = Callable[[int, int, str], None]
Cancelled = Callable[[], bool]

#: Fewest coded claims (and distinct codes) before a code classifier is trained.
MIN_CODED = 20
#: Folds of the cross-validation that decides whether the piece filter is kept.
PIECE_FOLDS = 5
_Fitted = TypeVar("_Fitted")

__all__ = [
    "ISSUE_PIPE",
    "STANCE_LABELS",
    "STANCE_PIPE",
    "CodesReport",
    "TrainingCancelled",
    "claim_sentence",
    "parse_texts",
    "prepare_base",
    "role_docs",
    "save_pipeline",
    "train_claims",
    "train_codes",
    "train_entities",
]


def prepare_base(nlp: Language) -> Language:
    """Remove trained components a base pipeline may carry (training on a trained pipeline starts afresh)."""
    for name in list(nlp.pipe_names):
        if nlp.get_pipe_meta(name).factory == FACTORY or name in (ISSUE_PIPE, STANCE_PIPE):
            nlp.remove_pipe(name)
    for name in list(nlp.disabled):
        if name in (ISSUE_PIPE, STANCE_PIPE):
            nlp.remove_pipe(name)
    return nlp


def parse_texts(
    nlp: Language, texts: Sequence[str], progress: Progress | None = None, cancelled: Cancelled | None = None
) -> list[Doc]:
    """Parse ``texts`` with ``nlp`` (token vectors kept in ``doc.tensor``)."""
    out: list[Doc] = []
    for doc in nlp.pipe(texts, batch_size=16):
        if cancelled is not None and cancelled():
            raise TrainingCancelled()
        out.append(doc)
        if progress is not None:
            progress(len(out), len(texts), "parsing the articles")
    return out


# ---------------------------------------------------------------------- entities


def _entity_reference(doc: Doc, article: TrainingArticle) -> Doc:
    """The gold side of one article: decided mentions as entities; unknown tokens missing, known-empty ones O."""
    ref = Doc(doc.vocab, words=[t.text for t in doc], spaces=[bool(t.whitespace_) for t in doc])
    ents = []
    taken: set[int] = set()
    for start, end, label in sorted(article.entities):
        span = ref.char_span(start, end, label=label, alignment_mode="contract")
        if span is None or len(span) == 0 or taken & set(range(span.start, span.end)):
            continue
        taken |= set(range(span.start, span.end))
        ents.append(span)
    outside = []
    for start, end, _ in article.rejected_entities:
        span = ref.char_span(start, end, alignment_mode="expand")
        if span is not None and not taken & set(range(span.start, span.end)):
            outside.append(span)
    ref.set_ents(ents, outside=outside, default="outside" if article.complete else "missing")
    return ref


def train_entities(
    nlp: Language,
    docs: Sequence[Doc],
    articles: Sequence[TrainingArticle],
    *,
    epochs: int = 8,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[str, Any]:
    """Update ``nlp``'s NER on the decided mentions of ``articles`` (parsed as ``docs``); returns its losses."""
    ner: Any = nlp.get_pipe("ner")
    examples = []
    for doc, article in zip(docs, articles, strict=True):
        if not (article.entities or article.rejected_entities or article.complete):
            continue
        examples.append(Example(nlp.make_doc(doc.text), _entity_reference(doc, article)))
        for _, _, label in article.entities:
            if label not in ner.labels:
                ner.add_label(label)
    if not examples:
        return {"examples": 0, "losses": []}
    optimizer = nlp.resume_training()
    rng = random.Random(seed)
    losses_per_epoch = []
    batches = max(1, (len(examples) + 7) // 8)
    done = 0
    other = [name for name in nlp.pipe_names if name != "ner"]
    for epoch in range(epochs):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        with nlp.select_pipes(disable=other):
            for batch in minibatch(examples, size=8):
                if cancelled is not None and cancelled():
                    raise TrainingCancelled()
                ner.update(batch, sgd=optimizer, drop=0.2, losses=losses)
                done += 1
                if progress is not None:
                    progress(done, batches * epochs, f"entities: epoch {epoch + 1} of {epochs}")
        losses_per_epoch.append(round(float(losses.get("ner", 0.0)), 3))
    return {"examples": len(examples), "losses": losses_per_epoch}


# ---------------------------------------------------------------------- claims


def role_docs(docs: Sequence[Doc], articles: Sequence[TrainingArticle]) -> list[RoleDoc]:
    """The attribution tagger's training documents (articles without claim evidence left out)."""
    out = []
    for doc, article in zip(docs, articles, strict=True):
        if not (article.claims or article.rejected_claims or article.complete):
            continue
        roles = []
        for claim in article.claims:
            roles += [(s.start, s.end, "CUE") for s in claim.cue]
            roles += [(s.start, s.end, "SOURCE") for s in claim.source]
            roles += [(s.start, s.end, "CONTENT") for s in claim.content]
        out.append(RoleDoc(doc, roles, article.claim_known()))
    return out


def train_claims(
    nlp: Language,
    train: Sequence[RoleDoc],
    tune: Sequence[RoleDoc],
    tune_claims: Sequence[Sequence[Any]] = (),
    *,
    epochs: int = 12,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    max_seconds: float | None = None,
) -> tuple[TaggerReport, dict[str, Any]]:
    """Add the attribution component to ``nlp`` (after everything it reads), train it, and choose its mode.

    Args:
        train: the training documents.
        tune: documents held back from training (not the evaluation share): the best epoch and the mode
            (``attribution_linking.MODES``) are chosen on them.
        tune_claims: the decided claims of each ``tune`` document (``DecidedClaim``-like: cue, content, source).

    Returns:
        The tagger's report and ``{"mode": chosen, "modes": {mode: score}}``.
    """
    component: Any = nlp.add_pipe(FACTORY, last=True)
    component.set_learned_cues(learn_cues((item.doc, item.roles) for item in train))
    report = train_tagger(component, train, tune, epochs=epochs, seed=seed, progress=progress, cancelled=cancelled,
                          max_seconds=max_seconds)
    return report, choose_mode(component, tune, tune_claims)


def choose_mode(component: Any, tune: Sequence[RoleDoc], tune_claims: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Set the component's mode to the one scoring best on ``tune`` (mean of the overlap claim F1 and the three
    exact role F1s; ties keep the earlier mode of ``MODES``), then its piece filter (:func:`choose_pieces`), its
    edges (:func:`choose_edges`) and its subject sources (:func:`choose_subject_sources`)."""
    if not tune or len(tune_claims) != len(tune):
        return {"mode": component.cfg["mode"], "modes": {}}
    predictions = component.predict([item.doc for item in tune])
    tuning = TuningSet(tune, tune_claims, predictions, decode_batch([probs for probs, _ in predictions]))
    scores = {mode: tuning.score(mode) for mode in MODES}
    best = max(MODES, key=lambda m: (scores[m], -MODES.index(m)))
    component.cfg["mode"] = best
    pieces = choose_pieces(component, tuning)
    edges = choose_edges(component, tuning)
    return {"mode": best, "modes": scores, "pieces": pieces, "edges": edges,
            "subject_sources": choose_subject_sources(component, tuning)}


@dataclass(frozen=True)
class TuningSet:
    """The documents held back from the tagger's training, with what the choices after training read of them.

    Attributes:
        docs: the documents (parsed, with their decided roles).
        claims: the decided claims of each document (``DecidedClaim``-like: cue, content, source).
        predictions: the component's ``(probabilities, rule claims)`` for each document.
        tags: the tags decoded from those probabilities, per document.
    """

    docs: Sequence[RoleDoc]
    claims: Sequence[Sequence[Any]]
    predictions: Sequence[tuple[Any, Any]]
    tags: Sequence[Sequence[str]]

    def __len__(self) -> int:
        return len(self.docs)

    @cached_property
    def gold(self) -> list[list[ClaimSpans]]:
        """Each document's decided claims as extents, built once (every choice scores against them, a dozen
        times in one training)."""
        return [[_extents(c) for c in gold_claims] for gold_claims in self.claims]

    def each(self) -> Iterator[tuple[RoleDoc, list[ClaimSpans], Any, Any, Sequence[str]]]:
        """Per document: the document, its decided claims' extents, the probabilities, the rule claims, the tags."""
        for item, gold, (probs, rule_claims), doc_tags in zip(
            self.docs, self.gold, self.predictions, self.tags, strict=True
        ):
            yield item, gold, probs, rule_claims, doc_tags

    def score(
        self,
        mode: str,
        filters: Sequence[PieceFilter | None] | None = None,
        edges: Sequence[EdgeChooser | None] | None = None,
        subject_sources: bool = False,
    ) -> float:
        """The mean of the overlap claim F1 and the three exact role F1s of the claims linked in ``mode``, with
        each document's piece filter and edge chooser (None: none)."""
        n = len(self)
        claims_total, roles_total = ClaimScores(), RoleScores()
        for (item, gold, probs, rule_claims, doc_tags), piece_filter, chooser in zip(
            self.each(), filters or [None] * n, edges or [None] * n, strict=True
        ):
            found = [claim_spans(c) for c in link_claims(item.doc, doc_tags, rule_claims, mode, probs=probs,
                                                         piece_filter=piece_filter, edges=chooser,
                                                         subject_sources=subject_sources)]
            claims_total += score_claims(gold, found)
            roles_total = roles_total + score_roles(gold, found)
        exact = sum(roles_total.exact[r].f1 for r in CLAIM_ROLES) / len(CLAIM_ROLES)
        return round((claims_total.f1 + exact) / 2, 4)


def choose_subject_sources(component: Any, tuning: TuningSet) -> dict[str, Any]:
    """Whether a claim the tagger gave no source takes the cue's grammatical subject (``cfg["subject_sources"]``),
    as the tuning documents measure it (after the piece filter and the edges)."""
    mode = component.cfg["mode"]
    component.cfg["subject_sources"] = False
    if mode == "rules" or not len(tuning):
        return {"kept": False}
    n = len(tuning)
    filters = [PieceFilter.from_cfg(component.cfg.get("pieces"))] * n
    edges = [EdgeChooser.from_cfg(component.cfg.get("edges"))] * n
    without = tuning.score(mode, filters, edges)
    with_subjects = tuning.score(mode, filters, edges, subject_sources=True)
    component.cfg["subject_sources"] = with_subjects > without
    return {"kept": with_subjects > without, "without": without, "with": with_subjects}


def choose_pieces(component: Any, tuning: TuningSet, folds: int = PIECE_FOLDS) -> dict[str, Any]:
    """Fit the piece filter (``attribution_pieces``) on the tuning documents and keep it in the component's
    ``cfg["pieces"]`` only when it scores better there by cross-validation: each fold's documents are linked with
    a filter fitted on the other folds, so no document is scored by a filter that learnt from it.

    The tuning documents were held back from the tagger's training, so its probabilities on them are as uncertain
    as on new articles (on its own training documents it would be sure of everything).
    """
    mode = component.cfg["mode"]
    component.cfg["pieces"] = None
    if mode == "rules" or len(tuning) < folds:
        return {"kept": False, "reason": "no tagger claims to filter" if mode == "rules" else "too few documents"}
    rows: list[list[list[float]]] = []
    labels: list[list[bool]] = []
    for item, gold, probs, rule_claims, doc_tags in tuning.each():
        record: list[Any] = []
        link_claims(item.doc, doc_tags, rule_claims, mode, probs=probs, record=record)
        rows.append([row for _, _, row in record])
        labels.append(piece_labels(gold, record))
    filters = _per_fold(len(tuning), folds, lambda docs: fit_piece_filter([r for k in docs for r in rows[k]],
                                                                          [y for k in docs for y in labels[k]]))
    without = tuning.score(mode)
    with_filter = tuning.score(mode, filters)
    fitted = fit_piece_filter([r for doc_rows in rows for r in doc_rows], [y for ys in labels for y in ys])
    out: dict[str, Any] = {"kept": False, "pieces": sum(len(r) for r in rows), "without": without,
                           "cross_validated": with_filter}
    if fitted is not None and with_filter > without:
        component.cfg["pieces"] = fitted.to_cfg()
        out["kept"] = True
    return out


def _per_fold(n: int, folds: int, fit: Callable[[list[int]], _Fitted]) -> list[_Fitted | None]:
    """Cross-validation: for each of ``n`` documents, what ``fit`` made of the documents outside its fold (the
    folds are a seeded shuffle of ``range(n)``, so no document is scored by what learnt from it)."""
    order = list(range(n))
    random.Random(0).shuffle(order)
    out: list[_Fitted | None] = [None] * n
    for fold in range(folds):
        held = set(order[fold::folds])
        fitted = fit([k for k in range(n) if k not in held])
        for k in held:
            out[k] = fitted
    return out


def choose_edges(component: Any, tuning: TuningSet, folds: int = PIECE_FOLDS) -> dict[str, Any]:
    """Fit the edge chooser (``attribution_edges``) on the tuning documents, after the piece filter, one kind of
    edge at a time (``EDGES``, in order): a kind is kept in ``cfg["edges"]`` only when adding it to those kept
    before scores better there by cross-validation (as :func:`choose_pieces`); the annotators' conventions hold
    for some edges more consistently than for others."""
    mode = component.cfg["mode"]
    component.cfg["edges"] = None
    if mode == "rules" or len(tuning) < folds:
        return {"kept": [], "reason": "no tagger claims to move" if mode == "rules" else "too few documents"}
    piece_filter = PieceFilter.from_cfg(component.cfg.get("pieces"))
    records: list[dict[str, tuple[list[list[float]], list[bool]]]] = []
    for item, gold, probs, rule_claims, doc_tags in tuning.each():
        record: list[EdgeRecord] = []
        link_claims(item.doc, doc_tags, rule_claims, mode, probs=probs, piece_filter=piece_filter,
                    edge_record=record)
        records.append(edge_examples(gold, record))

    def fitter(kinds: Sequence[str]) -> Callable[[list[int]], EdgeChooser | None]:
        def fit(docs: list[int]) -> EdgeChooser | None:
            models = {}
            for kind in kinds:
                model = fit_edge_model([r for k in docs for r in records[k].get(kind, ([], []))[0]],
                                       [y for k in docs for y in records[k].get(kind, ([], []))[1]])
                if model is not None:
                    models[kind] = model
            return EdgeChooser(models) if models else None

        return fit

    filters = [piece_filter] * len(tuning)
    best = without = tuning.score(mode, filters)
    kept: list[str] = []
    scores: dict[str, float] = {}
    for kind in EDGES:
        trial = [*kept, kind]
        choosers = _per_fold(len(tuning), folds, fitter(trial))
        scores[kind] = tuning.score(mode, filters, choosers)
        if scores[kind] > best:
            kept, best = trial, scores[kind]
    chooser = fitter(kept)(list(range(len(tuning)))) if kept else None
    if chooser is not None:
        component.cfg["edges"] = chooser.to_cfg()
    return {"kept": sorted(chooser.models) if chooser else [], "without": without, "cross_validated": scores}


def edge_examples(
    gold: Sequence[ClaimSpans], record: Sequence[EdgeRecord]
) -> dict[str, tuple[list[list[float]], list[bool]]]:
    """Per kind of edge: the candidate rows of the recorded edges whose claim stands for a gold one (its cue and
    content overlap the gold claim's) and one of whose candidates is the gold edge, labelled True there."""
    out: dict[str, tuple[list[list[float]], list[bool]]] = {}
    for kind, cue, content, chars, rows in record:
        match = [g for g in gold if g.cue[0] < cue.end and cue.start < g.cue[1]
                 and g.content[0] < content.end and content.start < g.content[1]]
        if not match:
            continue
        role, side = kind.split(":")
        extents = [g.cue if role == "CUE" else g.content for g in match]
        targets = {e[0] if side == "start" else e[1] for e in extents}
        labels = [c in targets for c in chars]
        if not any(labels):
            continue
        rows_out, labels_out = out.setdefault(kind, ([], []))
        rows_out.extend(rows)
        labels_out.extend(labels)
    return out


def piece_labels(gold: Sequence[ClaimSpans], record: Sequence[Any]) -> list[bool]:
    """Per recorded piece: whether at least half of it lies in the content of a gold claim sharing its cue."""
    out = []
    for cue, piece, _ in record:
        length = max(1, piece.end - piece.start)
        out.append(any(
            g.cue[0] < cue.end and cue.start < g.cue[1]
            and min(piece.end, g.content[1]) - max(piece.start, g.content[0]) >= 0.5 * length
            for g in gold
        ))
    return out


def _extents(claim: Any) -> ClaimSpans:
    def extent(spans: Sequence[Any]) -> tuple[int, int]:
        return min(s.start for s in spans), max(s.end for s in spans)

    return ClaimSpans(extent(claim.cue), extent(claim.content), extent(claim.source) if claim.source else None)


# ---------------------------------------------------------------------- codes


@dataclass
class CodesReport:
    """What the code classifiers were trained on (``{pipe: number of claims}``) and their labels."""

    trained: dict[str, int] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


_BOW = {
    "@architectures": "spacy.TextCatBOW.v3",
    "exclusive_classes": True,
    "ngram_size": 2,
    "no_output_layer": False,
    "length": 262144,
}


def train_codes(
    nlp: Language,
    docs: Sequence[Doc],
    articles: Sequence[TrainingArticle],
    *,
    epochs: int = 20,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> CodesReport:
    """Train ``claim_issue`` and ``claim_stance`` on coded claims, when there are at least ``MIN_CODED`` of each
    and two or more distinct codes; they are added disabled (the suggester calls them per claim)."""
    report = CodesReport()
    texts: dict[str, list[tuple[str, str]]] = {ISSUE_PIPE: [], STANCE_PIPE: []}
    for doc, article in zip(docs, articles, strict=True):
        for claim in article.claims:
            text = claim_sentence(doc, *claim_extent(claim))
            if claim.issue:
                texts[ISSUE_PIPE].append((text, claim.issue))
            if claim.stance is not None and claim.stance in STANCE_LABELS:
                texts[STANCE_PIPE].append((text, STANCE_LABELS[claim.stance]))
    rng = random.Random(seed)
    for pipe_name, items in texts.items():
        labels = sorted({label for _, label in items})
        if len(items) < MIN_CODED or len(labels) < 2:
            report.skipped[pipe_name] = f"{len(items)} coded claims, {len(labels)} distinct codes"
            continue
        textcat = nlp.add_pipe("textcat", name=pipe_name, config={"model": _BOW}, last=True)
        for label in labels:
            textcat.add_label(label)  # type: ignore[attr-defined]
        examples = [
            Example.from_dict(nlp.make_doc(text), {"cats": {lab: float(lab == label) for lab in labels}})
            for text, label in items
        ]
        textcat.initialize(lambda examples=examples: examples, nlp=nlp)  # type: ignore[attr-defined]
        optimizer = textcat.create_optimizer()  # type: ignore[attr-defined]
        for epoch in range(epochs):
            rng.shuffle(examples)
            for batch in minibatch(examples, size=16):
                if cancelled is not None and cancelled():
                    raise TrainingCancelled()
                textcat.update(batch, sgd=optimizer, drop=0.1)  # type: ignore[attr-defined]
            if progress is not None:
                progress(epoch + 1, epochs, f"{pipe_name.replace('_', ' ')}: epoch {epoch + 1} of {epochs}")
        nlp.disable_pipe(pipe_name)
        report.trained[pipe_name] = len(items)
        report.labels[pipe_name] = labels
    return report


# ---------------------------------------------------------------------- saving


def save_pipeline(nlp: Language, path: Path, name: str, meta: dict[str, Any]) -> None:
    """Write ``nlp`` to ``path`` as an ordinary pipeline folder, named ``name``, with ``meta["annotator"]``."""
    nlp.meta["name"] = name
    nlp.meta["version"] = "1.0.0"
    nlp.meta["description"] = "Trained by annotator from a project's decided layers"
    nlp.meta["annotator"] = meta
    nlp.to_disk(path)
