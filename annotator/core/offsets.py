"""Conversions between Python code-point offsets and the UTF-16 offsets Qt uses.

Every offset outside the UI is a code-point offset. Qt's QTextDocument counts UTF-16 code units, so a character
outside the Basic Multilingual Plane (an emoji, 𝕏) counts 2 there. The UI converts at its boundary with these.
"""

from __future__ import annotations

from bisect import bisect_right


class OffsetMap:
    """Maps code-point offsets of one text to UTF-16 offsets and back in O(log n)."""

    def __init__(self, text: str) -> None:
        # Code-point positions of astral characters; each one shifts later UTF-16 offsets by one.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]
        self._length = len(text)

    @property
    def trivial(self) -> bool:
        return not self._astral

    def to_utf16(self, offset: int) -> int:
        if not self._astral:
            return offset
        return offset + bisect_right(self._astral, offset - 1)

    def from_utf16(self, offset: int) -> int:
        """UTF-16 offset to code point; an offset inside a surrogate pair rounds down to the character start."""
        if not self._astral:
            return offset
        k = bisect_right(self._astral_u16, offset - 1)
        # If offset falls in the middle of the pair starting at _astral_u16[k-1], round down.
        if k and self._astral_u16[k - 1] + 1 == offset:
            return self._astral[k - 1]
        return offset - k
