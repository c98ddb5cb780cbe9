"""Shared pieces of the claim rules: the candidate record and character-span helpers over spaCy tokens."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from annotator.nlp.claim_quotes import Quote

CharSpan = tuple[int, int]

_QUOTE_CHARS = set('"“”«»„')


@dataclass(kw_only=True)
class Candidate:
    """A claim before de-duplication and source resolution (character spans into ``doc.text``).

    Keyword-only: nine of its fields are spans, tokens or short strings, and a swapped pair would still type-check.
    """

    cue: list[CharSpan]
    content: list[CharSpan]
    source_token: Token | None
    source: CharSpan | None
    kind: str
    form: str
    anchor: int  # token index of the cue's head word: one claim per cue word
    rank: int  # lower is more reliable; used to pick between candidates of one cue
    frame: str = ""
    quotes: list[Quote] = field(default_factory=list)
    passive: bool = False  # a passive cue may lack a source ("it was reported that ...")
    dep: str = ""  # dependency label of the cue word (how the claim hangs in its sentence)


def cue_candidate(
    *,
    cue: Iterable[Token],
    content: Iterable[Token],
    source_token: Token,
    stop_deps: frozenset[str],
    kind: str,
    form: str,
    anchor: int,
    rank: int,
    frame: str,
) -> Candidate | None:
    """A candidate made of its cue words, its content words and the head of its source phrase.

    None when nothing is left of the content or the cue once punctuation is trimmed (the rule has no claim).
    """
    content_spans = pieces(content)
    cue_span = token_span(cue, keep_quotes=False)
    if not content_spans or cue_span is None:
        return None
    return Candidate(
        cue=[cue_span], content=content_spans, source_token=source_token,
        source=source_span(source_token, stop_deps), kind=kind, form=form, anchor=anchor, rank=rank, frame=frame,
    )


# --------------------------------------------------------------------------- span helpers


def _trimmed(t: Token, keep_quotes: bool) -> bool:
    """Whether ``t`` is cut from the edge of a span: space, and punctuation other than kept quote marks."""
    if t.is_space:
        return True
    if t.is_punct:
        return not (keep_quotes and t.text in _QUOTE_CHARS)
    return False


def token_span(tokens: Iterable[Token], keep_quotes: bool = True) -> CharSpan | None:
    """Character extent of ``tokens`` with punctuation trimmed at both edges (quote marks kept if asked)."""
    toks = sorted(tokens, key=lambda t: t.i)
    while toks and _trimmed(toks[0], keep_quotes):
        toks.pop(0)
    while toks and _trimmed(toks[-1], keep_quotes):
        toks.pop()
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def pieces(tokens: Iterable[Token]) -> list[CharSpan]:
    """Contiguous runs of ``tokens`` as character spans (for content with the cue cut out of it)."""
    toks = list(tokens)
    if not toks:
        return []
    doc = toks[0].doc
    idx = sorted({t.i for t in toks})
    runs: list[list[int]] = [[idx[0], idx[0]]]  # first and last token of each run
    for i in idx[1:]:
        if i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    out = []
    for first, last in runs:
        # Trimmed from the edges inwards, as ``token_span`` does, without a Python token for the run's middle.
        while first <= last and _trimmed(doc[first], True):
            first += 1
        while last >= first and _trimmed(doc[last], True):
            last -= 1
        if first <= last:
            end = doc[last]
            out.append((doc[first].idx, end.idx + len(end.text)))
    return out


def source_span(tok: Token, stop_deps: frozenset[str]) -> CharSpan | None:
    """The noun phrase of a source: the subject's subtree without relative clauses and trailing modifiers.

    Appositions stay ("Sergei Lavrov, the foreign minister,") because analysts code them as part of the source.
    """
    keep: list[Token] = [tok]
    for child in tok.children:
        if child.dep_ in stop_deps and child.i > tok.i:
            continue
        keep.extend(child.subtree)
    return token_span(same_paragraph(keep, tok) or keep, keep_quotes=False)


def same_paragraph(tokens: Iterable[Token], anchor: Token) -> list[Token]:
    """The tokens between the line breaks around ``anchor``: a parse never legitimately spans a headline and
    the byline or paragraph after it."""
    toks = sorted(tokens, key=lambda t: t.i)
    lo, hi = -1, len(anchor.doc)
    for t in toks:
        if "\n" in t.text or "\n" in t.whitespace_:
            if t.i < anchor.i:
                lo = max(lo, t.i)
            elif t.i > anchor.i:
                hi = min(hi, t.i)
    return [t for t in toks if lo < t.i < hi]


def ends_with_colon(tok: Token) -> bool:
    """Whether the paragraph of ``tok`` ends with a colon after it ("He argued that:" then the content)."""
    doc = tok.doc
    i = tok.i + 1
    while i < len(doc) and "\n" not in doc[i].text:
        i += 1
    last = doc[i - 1] if i - 1 > tok.i else None
    return last is not None and last.text == ":"


def merge(spans: Iterable[CharSpan]) -> list[CharSpan]:
    """Sort and merge overlapping or touching character spans."""
    out: list[CharSpan] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


# --------------------------------------------------------------------------- the rules


class Sentences:
    """The sentences of a Doc, computed once: ``Token.sent`` re-scans the Doc on every call."""

    def __init__(self, doc: Doc) -> None:
        self.spans: list[Span] = list(doc.sents)
        self.index = [0] * len(doc)
        for k, sent in enumerate(self.spans):
            for i in range(sent.start, sent.end):
                self.index[i] = k

    def of(self, i: int) -> Span:
        """The sentence of token ``i``."""
        return self.spans[self.index[i]]
