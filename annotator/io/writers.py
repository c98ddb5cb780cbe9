"""The writer template every export format follows, and the JSON contract's writers (JSON and JSONL).

An export format is an :class:`ArticleWriter`: it says how a file starts (:meth:`~ArticleWriter.begin`), how one
article is written (:meth:`~ArticleWriter.write_article`) and how the file ends (:meth:`~ArticleWriter.end`). The
template does the rest once for all formats: it consumes the articles one at a time (never held whole), writes
through a temporary file renamed at the end, checks ``cancel`` between articles, calls ``on_article(n)`` after
each and returns the number of articles written. On an exception or a cancel (``CancelledError``) the target file
is left as it was. What a format may need besides the articles comes in one :class:`ExportContext`.

The JSON shape is the export contract of docs/architecture.md ("Export contract").
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from annotator import __version__
from annotator.core.codebook_edit import subset
from annotator.core.records import ActorView
from annotator.io import jsontext
from annotator.io.atomic import Cancel, Checkpoint, OnArticle, atomic_open
from annotator.io.export_model import (
    EXPORT_FORMAT,
    EXPORT_VERSION,
    TOOL_NAME,
    ExportArticle,
    ExportContext,
    actor_to_dict,
    article_to_dict,
    referenced_actor_ids,
    used_codes,
    utc_timestamp,
    with_parents,
)


@dataclass
class Written:
    """What a format wrote of one article (or, summed, of an export): the summary reports exactly this.

    Attributes:
        articles: articles written (a training format leaves out articles nobody finished deciding).
        entities: mentions written.
        claims: claims written.
    """

    articles: int = 0
    entities: int = 0
    claims: int = 0

    def add(self, other: Written) -> None:
        self.articles += other.articles
        self.entities += other.entities
        self.claims += other.claims


class ArticleWriter(ABC):
    """One export format, written article by article; build one per export with its context.

    Class attributes ``mode``, ``encoding`` and ``newline`` say how the file is opened (as for ``open``).

    Args:
        context: the project's actors and labels, and the exported layer.
    """

    mode: ClassVar[str] = "w"
    encoding: ClassVar[str | None] = "utf-8"
    newline: ClassVar[str | None] = None

    def __init__(self, context: ExportContext | None = None) -> None:
        self.context = context if context is not None else ExportContext()
        #: What the last ``write`` wrote, summed over its articles.
        self.totals = Written()

    def begin(self, handle: IO[Any]) -> None:  # noqa: B027 - most formats have no header: a no-op by default
        """Write what comes before the first article."""

    @abstractmethod
    def write_article(self, handle: IO[Any], item: ExportArticle) -> Written | None:
        """Write (or, for a format written at the end, collect) one article.

        Returns:
            What was written of it, when that is not the whole article with all its rows (None).
        """

    def end(self, handle: IO[Any]) -> None:  # noqa: B027 - most formats have no footer: a no-op by default
        """Write what comes after the last article (called only when the export was not cancelled)."""

    def write(
        self,
        path: str | Path,
        articles: Iterable[ExportArticle],
        *,
        cancel: Cancel | None = None,
        on_article: OnArticle | None = None,
    ) -> int:
        """Write ``articles`` to ``path`` atomically.

        Args:
            path: the target file.
            articles: the articles to write (consumed lazily).
            cancel: a ``CancelFlag``-like object or ``() -> bool``, checked between articles.
            on_article: called with the number of articles written so far.

        Returns:
            The number of articles written (``self.totals`` has the articles, entities and claims written).

        Raises:
            CancelledError: the export was cancelled (the target is unchanged).
            AnnotatorError: the file cannot be written (the target is unchanged).
        """
        checkpoint = Checkpoint(cancel, on_article)
        self.totals = Written()
        with atomic_open(path, self.mode, encoding=self.encoding, newline=self.newline) as handle:
            self.begin(handle)
            for item in articles:
                checkpoint.check()
                written = self.write_article(handle, item)
                self.totals.add(written if written is not None else Written(1, len(item.entities), len(item.claims)))
                checkpoint.done_one()
            checkpoint.check()
            self.end(handle)
        return self.totals.articles


def dumps(value: Any) -> str:
    """One JSON value on one line; ensure_ascii=False: the file is UTF-8 and readable (offsets are code points).

    Strict JSON: a NaN in an article's meta is written as null, never as the bare NaN strict parsers refuse.
    """
    return jsontext.dumps(value, ensure_ascii=False)


def export_header(context: ExportContext, *, exported_at: str | None = None) -> dict[str, Any]:
    """The top-level fields of a JSON export before ``articles``."""
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": exported_at or utc_timestamp(),
        "tool": {"name": TOOL_NAME, "version": __version__},
        "layer": context.layer,
        "labels": list(context.labels),
        "codebook": context.codebook.to_dict(),
        "actors": [actor_to_dict(a, context.actor_ids) for a in sorted(context.actors, key=lambda a: a.id)],
    }


class JsonWriter(ArticleWriter):
    """The JSON export (``{"format": "annotator-export", ...}``), one article at a time.

    The header and the ``actors`` list are written first, then each article is serialised on its own and
    appended to the ``articles`` array, so memory stays flat however many articles are exported. A reference
    to an actor missing from the context's ``actors`` is written as null, so the file stays consistent.
    """

    def begin(self, handle: IO[Any]) -> None:
        self._first = True
        # The header object minus its closing brace, then the articles array written piece by piece.
        handle.write(dumps(export_header(self.context))[:-1] + ', "articles": [')

    def write_article(self, handle: IO[Any], item: ExportArticle) -> None:  # every row is written
        handle.write(("\n" if self._first else ",\n") + dumps(article_to_dict(item, self.context.actor_ids)))
        self._first = False

    def end(self, handle: IO[Any]) -> None:
        handle.write("\n]}\n")


class JsonlWriter(ArticleWriter):
    """One self-contained article object per line (no header line).

    Each line has the shape of one article of the JSON export plus an ``"actors"`` list holding the actors
    that line refers to (its entities' and claims' actors and their parent chains), in the export's actor
    shape with the same ``a<N>`` ids, and a ``"codebook"``: on the first line the project's whole codebook, on
    every other line the part of it the line's rows use (their labels with colours, issues with their place in
    the tree, variables with their types). A line can thus be read alone and lines concatenated or split freely,
    and the whole file recreates the project's codebook in an empty project. The context's labels and layer are
    not written (each entity and claim names its layer).
    """

    #: Distinct sets of codes whose line text is kept (articles of a corpus share a few sets of codes).
    CACHED_CODEBOOKS = 4096

    def begin(self, handle: IO[Any]) -> None:
        self._first = True
        self._codebook_texts: dict[tuple[frozenset[Any], ...], str] = {}

    def write_article(self, handle: IO[Any], item: ExportArticle) -> None:
        line_actors = with_parents(referenced_actor_ids(item), self.context.actors_by_id)
        line_known = {actor.id for actor in line_actors}
        obj = article_to_dict(item, line_known)
        obj["actors"] = [actor_to_dict(a, line_known) for a in line_actors]
        # The codebook goes last, as text made once per set of codes: most lines repeat a few sets.
        handle.write(dumps(obj)[:-1] + ', "codebook": ' + self._codebook_text(item, line_actors) + "}\n")
        self._first = False

    def _codebook_text(self, item: ExportArticle, line_actors: list[ActorView]) -> str:
        book = self.context.codebook
        if self._first:
            return dumps(book.to_dict())
        used = used_codes(item, line_actors)
        key = tuple(used.values())
        text = self._codebook_texts.get(key)
        if text is None:
            text = dumps(subset(book, used).to_dict())
            if len(self._codebook_texts) < self.CACHED_CODEBOOKS:
                self._codebook_texts[key] = text
        return text
