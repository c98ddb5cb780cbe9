"""Recognise the header lines news articles start with: date, title, outlet, byline, print junk.

The fields are extracted *in addition* to the text: the article text always stays the whole file, so offsets,
hashes and round trips never depend on how a header was read.

Formats seen in the sample corpus (``seeds/``)::

    11/17/2015                                   date line (US month/day/year)
    February 19, 2014 1:00 pm JST                date line with a time
    print PRINT                                  junk left by a "print" button
    (Yomiuri: May 16, 2015 – p. 2)               outlet line: source and date (and page)
    By Yu Lintao  ·  2016-05-13  ·   Source: | NO. 20 MAY 19, 2016      byline: author and date
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

#: Lines longer than this are body text, never a header line.
MAX_HEADER_LINE = 200
#: Only the first few non-empty lines can be header lines.
MAX_HEADER_LINES = 8
#: How much of the text start is searched for header lines.
HEAD_CHARS = 8192
#: A title longer than this is more likely the first paragraph.
MAX_TITLE = 160

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH_RE = r"(?P<month>[A-Za-z]{3,9})\.?"
_TIME_RE = r"(?:[,\s]+\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[A-Z]{2,5})?)?"

# Each pattern matches a date at the start of a string; ``fullmatch`` on a line decides whether a whole line
# is a date line, ``search`` finds a date inside an outlet line or byline.
_DATE_PATTERNS = [
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{1,2})-(?P<day>\d{1,2})(?:[T\s]\d{1,2}:\d{2}(?::\d{2})?\S*)?"),
    re.compile(r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<year>\d{4})" + _TIME_RE, re.IGNORECASE),
    re.compile(r"(?P<year>\d{4})/(?P<mon>\d{1,2})/(?P<day>\d{1,2})" + _TIME_RE, re.IGNORECASE),
    # Dotted dates are day first (17.11.2015) wherever they are written.
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})" + _TIME_RE, re.IGNORECASE),
    re.compile(
        _MONTH_RE + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})" + _TIME_RE, re.IGNORECASE
    ),
    re.compile(
        r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH_RE + r",?\s+(?P<year>\d{4})" + _TIME_RE, re.IGNORECASE
    ),
]
_WEEKDAY_RE = re.compile(r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?\s+", re.IGNORECASE)
_JUNK_RE = re.compile(
    r"(?:print|share|email|advertisement)(?:\s+(?:print|share|email|advertisement))*", re.IGNORECASE
)
# "(Yomiuri: May 16, 2015 – p. 2)" — the outlet name, a colon, a date, an optional page.
_OUTLET_RE = re.compile(r"\((?P<source>[^:()]{2,60}):\s*(?P<rest>[^()]*)\)")
_PAGE_RE = re.compile(r"\bp\.?\s*(\d+[A-Za-z]?)\s*$")
_BYLINE_RE = re.compile(r"by\s+(?P<rest>\S.*)", re.IGNORECASE)
# Separators used between byline fields: middle dot, bullet, pipe, bar.
_BYLINE_SEP_RE = re.compile(r"\s*[·•|]\s*")
_SENTENCE_END = (".", "!", "?", "\u201d", '"', ":", ";")


@dataclass
class Header:
    """Fields recognised in an article's first lines (every one optional)."""

    title: str = ""
    date: str | None = None
    source: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _month_number(name: str) -> int | None:
    return _MONTHS.get(name.lower().rstrip("."))


def _build_date(match: re.Match[str]) -> str | None:
    groups = match.groupdict()
    try:
        year = int(groups["year"])
        if groups.get("a") is not None:
            first, second = int(groups["a"]), int(groups["b"])
            # US order (month/day) unless the first number cannot be a month.
            month, day = (second, first) if first > 12 else (first, second)
        elif groups.get("mon") is not None:
            month, day = int(groups["mon"]), int(groups["day"])
        else:
            number = _month_number(groups["month"])
            if number is None:
                return None
            month, day = number, int(groups["day"])
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: str) -> str | None:
    """Parse a string that is entirely a date (plus an optional time and time zone) into ISO ``YYYY-MM-DD``.

    Args:
        value: e.g. ``11/17/2015``, ``February 19, 2014 1:00 pm JST``, ``2016-05-13``, ``Tue, 3 May 2016``.

    Returns:
        The ISO date, or None when ``value`` is not a valid date.
    """
    # A corpus repeats its dates (10,000 records of one import may share a few hundred): short values are
    # parsed once each. Long ones (any header line is tried) are not kept.
    return _parse_short_date(value) if len(value) <= _SHORT_DATE else _parse_date(value)


#: Dates up to this length are cached by :func:`parse_date` (the longest forms the services print fit).
_SHORT_DATE = 64


@functools.lru_cache(maxsize=4096)
def _parse_short_date(value: str) -> str | None:
    return _parse_date(value)


