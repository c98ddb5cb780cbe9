"""Find quotations in raw text: balanced, unbalanced, nested and running over several paragraphs.

Works on characters, not tokens, because news text is full of quote-mark conventions a tokenizer does not
know:

* curly ``“ … ”`` and straight ``" … "`` double quotes, guillemets ``« … »``;
* a quote that continues into the next paragraph leaves its closing mark off and reopens the next paragraph
  (the typographic convention for multi-paragraph quotes);
* a missing closing mark: the quote then ends at the paragraph break;
* single quotes ``‘ … ’`` inside a double quote are nested quotes and stay part of the outer quote (single
  quotes are not used as top-level quotes because ``’`` is also the apostrophe);
* the quotation dash: a paragraph opening with a horizontal bar ``―`` (U+2015) is a quotation up to the next bar,
  or, without one, up to the attribution that closes it (``― We will not give up, said Abe.``) or the
  paragraph's end. A bar inside a sentence is a dash, not a quote.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

_OPENERS = {"“": "”", "«": "»", "„": "“"}
_CLOSERS = {"”", "»"}
_STRAIGHT = '"'
_DOUBLED = "''"  # two apostrophes used as a double quote mark (common in wire and NYT copy)
_BAR = "\u2015"  # HORIZONTAL BAR, the quotation dash
# Every character the scanner below acts on: openers, closers, the straight mark, the bar, a line break.
_MARKS = re.compile(
    "[" + re.escape("".join(_OPENERS) + "".join(_OPENERS.values()) + "".join(_CLOSERS) + _STRAIGHT + _BAR) + "\n]"
)
# ", said Abe." / ", the minister told reporters" / ", Abe said": where a dash quote without a closing bar ends.
_DASH_ATTRIBUTION = re.compile(
    r",\s+(?:(?:said|says|told|added|asked|insisted|stressed|noted|explained|warned|continued|replied)\b"
    r"|(?:[A-Z][\w.'’-]*|the|a|an)(?:\s+[\w.'’-]+){0,5}\s+(?:said|says|told|added|asked|insisted|stressed|noted"
    r"|explained|warned|continued|replied)\b)"
)


def _at_line_start(text: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and text[j] in " \t\u00a0":
        j -= 1
    return j < 0 or text[j] == "\n"


def _end_dash_quote(text: str, quote: Quote) -> Quote:
    """A dash quote cut at its paragraph's end ends at the attribution after it, when there is one."""
    match = _DASH_ATTRIBUTION.search(text, quote.inner_start, quote.end)
    if match is None:
        return quote
    return replace(quote, end=match.start(), inner_end=match.start(), closed=True)


@dataclass(frozen=True)
class Quote:
    """One quotation: ``start``/``end`` include the quote marks; ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool  # False when the closing mark was missing and the quote was cut at a paragraph break


def _straight_opens(text: str, i: int) -> bool:
    """Decide whether a straight ``"`` at ``i`` opens a quote (no letter or digit right before it)."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/:;,":
        return not after.isspace()
    return False


def find_quotes(text: str) -> list[Quote]:
    """Return the top-level quotations of ``text`` in text order.

    Args:
        text: the article text.

    Returns:
        Non-overlapping quotes; a quote continued over paragraphs is one ``Quote`` from the first opening mark
        to the last closing mark.
    """
    # "''" is a double quote written with two apostrophes; rewriting it as '"' plus a placeholder keeps
    # every offset while letting the straight-quote rules below handle it.
    orig = text
    if _DOUBLED in text:
        text = text.replace(_DOUBLED, '"\x01')
    quotes: list[Quote] = []
    open_at: int | None = None
    closer: str | None = None
    n = len(text)
    i = 0
    while i < n:
        # Only quote marks and line breaks change the state: jump to the next one (a loop over every character
        # was most of the cost).
        found = _MARKS.search(text, i)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        if open_at is None:
            if ch in _OPENERS or (ch == _STRAIGHT and _straight_opens(text, i)):
                open_at, closer = i, (_OPENERS.get(ch, _STRAIGHT))
            elif ch == _BAR and _at_line_start(text, i):
                open_at, closer = i, _BAR
        elif ch == "\n":
            # Paragraph break inside an open quote: continue it only when the next paragraph reopens a quote.
            j = i
            while j < n and text[j].isspace():
                j += 1
            if closer != _BAR and j < n and (text[j] in _OPENERS or text[j] == _STRAIGHT):
                i = j  # skip the reopening mark; the quote goes on
            else:
                cut = Quote(open_at, i, open_at + 1, i, closed=False)
                quotes.append(_end_dash_quote(text, cut) if closer == _BAR else cut)
                open_at = closer = None
        elif closer == _BAR and ch != _BAR:
            pass  # inside a dash quote only the bar (or the paragraph's end) closes it
        elif ch == closer or ch in _CLOSERS or (ch == _STRAIGHT and not text[i - 1].isspace()):
            # Any closing mark ends the quote: copy mixing “ with " (or " with ”) is common.
            end = i + 2 if orig.startswith(_DOUBLED, i) else i + 1
            quotes.append(Quote(open_at, end, open_at + 1, i, closed=True))
            i = end - 1
            open_at = closer = None
        elif ch in _OPENERS and closer != _STRAIGHT and text[i - 1].isspace():
            # A new opening mark while a curly quote is open: the previous one lost its closing mark.
            end = i
            while end > open_at + 1 and text[end - 1].isspace():
                end -= 1
            quotes.append(Quote(open_at, end, open_at + 1, end, closed=False))
            open_at, closer = i, _OPENERS[ch]
        i += 1
    if open_at is not None:
        end = n
        while end > open_at + 1 and text[end - 1].isspace():
            end -= 1
        cut = Quote(open_at, end, open_at + 1, end, closed=False)
        quotes.append(_end_dash_quote(text, cut) if closer == _BAR else cut)
    return [q for q in quotes if q.inner_end > q.inner_start]


class QuoteIndex:
    """Answers "which quote contains this character offset" in O(log n).

    ``text`` is the text the quotes were found in, when the caller has it: the rules read it through the index
    rather than through ``Doc.text``, which spaCy rebuilds from every token on each read.
    """

    def __init__(self, quotes: list[Quote], text: str | None = None) -> None:
        self.quotes = quotes
        self.text = text
        self._starts = [q.start for q in quotes]

    def containing(self, offset: int) -> Quote | None:
        """The quote whose marks enclose ``offset`` (the marks themselves count as inside)."""
        k = bisect_right(self._starts, offset) - 1
        if k >= 0 and self.quotes[k].start <= offset < self.quotes[k].end:
            return self.quotes[k]
        return None

    def overlapping(self, start: int, end: int) -> list[Quote]:
        """Quotes that overlap ``[start, end)``, in text order."""
        k = max(bisect_right(self._starts, start) - 1, 0)
        out: list[Quote] = []
        for q in self.quotes[k:]:
            if q.start >= end:
                break
            if q.end > start:
                out.append(q)
        return out
