"""The older LexisNexis plain-text export: "N of M DOCUMENTS", then outlet, date, title, fields and body.

The layout (as the service's text export prints it; blank lines separate the blocks)::

                                   1 of 10 DOCUMENTS
                                   The Outlet
                          January 11, 2010 Monday
                              Late Edition - Final        (optional edition line in the date block)
    Copyright 2010 The Outlet Company                     (optional, here or at the end)
    Title of the article
    BYLINE: By JANE DOE
    SECTION: Section A; Column 0; Foreign Desk; Pg. 4
    LENGTH: 834 words
    DATELINE: TOKYO
    paragraphs of the body
    LOAD-DATE: January 11, 2010
    LANGUAGE: ENGLISH
    PUBLICATION-TYPE: Newspaper
    Copyright 2010 The Outlet Company
"""

from __future__ import annotations

import re

from annotator.io.sources.dates import is_date_line
from annotator.io.sources.fields import COPYRIGHT_LINE, HEAD_LABELS, Parsed, field_key, make_article, picked

SERVICE = "lexis"
_DOC_LINE = re.compile(r"^\s*(\d+)\s+(?:of|OF)\s+(\d+)\s+DOCUMENTS?\s*$", re.MULTILINE | re.IGNORECASE)
# Upper-case labels: "BYLINE:", "LOAD-DATE:", "PUBLICATION-TYPE:", "JOURNAL-CODE:".
_FIELD = re.compile(r"(?P<label>[A-Z][A-Z-]{1,30}(?: [A-Z]{2,15})?):\s*(?P<value>.*)", re.DOTALL)
_HEAD_FIELDS = {"byline", "section", "length", "dateline", "highlight", "edition", "series", "correction"}


def looks_like_lexis_txt(text: str) -> bool:
    """Whether a text file is a Lexis text export (a "1 of N DOCUMENTS" line)."""
    match = _DOC_LINE.search(text[:20_000])
    return match is not None and match.group(1) == "1"


def _blocks(text: str) -> list[str]:
    """Blank-line separated blocks, each with its lines stripped and single-spaced."""
    blocks = []
    for raw in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in raw.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            blocks.append("\n".join(lines))
    return blocks


def split_lexis_txt(text: str) -> list[Parsed]:
    """The articles of a Lexis text export, in order."""
    starts = list(_DOC_LINE.finditer(text))
    out: list[Parsed] = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        out.append(_article(text[match.end() : end]))
    return out


def _article(chunk: str) -> Parsed:
    blocks = _blocks(chunk)
    fields: dict[str, str] = {}
    copyright_: list[str] = []
    outlet = date_line = ""
    title_parts: list[str] = []
    body: list[str] = []
    seen_field = False
    for block in blocks:
        match = _FIELD.fullmatch(block)
        if match:
            key = field_key(match.group("label"))
            fields[key] = " ".join(match.group("value").split())
            seen_field = True
            continue
        if COPYRIGHT_LINE.match(block):
            copyright_.append(" ".join(block.split()))
            continue
        if seen_field or title_parts:
            if not seen_field:
                # A second block before any field: the title was the first, this is already body text.
                body.append(block)
                continue
            body.append(block)
            continue
        if not outlet:
            outlet = block.split("\n")[0]
            continue
        if not date_line:
            first = block.split("\n")[0]
            if is_date_line(first):
                date_line = first
                rest = block.split("\n")[1:]
                if rest:
                    fields.setdefault("edition", " ".join(rest))
                continue
        title_parts.append(" ".join(block.split("\n")))
    # Fields printed after the body (LOAD-DATE, LANGUAGE...) were caught above; body blocks between a head
    # field and the next field are the text.
    head = {k: v for k, v in fields.items() if k in _HEAD_FIELDS}
    extra = {k: v for k, v in fields.items() if k not in ("byline", "section", "length", "language")}
    if copyright_:
        extra["copyright"] = " ".join(copyright_)
    return make_article(
service=SERVICE, body=body, extra=extra, title=" ".join(title_parts), outlet=outlet, date_line=date_line,
        language=fields.get("language", ""), **picked(head, HEAD_LABELS))
