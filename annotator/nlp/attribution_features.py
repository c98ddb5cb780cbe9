"""Token features of the trained attribution tagger: what the parse and the claim rules say about each token.

The tagger does not learn attributions from words alone. Each token carries, besides spaCy's own token vectors
(``doc.tensor`` of the pipeline's shared ``tok2vec``), the facts the rules already compute: its dependency
label and tag, its relation to the nearest cue word above it in the parse ("inside the ``ccomp`` of *said*",
"the ``nsubj`` of *said*"), whether it is inside a quotation, and the role the rules give it. The model then
learns where the analysts' boundaries differ from the rules' ("has praised", "said Wednesday", a leading "that")
and which rule claims they do not code. Features are strings hashed into one ``uint64`` column each, so any
vocabulary works and nothing needs a lookup table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy
from spacy.strings import hash_string  # type: ignore[attr-defined]
from spacy.tokens import Doc, Token

from annotator.core.records import ClaimSuggestion
from annotator.nlp.claim_lexicon import CueLexicon
from annotator.nlp.claim_quotes import find_quotes

#: The tag set: outside, then begin/inside for each role. Index 0 is "outside".
TAGS: tuple[str, ...] = ("O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT")
ROLES: tuple[str, ...] = ("SOURCE", "CUE", "CONTENT")
#: The feature columns, in order (the model has one hash embedding per column).
FEATURES: tuple[str, ...] = ("lower", "dep", "tag", "ent", "rule", "cue_rel", "quote", "head", "edge")

_MAX_CUE_DEPTH = 12


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


def _is_cue(tok: Token, lexicon: CueLexicon) -> bool:
    lemma = tok.lemma_.lower()
    if tok.pos_ in ("VERB", "AUX"):
        return lexicon.verb(lemma) is not None
    if tok.pos_ == "NOUN":
        return lemma in lexicon.nouns
    if tok.pos_ == "ADJ":
        return lemma in lexicon.adjectives
    return False


def _cue_relation(tok: Token, cue_flags: Sequence[bool]) -> str:
    """How ``tok`` hangs under the nearest cue word above it: ``SELF``, ``<dep>`` of the child of the cue on the
    path with the distance bucket, or ``NONE``."""
    if cue_flags[tok.i]:
        return "SELF"
    child = tok
    head = tok.head
    depth = 1
    while head.i != child.i and depth <= _MAX_CUE_DEPTH:
        if cue_flags[head.i]:
            bucket = "1" if depth == 1 else ("2" if depth <= 3 else "4")
            return f"{child.dep_}:{bucket}"
        child, head = head, head.head
        depth += 1
    return "NONE"


def _quote_states(doc: Doc) -> list[str]:
    """``Q`` for tokens inside a quotation, ``M`` for the quote marks, ``N`` otherwise."""
    states = ["N"] * len(doc)
    for quote in find_quotes(doc.text):
        span = doc.char_span(quote.start, quote.end, alignment_mode="expand")
        if span is None:
            continue
        for i in range(span.start, span.end):
            states[i] = "Q"
        states[span.start] = "M"
        states[span.end - 1] = "M"
    return states


def _edges(doc: Doc) -> list[str]:
    """Where the token sits: sentence start/end, paragraph break after it."""
    out = ["-"] * len(doc)
    for sent in doc.sents:
        out[sent.start] = "S"
        if sent.end - 1 > sent.start:
            out[sent.end - 1] = "E"
    for tok in doc:
        if "\n" in tok.whitespace_ or "\n" in tok.text:
            out[tok.i] += "P"
    return out


def token_features(doc: Doc, rule_claims: Sequence[ClaimSuggestion], lexicon: CueLexicon) -> numpy.ndarray:
    """The feature matrix of ``doc``: one row per token, one hashed column per name in ``FEATURES``.

    Args:
        doc: a Doc parsed by a pipeline with tagger, parser and NER.
        rule_claims: the claims the rules suggest for ``doc`` (their roles become a feature).
        lexicon: the cue lexicon (cue words anchor the parse relation feature).

    Returns:
        A ``(len(doc), len(FEATURES))`` ``uint64`` array.
    """
    rule = role_tags(doc, claim_roles(rule_claims))
    cue_flags = [_is_cue(t, lexicon) for t in doc]
    quotes = _quote_states(doc)
    edges = _edges(doc)
    rows: list[list[str]] = []
    for tok in doc:
        head = tok.head
        rows.append(
            [
                "w=" + tok.lower_,
                "d=" + tok.dep_,
                "t=" + tok.tag_,
                "e=" + tok.ent_iob_ + tok.ent_type_,
                "r=" + rule[tok.i],
                "c=" + _cue_relation(tok, cue_flags),
                "q=" + quotes[tok.i],
                "h=" + (head.lemma_.lower() if cue_flags[head.i] else head.pos_) + ("<" if head.i < tok.i else ">"),
                "x=" + edges[tok.i],
            ]
        )
    if not rows:
        return numpy.zeros((0, len(FEATURES)), dtype="uint64")
    # Hashes, not StringStore entries: predicting must not grow the vocabulary with every new word.
    return numpy.asarray([[hash_string(v) for v in row] for row in rows], dtype="uint64")