def _parse_date(value: str) -> str | None:
    """:func:`parse_date` without the cache."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-" and value.isascii():
        # Already ISO, as nearly every JSONL record's date is: what the first pattern gives, without the regexes
        # (an import of 10,000 records parses 10,000 dates).
        year, month, day = value[:4], value[5:7], value[8:]
        if year.isdigit() and month.isdigit() and day.isdigit():
            try:
                return date(int(year), int(month), int(day)).isoformat()
            except ValueError:
                return None
    text = _WEEKDAY_RE.sub("", value.strip())
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _build_date(match)
    return None


def find_first_date(value: str) -> str | None:
    """The ISO date of the earliest date written anywhere in ``value``, or None."""
    best: tuple[int, str] | None = None
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(value):
            found = _build_date(match)
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), found)
                break
    return best[1] if best else None


def _clean(line: str) -> str:
    # NBSPs and runs of spaces are common in pasted articles; compare on single-spaced text.
    return " ".join(line.split())


def _parse_outlet(line: str) -> tuple[str, str, str | None] | None:
    """Return (outlet, date, page) of a line such as ``(Yomiuri: May 16, 2015 – p. 2)``."""
    match = _OUTLET_RE.fullmatch(line)
    if not match:
        return None
    found = find_first_date(match.group("rest"))
    if found is None:
        return None
    page = _PAGE_RE.search(match.group("rest"))
    return match.group("source").strip(), found, page.group(1) if page else None


def _parse_byline(line: str) -> tuple[str, str | None, str] | None:
    """Return (author, date, outlet) of a byline such as ``By A B · 2016-05-13 · Source: X``."""
    match = _BYLINE_RE.fullmatch(line)
    if not match:
        return None
    parts = [p for p in _BYLINE_SEP_RE.split(match.group("rest")) if p]
    if not parts:
        return None
    author = parts[0].strip().rstrip(",")
    # An author is a name: a few words, no sentence punctuation. Otherwise "By contrast, ..." would be a
    # byline.
    if len(author.split()) > 6 or author.endswith(_SENTENCE_END) or "," in author:
        return None
    found = None
    outlet = ""
    for part in parts[1:]:
        if found is None:
            found = find_first_date(part)
        if part.lower().startswith("source:") and not outlet:
            outlet = part.split(":", 1)[1].strip()
    return author, found, outlet


# "WILMINGTON, Del., March 3 - Du Pont Co said ..." / "TOKYO (Reuters) - ...": the start of a wire story's body.
_DATELINE_RE = re.compile(r"[A-Z][A-Z.' -]{1,40}(?:,[^-–—]{0,40})?(?:\s*\([A-Za-z ]+\))?\s+[-–—]{1,2}\s")


def _wire_dateline(line: str) -> bool:
    return bool(_DATELINE_RE.match(line))


def _is_header_line(line: str) -> bool:
    return bool(
        _JUNK_RE.fullmatch(line) or parse_date(line) or _parse_outlet(line) or _parse_byline(line)
    )


def _continues(head: list[str], number: int) -> bool:
    """Whether raw line ``number`` runs on into the next line: a hard-wrapped paragraph, not a standfirst.

    A standfirst stands alone: a blank line, a byline or a date line follows it ("Illusory Progress" / its
    subtitle / "By Yu Lintao ..."). Wire stories wrap their body at about 70 characters, and the first wrapped
    line is as short as a subtitle.
    """
    following = _clean(head[number + 1]) if number + 1 < len(head) else ""
    return bool(following) and not _is_header_line(following)


def _is_title_like(line: str) -> bool:
    return 0 < len(line) <= MAX_TITLE and not line.endswith((".", "!", ";", ":", ","))


def parse_header(text: str) -> Header:
    """Recognise the header fields of an article.

    Args:
        text: the whole article text (newlines already normalised to ``\\n``).

    Returns:
        A ``Header``; ``title`` is the first substantive short line (not a date, outlet, byline or junk line),
        falling back to the beginning of the first line; ``meta`` may hold ``author``, ``subtitle`` and
        ``page``.
    """
    header = Header()
    # The header is at the top: never split a 10 MB text into lines to look at its first eight.
    head = text[:HEAD_CHARS].split("\n")
    entries = [(c, number) for number, c in enumerate(_clean(raw) for raw in head) if c][:MAX_HEADER_LINES]
    title_index: int | None = None
    for index, (line, number) in enumerate(entries):
        if len(line) > MAX_HEADER_LINE:
            break  # body text: the header is over
        if _JUNK_RE.fullmatch(line):
            continue
        found = parse_date(line)
        if found:
            header.date = header.date or found
            continue
        outlet = _parse_outlet(line)
        if outlet:
            header.source = header.source or outlet[0]
            header.date = header.date or outlet[1]
            if outlet[2]:
                header.meta.setdefault("page", outlet[2])
            continue
        byline = _parse_byline(line)
        if byline:
            author, found, source = byline
            header.meta.setdefault("author", author)
            header.date = header.date or found
            header.source = header.source or source
            continue
        if title_index is None:
            if not _is_title_like(line):
                break
            header.title = line
            title_index = index
        elif (
            index == title_index + 1
            and _is_title_like(line)
            and "subtitle" not in header.meta
            and not _wire_dateline(line)
            and not _continues(head, number)
        ):
            # A second short line right under the title (before any body paragraph) is a standfirst.
            header.meta["subtitle"] = line
        else:
            break
    if not header.title:
        first = next((c for c in (_clean(raw) for raw in head) if c), "")
        header.title = first if len(first) <= 80 else first[:79].rstrip() + "…"
    return header
