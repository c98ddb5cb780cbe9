"""What every source layout shares: a refusal, and turning the fields an export prints into an ``ArticleIn``.

Metadata kept in ``meta`` (all strings, only those found): ``service`` (nexis, lexis, factiva, proquest,
document, web), ``outlet``, ``byline``, ``section``, ``length``, ``language``, ``date_line`` (as printed, when
it does not parse), ``article_number`` (1-based position in the export file) and the other labelled fields of
the layout under their lower-case names (``load_date``, ``subject``, ``copyright``...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.records import ArticleIn
from annotator.io.sources.dates import parse_service_date

#: Lines that are copyright notices, never article text ("Copyright 2019 ...", "© 2019 ...", "(c) 2019 ...").
COPYRIGHT_LINE = re.compile(
    r"(?:copyright\b|©|\(c\)\s*\d{4}|all rights reserved\b|tous droits réservés|alle rechte vorbehalten)",
    re.IGNORECASE,
)
#: Meta key of the note a reader leaves for the import summary (popped by the import job).
NOTE_KEY = "import_note"


@dataclass(frozen=True)
class Refusal:
    """One article of an export that cannot be imported, and why."""

    reason: str


Parsed = ArticleIn | Refusal


def field_key(label: str) -> str:
    """``Load-Date`` -> ``load_date``, ``Publication title`` -> ``publication_title``."""
    return re.sub(r"[^0-9a-z]+", "_", label.strip().lower()).strip("_")


def words(text: str) -> int:
    return len(text.split())


#: The fields of an article every layout prints in its own way (each under its own label).
PRINTED_FIELDS = ("title", "outlet", "date_line", "byline", "section", "length", "language", "url")
#: Labels of the head fields that Nexis and Lexis print under the field's own name.
HEAD_LABELS = {"byline": "byline", "section": "section", "length": "length"}


def picked(values: Mapping[str, str], labels: Mapping[str, str]) -> dict[str, str]:
    """The printed fields (:data:`PRINTED_FIELDS`) a layout has, from its values by label: field -> value."""
    return {field: values.get(label, "") for field, label in labels.items()}


def make_article(
    *,
    service: str,
    body: Iterable[str],
    joiner: str = "\n\n",
    extra: dict[str, Any] | None = None,
    **printed: str,
) -> Parsed:
    """The ``ArticleIn`` of one article of an export, or a ``Refusal`` when it has no body text.

    Args:
        service: which service/layout it came from (kept in ``meta["service"]``).
        body: the body paragraphs (labels, load dates and copyright lines already left out).
        joiner: what goes between paragraphs in the stored text.
        extra: other labelled fields, kept in ``meta`` (empty values dropped).
        printed: the fields as printed, by name (:data:`PRINTED_FIELDS`; a missing one is empty).
    """
    unknown = sorted(set(printed) - set(PRINTED_FIELDS))
    if unknown:
        raise TypeError(f"make_article() got unknown printed fields {unknown}")
    title, outlet, date_line, byline, section, length, language, url = (printed.get(f, "") for f in PRINTED_FIELDS)
    paragraphs = [p.strip() for p in body if p and p.strip()]
    text = joiner.join(paragraphs)
    if not text.strip():
        return Refusal("no article text" + (f" under the title {title!r}" if title else ""))
    meta: dict[str, Any] = {"service": service}
    for key, value in (("outlet", outlet), ("byline", byline), ("section", section), ("length", length),
                       ("language", language)):
        if value and value.strip():
            meta[key] = value.strip()
    for key, value in (extra or {}).items():
        if isinstance(value, str):
            value = value.strip()
        if value not in ("", None) and key not in meta:
            meta[key] = value
    iso = parse_service_date(date_line) if date_line else None
    if date_line and iso is None:
        meta["date_line"] = date_line.strip()
    return ArticleIn(text=text, title=title.strip(), date=iso, source=outlet.strip(), url=url.strip(), meta=meta)
