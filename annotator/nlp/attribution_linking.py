"""From tagged roles to claims: link each cue with its content pieces and its source, with the parse and the rules.

The tagger marks spans (source, cue, content) but not which belong together. Its runs are first decoded into
pieces the way the annotators draw them: a content run is cut where a sentence or paragraph starts outside a
quotation (contents cross sentences only inside a quote), and a content or source run that stops inside its
phrase is completed to the phrase's end in the parse. A claim is then built around each tagged cue: a content
piece goes to the cue whose rule claim covers it, else to the cue of its paragraph it hangs from in the parse,
else, for a quotation opening a sentence without a cue of its own, to the quoted claim of the sentence before
("“A,” she said. “B.”"), else to the nearest cue of its paragraph; the source likewise (a rule claim's source,
the cue's subject or ``by``-agent, the nearest source of the sentence). In ``union`` mode the rule claims the
tagger left out entirely are added back: the trainer keeps that mode only when it measures better on the
evaluation share.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy
from spacy.attrs import HEAD, IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START
from spacy.tokens import Doc

from annotator.core.records import ClaimKind, ClaimSuggestion, Span
from annotator.nlp.attribution_edges import MAX_SHIFT, EdgeCandidate, EdgeChooser, TokenInfo, edge_features
from annotator.nlp.attribution_features import TAGS
from annotator.nlp.attribution_pieces import PieceContext, PieceFilter, piece_features
from annotator.nlp.claim_quotes import find_quotes

#: How the tagger's claims and the rules' claims combine: the trainer keeps the one that measures best on
#: documents held back from training (the rules alone, the tagger's claims, or those plus the rule claims the
#: tagger left out).
MODES = ("model", "union", "rules")

_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_MAX_LINK_TOKENS = 80
_QUOTE_MARKS = frozenset('"“”«»„')
# Columns of the tagger's probabilities (``attribution_features.TAGS``) that the piece filter reads.
_B_CONTENT, _I_CONTENT = TAGS.index("B-CONTENT"), TAGS.index("I-CONTENT")
#: Roles whose runs are completed to the end of their phrase in the parse (sources and contents are phrases;
#: a cue's words are the tagger's to decide: "said" vs "said Tuesday" is a convention, not syntax).
_COMPLETED = frozenset({"CONTENT", "SOURCE"})


@dataclass
class _Piece:
    start: int  # token indices, end exclusive
    end: int
    role: str
    cue: int | None = None  # index of the cue span a content or source piece is linked to
    via: str = ""  # how a content piece was attached to its cue (``attribution_pieces.VIAS``)


@dataclass
class _Claim:
    cue: _Piece
    contents: list[_Piece] = field(default_factory=list)
    source: _Piece | None = None
    rule: ClaimSuggestion | None = None


class _Tokens:
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


def tag_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Token runs ``(start, end, ROLE)`` of a BIO tag sequence (an ``I-`` after another role starts a run)."""
    out: list[tuple[int, int, str]] = []
    cur: list[int | str] | None = None
    for i, tag in enumerate(tags):
        if tag == "O":
            cur = None
            continue
        prefix, role = tag.split("-", 1)
        if cur is not None and prefix == "I" and cur[2] == role:
            out[-1] = (out[-1][0], i + 1, role)
            continue
        out.append((i, i + 1, role))
        cur = [i, i + 1, role]
    return out


def _inside_quotes(doc: Doc, text: str | None = None) -> list[bool]:
    """Per token: inside a quotation that began before it (a sentence break there does not end a content)."""
    inside = [False] * len(doc)
    for quote in find_quotes(doc.text if text is None else text):
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is not None:
            for i in range(span.start + 1, span.end):
                inside[i] = True
    return inside


def segment_starts(doc: Doc) -> set[int]:
    """First tokens of sentences, a paragraph counting as a sentence break even where the parser ran on across
    it (the small pipelines often join a quote to the next paragraph's first sentence)."""
    return _Tokens(doc, doc.text).starts


