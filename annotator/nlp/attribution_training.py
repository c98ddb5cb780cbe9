"""Train the attribution tagger on decided role spans, with missing values for what nobody decided.

The base pipeline parses every document once; the tagger then trains on the cached features and token vectors
(the shared ``tok2vec`` stays frozen), so an epoch over 700 articles takes seconds, not a re-parse. Tokens outside
the decided part of a document (``RoleDoc.known``) carry no loss at all: an article half coded does not teach
"no claim here" for its other half. The weights of the epoch scoring best on the evaluation share are kept.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.tokens import Doc
from thinc.api import Adam

from annotator.nlp.attribution_component import AttributionTagger, decode_tags
from annotator.nlp.attribution_features import ROLES, TAGS, role_tags
from annotator.nlp.attribution_linking import tag_spans
from annotator.nlp.attribution_model import one_blas_thread

#: ``progress(done, total, message)``: called after each batch.
Progress = Callable[[int, int, str], None]


class TrainingCancelled(Exception):
    """The caller's cancel flag was set; nothing was changed."""


@dataclass
class RoleDoc:
    """A parsed document with its decided role spans.

    Attributes:
        doc: parsed by the base pipeline (with ``doc.tensor``).
        roles: ``(start, end, ROLE)`` character spans, ``ROLE`` in ``attribution_features.ROLES``.
        known: character ranges whose tokens are decided; None when the whole document is.
    """

    doc: Doc
    roles: list[tuple[int, int, str]]
    known: list[tuple[int, int]] | None = None


@dataclass
class TaggerReport:
    """What training did: epochs run, the best one and its figures, the time taken."""

    epochs: int = 0
    best_epoch: int = 0
    best_score: float = 0.0
    averaged: bool = False  # the best epoch's weights are the optimizer's running averages
    history: list[dict[str, float]] = field(default_factory=list)
    seconds: float = 0.0


def gold_tags(item: RoleDoc) -> tuple[Any, Any]:
    """Tag indices and the loss mask (1 decided, 0 missing) of one document's tokens."""
    doc = item.doc
    # Cues first: an inner attribution's cue inside another's content stays a cue.
    order = {"CUE": 0, "SOURCE": 1, "CONTENT": 2}
    roles = sorted(item.roles, key=lambda r: (order.get(r[2], 3), r[0]))
    tags = role_tags(doc, roles)
    index = {tag: k for k, tag in enumerate(TAGS)}
    ids = numpy.asarray([index[t] for t in tags], dtype="int64")
    if item.known is None:
        mask = numpy.ones(len(doc), dtype="float32")
    else:
        mask = numpy.zeros(len(doc), dtype="float32")
        for start, end in item.known:
            span = doc.char_span(start, end, alignment_mode="contract")
            if span is not None:
                mask[span.start : span.end] = 1.0
    return ids, mask


def role_f1(gold: Sequence[Sequence[str]], pred: Sequence[Sequence[str]]) -> dict[str, float]:
    """Exact-match F1 of tagged token runs per role (and their mean under ``"mean"``)."""
    out: dict[str, float] = {}
    for role in ROLES:
        tp = n_gold = n_pred = 0
        for g, p in zip(gold, pred, strict=True):
            gs = {(s, e) for s, e, r in tag_spans(g) if r == role}
            ps = {(s, e) for s, e, r in tag_spans(p) if r == role}
            tp += len(gs & ps)
            n_gold += len(gs)
            n_pred += len(ps)
        prec = tp / n_pred if n_pred else 0.0
        rec = tp / n_gold if n_gold else 0.0
        out[role] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    out["mean"] = sum(out[r] for r in ROLES) / len(ROLES)
    return out


def train_tagger(
    component: AttributionTagger,
    train: Sequence[RoleDoc],
    dev: Sequence[RoleDoc],
    *,
    epochs: int = 12,
    patience: int = 3,
    batch_words: int = 6000,
    learn_rate: float = 0.002,
    seed: int = 0,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    max_seconds: float | None = None,
    on_epoch: Callable[[dict[str, float]], None] | None = None,
    prepared: tuple[list[Any], list[Any]] | None = None,
) -> TaggerReport:
    """Train ``component``'s network in place.

    Args:
        component: the attribution component (its network is initialised here).
        train: training documents.
        dev: documents to pick the best epoch on (may be empty: then the last epoch is kept).
        epochs: most passes over ``train``.
        patience: stop after this many epochs without a better dev score.
        batch_words: tokens per update.
        learn_rate: Adam's learning rate.
        seed: shuffling and initialisation seed.
        progress: called after each batch.
        cancelled: polled between batches; when it returns True, ``TrainingCancelled`` is raised.
        max_seconds: stop after the epoch that passes this time budget.
        on_epoch: called with each epoch's figures.
        prepared: ``(train, dev)`` from :func:`prepare` instead of computing them from ``train`` and ``dev``.

    Returns:
        The report; the component holds the best epoch's weights.

    Raises:
        TrainingCancelled: ``cancelled()`` returned True.
    """
    started = time.monotonic()
    rng = random.Random(seed)
    numpy.random.seed(seed)
    if prepared is not None:
        train_x, dev_x = prepared
    else:
        train_x = prepare(component, train, progress, cancelled, "reading training documents")
        dev_x = prepare(component, dev, progress, cancelled, "reading evaluation documents") if dev else []
    with one_blas_thread():
        return _train(component, train_x, dev_x, rng, started, epochs, patience, batch_words, learn_rate, progress,
                      cancelled, max_seconds, on_epoch)


