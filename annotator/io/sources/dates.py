"""Dates as news services print them, parsed to ISO ``YYYY-MM-DD``.

Forms seen in Nexis Uni, Lexis, Factiva and ProQuest exports, in English and in the German and French
interfaces::

    January 11, 2010 Monday            July 1, 2019 Monday 9:20 AM GMT      5 March 2021
    Jul 1, 2019                        2019-07-01                           11/17/2015
    Montag, 11. Januar 2010            5. März 2021                         lundi 11 janvier 2010
    1er mars 2021                      11 janv. 2010                        Publication date: Jul 1, 2019
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from annotator.io.headers import parse_date

# Month names and abbreviations, English, German and French, accents folded (März -> marz, février -> fevrier).
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "januar", "janner", "janvier", "janv"),
    2: ("february", "feb", "februar", "feber", "fevrier", "fevr", "fev"),
    3: ("march", "mar", "marz", "mars", "maerz", "mrz"),
    4: ("april", "apr", "avril", "avr"),
    5: ("may", "mai"),
    6: ("june", "jun", "juni", "juin"),
    7: ("july", "jul", "juli", "juillet", "juil"),
    8: ("august", "aug", "aout"),
    9: ("september", "sep", "sept", "septembre"),
    10: ("october", "oct", "oktober", "okt", "octobre"),
    11: ("november", "nov", "novembre"),
    12: ("december", "dec", "dezember", "dez", "decembre"),
}
MONTHS: dict[str, int] = {name: number for number, names in _MONTH_NAMES.items() for name in names}
_WEEKDAYS = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    "montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|"
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
)
_WEEKDAY_RE = re.compile(rf"\b(?:{_WEEKDAYS})\b\.?,?", re.IGNORECASE)
# A clock time with optional seconds, am/pm and a time zone ("9:20 AM GMT", "14:05 Uhr", "09h30 CET").
_TIME_RE = re.compile(
    r"\b\d{1,2}(?::\d{2}(?::\d{2})?|h\d{2})\s*(?:[ap]\.?\s?m\b\.?|uhr\b)?(?:\s*(?:[A-Z]{2,5}\b|[+-]\d{2}:?\d{2}))?",
    re.IGNORECASE,
)
_MONTH_WORD = r"(?P<month>[a-z]{3,9})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|\.)?"
_YEAR = r"(?P<year>\d{4})"
# Day-month-year and month-day-year with a month name, anywhere in a line.
_NAMED = [
    re.compile(rf"\b{_DAY}\s+{_MONTH_WORD},?\s+{_YEAR}\b"),
    re.compile(rf"\b{_MONTH_WORD}\s+{_DAY},?\s+{_YEAR}\b"),
]
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})\b")


def _fold(text: str) -> str:
    """Lower case without accents: ``März`` -> ``marz``, ``février`` -> ``fevrier``, ``1er`` stays."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _valid(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_service_date(value: str) -> str | None:
    """The ISO date of a date line as a news service prints it, or None when no date is found.

    Weekday names and clock times are ignored wherever they stand; month names may be English, German or
    French (with or without accents, abbreviated or not). A line that holds other words too ("Publication
    date: Jul 1, 2019", "Load-Date: January 12, 2010") still gives its date.

    Args:
        value: one line.

    Returns:
        ``YYYY-MM-DD``, or None.
    """
    if not value or not value.strip():
        return None
    folded = _fold(" ".join(value.split()))
    cleaned = _TIME_RE.sub(" ", _WEEKDAY_RE.sub(" ", folded))
    cleaned = " ".join(cleaned.replace(",", ", ").split())
    best: tuple[int, str] | None = None
    for pattern in _NAMED:
        for match in pattern.finditer(cleaned):
            number = MONTHS.get(match.group("month"))
            if number is None:
                continue
            found = _valid(int(match.group("year")), number, int(match.group("day")))
            if found and (best is None or match.start() < best[0]):
                best = (match.start(), found)
            break
    if best is not None:
        return best[1]
    iso = _ISO.search(cleaned)
    if iso:
        return _valid(int(iso.group("year")), int(iso.group("mon")), int(iso.group("day")))
    # Numeric forms (11/17/2015, 17.11.2015) as the plain-text header reader knows them.
    return parse_date(cleaned)


def is_date_line(value: str, max_words: int = 9) -> bool:
    """Whether a short line is a date line (the date, a weekday, a time, an edition word or two at most)."""
    words = value.split()
    return 0 < len(words) <= max_words and parse_service_date(value) is not None
