"""Export the project (or one layer of it) through the io writers, streaming article by article."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from annotator.core.errors import CancelledError, ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, Status
from annotator.core.validation import check_choice
from annotator.io import EXPORT_FORMATS, ExportArticle, ExportContext, export_format_for, write_export
from annotator.io.writers import Written
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.jobs.summaries import ExportSummary
from annotator.store.repository import Repository

#: Format names the CLI and the GUI offer.
FORMATS: tuple[str, ...] = tuple(EXPORT_FORMATS)


def format_from_name(path: str | Path) -> str:
    """The format an export to ``path`` writes when none is asked for: the one its extension names (``.jsonl``,
    ``.csv``, ``.spacy``...), else json."""
    try:
        return export_format_for(path)
    except ValidationError:
        return "json"
ALL_LAYERS = "all"
#: Articles read per batch: few enough to keep memory flat, many enough that building queries costs little.
BATCH = 200


def _check_layer(repo: Repository, layer: str) -> str | None:
    """The repository's layer argument for a user's ``--layer`` value (None = all layers)."""
    if layer == ALL_LAYERS:
        return None
    known = {name for name, _ in repo.layers()} | {SUGGESTIONS_LAYER, GOLD_LAYER}
    known |= {name for name, _ in repo.annotators()}
    if layer not in known:
        raise ValidationError(f"unknown layer {layer!r}: use suggestions, gold, all, or an annotator's name "
                              f"({', '.join(sorted(known - {SUGGESTIONS_LAYER, GOLD_LAYER})) or 'none yet'})")
    return layer


def _check_statuses(statuses: Sequence[str] | None) -> list[str] | None:
    if not statuses:
        return None
    return [check_choice(s, Status, "row status").value for s in statuses]


def export(
    repo: Repository,
    path: str | Path,
    *,
    fmt: str = "json",
    layer: str = ALL_LAYERS,
    statuses: Sequence[str] | None = None,
    article_ids: Sequence[str] | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> ExportSummary:
    """Write the articles with the rows of ``layer`` to ``path``; the file appears whole or not at all.

    Args:
        repo: the open project.
        path: the file to write (replaced atomically).
        fmt: one of FORMATS.
        layer: "suggestions", "gold", an annotator's name, or "all".
        statuses: keep only rows with these statuses.
        article_ids: restrict to these articles (default: all, in import order). With ``layer="gold"``, only
            articles a reviewer marked reviewed are written.
        progress: called after each article.
        cancel: checked between articles; a cancelled export leaves no file behind.
    """
    name = export_format_for(path, fmt)
    layer_arg = _check_layer(repo, layer)
    wanted = _check_statuses(statuses)
    ids = list(article_ids) if article_ids is not None else repo.article_ids()
    if layer == GOLD_LAYER:
        # The gold export holds reviewed articles only: gold rows of an article still under review are not final.
        reviewed = set(repo.reviewed_article_ids())
        ids = [i for i in ids if i in reviewed]
    people = {name for name, _ in repo.annotators()}
    summary = ExportSummary(path=str(path), format=name, layer=layer)
    total = len(ids)

    # One annotator's layer carries their own status, so importing it elsewhere restores their queue.
    status_of = layer if layer in people else None

    def articles() -> Iterator[ExportArticle]:
        for i in range(0, len(ids), BATCH):
            if cancel is not None and cancel.cancelled:
                return  # the writer sees the flag and raises before finishing the file
            for article, status, entities, claims in repo.export_batch(ids[i : i + BATCH], layer_arg, wanted,
                                                                       status_of):
                yield ExportArticle(article, status, entities, claims)

    def on_article(done: int) -> None:
        progress(Progress(done, total, f"{done}/{total} articles"))

    progress(Progress(0, total, "exporting"))
    try:
        context = ExportContext(actors=repo.actors(), codebook=repo.codebook(), layer=layer)
        written = Written()
        write_export(path, name, articles(), context, cancel=cancel, on_article=on_article, totals=written)
        # What the file holds: a training format leaves out undecided rows and unfinished articles.
        summary.articles, summary.entities, summary.claims = written.articles, written.entities, written.claims
    except CancelledError:
        summary.cancelled = True
    return summary