def split_at_sentences(
    doc: Doc, runs: Sequence[tuple[int, int, str]], starts: set[int] | None = None, text: str | None = None,
    toks: _Tokens | None = None,
) -> list[tuple[int, int, str]]:
    """Cut content runs where a new sentence starts outside a quotation.

    Contents cross sentences only inside a quotation (a multi-sentence quote); a run that goes on into the next
    sentence outside one is the tagger merging two neighbouring contents ("… him.” Of course, Clinton said …"),
    and each part must be linked on its own.
    """
    if not any(role == "CONTENT" for _, _, role in runs):
        return list(runs)
    starts = segment_starts(doc) if starts is None else starts
    inside = _inside_quotes(doc, text)
    space = [t.is_space for t in doc] if toks is None else toks.space
    out: list[tuple[int, int, str]] = []
    for start, end, role in runs:
        if role != "CONTENT":
            out.append((start, end, role))
            continue
        cut = start
        for i in range(start + 1, end):
            if i in starts and not inside[i] and not space[i]:
                out.append((cut, i, role))
                cut = i
        out.append((cut, end, role))
    return out


def _lowest_common_head(toks: _Tokens, start: int, end: int) -> int | None:
    """The lowest token whose subtree holds every word of tokens ``start:end`` (None across sentences)."""
    words = [i for i in range(start, end) if not (toks.punct[i] or toks.space[i])]
    if not words:
        return None
    head = toks.head
    paths = []
    for i in words:
        path = [i]
        while head[path[-1]] != path[-1] and len(path) < 40:
            path.append(head[path[-1]])
        paths.append(path)
    common = set(paths[0]).intersection(*map(set, paths[1:]))
    if not common:
        return None
    return next(i for i in paths[0] if i in common)


def complete_contents(
    doc: Doc, runs: Sequence[tuple[int, int, str]], starts: set[int], toks: _Tokens | None = None
) -> list[tuple[int, int, str]]:
    """Extend a content or source run that stops inside its phrase ("a European] consensus", "the toll all
    this] is taking", "a young] woman") to the end of the phrase in the parse: the right edge of the lowest
    token governing all its words, over untagged tokens of the same sentence only, without trailing punctuation.

    The tagger sees a few tokens either side; the parse knows where the phrase ends. Measured on the tuning
    share of the benchmark corpus (never on its evaluation articles), it gains about 0.03 exact content F1 and
    0.01-0.02 exact source F1 and changes nothing else.
    """
    toks = _Tokens(doc, doc.text) if toks is None else toks
    tagged = [False] * len(doc)
    for start, end, _ in runs:
        for i in range(start, end):
            tagged[i] = True
    out = []
    for start, end, role in runs:
        if role in _COMPLETED:
            head = _lowest_common_head(toks, start, end)
            right = doc[head].right_edge.i + 1 if head is not None else end
            if head is not None and (head < end or not tagged[head]) and right > end:
                stop = end
                while stop < right and not tagged[stop] and (stop == end or stop not in starts):
                    stop += 1
                while stop > end and (toks.punct[stop - 1] or toks.space[stop - 1]):
                    stop -= 1
                if stop == right or (stop > end and not any(tagged[end:right])):
                    end = stop
        out.append((start, end, role))
    return out


def _char_span(toks: _Tokens, start: int, end: int) -> Span | None:
    while end > start and toks.space[end - 1]:
        end -= 1
    while start < end and toks.space[start]:
        start += 1
    if start >= end:
        return None
    return Span(toks.idx[start], toks.end[end - 1])


def _token_range(doc: Doc, spans: Sequence[Span]) -> tuple[int, int] | None:
    if not spans:
        return None
    span = doc.char_span(min(s.start for s in spans), max(s.end for s in spans), alignment_mode="expand")
    return (span.start, span.end) if span is not None and len(span) else None


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def _distance(a: _Piece, b: _Piece) -> int:
    if a.end <= b.start:
        return b.start - a.end
    if b.end <= a.start:
        return a.start - b.end
    return 0


