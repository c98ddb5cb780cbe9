"""What claim linking works on: a document's token arrays, the role pieces the tagger drew, the claims being built.

Shared by the linking (``attribution_linking``) and the learned choice of the claims' edges
(``attribution_edge_mover``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy
from spacy.attrs import HEAD, IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc

from annotator.core.records import ClaimSuggestion, Span


@dataclass
class Piece:
    """A run of tokens the tagger gave one role (source, cue, content), and what linking attached it to."""

    start: int  # token indices, end exclusive
    end: int
    role: str
    cue: int | None = None  # index of the cue span a content or source piece is linked to
    via: str = ""  # how a content piece was attached to its cue (``attribution_pieces.VIAS``)


@dataclass
class LinkedClaim:
    """A claim being built around a tagged cue: its content pieces, its source, the rule claim it matches."""

    cue: Piece
    contents: list[Piece] = field(default_factory=list)
    source: Piece | None = None
    rule: ClaimSuggestion | None = None


class DocTokens:
    """What linking reads of each token, as plain lists from one ``Doc.to_array``: building a spaCy ``Token``
    per look-up (``doc[i].head.i``) cost more than the rest of the linking (issue 11, point 6)."""

    def __init__(self, doc: Doc, text: str) -> None:
        n = len(doc)
        arr = doc.to_array([HEAD, IDX, LENGTH, IS_SPACE, IS_PUNCT, SENT_START]).astype("int64")
        if n == 0:
            arr = numpy.zeros((0, 6), dtype="int64")
        index = numpy.arange(n)
        self.head: list[int] = (index + arr[:, 0]).tolist()
        idx, length = arr[:, 1], arr[:, 2]
        self.idx: list[int] = idx.tolist()
        self.end: list[int] = (idx + length).tolist()
        self.space: list[bool] = (arr[:, 3] != 0).tolist()
        self.punct: list[bool] = (arr[:, 4] != 0).tolist()
        newlines = numpy.asarray([m.start() for m in re.finditer("\n", text)], dtype="int64")
        # A token holding a line break (spaCy keeps breaks in whitespace tokens) ends a paragraph after it.
        breaks = numpy.zeros(n, dtype="int64")
        if len(newlines) and n:
            numpy.add.at(breaks, numpy.searchsorted(idx, newlines, side="right") - 1, 1)
        has_break = breaks > 0
        self.paragraph: list[int] = (numpy.cumsum(has_break) - has_break).tolist()
        starts = set(numpy.flatnonzero(arr[:, 5] == 1).tolist())
        if n:
            starts.add(0)
        # A word after a line break (since the previous word) starts a segment too.
        words = numpy.flatnonzero(arr[:, 3] == 0)
        if len(words) and len(newlines):
            prev_end = numpy.concatenate(([0], (idx + length)[words[:-1]]))
            between = numpy.searchsorted(newlines, idx[words]) - numpy.searchsorted(newlines, prev_end)
            starts.update(words[between > 0].tolist())
        self.starts: set[int] = starts


def char_span(toks: DocTokens, start: int, end: int) -> Span | None:
    """The characters of tokens ``start:end`` without the whitespace tokens at either end (None: only space)."""
    while end > start and toks.space[end - 1]:
        end -= 1
    while start < end and toks.space[start]:
        start += 1
    if start >= end:
        return None
    return Span(toks.idx[start], toks.end[end - 1])
