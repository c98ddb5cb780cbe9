"""Resolve pronoun and title sources ("he", "who", "the prime minister") to the named mention they refer to.

A light, rule-based resolver: news writing introduces a speaker by name and then refers back with a pronoun
or a title, usually to the most recent *subject* of a nearby sentence. We therefore look back sentence by
sentence, prefer named mentions that are grammatical subjects, check number/gender where the text tells it
(honorifics such as "Mrs.", a title that preceded the name: "Prime Minister Shinzo Abe" fits "the prime
minister"), and give up beyond a window rather than guess far away.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from spacy.tokens import Doc, Span, Token

CharSpan = tuple[int, int]

_SUBJECT_DEPS = {"nsubj", "nsubjpass"}


@dataclass(frozen=True)
class _Mention:
    span: Span
    subject: bool
    gender: str | None  # "m" / "f" from an honorific, else unknown


@dataclass
class DocIndex:
    """Per-document lookups the resolver needs, built once per ``suggest`` call (never stored on the Doc)."""

    mentions: list[_Mention]
    sent_of: list[int]


class SourceResolver:
    """Resolves a source token to a named entity mention of the same Doc."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.window = int(params["window_sentences"])
        self.subject_window = int(params["subject_window_sentences"])
        self.pronouns: dict[str, str] = {k.lower(): v for k, v in params["pronouns"].items()}
        self.relatives = frozenset(params["relative_pronouns"])
        self.labels: dict[str, frozenset[str]] = {
            k: frozenset(v) for k, v in params["pronoun_labels"].items()
        }
        self.honorifics: dict[str, str] = {k.lower(): v for k, v in params["honorifics"].items()}
        self.person_titles = frozenset(t.lower() for t in params["person_titles"])
        self.org_titles = frozenset(t.lower() for t in params["org_titles"])

    def index(self, doc: Doc) -> DocIndex:
        """Build the per-document lookups (named mentions, sentence of each token)."""
        mentions = []
        for ent in doc.ents:
            subject = any(t.dep_ in _SUBJECT_DEPS for t in ent) or (
                ent.root.dep_ in ("compound", "appos") and ent.root.head.dep_ in _SUBJECT_DEPS
            )
            gender = self.honorifics.get(doc[ent.start - 1].lower_) if ent.start > 0 else None
            mentions.append(_Mention(ent, subject, gender))
        sent_of = [0] * len(doc)
        for k, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                sent_of[i] = k
        return DocIndex(mentions, sent_of)

    def resolve(self, tok: Token, index: DocIndex) -> CharSpan | None:
        """The named mention ``tok`` (head of a source) refers to; None when it is a name itself or unknown.

        Args:
            tok: head token of a source phrase.
            index: ``self.index(tok.doc)``.

        Returns:
            Character span of the antecedent mention, or None.
        """
        if tok.ent_type_ and tok.pos_ == "PROPN":
            return None  # already a name
        lower = tok.lower_
        if lower in self.relatives and tok.head.dep_ == "relcl":
            antecedent = tok.head.head
            ent = _entity_of(antecedent)
            if ent is not None:
                return ent.start_char, ent.end_char
            return self.resolve(antecedent, index) if antecedent.pos_ == "NOUN" else None
        if lower in self.pronouns and tok.pos_ == "PRON":
            kind = self.pronouns[lower]
            return self._nearest(
                tok, index, self.labels.get(kind, frozenset()), kind if kind in ("m", "f") else None
            )
        if tok.pos_ == "NOUN" and not tok.ent_type_:
            if any(
                c.dep_ == "det" and c.lower_ in ("a", "an", "another", "some", "one") for c in tok.children
            ):
                return None  # "a spokesman" introduces someone new; only definite titles refer back
            words = {t.lower_ for t in tok.subtree if t.i <= tok.i}
            if lower in self.person_titles:
                return self._nearest(
                    tok, index, frozenset({"PERSON"}), None, title_words=words & self.person_titles
                )
            if lower in self.org_titles:
                return self._nearest(tok, index, frozenset({"ORG", "GPE", "NORP"}), None)
        return None

    def _nearest(
        self,
        tok: Token,
        index: DocIndex,
        labels: frozenset[str],
        gender: str | None,
        title_words: set[str] | None = None,
    ) -> CharSpan | None:
        """Nearest preceding fitting mention: subjects within a few sentences first, then any mention."""
        sent_of = index.sent_of
        here = sent_of[tok.i]
        fitting = [
            m
            for m in index.mentions
            if m.span.end <= tok.i
            and m.span.label_ in labels
            and here - sent_of[m.span.start] <= self.window
            and (gender is None or m.gender in (None, gender))
        ]
        if title_words:
            titled = [m for m in fitting if _preceded_by(m.span, title_words)]
            if titled:
                return _char(titled[-1].span)
        subjects = [m for m in fitting if m.subject and here - sent_of[m.span.start] <= self.subject_window]
        if subjects:
            # The latest subject of the latest sentence that has one.
            return _char(subjects[-1].span)
        return _char(fitting[-1].span) if fitting else None


def _char(span: Span) -> CharSpan:
    return span.start_char, span.end_char


def _entity_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _preceded_by(span: Span, words: set[str]) -> bool:
    """Whether one of ``words`` appears in the few tokens before ``span`` ("Prime Minister | Shinzo Abe")."""
    doc = span.doc
    window = doc[max(span.start - 4, 0) : span.start]
    return any(t.lower_ in words for t in window)
