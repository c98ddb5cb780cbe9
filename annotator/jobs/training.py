"""``annotator train`` and Model › Train…: learn from the project's decided layers, measure, keep the better model.

The decided articles of the chosen layers are split, seeded, into a training and an evaluation share. The base
pipeline (the configured one, never a trained one) parses them; its NER is updated on the decided mentions, the
attribution component and the code classifiers are trained, and the result is saved as an ordinary spaCy
pipeline folder outside the project. Then the current model (the active one, else the base pipeline with the
rules) and the new one suggest on the evaluation share, and the report compares them. The new model becomes the
active one only when it scores better there, or with ``force`` (the gate); either way it is recorded, and
``annotator models use NAME`` can switch to it later.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from annotator.core.errors import CancelledError, ConfigError, ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER
from annotator.core.trained_models import TrainedModel, check_model_name
from annotator.core.training_data import TAGGER_EPOCHS, WHAT, TrainingArticle, split, training_article
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.training_report import compare, score_predictions
from annotator.nlp.pipeline import LoadedPipeline, load_pipeline
from annotator.store.repository import Repository

#: Share of the progress bar each phase takes (measured on the benchmark corpus).
_PHASES = {"read": 0.03, "parse": 0.30, "entities": 0.12, "claims": 0.35, "codes": 0.03, "evaluate": 0.17}


@dataclass
class TrainResult:
    """What ``train`` did: the model recorded, the comparison report, whether it became active and why."""

    model: TrainedModel | None = None
    report: dict[str, Any] = field(default_factory=dict)
    activated: bool = False
    reason: str = ""
    report_path: str = ""
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The report as text (the CLI prints it; the GUI shows it as a table)."""
        from annotator.jobs.training_report import report_lines

        out = report_lines(self.report)
        if self.model is not None:
            out.append(f"model {self.model.name} saved in {self.model.path} ({self.seconds / 60:.1f} min)")
        out.append(self.reason)
        if self.report_path:
            out.append(f"report written to {self.report_path}")
        return out


class _Eta:
    """Turns the progress of each phase into one bar with an estimate of the time left."""

    def __init__(self, progress: ProgressCallback, phases: Sequence[str]) -> None:
        self._progress = progress
        weights = {p: _PHASES[p] for p in phases}
        total = sum(weights.values()) or 1.0
        self._weights = {p: w / total for p, w in weights.items()}
        self._offset = {}
        acc = 0.0
        for p in phases:
            self._offset[p] = acc
            acc += self._weights[p]
        self._started = time.monotonic()

    def __call__(self, phase: str, done: int, total: int, message: str) -> None:
        share = (done / total) if total else 0.0
        fraction = self._offset.get(phase, 0.0) + self._weights.get(phase, 0.0) * min(1.0, share)
        elapsed = time.monotonic() - self._started
        eta = ""
        if fraction > 0.02:
            left = elapsed * (1 - fraction) / fraction
            eta = f" — about {left / 60:.0f} min left" if left >= 90 else f" — about {left:.0f} s left"
        self._progress(Progress(int(fraction * 1000), 1000, message + eta))


def collect(repo: Repository, layers: Sequence[str]) -> list[TrainingArticle]:
    """The decided articles of ``layers`` (an article in several layers is taken from the first listed)."""
    known = {name for name, _ in repo.layers()} | {GOLD_LAYER}  # gold exists once a reviewer decides
    for layer in layers:
        if layer == SUGGESTIONS_LAYER:
            raise ValidationError("the suggestions layer holds no decisions: train from gold or annotators' layers")
        if layer not in known:
            raise ValidationError(f"no layer {layer!r} in this project (layers: {', '.join(sorted(known))})")
    ids = repo.article_ids()
    seen: set[str] = set()
    out: list[TrainingArticle] = []
    for layer in layers:
        status_of = None if layer == GOLD_LAYER else layer
        for start in range(0, len(ids), 200):
            batch = [i for i in ids[start : start + 200] if i not in seen]
            for article, status, entities, claims in repo.export_batch(batch, layer, status_of=status_of):
                if layer == GOLD_LAYER:
                    status = "reviewed" if status == "reviewed" else "in_progress"
                item = training_article(article.id, article.text, layer, str(status), entities, claims)
                if item.has_evidence:
                    seen.add(article.id)
                    out.append(item)
    return out


