"""Exporters of the JSON contract (DESIGN.md §7) and its JSONL variant, written incrementally and atomically.

Every writer has the same signature (``ExportWriter``): it takes an iterable of ``ExportArticle`` (consumed
one at a time, never held whole), writes through a temporary file renamed at the end, checks ``cancel``
between articles and calls ``on_article(n)`` after each; it returns the number of articles written. On an
exception or a cancel (``CancelledError``) the target file is left as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

from annotator import __version__
from annotator.core.records import ActorView
from annotator.io import jsontext
from annotator.io.atomic import Cancel, Checkpoint, OnArticle, atomic_open
from annotator.io.export_model import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    TOOL_NAME,
    ExportArticle,
    actor_to_dict,
    article_to_dict,
    referenced_actor_ids,
    utc_timestamp,
    with_parents,
)


class ExportWriter(Protocol):
    """The signature every exporter shares (``EXPORT_FORMATS`` maps format names to them)."""

    def __call__(
        self,
        path: str | Path,
        articles: Iterable[ExportArticle],
        *,
        actors: Sequence[ActorView] = (),
        labels: Sequence[str] = (),
        layer: str = "",
        cancel: Cancel | None = None,
        on_article: OnArticle | None = None,
    ) -> int: ...


def _dumps(value: Any) -> str:
    # ensure_ascii=False: the file is UTF-8 and readable; offsets are code points either way. Strict JSON: a NaN
    # in an article's meta is written as null, never as the bare NaN strict parsers refuse.
    return jsontext.dumps(value, ensure_ascii=False)


def export_header(
    *, actors: Sequence[ActorView], labels: Sequence[str], layer: str, exported_at: str | None = None
) -> dict[str, Any]:
    """The top-level fields of a JSON export before ``articles``."""
    known = {actor.id for actor in actors}
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": exported_at or utc_timestamp(),
        "tool": {"name": TOOL_NAME, "version": __version__},
        "layer": layer,
        "labels": list(labels),
        "actors": [actor_to_dict(a, known) for a in sorted(actors, key=lambda a: a.id)],
    }


def write_json(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
) -> int:
    """Write the JSON export (``{"format": "annotator-export", ...}``), one article at a time.

    The header and the ``actors`` list are written first, then each article is serialised on its own and
    appended to the ``articles`` array, so memory stays flat however many articles are exported. Pass every
    actor the articles refer to (e.g. ``repository.actors()``); a reference to an actor missing from
    ``actors`` is written as null, so the file stays consistent.

    Args:
        path: the target file.
        articles: the articles to write (consumed lazily).
        actors: the project's actors (written once, top level).
        labels: the project's label set.
        layer: the exported layer's name (``gold``, an annotator, ``suggestions``, or ``all``).
        cancel: a ``CancelFlag``-like object or ``() -> bool``, checked between articles.
        on_article: called with the number of articles written so far.

    Returns:
        The number of articles written.

    Raises:
        CancelledError: the export was cancelled (the target is unchanged).
        OSError: the file cannot be written (the target is unchanged).
    """
    checkpoint = Checkpoint(cancel, on_article)
    known = {actor.id for actor in actors}
    header = _dumps(export_header(actors=actors, labels=labels, layer=layer))
    with atomic_open(path, "w") as handle:
        # The header object minus its closing brace, then the articles array written piece by piece.
        handle.write(header[:-1] + ', "articles": [')
        for item in articles:
            checkpoint.check()
            handle.write(("\n" if checkpoint.count == 0 else ",\n") + _dumps(article_to_dict(item, known)))
            checkpoint.done_one()
        checkpoint.check()
        handle.write("\n]}\n")
    return checkpoint.count


def write_jsonl(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
) -> int:
    """Write one self-contained article object per line (no header line).

    Each line has the shape of one article of the JSON export plus an ``"actors"`` list holding the actors
    that line refers to (its entities' and claims' actors and their parent chains), in the export's actor
    shape with the same ``a<N>`` ids, so a line can be read alone and lines can be concatenated or split
    freely. ``labels`` and ``layer`` are not written (each entity and claim names its layer in ``annotator``).

    Args / Returns / Raises: as ``write_json``.
    """
    del labels, layer  # part of the shared signature; each line is self-describing without them
    by_id = {actor.id: actor for actor in actors}
    checkpoint = Checkpoint(cancel, on_article)
    with atomic_open(path, "w") as handle:
        for item in articles:
            checkpoint.check()
            line_actors = with_parents(referenced_actor_ids(item), by_id)
            line_known = {actor.id for actor in line_actors}
            obj = article_to_dict(item, line_known)
            obj["actors"] = [actor_to_dict(a, line_known) for a in line_actors]
            handle.write(_dumps(obj) + "\n")
            checkpoint.done_one()
        checkpoint.check()
    return checkpoint.count