#: ``(cue, piece, features)`` of each content piece of a claim with several, before any filter: what
#: ``model_training.choose_pieces`` fits the piece filter on.
PieceRecord = tuple[Span, Span, list[float]]
#: ``(edge kind, cue, content, candidate character offsets, their features)`` of each edge of each claim, before
#: any choice: what ``model_training.choose_edges`` fits the edge chooser on (``cue`` and ``content`` are the
#: claim's extents as the tagger drew them, to find the annotators' claim it stands for).
EdgeRecord = tuple[str, Span, Span, list[int], list[list[float]]]


def link_claims(
    doc: Doc,
    tags: Sequence[str],
    rule_claims: Sequence[ClaimSuggestion],
    mode: str = "model",
    *,
    probs: Any = None,
    piece_filter: PieceFilter | None = None,
    record: list[PieceRecord] | None = None,
    edges: EdgeChooser | None = None,
    edge_record: list[EdgeRecord] | None = None,
    subject_sources: bool = False,
) -> list[ClaimSuggestion]:
    """Claims from the tags of ``doc``, linked with the parse and the rule claims.

    Args:
        doc: the parsed Doc the tags belong to.
        tags: one tag of ``attribution_features.TAGS`` per token.
        rule_claims: the rules' claims for ``doc`` (used for linking, kinds and forms, and in ``union`` mode).
        mode: one of ``MODES`` (``rules``: the rule claims as they are).
        probs: the tagger's tag probabilities (tokens × ``TAGS``), which the piece filter reads.
        piece_filter: the learned choice of which content pieces a claim with several keeps (None: all).
        record: when given, each such piece's features are appended to it (before ``piece_filter`` applies).
        edges: the learned choice of the cue's and the content's edges (``attribution_edges``; None: the tagger's).
        edge_record: when given, each edge's candidates are appended to it (before ``edges`` applies).
        subject_sources: a claim left without a source takes its cue's grammatical subject (``he`` of "he
            said", which the tagger often leaves out); training turns it on where it measures better.

    Returns:
        Claims with a cue and at least one content piece, in text order of their cue.
    """
    if mode == "rules":
        return list(rule_claims)
    # ``Doc.text`` joins every token's text on each read: read once, it is a few percent of the parse's time.
    text = doc.text
    toks = _Tokens(doc, text)
    starts = toks.starts
    pieces = complete_contents(doc, split_at_sentences(doc, tag_spans(tags), starts, text, toks), starts, toks)
    runs = [_Piece(s, e, role) for s, e, role in pieces]
    cues = [p for p in runs if p.role == "CUE"]
    if not cues and mode == "model":
        return []
    sents = [0] * len(doc)
    k = -1
    for i in range(len(doc)):
        k += i in starts
        sents[i] = max(k, 0)
    paras = toks.paragraph
    head = toks.head
    cue_of_token: dict[int, int] = {}
    for k, cue in enumerate(cues):
        for i in range(cue.start, cue.end):
            cue_of_token[i] = k
    claims = [_Claim(cue) for cue in cues]
    # Rule claims by the model cue they share: their content and source say which pieces belong together.
    rule_ranges: list[tuple[tuple[int, int] | None, ...]] = []
    for rc in rule_claims:
        rule_ranges.append((_token_range(doc, rc.cue), _token_range(doc, rc.content), _token_range(doc, rc.source)))
    for k, cue in enumerate(cues):
        for rc, (r_cue, _, _) in zip(rule_claims, rule_ranges, strict=True):
            if _overlaps((cue.start, cue.end), r_cue):
                claims[k].rule = rc
                break

    def parse_cue(piece: _Piece) -> int | None:
        """The cue the piece's root hangs from (walking up the parse), if any."""
        votes: dict[int, int] = {}
        for i in range(piece.start, piece.end):
            tok = i
            steps = 0
            while head[tok] != tok and steps < 12:
                tok = head[tok]
                steps += 1
                if tok in cue_of_token:
                    # A cue in another paragraph is a misparse (the parser ran on across the break).
                    if paras[tok] == paras[piece.start]:
                        votes[cue_of_token[tok]] = votes.get(cue_of_token[tok], 0) + 1
                    break
        return max(votes, key=lambda k: votes[k]) if votes else None

    def rule_cue(piece: _Piece, which: int) -> int | None:
        for k, claim in enumerate(claims):
            if claim.rule is None:
                continue
            ranges = rule_ranges[rule_claims.index(claim.rule)]
            if _overlaps((piece.start, piece.end), ranges[which]):
                return k
        return None

    def nearest(piece: _Piece, same_sentence: bool) -> int | None:
        best: tuple[int, int] | None = None
        for k, cue in enumerate(cues):
            if paras[cue.start] != paras[piece.start] and paras[cue.start] != paras[piece.end - 1]:
                continue
            if same_sentence and sents[cue.start] not in (sents[piece.start], sents[piece.end - 1]):
                continue
            dist = _distance(piece, cue)
            if dist <= _MAX_LINK_TOKENS and (best is None or dist < best[0]):
                best = (dist, k)
        return best[1] if best else None

    def continued_quote(piece: _Piece) -> int | None:
        """"“A,” she said. “B.”": a quotation opening a sentence that has no cue of its own goes on the claim
        of the sentence before (same paragraph) whose content is a quotation too."""
        if doc[piece.start].text not in _QUOTE_MARKS or piece.start not in starts:
            return None
        sent = sents[piece.start]
        if any(sents[cue.start] == sent and not piece.start <= cue.start < piece.end for cue in cues):
            return None
        best: int | None = None
        for k, cue in enumerate(cues):
            if sents[cue.start] != sent - 1 or paras[cue.start] != paras[piece.start]:
                continue
            if any(doc[c.start].text in _QUOTE_MARKS and c.end <= piece.start for c in claims[k].contents):
                best = k
        return best

    pending = []
    for piece in runs:
        if piece.role == "CONTENT":
            target = rule_cue(piece, 1)
            if target is None:
                target = parse_cue(piece)
                piece.via = "parse"
            else:
                piece.via = "rule"
            if target is not None:
                claims[target].contents.append(piece)
            else:
                pending.append(piece)
    for piece in pending:
        target = continued_quote(piece)
        piece.via = "quote"
        if target is None:
            target = nearest(piece, same_sentence=False)
            piece.via = "nearest"
        if target is not None:
            claims[target].contents.append(piece)
    if piece_filter is not None or record is not None:
        _choose_pieces(toks, text, claims, cues, sents, probs, piece_filter, record)
    if edges is not None or edge_record is not None:
        _EdgeMover(doc, toks, text, tags, probs, starts).move(claims, edges, edge_record)
    sources = [p for p in runs if p.role == "SOURCE"]
    for k, claim in enumerate(claims):
        claim.source = _pick_source(doc, claim, k, sources, rule_ranges, rule_claims, cue_of_token, sents)
        if claim.source is None and claim.contents and subject_sources:
            claim.source = _subject_source(doc, claim, paras)
    out = [_suggestion(toks, text, c) for c in claims if c.contents]
    if mode == "union":
        out.extend(_left_out_rules(doc, out, rule_claims))
    out = [c for c in out if c.cue and c.content]
    out.sort(key=lambda c: (c.cue[0].start, c.content[0].start))
    return out


