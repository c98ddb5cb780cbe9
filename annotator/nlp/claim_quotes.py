"""Find quotations in raw text: balanced, unbalanced, nested and running over several paragraphs.

Works on characters, not tokens, because news text is full of quote-mark conventions a tokenizer does not
know:

* curly ``“ … ”`` and straight ``" … "`` double quotes, guillemets ``« … »``;
* a quote that continues into the next paragraph leaves its closing mark off and reopens the next paragraph
  (the typographic convention for multi-paragraph quotes);
* a missing closing mark: the quote then ends at the paragraph break;
* single quotes ``‘ … ’`` inside a double quote are nested quotes and stay part of the outer quote (single
  quotes are not used as top-level quotes because ``’`` is also the apostrophe).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

_OPENERS = {"“": "”", "«": "»", "„": "“"}
_CLOSERS = {"”", "»"}
_STRAIGHT = '"'
_DOUBLED = "''"  # two apostrophes used as a double quote mark (common in wire and NYT copy)


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
        ch = text[i]
        if open_at is None:
            if ch in _OPENERS or (ch == _STRAIGHT and _straight_opens(text, i)):
                open_at, closer = i, (_OPENERS.get(ch, _STRAIGHT))
        elif ch == "\n":
            # Paragraph break inside an open quote: continue it only when the next paragraph reopens a quote.
            j = i
            while j < n and text[j].isspace():
                j += 1
            if j < n and (text[j] in _OPENERS or text[j] == _STRAIGHT):
                i = j  # skip the reopening mark; the quote goes on
            else:
                quotes.append(Quote(open_at, i, open_at + 1, i, closed=False))
                open_at = closer = None
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
        quotes.append(Quote(open_at, end, open_at + 1, end, closed=False))
    return [q for q in quotes if q.inner_end > q.inner_start]


class QuoteIndex:
    """Answers "which quote contains this character offset" in O(log n)."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
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
