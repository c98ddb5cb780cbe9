"""ProQuest text exports: records separated by lines of underscores, each a list of labelled fields.

The layout (as ProQuest's "Text only" export prints it)::

    ____________________________________________________________
    Title: Title of the article
    Author: Doe, Jane
    Publication info: The Outlet ; City [City]. 01 July 2019: A.1.
    Abstract: ...                                    (optional)
    Full text: the first paragraph of the text
    the next paragraphs ...
    Subject: ...; Location: ...; Company / organization: ...
    Publication title: The Outlet
    Pages: A.1
    Publication date: Jul 1, 2019
    Section: A
    Language of publication: English
    Document URL: https://...
    Copyright: ...
    Last updated: 2019-07-02
    Database: ...
    ____________________________________________________________

A cover ("Report Information from ProQuest", the table of contents) and a closing "Bibliography" come before
and after the records; they are not articles.
"""

from __future__ import annotations

import re

from annotator.io.sources.fields import Parsed, Refusal, field_key, make_article, picked

SERVICE = "proquest"
#: The printed fields (``make_article``) under their ProQuest labels (title, outlet and date are worked out).
_PRINTED = {"byline": "author", "section": "section", "language": "language_of_publication", "url": "document_url"}
_SEPARATOR = re.compile(r"^\s*_{10,}\s*$", re.MULTILINE)
# The labels ProQuest prints (English interface); "Full text" runs until the next of them.
_LABELS = (
    "Title|Author|Publication info|ProQuest document link|Abstract|Full text|Links|Subject|Location|People|"
    "Company / organization|Classification|Identifier / keyword|Publication title|Volume|Issue|Pages|"
    "Number of pages|Publication year|Publication date|Year|Section|Publisher|Place of publication|"
    "Country of publication|Publication subject|ISSN|e-ISSN|ISBN|Source type|Language of publication|"
    "Document type|Document feature|ProQuest document ID|Document URL|Copyright|Last updated|Database|Dateline|"
    "Credit|Illustration|Edition|Column|Caption"
)
_FIELD = re.compile(rf"^(?P<label>{_LABELS}):\s?(?P<value>.*)$", re.IGNORECASE)


def looks_like_proquest(text: str) -> bool:
    """Whether a text file is a ProQuest export: underscore separators and "Full text:" / "Title:" fields."""
    head = text[:200_000]
    return len(_SEPARATOR.findall(head)) >= 1 and re.search(r"^Full text:", head, re.MULTILINE) is not None \
        and re.search(r"^Title:", head, re.MULTILINE) is not None


def _fields(record: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    key = ""
    for raw in record.split("\n"):
        line = raw.strip()
        match = _FIELD.match(line)
        if line.lower() in ("proquest document link", "links"):
            key = ""  # a link ProQuest prints between fields; the next lines belong to no field
        elif match:
            key = field_key(match.group("label"))
            fields.setdefault(key, []).append(match.group("value").strip())
        elif key:
            fields[key].append(line)
    return fields


def split_proquest(text: str) -> list[Parsed]:
    """The articles of a ProQuest text export, in order; records without a title are not articles."""
    out: list[Parsed] = []
    for record in _SEPARATOR.split(text):
        fields = _fields(record)
        if "title" not in fields:
            continue  # the cover, the table of contents, the bibliography
        title = " ".join(p for p in fields.pop("title") if p)
        full_text = fields.pop("full_text", None)
        body_lines = full_text or fields.get("abstract")
        if not body_lines:
            out.append(Refusal(f"no full text (only a citation) for {title!r}"))
            continue
        # Paragraphs are separated by blank lines; lines within one are joined.
        paragraphs: list[str] = []
        current: list[str] = []
        for line in body_lines:
            if line:
                current.append(line)
            elif current:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        flat = {k: " ".join(p for p in v if p) for k, v in fields.items()}
        outlet = flat.get("publication_title") or flat.get("publication_info", "").split(";")[0].strip()
        extra = {k: v for k, v in flat.items()
                 if k not in ("publication_title", "author", "section", "language_of_publication",
                              "publication_date", "document_url", "abstract")}
        if full_text and flat.get("abstract"):
            extra["abstract"] = flat["abstract"]
        elif not full_text:
            extra["text_is"] = "abstract"  # the record had no full text: its abstract is all there is
        out.append(
            make_article(
service=SERVICE, body=paragraphs, extra=extra, title=title, outlet=outlet,
                date_line=flat.get("publication_date", "") or flat.get("publication_year", ""),
                **picked(flat, _PRINTED))
        )
    return out