def _choose_pieces(
    toks: _Tokens,
    text: str,
    claims: list[_Claim],
    cues: list[_Piece],
    sents: list[int],
    probs: Any,
    piece_filter: PieceFilter | None,
    record: list[PieceRecord] | None,
) -> None:
    """Apply the piece filter to (and record the features of) the content pieces of each claim with several."""
    content = None
    if probs is not None and len(probs):
        p = numpy.asarray(probs)
        content = p[:, _B_CONTENT] + p[:, _I_CONTENT]
    paras = toks.paragraph

    def quote_mark(i: int) -> bool:
        return text[toks.idx[i] : toks.end[i]] in _QUOTE_MARKS

    for claim in claims:
        if len(claim.contents) < 2:
            continue
        cue = claim.cue
        near = min(range(len(claim.contents)), key=lambda k: _distance(claim.contents[k], cue))
        rows = []
        for k, piece in enumerate(claim.contents):
            lo, hi = (piece.end, cue.start) if piece.end <= cue.start else (cue.end, piece.start)
            context = PieceContext(
                start=piece.start, end=piece.end, via=piece.via, cue_start=cue.start, cue_end=cue.end,
                same_sentence=sents[cue.start] in (sents[piece.start], sents[piece.end - 1]),
                same_paragraph=paras[cue.start] in (paras[piece.start], paras[piece.end - 1]),
                opens_quote=quote_mark(piece.start), ends_quote=quote_mark(piece.end - 1),
                cue_between=any(c is not cue and lo <= c.start and c.end <= hi for c in cues),
                nearest=k == near, n_pieces=len(claim.contents),
                probability=float(content[piece.start : piece.end].mean()) if content is not None else 0.0,
                first_probability=float(content[piece.start]) if content is not None else 0.0,
            )
            rows.append(piece_features(context))
        if record is not None:
            cue_span = _char_span(toks, cue.start, cue.end)
            for piece, row in zip(claim.contents, rows, strict=True):
                span = _char_span(toks, piece.start, piece.end)
                if cue_span is not None and span is not None:
                    record.append((cue_span, span, row))
        if piece_filter is not None:
            keep = piece_filter.keep(rows)
            claim.contents = [piece for piece, kept in zip(claim.contents, keep, strict=True) if kept]