def default_model_dir(name: str) -> Path:
    """Where a model goes without ``-o``: the user's data folder, never the project or the repository."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("annotator", appauthor=False)) / "models" / name


def train(
    repo: Repository,
    *,
    layers: Sequence[str] = (GOLD_LAYER,),
    what: Sequence[str] = WHAT,
    eval_share: float = 0.2,
    seed: int = 0,
    output: str | Path | None = None,
    name: str | None = None,
    pipeline: str | None = None,
    force: bool = False,
    epochs: int = TAGGER_EPOCHS,
    max_minutes: float | None = None,
    annotator: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    eval_ids: Sequence[str] | None = None,
) -> TrainResult:
    """Train a model from the project's decided layers, compare it with the current one, apply the gate.

    Args:
        repo: the open project.
        layers: ``gold`` and/or annotators' layers, in order of preference.
        what: any of ``entities``, ``claims``, ``codes``.
        eval_share: share of the decided articles held back for the comparison.
        seed: the split's and the training's seed.
        output: the pipeline folder to write (default: the user's data folder).
        name: the model's name (default ``model-<date>-<time>``).
        pipeline: the base pipeline (None: the default resolution of ``annotator.nlp.pipeline``; a trained
            pipeline is stripped).
        force: make the new model active even when it does not score better.
        epochs: most epochs of the attribution tagger.
        max_minutes: time budget of the attribution tagger.
        annotator: who trains (for the audit log).
        progress: one bar for the whole run, with an estimate of the time left in the message.
        cancel: checked often; a cancelled run records nothing and leaves no folder.
        eval_ids: hold back exactly these articles instead of a seeded share (the benchmark measures on a
            published split this way).

    Returns:
        The result; ``result.model`` is None when cancelled (``CancelledError`` is raised instead).

    Raises:
        ValidationError: unknown layer or ``what``, nothing decided to learn from, a bad name or folder.
        CancelledError: the run was cancelled.
    """
    from annotator.nlp import model_training as mt  # spaCy: imported when training, not with the GUI

    started = time.monotonic()
    wanted = _check_what(what)
    name = check_model_name(name or datetime.now(UTC).strftime("model-%Y%m%d-%H%M%S"))
    if any(m.name == name for m in repo.models()):
        raise ValidationError(f"a model named {name!r} exists already: choose another --name")
    path = Path(output) if output is not None else default_model_dir(name)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ValidationError(f"{path}: the model folder must be new or empty")
    phases = ["read", "parse", *[w for w in ("entities", "claims", "codes") if w in wanted], "evaluate"]
    eta = _Eta(progress, phases)

    def cancelled() -> bool:
        return cancel is not None and cancel.cancelled

    eta("read", 0, 1, "reading the decided articles")
    articles = collect(repo, layers)
    if not articles:
        raise ValidationError(
            f"nothing decided to learn from in {', '.join(layers)}: accept, correct or add entities and claims "
            "(or mark articles done) first"
        )
    if eval_ids is not None:
        held = set(eval_ids)
        train_share = [a for a in articles if a.id not in held]
        eval_set = [a for a in articles if a.id in held]
    else:
        train_share, eval_set = split(articles, eval_share, seed)
    base = load_pipeline(pipeline)
    nlp = mt.prepare_base(base.nlp)
    # Trained components read every layer the base pipeline has; enable them all again.
    for disabled in list(nlp.disabled):
        nlp.enable_pipe(disabled)
    try:
        texts = [a.text for a in train_share]
        eval_docs = mt.parse_texts(nlp, [a.text for a in eval_set], None, cancelled)
        # Measured before training changes the base pipeline's NER in place.
        current_scores, current_name = _score_current(repo, pipeline, base, eval_set, eval_docs, wanted)
        docs = mt.parse_texts(nlp, texts, lambda d, t, m: eta("parse", d, t, m), cancelled)
        parts: dict[str, Any] = {}
        if "entities" in wanted:
            parts["entities"] = mt.train_entities(
                nlp, docs, train_share, seed=seed, progress=lambda d, t, m: eta("entities", d, t, m),
                cancelled=cancelled,
            )
        if "claims" in wanted:
            # Epochs and the mode are chosen on a tenth of the training share, never on the evaluation share.
            fit, tune = _tuning_split(train_share, seed)
            by_id = {a.id: doc for a, doc in zip(train_share, docs, strict=True)}
            tune_docs = [d for d in mt.role_docs([by_id[a.id] for a in tune], tune)]
            tagger, modes = mt.train_claims(
                nlp,
                mt.role_docs([by_id[a.id] for a in fit], fit),
                tune_docs,
                [a.claims for a in tune if a.claims or a.rejected_claims or a.complete],
                epochs=epochs,
                seed=seed,
                progress=lambda d, t, m: eta("claims", d, t, "claims: " + m),
                cancelled=cancelled,
                max_seconds=max_minutes * 60 if max_minutes else None,
            )
            parts["claims"] = {"epochs": tagger.epochs, "best_epoch": tagger.best_epoch, "averaged": tagger.averaged,
                               "history": tagger.history, "tuning_articles": len(tune), **modes}
        if "codes" in wanted:
            codes = mt.train_codes(nlp, docs, train_share, seed=seed, progress=lambda d, t, m: eta("codes", d, t, m),
                                   cancelled=cancelled)
            parts["codes"] = {"trained": codes.trained, "labels": codes.labels, "skipped": codes.skipped}
        eta("evaluate", 0, 1, "measuring the new model on the evaluation share")
        loaded = LoadedPipeline(nlp=nlp, name=f"{nlp.lang}_{name}", version="1.0.0",
                                origin=f"spacy:{nlp.lang}_{name}@1.0.0", setting=str(path))
        # The new components run on the evaluation share's parses: no second parse of those articles.
        trained_pipes = [n for n in nlp.pipe_names if (n == "ner" and "entities" in wanted) or n == mt.FACTORY]
        for doc in eval_docs:
            for pipe_name in trained_pipes:
                nlp.get_pipe(pipe_name)(doc)
        new_scores = _score(loaded, eval_set, wanted, cancelled, lambda d, t: eta("evaluate", d, t, "measuring"),
                            eval_docs, codebook=repo.codebook())
    except mt.TrainingCancelled:
        raise CancelledError("training cancelled: nothing was saved") from None
    report = compare(current_scores, new_scores, current_name)
    better = report["new_is_better"]
    counts = _counts(train_share, eval_set)
    created = datetime.now(UTC).isoformat(timespec="seconds")
    meta: dict[str, Any] = {
        "trained_from": list(layers),
        "what": sorted(wanted),
        "counts": counts,
        "created": created,
        "base": base.setting,
        "seed": seed,
        "eval_share": eval_share,
        "scores": report,
        "training": parts,
    }
    path.mkdir(parents=True, exist_ok=True)
    mt.save_pipeline(nlp, path, name, meta)
    report_path = path / "report.json"
    report_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")
    activate = bool(better or force)
    model = TrainedModel(
        name=name, path=str(path.resolve()), created=created, base=base.setting, origin=loaded.origin,
        layers=tuple(layers), what=tuple(sorted(wanted)), counts=counts, scores=report, active=activate,
    )
    repo.add_model(model, annotator)
    if better:
        reason = f"{name} is better than {current_name} on the evaluation share: it is now the active model"
    elif force:
        reason = f"{name} is not better than {current_name}, but --force made it the active model"
    else:
        reason = (f"{name} is not better than {current_name} on the evaluation share: {current_name} stays "
                  f"active (`annotator models use {name}` or --force to use it anyway)")
    return TrainResult(model=model, report=report, activated=activate, reason=reason,
                       report_path=str(report_path), seconds=time.monotonic() - started)


def _tuning_split(
    train_share: Sequence[TrainingArticle], seed: int
) -> tuple[list[TrainingArticle], list[TrainingArticle]]:
    """A tenth of the training share (at least 1 article of 10 or more) to choose the best epoch and mode on."""
    if len(train_share) < 10:
        return list(train_share), []
    return split(train_share, 0.1, seed + 1)


def _check_what(what: Sequence[str]) -> set[str]:
    wanted = {w.strip() for w in what if w.strip()}
    unknown = wanted - set(WHAT)
    if unknown or not wanted:
        raise ValidationError(f"--what takes {', '.join(WHAT)} (comma-separated), not {', '.join(sorted(unknown))}")
    return wanted


def _counts(train_share: Sequence[TrainingArticle], eval_set: Sequence[TrainingArticle]) -> dict[str, Any]:
    def count(items: Sequence[TrainingArticle]) -> dict[str, int]:
        return {
            "articles": len(items),
            "complete_articles": sum(1 for a in items if a.complete),
            "entities": sum(len(a.entities) for a in items),
            "rejected_entities": sum(len(a.rejected_entities) for a in items),
            "claims": sum(len(a.claims) for a in items),
            "rejected_claims": sum(len(a.rejected_claims) for a in items),
            "coded_issue": sum(1 for a in items for c in a.claims if c.issue),
            "coded_stance": sum(1 for a in items for c in a.claims if c.stance is not None),
        }

    return {"train": count(train_share), "evaluation": count(eval_set)}


def _score_current(
    repo: Repository,
    pipeline: str | None,
    base: LoadedPipeline,
    eval_set: Sequence[TrainingArticle],
    eval_docs: Sequence[Any],
    wanted: set[str],
) -> tuple[dict[str, Any] | None, str]:
    """Scores of the model suggestions use today: the active model, else the base pipeline (on its parses)."""
    if not eval_set:
        return None, "the current model"
    active = repo.active_model()
    if active is not None and pipeline is None:
        try:
            loaded = load_pipeline(active.path)
        except ConfigError:
            pass
        else:
            return (_score(loaded, eval_set, wanted, None, None, codebook=repo.codebook()),
                    f"the active model {active.name}")
        label = "the base pipeline (the active model does not load)"
    else:
        label = "the base pipeline with the rules"
    return _score(base, eval_set, wanted, None, None, eval_docs, codebook=repo.codebook()), label


def _score(
    loaded: LoadedPipeline,
    eval_set: Sequence[TrainingArticle],
    wanted: set[str],
    cancelled: Any,
    progress: Any,
    docs: Sequence[Any] | None = None,
    codebook: Any = None,
) -> dict[str, Any] | None:
    """Score ``loaded``'s suggestions for ``eval_set`` (on ``docs`` when they are its parses already)."""
    from annotator.nlp import model_training as mt
    from annotator.nlp.suggester import Suggester

    if not eval_set:
        return None
    suggester = Suggester(loaded, codebook)
    predictions = []
    results = (
        (suggester.suggest_doc(a.id, doc) for a, doc in zip(eval_set, docs, strict=True))
        if docs is not None
        else suggester.suggest_texts((a.id, a.text) for a in eval_set)
    )
    for k, result in enumerate(results):
        if cancelled is not None and cancelled():
            raise mt.TrainingCancelled()
        predictions.append(result)
        if progress is not None:
            progress(k + 1, len(eval_set))
    return score_predictions(eval_set, predictions, wanted)