def _train(
    component: AttributionTagger,
    train_x: list[Any],
    dev_x: list[Any],
    rng: random.Random,
    started: float,
    epochs: int,
    patience: int,
    batch_words: int,
    learn_rate: float,
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    max_seconds: float | None,
    on_epoch: Callable[[dict[str, float]], None] | None,
) -> TaggerReport:
    model = component.model
    model.initialize(X=[x for x, _, _ in train_x[:8]] or None)
    optimizer = Adam(learn_rate, L2=1e-6, grad_clip=1.0)
    batches_per_epoch = max(1, _count_batches(train_x, batch_words))
    total = batches_per_epoch * epochs
    report = TaggerReport()
    best_bytes: bytes | None = None
    done = 0
    stale = 0
    for epoch in range(1, epochs + 1):
        order = list(range(len(train_x)))
        rng.shuffle(order)
        loss = 0.0
        for batch in _batches([train_x[k] for k in order], batch_words):
            if cancelled is not None and cancelled():
                raise TrainingCancelled()
            inputs = [x for x, _, _ in batch]
            probs, backprop = model.begin_update(inputs)
            grads = []
            n_known = sum(float(m.sum()) for _, _, m in batch) or 1.0
            for p, (_, ids, mask) in zip(probs, batch, strict=True):
                d: Any = numpy.array(p, dtype="float32", copy=True)
                d[numpy.arange(len(ids)), ids] -= 1.0
                d *= mask[:, None]
                loss += float((d**2).sum())
                grads.append(model.ops.asarray2f(d / n_known))
            backprop(grads)
            model.finish_update(optimizer)
            done += 1
            if progress is not None:
                progress(done, total, f"epoch {epoch} of at most {epochs}")
        # Each epoch is measured twice: with the last update's weights and with the optimizer's running
        # averages of them (what spaCy's own training keeps). Which is better depends on the data (on the
        # benchmark corpus's tuning share it was one or the other by seed), so the tuning documents decide.
        scores = _dev_scores(component, dev_x) if dev_x else {"mean": 0.0}
        with _averaged(model, optimizer):
            averaged = _dev_scores(component, dev_x) if dev_x else {"mean": 0.0}
            use_averages = averaged["mean"] > scores["mean"]
            scores = {"epoch": float(epoch), "loss": loss, **scores, "averaged_mean": averaged["mean"]}
            report.history.append(scores)
            if on_epoch is not None:
                on_epoch(scores)
            report.epochs = epoch
            best = max(scores["mean"], averaged["mean"])
            if not dev_x or best > report.best_score:
                report.best_score = best
                report.best_epoch = epoch
                report.averaged = use_averages
                best_bytes = model.to_bytes() if use_averages else None
                stale = 0
            else:
                stale += 1
        if report.best_epoch == epoch and not report.averaged:
            best_bytes = model.to_bytes()
        if stale >= patience or (max_seconds is not None and time.monotonic() - started > max_seconds):
            break
    if best_bytes is not None:
        model.from_bytes(best_bytes)
    report.seconds = time.monotonic() - started
    return report


def _averaged(model: Any, optimizer: Any) -> Any:
    """The model with the optimizer's running averages of its weights for the ``with`` block."""
    return model.use_params(optimizer.averages)


def prepare(
    component: AttributionTagger,
    items: Sequence[RoleDoc],
    progress: Progress | None,
    cancelled: Callable[[], bool] | None,
    message: str,
) -> list[tuple[Any, Any, Any]]:
    """Network inputs, gold tag ids and loss masks of ``items`` (documents without tokens left out)."""
    out = []
    for k, item in enumerate(items):
        if cancelled is not None and cancelled():
            raise TrainingCancelled()
        if len(item.doc) == 0:
            continue
        inputs, _ = component.inputs([item.doc])
        ids, mask = gold_tags(item)
        out.append((inputs[0], ids, mask))
        if progress is not None and (k % 20 == 0 or k == len(items) - 1):
            progress(k + 1, len(items), message)
    return out


def _count_batches(items: Sequence[tuple[Any, Any, Any]], batch_words: int) -> int:
    return sum(1 for _ in _batches(items, batch_words))


def _batches(items: Sequence[tuple[Any, Any, Any]], batch_words: int) -> Any:
    batch: list[tuple[Any, Any, Any]] = []
    words = 0
    for item in items:
        batch.append(item)
        words += len(item[1])
        if words >= batch_words:
            yield batch
            batch, words = [], 0
    if batch:
        yield batch


def _dev_scores(component: AttributionTagger, dev_x: Sequence[tuple[Any, Any, Any]]) -> dict[str, float]:
    model = component.model
    gold, pred = [], []
    for start in range(0, len(dev_x), 16):
        chunk = dev_x[start : start + 16]
        probs = model.predict([x for x, _, _ in chunk])
        for p, (_, ids, mask) in zip(probs, chunk, strict=True):
            tags = decode_tags(model.ops.to_numpy(p))
            truth = [TAGS[k] for k in ids]
            # Undecided tokens count neither way.
            gold.append([t if m else "O" for t, m in zip(truth, mask, strict=True)])
            pred.append([t if m else "O" for t, m in zip(tags, mask, strict=True)])
    return role_f1(gold, pred)