class _EdgeMover:
    """Candidate edges of the claims' cues and contents (``attribution_edges``), and the learned choice."""

    def __init__(self, doc: Doc, toks: _Tokens, text: str, tags: Sequence[str], probs: Any, starts: set[int]) -> None:
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

    def candidates(self, piece: _Piece, side: str) -> tuple[list[int], list[int], list[list[float]], int]:
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

    def move(self, claims: list[_Claim], chooser: EdgeChooser | None, record: list[EdgeRecord] | None) -> None:
        for claim in claims:
            if not claim.contents:
                continue
            cue_span = _char_span(self.toks, claim.cue.start, claim.cue.end)
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
                        content_span = _char_span(self.toks, first, end)
                        if content_span is not None:
                            record.append((kind, cue_span, content_span, chars, rows))
                    if chooser is None:
                        continue
                    chosen = chooser.choose(kind, rows, stay)
                    if side == "start":
                        piece.start = tokens[chosen]
                    else:
                        piece.end = tokens[chosen] + 1


def _pick_source(
    doc: Doc,
    claim: _Claim,
    k: int,
    sources: list[_Piece],
    rule_ranges: list[tuple[tuple[int, int] | None, ...]],
    rule_claims: Sequence[ClaimSuggestion],
    cue_of_token: dict[int, int],
    sents: list[int],
) -> _Piece | None:
    if not sources:
        return None
    if claim.rule is not None:
        r_source = rule_ranges[list(rule_claims).index(claim.rule)][2]
        for piece in sources:
            if _overlaps((piece.start, piece.end), r_source):
                return piece
    # The cue's subject or agent in the parse.
    for piece in sources:
        for i in range(piece.start, piece.end):
            tok = doc[i]
            if tok.head.i in cue_of_token and cue_of_token[tok.head.i] == k and tok.dep_ in _SUBJECT_DEPS:
                return piece
            if tok.dep_ == "pobj" and tok.head.dep_ == "agent" and cue_of_token.get(tok.head.head.i) == k:
                return piece
    cue = claim.cue
    same = [p for p in sources if sents[p.start] == sents[cue.start] and not _inside_contents(p, claim)]
    if not same:
        return None
    return min(same, key=lambda p: _distance(p, cue))


