"""Token features of the trained attribution tagger: what the parse and the claim rules say about each token.

The tagger does not learn attributions from words alone. Each token carries, besides spaCy's own token vectors
(``doc.tensor`` of the pipeline's shared ``tok2vec``), the facts the rules already compute: its word, lemma and
shape, its dependency label and tag, its relation to the nearest cue word above it in the parse ("inside the
``ccomp`` of *said*", "the ``nsubj`` of *said*") and that cue's lemma, where it sits relative to the cue words of
its sentence, whether it is inside a quotation or is a quote mark, and the role the rules give it. The model then
learns where the analysts' boundaries differ from the rules' ("has praised", "said Wednesday", a leading
"that") and which rule claims they do not code.

Every column is a ``uint64`` key (spaCy's own string hashes, or small codes mixed with them) that the network
hashes into an embedding table, so any vocabulary works and nothing needs a lookup table. The columns are
computed with ``Doc.to_array`` and numpy, a few whole-array operations per document: a Python loop over
``Token`` objects cost more than the network itself (issue 11, point 6).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import numpy
from spacy.attrs import (
    DEP,
    ENT_IOB,
    ENT_TYPE,
    HEAD,
    IDX,
    LEMMA,
    LOWER,
    POS,
    SENT_START,
    SHAPE,
    SUFFIX,
    TAG,
)
from spacy.tokens import Doc

from annotator.core.records import ClaimSuggestion
from annotator.nlp.claim_lexicon import CueLexicon
from annotator.nlp.claim_quotes import find_quotes

#: The tag set: outside, then begin/inside for each role. Index 0 is "outside".
TAGS: tuple[str, ...] = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ROLES: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
#: The feature columns, in order (the model has one hash embedding per column).
FEATURES: tuple[str, ...] = (
    "lower",  # the word
    "lemma",
    "suffix",  # the last three characters (unknown words, inflection)
    "shape",  # capitalisation, digits, punctuation
    "dep",
    "tag",
    "ent",  # entity type and IOB
    "rule",  # the BIO role the rules give the token
    "cue_rel",  # dependency of the path below the nearest cue above it, with a distance bucket
    "cue_lemma",  # the lemma of that cue ("the head verb" of the attribution)
    "head",  # the head's lemma when it is a cue, else its part of speech; with the direction
    "dep_pair",  # own dependency label with the head's
    "quote",  # inside a quotation, an opening or closing quote mark, or outside
    "edge",  # sentence start/end (and the next tokens), paragraph break
    "cue_dist",  # signed distance bucket to the nearest cue word of the sentence
)
#: Rows of each column's hash embedding: words get many, small categorical columns few.
EMBED_ROWS: tuple[int, ...] = (5000, 5000, 2000, 500, 200, 200, 200, 50, 500, 1000, 1000, 1000, 50, 100, 50)

_MAX_CUE_DEPTH = 12
_PARAGRAPH = re.compile(r"\n")
# Odd 64-bit constants to mix a small code into a string hash (numpy's uint64 arithmetic wraps silently).
_MIX_A = numpy.uint64(0x9E3779B97F4A7C15)
_MIX_B = numpy.uint64(0xC2B2AE3D27D4EB4F)
_QUOTE_NONE, _QUOTE_IN, _QUOTE_OPEN, _QUOTE_CLOSE = 0, 1, 2, 3
# Signed distance (in tokens) to the nearest cue word of the sentence, in buckets; the last code: no cue.
_DIST_EDGES = numpy.asarray([-20, -8, -3, -1, 0, 1, 3, 8, 20])
_NO_CUE = len(_DIST_EDGES) + 1
# The distance buckets of the cue relation, pre-mixed (a numpy scalar product that wraps would warn).
_BUCKETS = {b: numpy.uint64((b * 0xC2B2AE3D27D4EB4F) & 0xFFFFFFFFFFFFFFFF) for b in (1, 2, 4)}


def role_tags(doc: Doc, roles: Sequence[tuple[int, int, str]]) -> list[str]:
    """BIO tags of ``doc``'s tokens for character spans ``(start, end, ROLE)``; where roles overlap, the first
    given wins (callers pass cues first: an inner attribution's cue inside another's content stays a cue)."""
    tags = ["O"] * len(doc)
    for start, end, role in roles:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or len(span) == 0:
            continue
        if any(tags[i] != "O" for i in range(span.start, span.end)):
            free = [i for i in range(span.start, span.end) if tags[i] == "O"]
            # Keep the free runs of the span, each starting with B-.
            prev = -2
            for i in free:
                tags[i] = ("I-" if i == prev + 1 else "B-") + role
                prev = i
            continue
        tags[span.start] = "B-" + role
        for i in range(span.start + 1, span.end):
            tags[i] = "I-" + role
    return tags


def claim_roles(claims: Sequence[ClaimSuggestion]) -> list[tuple[int, int, str]]:
    """The character spans of ``claims`` as ``(start, end, ROLE)``, cues first, then sources, then contents."""
    out: list[tuple[int, int, str]] = []
    for attr, role in (("cue", "CUE"), ("source", "SOURCE"), ("content", "CONTENT")):
        for claim in claims:
            out.extend((s.start, s.end, role) for s in getattr(claim, attr))
    return out


class FeatureExtractor:
    """Computes :func:`token_features` columns; remembers which (lemma, part of speech) pairs are cue words.

    Args:
        lexicon: the cue lexicon (cue words anchor the parse relation features).
        learned: ``(lemma, part of speech)`` pairs that count as cue words too: the ones the analysts marked as
            cues often enough in the training documents (:func:`learn_cues`).
    """

    def __init__(self, lexicon: CueLexicon, learned: Iterable[tuple[str, str]] = ()) -> None:
        self.lexicon = lexicon
        self.learned = frozenset(learned)
        self._cue_keys: dict[tuple[int, int], bool] = {}

    def _cue_flags(self, doc: Doc, lemmas: numpy.ndarray, pos: numpy.ndarray) -> numpy.ndarray:
        """Whether each token is a cue word of the lexicon (a verb, noun or adjective cue), one look-up per
        distinct (lemma, part of speech) pair, remembered across documents."""
        keys = lemmas ^ (pos * _MIX_A)
        unique, inverse = numpy.unique(keys, return_inverse=True)
        flags = numpy.zeros(len(unique), dtype=bool)
        strings = doc.vocab.strings
        first = numpy.full(len(unique), -1, dtype="int64")
        first[inverse[::-1]] = numpy.arange(len(keys))[::-1]
        for k, i in enumerate(first):
            pair = (int(lemmas[i]), int(pos[i]))
            known = self._cue_keys.get(pair)
            if known is None:
                known = self._is_cue(strings[pair[0]].lower(), strings[pair[1]])
                self._cue_keys[pair] = known
            flags[k] = known
        return flags[inverse]

    def _is_cue(self, lemma: str, pos: str) -> bool:
        if (lemma, pos) in self.learned:
            return True
        if pos in ("VERB", "AUX"):
            return self.lexicon.verb(lemma) is not None
        if pos == "NOUN":
            return lemma in self.lexicon.nouns
        if pos == "ADJ":
            return lemma in self.lexicon.adjectives
        return False

    def __call__(self, doc: Doc, rule_claims: Sequence[ClaimSuggestion]) -> numpy.ndarray:
        """The feature matrix of ``doc``: one row per token, one ``uint64`` column per name in ``FEATURES``.

        Args:
            doc: a Doc parsed by a pipeline with tagger, parser and NER.
            rule_claims: the claims the rules suggest for ``doc`` (their roles become a feature).

        Returns:
            A ``(len(doc), len(FEATURES))`` ``uint64`` array.
        """
        n = len(doc)
        if n == 0:
            return numpy.zeros((0, len(FEATURES)), dtype="uint64")
        arr = doc.to_array([LOWER, LEMMA, SUFFIX, SHAPE, DEP, TAG, POS, ENT_IOB, ENT_TYPE]).astype("uint64")
        lower, lemma, suffix, shape, dep, tag, pos, ent_iob, ent_type = arr.T
        rel = doc.to_array([HEAD, SENT_START, IDX]).astype("int64")
        index = numpy.arange(n)
        heads = index + rel[:, 0]
        starts = rel[:, 2]
        cue = self._cue_flags(doc, lemma, pos)

        cue_rel, cue_lemma = _cue_relations(heads, cue, dep, lemma)
        head_key = numpy.where(cue[heads], lemma[heads], pos[heads]) ^ ((heads < index).astype("uint64") * _MIX_B)
        sent_id = numpy.cumsum(rel[:, 1] == 1) if n else numpy.zeros(0, dtype="int64")
        out = numpy.empty((n, len(FEATURES)), dtype="uint64")
        out[:, 0] = lower
        out[:, 1] = lemma
        out[:, 2] = suffix
        out[:, 3] = shape
        out[:, 4] = dep
        out[:, 5] = tag
        out[:, 6] = ent_type ^ (ent_iob * _MIX_A)
        out[:, 7] = _rule_codes(doc, rule_claims)
        out[:, 8] = cue_rel
        out[:, 9] = cue_lemma
        out[:, 10] = head_key
        out[:, 11] = dep ^ (dep[heads] * _MIX_A)
        text = doc.text  # spaCy joins every token's text on each read: once per document
        out[:, 12] = _quote_states(text, starts, n)
        out[:, 13] = _edges(text, starts, sent_id)
        out[:, 14] = _cue_distances(cue, sent_id)
        return out


#: Parts of speech a learned cue word can have (the lexicon's kinds of cue words).
_CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ"})


def learn_cues(
    docs: Iterable[tuple[Doc, Sequence[tuple[int, int, str]]]], *, min_count: int = 2, min_ratio: float = 0.1
) -> list[tuple[str, str]]:
    """The ``(lemma, part of speech)`` pairs that the analysts marked as (part of) a cue at least ``min_count``
    times and in at least ``min_ratio`` of their occurrences, in documents with their role spans.

    PolNeAR's cues are a long tail of wordings ("reflects", "makes no apologies for") that the built-in lexicon
    does not list; a word the project's analysts mark as a cue again and again gets the cue words' parse relation
    features ("inside the ``ccomp`` of *reflect*") at suggestion time too.
    """
    marked: dict[tuple[str, str], int] = {}
    seen: dict[tuple[str, str], int] = {}
    for doc, roles in docs:
        cue_tokens: set[int] = set()
        for start, end, role in roles:
            if role == "CUE":
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None:
                    cue_tokens.update(range(span.start, span.end))
        for token in doc:
            if token.pos_ in _CUE_POS and any(ch.isalpha() for ch in token.lemma_):
                key = (token.lemma_.lower(), token.pos_)
                seen[key] = seen.get(key, 0) + 1
                if token.i in cue_tokens:
                    marked[key] = marked.get(key, 0) + 1
    return sorted(k for k, n in marked.items() if n >= min_count and n >= min_ratio * seen[k])


def token_features(doc: Doc, rule_claims: Sequence[ClaimSuggestion], lexicon: CueLexicon) -> numpy.ndarray:
    """The feature matrix of ``doc`` (see :class:`FeatureExtractor`; this builds one for a single call)."""
    return FeatureExtractor(lexicon)(doc, rule_claims)


def _cue_relations(
    heads: numpy.ndarray, cue: numpy.ndarray, dep: numpy.ndarray, lemma: numpy.ndarray
) -> tuple[numpy.ndarray, numpy.ndarray]:
    """Per token: how it hangs under the nearest cue word above it (the dependency label of the path's node just
    below the cue, mixed with a distance bucket; 1 for the cue itself, 0 for none), and that cue's lemma (0 for
    none). All tokens walk up the parse together, one array step per level."""
    n = len(heads)
    rel = numpy.zeros(n, dtype="uint64")
    cue_lemma = numpy.zeros(n, dtype="uint64")
    rel[cue] = 1
    cue_lemma[cue] = lemma[cue]
    done = cue.copy()
    child = numpy.arange(n)
    head = heads.copy()
    for depth in range(1, _MAX_CUE_DEPTH + 1):
        active = ~done & (head != child)
        if not active.any():
            break
        hit = active & cue[head]
        if hit.any():
            rel[hit] = dep[child[hit]] ^ _BUCKETS[1 if depth == 1 else (2 if depth <= 3 else 4)]
            cue_lemma[hit] = lemma[head[hit]]
            done |= hit
        child = head
        head = heads[head]
    return rel, cue_lemma


def _rule_codes(doc: Doc, rule_claims: Sequence[ClaimSuggestion]) -> numpy.ndarray:
    """The index in ``TAGS`` of the role the rules give each token (0 outside every rule claim)."""
    codes = numpy.zeros(len(doc), dtype="uint64")
    if not rule_claims:
        return codes
    index = {tag: k for k, tag in enumerate(TAGS)}
    for i, tag in enumerate(role_tags(doc, claim_roles(rule_claims))):
        if tag != "O":
            codes[i] = index[tag]
    return codes


def _token_of(starts: numpy.ndarray, chars: numpy.ndarray) -> numpy.ndarray:
    """The token containing each character offset (the last token starting at or before it)."""
    return numpy.searchsorted(starts, chars, side="right") - 1


def _quote_states(text: str, starts: numpy.ndarray, n: int) -> numpy.ndarray:
    """Inside a quotation, its opening or closing mark, or outside, per token (codes ``_QUOTE_*``)."""
    states = numpy.full(n, _QUOTE_NONE, dtype="uint64")
    quotes = find_quotes(text)
    if not quotes:
        return states
    first = _token_of(starts, numpy.asarray([q.start for q in quotes]))
    last = _token_of(starts, numpy.asarray([max(q.start, q.end - 1) for q in quotes]))
    for a, b, quote in zip(first, last, quotes, strict=True):
        a, b = max(int(a), 0), max(int(b), 0)
        states[a : b + 1] = _QUOTE_IN
        if quote.inner_start > quote.start:
            states[a] = _QUOTE_OPEN
        if quote.closed and quote.inner_end < quote.end:
            states[b] = _QUOTE_CLOSE
    return states


def _edges(text: str, starts: numpy.ndarray, sent_id: numpy.ndarray) -> numpy.ndarray:
    """Position in the sentence (first, second, last, second to last, other), with a paragraph-break flag."""
    n = len(starts)
    index = numpy.arange(n)
    boundaries = numpy.flatnonzero(numpy.diff(sent_id, prepend=-1))  # first token of each sentence
    sent_start = boundaries[sent_id - 1] if len(boundaries) and sent_id.min() >= 1 else numpy.zeros(n, dtype="int64")
    ends = numpy.append(boundaries[1:], n)
    sent_end = ends[sent_id - 1] if len(boundaries) and sent_id.min() >= 1 else numpy.full(n, n)
    from_start = index - sent_start
    to_end = sent_end - 1 - index
    code = numpy.full(n, 5, dtype="uint64")
    code[from_start == 1] = 2
    code[to_end == 1] = 4
    code[to_end == 0] = 3
    code[from_start == 0] = 1
    breaks = [m.start() for m in _PARAGRAPH.finditer(text)]
    if breaks:
        code[_token_of(starts, numpy.asarray(breaks))] |= numpy.uint64(8)
    return code


def _cue_distances(cue: numpy.ndarray, sent_id: numpy.ndarray) -> numpy.ndarray:
    """Signed distance bucket from each token to the nearest cue word of its sentence (``_NO_CUE`` if none)."""
    n = len(cue)
    out = numpy.full(n, _NO_CUE, dtype="uint64")
    positions = numpy.flatnonzero(cue)
    if not len(positions):
        return out
    index = numpy.arange(n)
    after = numpy.searchsorted(positions, index, side="left")  # first cue at or after the token
    nxt = positions[numpy.minimum(after, len(positions) - 1)]
    prv = positions[numpy.maximum(after - 1, 0)]
    d_next = numpy.where((nxt >= index) & (sent_id[nxt] == sent_id), nxt - index, n + 1)
    d_prev = numpy.where((prv <= index) & (sent_id[prv] == sent_id), index - prv, n + 1)
    # Negative: the token is before the cue; positive: after it.
    signed = numpy.where(d_next <= d_prev, -d_next, d_prev)
    has = numpy.minimum(d_next, d_prev) <= n
    out[has] = numpy.searchsorted(_DIST_EDGES, signed[has], side="left").astype("uint64")
    return out
