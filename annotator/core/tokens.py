"""Token boundaries for snapping selections and resizing spans by one token.

A token is a run of word characters (``\\w+``) or a single other non-space character (punctuation, symbols,
emoji). Offsets are code points, ``end`` exclusive, like every offset outside the UI. Standard library only.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[tuple[int, int]]:
    """Return the ``(start, end)`` code-point ranges of the tokens of ``text`` in order."""
    return [(m.start(), m.end()) for m in _TOKEN.finditer(text)]


class Tokens:
    """The tokens of one text, with O(log n) lookups (tokenize once per article, not per key press)."""

    def __init__(self, text: str) -> None:
        self._spans = tokenize(text)
        self._starts = [s for s, _ in self._spans]
        self._ends = [e for _, e in self._spans]

    def __len__(self) -> int:
        return len(self._spans)

    def snap(self, start: int, end: int) -> tuple[int, int] | None:
        """Widen ``[start, end)`` to whole tokens; trims surrounding white space.

        Every token that the range touches is included whole, so a sloppy mouse selection that starts in the middle
        of a word takes the whole word. Returns None when the range covers no token (only white space).
        """
        if end < start:
            start, end = end, start
        if start == end:
            # A caret without a selection: the token under (or just before) it.
            i = bisect_right(self._starts, start) - 1
            if i >= 0 and self._starts[i] <= start <= self._ends[i] and self._ends[i] > self._starts[i]:
                return self._spans[i]
            return None
        first = bisect_right(self._ends, start)  # first token ending after start
        last = bisect_left(self._starts, end) - 1  # last token starting before end
        if first > last:
            return None
        return self._starts[first], self._ends[last]

    def extend_end(self, start: int, end: int) -> tuple[int, int]:
        """Move ``end`` to the end of the next token (unchanged at the end of the text)."""
        i = bisect_right(self._ends, end)
        return (start, self._ends[i]) if i < len(self._ends) else (start, end)

    def shrink_end(self, start: int, end: int) -> tuple[int, int]:
        """Move ``end`` back to the end of the previous token, keeping at least one token."""
        i = bisect_left(self._ends, end) - 1
        if i >= 0 and self._ends[i] > start:
            return start, self._ends[i]
        return start, end

    def extend_start(self, start: int, end: int) -> tuple[int, int]:
        """Move ``start`` to the start of the previous token (unchanged at the start of the text)."""
        i = bisect_left(self._starts, start) - 1
        return (self._starts[i], end) if i >= 0 else (start, end)

    def shrink_start(self, start: int, end: int) -> tuple[int, int]:
        """Move ``start`` to the start of the next token, keeping at least one token."""
        i = bisect_right(self._starts, start)
        if i < len(self._starts) and self._starts[i] < end:
            return self._starts[i], end
        return start, end


def snap_to_tokens(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Convenience wrapper: :meth:`Tokens.snap` on a one-off text."""
    return Tokens(text).snap(start, end)