def _subject_source(doc: Doc, claim: _Claim, paras: list[int]) -> _Piece | None:
    """The cue's grammatical subject (its ``nsubj``, with its phrase) as the claim's source, for a claim the
    tagger gave none; not across a paragraph break, and not inside the claim's content."""
    cue = claim.cue
    for i in range(cue.start, cue.end):
        for child in doc[i].children:
            if child.dep_ != "nsubj" or cue.start <= child.i < cue.end:
                continue
            start, end = child.left_edge.i, child.right_edge.i + 1
            piece = _Piece(start, end, "SOURCE")
            if paras[start] != paras[cue.start] or any(_distance(piece, c) == 0 for c in claim.contents):
                continue
            return piece
    return None


def _inside_contents(piece: _Piece, claim: _Claim) -> bool:
    return any(c.start <= piece.start and piece.end <= c.end for c in claim.contents)


def _appositive_comma(toks: _Tokens, text: str, start: int, end: int) -> tuple[int, int]:
    """The annotators' comma convention for sources: a source interrupted by a comma ("Matt Borges, chairman
    of the party,") ends with the comma that closes the appositive or relative clause; one without ("Borges")
    never ends with a comma. On the training share of the benchmark corpus 90% of the first kind end with
    the closing comma (764 of 845) and all but 6 of 686 of the second kind leave it out."""
    words = [i for i in range(start, end) if not toks.space[i]]
    if not words:
        return start, end
    last = words[-1]
    inner = any(text[toks.idx[i] : toks.end[i]] == "," for i in words[1:-1])
    if text[toks.idx[last] : toks.end[last]] == ",":
        return (start, end) if inner else (start, last)
    nxt = end
    while nxt < len(toks.idx) and toks.space[nxt]:
        nxt += 1
    if inner and nxt < len(toks.idx) and nxt == last + 1 and text[toks.idx[nxt] : toks.end[nxt]] == ",":
        return start, nxt + 1
    return start, end


def _suggestion(toks: _Tokens, text: str, claim: _Claim) -> ClaimSuggestion:
    cue = _char_span(toks, claim.cue.start, claim.cue.end)
    ordered = sorted(claim.contents, key=lambda p: p.start)
    contents = [s for s in (_char_span(toks, p.start, p.end) for p in ordered) if s]
    source = None
    if claim.source is not None:
        source = _char_span(toks, *_appositive_comma(toks, text, claim.source.start, claim.source.end))
    rule = claim.rule
    first = text[contents[0].start] if contents else ""
    kind = rule.kind if rule is not None else (ClaimKind.DIRECT if first in _QUOTE_MARKS else ClaimKind.INDIRECT)
    return ClaimSuggestion(
        cue=(cue,) if cue else (),
        content=tuple(contents),
        source=(source,) if source else (),
        kind=kind,
        form=rule.form if rule is not None else "statement",
        score=0.8,
    )


def _left_out_rules(
    doc: Doc, found: list[ClaimSuggestion], rule_claims: Sequence[ClaimSuggestion]
) -> list[ClaimSuggestion]:
    """Rule claims sharing neither a cue nor a content with a tagged claim."""

    def extent(spans: Sequence[Span]) -> tuple[int, int]:
        return min(s.start for s in spans), max(s.end for s in spans)

    taken_cues = [extent(c.cue) for c in found]
    taken_contents = [extent(c.content) for c in found]
    out = []
    for rc in rule_claims:
        if not rc.cue or not rc.content:
            continue
        cue, content = extent(rc.cue), extent(rc.content)
        if any(_overlaps(cue, t) for t in taken_cues) or any(_overlaps(content, t) for t in taken_contents):
            continue
        out.append(rc)
    return out
