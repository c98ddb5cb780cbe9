"""Issue suggestions for claims: the codebook's issue keywords, found with spaCy's PhraseMatcher.

Each keyword is matched twice: on the lower-cased text ("Northern Territories" finds "northern territories") and
on lemmas ("sanction" finds "sanctions", "emission target" finds "emission targets"). A claim gets the issue
whose keywords its content mentions most; when the content mentions none, its sentence counts. Ties go to the
more specific issue (deeper in the tree), then to codebook order. The result is a suggestion the analyst confirms
like any other.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from annotator.core.codebook import Codebook
from annotator.core.records import ClaimSuggestion, Span


class IssueSuggester:
    """Finds the issue a claim is about from the keywords of the project's issue codebook.

    Args:
        nlp: the loaded pipeline (its tokenizer and lemmatizer process the keywords as they process articles).
        codebook: the project's codebook; issues without keywords are never suggested.
    """

    def __init__(self, nlp: Any, codebook: Codebook) -> None:
        self._depth = {row.issue.code: row.depth for row in codebook.issue_rows()}
        self._order = {code: n for n, code in enumerate(self._depth)}
        self._lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self._lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self._codes: dict[int, str] = {}
        lemmatizes = _has_lemmas(nlp)
        for row in codebook.issue_rows():
            keywords = [k for k in row.issue.keywords if k.strip()]
            if not keywords:
                continue
            key = nlp.vocab.strings.add(row.issue.code)
            self._codes[key] = row.issue.code
            self._lower.add(row.issue.code, [nlp.make_doc(k) for k in keywords])
            if lemmatizes:
                # Lemmas need the tagger and lemmatizer: run the keywords through the pipeline (a few dozen
                # short phrases, once per suggestion run).
                self._lemma.add(row.issue.code, list(nlp.pipe(keywords)))

    @property
    def active(self) -> bool:
        """False when no issue has keywords (then nothing is suggested)."""
        return bool(self._codes)

    def matches(self, doc: Doc) -> list[tuple[str, int, int]]:
        """(issue code, start char, end char) of every keyword found in ``doc`` (lower case or lemma)."""
        if not self._codes:
            return []
        found: set[tuple[str, int, int]] = set()
        for matcher in (self._lower, self._lemma):
            if len(matcher) == 0:
                continue
            for key, start, end in matcher(doc):
                span = doc[start:end]
                found.add((self._codes[key], span.start_char, span.end_char))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def suggest(self, doc: Doc, claims: Sequence[ClaimSuggestion]) -> list[ClaimSuggestion]:
        """The claims with ``issue`` set where their content, or else their sentence, mentions keywords."""
        hits = self.matches(doc)
        if not hits:
            return list(claims)
        sentences = _Sentences(_sentence_bounds(doc))
        out = []
        for claim in claims:
            issue = claim.issue or self._best(hits, claim.content) or self._best(hits, sentences.touched(claim))
            out.append(claim if issue == claim.issue else _with_issue(claim, issue))
        return out

    def _best(self, hits: list[tuple[str, int, int]], spans: Sequence[Span]) -> str | None:
        counts: Counter[str] = Counter(
            code for code, start, end in hits if any(s.start <= start and end <= s.end for s in spans)
        )
        if not counts:
            return None
        return min(counts, key=lambda c: (-counts[c], -self._depth.get(c, 0), self._order.get(c, 0)))


def _with_issue(claim: ClaimSuggestion, issue: str | None) -> ClaimSuggestion:
    return replace(claim, issue=issue)


def _has_lemmas(nlp: Any) -> bool:
    try:
        return any("token.lemma" in nlp.get_pipe_meta(name).assigns for name in nlp.pipe_names)
    except (AttributeError, KeyError, ValueError):
        return False


def _sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    if not (doc.has_annotation("SENT_START") or doc.has_annotation("DEP")):
        return []
    return [(s.start_char, s.end_char) for s in doc.sents]


class _Sentences:
    """The sentences of a Doc as character bounds, in text order, and which of them a claim touches."""

    def __init__(self, bounds: list[tuple[int, int]]) -> None:
        self.bounds = bounds
        self.starts = [start for start, _ in bounds]
        self.ends = [end for _, end in bounds]

    def touched(self, claim: ClaimSuggestion) -> list[Span]:
        """The sentences the claim's cue and content touch, as spans, in text order.

        Found by bisection on the bounds (sentences follow each other without overlap), not by a scan of every
        sentence for every claim.
        """
        hit: set[int] = set()
        for piece in (*claim.cue, *claim.content):
            # Sentences ending after the piece starts and starting before it ends.
            hit.update(range(bisect_right(self.ends, piece.start), bisect_left(self.starts, piece.end)))
        return [Span(*self.bounds[k]) for k in sorted(hit) if self.bounds[k][1] > self.bounds[k][0]]
