"""The learned choice of a claim's edges applied to a document: candidate edges of each cue and content, moved.

``attribution_edges`` scores candidate edges from their features; :class:`EdgeMover` builds those candidates
from the document (the tagger's edge and the words around it), records them for training, and moves each
piece's edge to the chosen one at suggestion time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy
from spacy.tokens import Doc

from annotator.core.records import Span
from annotator.nlp.attribution_doc import DocTokens, LinkedClaim, Piece, char_span
from annotator.nlp.attribution_edges import MAX_SHIFT, EdgeCandidate, EdgeChooser, TokenInfo, edge_features
from annotator.nlp.attribution_features import TAGS

#: ``(edge kind, cue, content, candidate character offsets, their features)`` of each edge of each claim, before
#: any choice: what ``model_training.choose_edges`` fits the edge chooser on (``cue`` and ``content`` are the
#: claim's extents as the tagger drew them, to find the annotators' claim it stands for).
EdgeRecord = tuple[str, Span, Span, list[int], list[list[float]]]


class EdgeMover:
    """Candidate edges of the claims' cues and contents (``attribution_edges``), and the learned choice."""

    def __init__(self, doc: Doc, toks: DocTokens, text: str, tags: Sequence[str], probs: Any, starts: set[int]) -> None:
        self.doc, self.toks, self.text, self.tags, self.starts = doc, toks, text, tags, starts
        self.probs = numpy.asarray(probs) if probs is not None and len(probs) else None
        self._info: dict[int, TokenInfo] = {}

    def info(self, i: int) -> TokenInfo:
        found = self._info.get(i)
        if found is None:
            tok = self.doc[i]
            found = self._info[i] = TokenInfo(tok.lower_, tok.pos_, tok.ent_type_, tok.is_punct)
        return found

    def _word(self, i: int, step: int) -> int | None:
        """The next word (not whitespace) from token ``i`` in direction ``step`` within ``i``'s paragraph."""
        toks = self.toks
        j = i + step
        while 0 <= j < len(toks.idx) and toks.space[j]:
            j += step
        if not 0 <= j < len(toks.idx) or toks.paragraph[j] != toks.paragraph[i]:
            return None
        return j

    def candidates(self, piece: Piece, side: str) -> tuple[list[int], list[int], list[list[float]], int]:
        """The token edges (the first token for a start, the last for an end), their character offsets and
        feature rows, and the index of the tagger's own edge among them."""
        role = piece.role
        first = piece.start
        last = piece.end - 1
        while last > first and self.toks.space[last]:
            last -= 1
        while first < last and self.toks.space[first]:
            first += 1
        edge = first if side == "start" else last
        outward = -1 if side == "start" else 1
        # (shift, tokens crossed, the new edge token); shift > 0: outwards (the span grows), < 0: inwards.
        positions: list[tuple[int, list[int], int]] = [(0, [], edge)]
        for direction in (1, -1):
            crossed: list[int] = []
            at = edge
            for shift in range(1, MAX_SHIFT + 1):
                nxt = self._word(at, outward * direction)
                if nxt is None or (direction == -1 and (nxt > last if side == "start" else nxt < first)):
                    break
                crossed = [*crossed, nxt if direction == 1 else at]
                at = nxt
                positions.append((shift * direction, crossed, at))
        tokens, chars, rows = [], [], []
        column = TAGS.index(f"B-{role}"), TAGS.index(f"I-{role}")
        for shift, crossed, new_edge in positions:
            lo, hi = min(edge, new_edge), max(edge, new_edge)
            prob = 0.0
            if crossed and self.probs is not None:
                prob = float(numpy.mean([self.probs[i, column[0]] + self.probs[i, column[1]] for i in crossed]))
            candidate = EdgeCandidate(
                shift=shift, crossed=tuple(self.info(i) for i in crossed), edge=self.info(new_edge),
                probability=prob,
                into_other_role=shift > 0 and any(self.tags[i] != "O" and self.tags[i][2:] != role for i in crossed),
                crosses_sentence=any(i in self.starts for i in range(lo + 1, hi + 1)),
            )
            tokens.append(new_edge)
            chars.append(self.toks.idx[new_edge] if side == "start" else self.toks.end[new_edge])
            rows.append(edge_features(candidate))
        return tokens, chars, rows, 0

    def move(self, claims: list[LinkedClaim], chooser: EdgeChooser | None, record: list[EdgeRecord] | None) -> None:
        for claim in claims:
            if not claim.contents:
                continue
            cue_span = char_span(self.toks, claim.cue.start, claim.cue.end)
            for role in ("CUE", "CONTENT"):
                for side in ("start", "end"):
                    kind = f"{role}:{side}"
                    if record is None and (chooser is None or kind not in chooser.models):
                        continue  # this edge stays: its candidates need not be built (suggestion time)
                    if role == "CUE":
                        piece = claim.cue
                    else:
                        piece = (min(claim.contents, key=lambda p: p.start) if side == "start"
                                 else max(claim.contents, key=lambda p: p.end))
                    tokens, chars, rows, stay = self.candidates(piece, side)
                    if record is not None and cue_span is not None:
                        first = min(p.start for p in claim.contents)
                        end = max(p.end for p in claim.contents)
                        content_span = char_span(self.toks, first, end)
                        if content_span is not None:
                            record.append((kind, cue_span, content_span, chars, rows))
                    if chooser is None:
                        continue
                    chosen = chooser.choose(kind, rows, stay)
                    if side == "start":
                        piece.start = tokens[chosen]
                    else:
                        piece.end = tokens[chosen] + 1
