"""The registry of export formats: name -> writer, and the format a file name implies."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from annotator.core.errors import ValidationError
from annotator.io.atomic import Cancel, OnArticle
from annotator.io.export_model import ExportArticle, ExportContext
from annotator.io.extra_writers import ClaimsCsvWriter, DocBinWriter, GraphmlWriter, ProdigyWriter
from annotator.io.writers import ArticleWriter, JsonlWriter, JsonWriter, Written

#: Export format names (as the CLI's ``--format`` takes them) and their writers.
EXPORT_FORMATS: dict[str, type[ArticleWriter]] = {
    "json": JsonWriter,
    "jsonl": JsonlWriter,
    "csv": ClaimsCsvWriter,
    "prodigy": ProdigyWriter,
    "comention-graphml": GraphmlWriter,
    "spacy": DocBinWriter,
}

#: Other names accepted for a format (the GUI's older names, spaCy's own name for its format).
FORMAT_ALIASES = {"docbin": "spacy", "claims-csv": "csv", "ndjson": "jsonl"}

# File extensions that imply a format when none is given (Prodigy JSONL must be asked for by name).
_EXTENSION_FORMATS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".spacy": "spacy",
}


def export_format_for(path: str | Path, fmt: str | None = None) -> str:
    """The export format to use: ``fmt`` if given, else the one the file extension implies.

    Raises:
        ValidationError: unknown format, or no format given and the extension implies none.
    """
    if fmt:
        name = FORMAT_ALIASES.get(fmt.lower(), fmt.lower())
        if name == "graphml":
            raise ValidationError("discourse networks (actor × issue, actor × actor…) are written by `annotator "
                                  "network`; the graph of actors mentioned together is --format comention-graphml")
        if name not in EXPORT_FORMATS:
            raise ValidationError(
                f"unknown export format {fmt!r} (known: {', '.join(sorted(EXPORT_FORMATS))})"
            )
        return name
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSION_FORMATS:
        known = ", ".join(sorted(EXPORT_FORMATS))
        raise ValidationError(f"cannot tell the export format from {str(path)!r}; give one of {known}")
    return _EXTENSION_FORMATS[suffix]


def write_export(
    path: str | Path,
    fmt: str | None,
    articles: Iterable[ExportArticle],
    context: ExportContext | None = None,
    *,
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
    totals: Written | None = None,
) -> int:
    """Export ``articles`` to ``path`` in format ``fmt`` (None: from the extension); see ``ArticleWriter.write``.

    Args:
        totals: when given, receives what was written (articles, entities, claims).

    Returns:
        The number of articles written.
    """
    writer = EXPORT_FORMATS[export_format_for(path, fmt)](context)
    count = writer.write(path, articles, cancel=cancel, on_article=on_article)
    if totals is not None:
        totals.add(writer.totals)
    return count
