"""Nexis Uni / Lexis Advance exports (DOCX, RTF, PDF): a cover page, then articles ending in "End of Document".

The layout each article follows (the service's own description of its Word export)::

    Title of the article
    The Outlet
    January 11, 2010 Monday                 the date line (weekday, sometimes a time and zone)
    Copyright 2010 The Outlet               (optional)
    Section: NEWS; Pg. 3                    labelled fields: Section, Length, Byline, Dateline, Highlight...
    Length: 523 words
    Byline: Jane Doe
    Body
    paragraphs of the text
    Classification                          (optional) then Language:, Publication-Type:, Subject:...
    Load-Date: January 12, 2010
    End of Document

The first article follows a cover page ("User Name:", "Date and Time:", "Job Number:", "Documents (N)", the
list of titles, "Client/Matter:", "Search Terms:"...), which is dropped.
"""

from __future__ import annotations

import re

from annotator.io.sources.dates import is_date_line
from annotator.io.sources.fields import COPYRIGHT_LINE, HEAD_LABELS, Parsed, Refusal, field_key, make_article, picked

SERVICE = "nexis"
_END = re.compile(r"end of document", re.IGNORECASE)
_BODY = re.compile(r"body", re.IGNORECASE)
# Labelled header fields between the date line and "Body".
_HEADER_FIELD = re.compile(
    r"(?P<label>Section|Length|Byline|Dateline|Highlight|Edition|Series|Correction|Correction-Date|Type|"
    r"Graphic|Pg|Page|Journal Code|Rubrik|Länge|Autor|Ressort|Rubrique|Longueur|Auteur)\s*:\s*(?P<value>.*)",
    re.IGNORECASE,
)
# Labelled fields after the body ("Language: ENGLISH", "Load-Date: January 12, 2010", "Subject: ...").
_FOOTER_FIELD = re.compile(r"(?P<label>[A-Z][A-Za-z]+(?:[- /][A-Za-z]+){0,2})\s*:\s*(?P<value>.*)")
_FOOTER_START = re.compile(r"(?:classification|graphic|notes|load-date\s*:.*)", re.IGNORECASE)
_COVER = re.compile(
    r"(?:user name|date and time|job number|client/matter|search terms|search type|narrowed by|content type|"
    r"documents? \(\d+\)|sources?|sort|timeline)\b.*",
    re.IGNORECASE,
)


def looks_like_nexis(lines: list[str]) -> bool:
    """Whether the lines are a Nexis Uni export: "End of Document" and "Body" lines."""
    return any(_END.fullmatch(line) for line in lines) and any(_BODY.fullmatch(line) for line in lines)


def _chunks(lines: list[str]) -> list[list[str]]:
    chunks: list[list[str]] = [[]]
    for line in lines:
        if _END.fullmatch(line):
            chunks.append([])
        else:
            chunks[-1].append(line)
    # What follows the last "End of Document" is an article only if it has a body (a truncated export).
    if not any(_BODY.fullmatch(line) for line in chunks[-1]):
        chunks.pop()
    return chunks


def _header(lines: list[str], first: bool) -> tuple[str, str, str, dict[str, str], str]:
    """(title, outlet, date line, fields, copyright) of the lines before "Body"."""
    fields: dict[str, str] = {}
    copyright_ = ""
    first_field = len(lines)
    for index, line in enumerate(lines):
        if _HEADER_FIELD.fullmatch(line) or (COPYRIGHT_LINE.match(line) and index > 0):
            first_field = index
            break
    last_key = ""
    for line in lines[first_field:]:
        match = _HEADER_FIELD.fullmatch(line)
        if match:
            last_key = field_key(match.group("label"))
            fields[last_key] = match.group("value").strip()
        elif COPYRIGHT_LINE.match(line):
            copyright_ = (copyright_ + " " + line).strip()
        elif last_key:
            # A field's value that wraps onto the next line (Highlight, a long Byline in a PDF).
            fields[last_key] = (fields[last_key] + " " + line).strip()
    top = lines[:first_field]
    date_index = next((i for i in range(len(top) - 1, max(-1, len(top) - 4), -1) if is_date_line(top[i])), None)
    if date_index is None:
        outlet = top[-1] if len(top) >= 2 else ""
        rest = top[:-1] if len(top) >= 2 else top
        date_line = ""
    else:
        date_line = top[date_index]
        outlet = top[date_index - 1] if date_index >= 1 else ""
        rest = top[: max(0, date_index - 1)]
    if first or any(_COVER.fullmatch(line) for line in rest):
        # After the cover page only the last line before the outlet is the title (the cover lists titles too).
        rest = rest[-1:]
    return " ".join(rest), outlet, date_line, fields, copyright_


def _body(lines: list[str]) -> tuple[list[str], dict[str, str]]:
    """Body paragraphs and the labelled fields after them."""
    end = next((i for i, line in enumerate(lines) if _FOOTER_START.fullmatch(line)), len(lines))
    body = [line for line in lines[:end] if not COPYRIGHT_LINE.match(line)]
    footer: dict[str, str] = {}
    last_key = ""
    for line in lines[end:]:
        match = _FOOTER_FIELD.fullmatch(line)
        if match and len(match.group("label")) <= 30:
            last_key = field_key(match.group("label"))
            footer[last_key] = match.group("value").strip()
        elif line.lower() in ("classification", "graphic", "notes"):
            last_key = field_key(line)
        elif last_key:
            footer[last_key] = (footer.get(last_key, "") + " " + line).strip()
    return body, footer


def split_nexis(lines: list[str], *, joiner: str = "\n\n") -> list[Parsed]:
    """The articles of a Nexis Uni export, in order (a ``Refusal`` for one without a body).

    Args:
        lines: the export's non-empty paragraphs (DOCX) or lines (RTF, PDF), in order.
        joiner: what goes between body paragraphs in the stored text.
    """
    out: list[Parsed] = []
    for number, chunk in enumerate(_chunks(lines)):
        body_at = next((i for i, line in enumerate(chunk) if _BODY.fullmatch(line)), None)
        if body_at is None:
            if number == 0 and all(_COVER.fullmatch(line) or len(line) < 200 for line in chunk):
                continue  # a cover page alone before the first "End of Document" is no article
            out.append(Refusal('no "Body" line: not an article of the Nexis layout'))
            continue
        title, outlet, date_line, fields, copyright_ = _header(chunk[:body_at], first=number == 0)
        body, footer = _body(chunk[body_at + 1 :])
        extra: dict[str, str] = {k: v for k, v in fields.items() if k not in ("section", "length", "byline")}
        extra.update({k: v for k, v in footer.items() if k != "language"})
        if copyright_:
            extra["copyright"] = copyright_
        out.append(
            make_article(
service=SERVICE, body=body, joiner=joiner, extra=extra, title=title, outlet=outlet, date_line=date_line,
                language=footer.get("language", ""), **picked(fields, HEAD_LABELS))
        )
    return out
