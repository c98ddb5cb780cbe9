"""Factiva exports (HTML "Article Format" with indexing, and RTF): each article a list of two-letter field codes.

The codes (Factiva's own field list): HD headline, BY byline, WC word count, PD publication date, ET time, SN
source name, SC source code, ED edition, PG page, LA language, CY copyright, LP lead paragraph, TD text, plus
index codes (CO companies, IN industries, NS subjects, RE regions, IPD, IPC, PUB publisher, AN accession
number). In HTML each field is a table row (code cell, value cell); in RTF a code stands at the start of a
line, its value after a tab or on the following lines. A new article starts at each HD; an article ends with
its "Document <accession number>" line.
"""

from __future__ import annotations

import re
from typing import Any

from annotator.io.sources.fields import Parsed, field_key, make_article, picked

SERVICE = "factiva"
CODES = (
    "HD", "BY", "CR", "WC", "PD", "ET", "SN", "SC", "ED", "PG", "LA", "CY", "LP", "TD", "RF", "CO", "IN", "NS",
    "RE", "IPC", "IPD", "PUB", "AN", "SE", "CLM", "VOL", "ART", "NGC",
)
_CODE_LINE = re.compile(rf"(?P<code>{'|'.join(CODES)})(?:(?:\t|\s{{2,}}|\s*\|\s*)(?P<value>.*))?")
_DOCUMENT_LINE = re.compile(r"Document\s+(?P<an>[A-Za-z0-9]{10,})")
# Codes whose value is article text (lead paragraph and the rest), and codes that are kept under their names.
_TEXT_CODES = ("LP", "TD")
#: The printed fields (``make_article``) under their Factiva codes.
_PRINTED = {"title": "HD", "outlet": "SN", "date_line": "PD", "byline": "BY", "section": "SE", "length": "WC",
            "language": "LA"}
_NAMED = {"CR": "credit", "WC": "length", "ET": "time", "SC": "source_code", "ED": "edition", "PG": "page",
          "CY": "copyright", "CO": "companies", "IN": "industries", "NS": "subjects", "RE": "regions",
          "IPC": "ipc", "IPD": "ipd", "PUB": "publisher", "AN": "accession_number", "SE": "section",
          "CLM": "column", "VOL": "volume", "ART": "caption", "RF": "reference", "NGC": "ngc"}


def looks_like_factiva(lines: list[str]) -> bool:
    """Whether the lines carry Factiva field codes: an HD and a TD or LP code line."""
    codes = {m.group("code") for m in (_CODE_LINE.fullmatch(line) for line in lines[:5000]) if m}
    return "HD" in codes and bool(codes & {"TD", "LP"}) and bool(codes & {"PD", "SN", "WC"})


def _records(lines: list[str]) -> list[dict[str, list[str]]]:
    records: list[dict[str, list[str]]] = []
    code = ""
    for line in lines:
        document = _DOCUMENT_LINE.fullmatch(line)
        if document and records:
            records[-1].setdefault("AN", [document.group("an")])
            code = ""
            continue
        match = _CODE_LINE.fullmatch(line)
        if match:
            code = match.group("code")
            if code == "HD":
                records.append({})
            if records:
                values = records[-1].setdefault(code, [])
                if match.group("value"):
                    values.append(match.group("value").strip())
            continue
        if records and code:
            records[-1][code].append(line)
    return records


def factiva_html_lines(tree: Any) -> list[str]:
    """The code lines of a Factiva HTML export, in document order: for each table row whose first cell is a
    field code, the code, then the value cell's paragraphs one per line; each "Document ..." line outside the
    tables (it closes an article)."""
    out: list[str] = []
    for element in tree.iter():
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "tr":
            out.extend(_row_lines(element))
        elif tag in ("p", "div", "span") and next(element.iterancestors("tr"), None) is None:
            text = " ".join((element.text or "").split())
            if _DOCUMENT_LINE.fullmatch(text):
                out.append(text)
    return out if "HD" in out else []


def _row_lines(row: Any) -> list[str]:
    cells = [c for c in row if isinstance(c.tag, str) and c.tag.lower() in ("td", "th")]
    if len(cells) < 2:
        return []
    code = " ".join(cells[0].text_content().split())
    if code not in CODES:
        return []
    paragraphs = list(cells[1].iter("p"))
    texts = [" ".join(p.text_content().split()) for p in paragraphs] if paragraphs else [
        " ".join(cells[1].text_content().split())
    ]
    return [code, *(t for t in texts if t)]


def split_factiva(lines: list[str], *, joiner: str = "\n\n") -> list[Parsed]:
    """The articles of a Factiva export (its code lines), in order."""
    out: list[Parsed] = []
    for record in _records(lines):
        body = [p for code in _TEXT_CODES for p in record.get(code, [])]
        joined = {code: " ".join(values) for code, values in record.items()}
        extra = {_NAMED[code]: value for code, value in joined.items() if code in _NAMED and code != "WC"}
        extra = {field_key(k): v for k, v in extra.items()}
        out.append(
            make_article(
service=SERVICE, body=body, joiner=joiner, extra=extra, **picked(joined, _PRINTED))
        )
    return out
