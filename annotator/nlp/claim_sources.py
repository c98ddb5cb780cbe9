"""Resolve pronoun and title sources ("he", "who", "the prime minister") to the named mention they refer to.

A light, rule-based resolver: news writing introduces a speaker by name and then refers back with a pronoun
or a title, usually to the most recent *subject* of a nearby sentence. We therefore look back sentence by
sentence, prefer named mentions that are grammatical subjects, check number/gender where the text tells it
(honorifics such as "Mrs.", a title that preceded the name: "Prime Minister Shinzo Abe" fits "the prime
minister"), and give up beyond a window rather than guess far away.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from spacy.attrs import DEP, LOWER, POS
from spacy.symbols import PRON
from spacy.tokens import Doc, Span, Token

from annotator.nlp.claim_spans import Sentences

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
    speakers: list[_Mention] = field(default_factory=list)  # named sources of the claims seen so far
    # The mentions by their character bounds and by each of their tokens (entities do not overlap).
    by_chars: dict[CharSpan, _Mention] = field(default_factory=dict)
    by_token: dict[int, _Mention] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for m in self.mentions:
            self.by_chars.setdefault((m.span.start_char, m.span.end_char), m)
            for i in range(m.span.start, m.span.end):
                self.by_token.setdefault(i, m)


class SourceResolver:
    """Resolves a source token to a named entity mention of the same Doc."""

    def __init__(self, params: dict[str, Any]) -> None:
        self.window = int(params["window_sentences"])
        self.subject_window = int(params["subject_window_sentences"])
        self.pronouns: dict[str, str] = {k.lower(): v for k, v in params["pronouns"].items()}
        self.relatives = frozenset(params["relative_pronouns"])
        self.labels: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in params["pronoun_labels"].items()}
        # The pipeline's entity labels of people (what "he" / "she" refer to) and of collectives ("they"): pipeline
        # vocabulary from claim_patterns.json, not the project's codebook.
        self.person_labels = self.labels.get("m", frozenset()) | self.labels.get("f", frozenset())
        self.group_labels = self.labels.get("p", frozenset())
        self.honorifics: dict[str, str] = {k.lower(): v for k, v in params["honorifics"].items()}
        self.first_names: dict[str, str] = {
            name.lower(): gender for gender, names in params.get("first_names", {}).items() for name in names
        }
        self.person_titles = frozenset(t.lower() for t in params["person_titles"])
        # "the top diplomat" refers back to "Foreign Minister Lavrov", "the premier" to "Prime Minister Abe".
        self.title_synonyms: dict[str, frozenset[str]] = {
            k.lower(): frozenset(w.lower() for w in v) for k, v in params.get("title_synonyms", {}).items()
        }
        self.org_titles = frozenset(t.lower() for t in params["org_titles"])

    def index(self, doc: Doc, sents: Sentences | None = None) -> DocIndex:
        """Build the per-document lookups (named mentions, sentence of each token, genders of people)."""
        sents = sents or Sentences(doc)
        sent_of = sents.index
        # ``Doc.ents`` builds its spans on each read, and a Python ``Token`` per token cost more than the rest:
        # the entities are read once, the tokens' dependency labels and pronouns come from the Doc's arrays.
        ents = doc.ents
        columns = doc.to_array([DEP, POS, LOWER]) if len(doc) else np.zeros((0, 3), dtype=np.uint64)
        genders = self._genders(doc, sents, ents, columns)
        subject_ids = {doc.vocab.strings.as_int(dep) for dep in _SUBJECT_DEPS}
        deps = columns[:, 0].tolist()
        mentions = []
        for ent in ents:
            root = ent.root
            if root.dep_ == "amod":
                continue  # "Japanese officials": an adjective names no one a pronoun could refer to
            subject = any(deps[i] in subject_ids for i in range(ent.start, ent.end)) or (
                root.dep_ in ("compound", "appos") and root.head.dep_ in _SUBJECT_DEPS
            )
            gender = genders.get(_key(ent)) if ent.label_ in self.person_labels else None
            mentions.append(_Mention(ent, subject, gender))
        return DocIndex(mentions, sent_of)

    def _genders(self, doc: Doc, sents: Sentences, ents: Sequence[Span], columns: np.ndarray) -> dict[str, str]:
        """Gender of each person (by surname) as the article itself tells it.

        An honorific ("Mrs. Inada") weighs most, then a common first name (``first_names`` in
        claim_patterns.json), then the pronouns that follow a person in a sentence naming no one else
        ("Inada said her plan ...").
        """
        votes: dict[str, dict[str, int]] = {}
        # People by sentence in one pass (Span.ents scans every entity of the Doc on each call).
        by_sentence: dict[int, list[Span]] = {}
        for ent in ents:
            if ent.label_ in self.person_labels:
                by_sentence.setdefault(sents.index[ent.start], []).append(ent)
        if not by_sentence:
            return {}
        strings = doc.vocab.strings
        # The gendered pronouns of the Doc, in text order: (token index, "m" or "f").
        pronouns = [
            (i, kind)
            for i in np.flatnonzero(columns[:, 1] == PRON).tolist()
            if (kind := self.pronouns.get(strings[int(columns[i, 2])])) in ("m", "f")
        ]
        pronoun_at = [i for i, _ in pronouns]
        for k, people in by_sentence.items():
            sent = sents.spans[k]
            keys = [_key(ent) for ent in people]
            for ent, key in zip(people, keys, strict=True):
                honorific = self.honorifics.get(doc[ent.start - 1].lower_) if ent.start > 0 else None
                words = [t.lower_ for t in ent if t.is_alpha]
                given = self.first_names.get(words[0]) if len(words) > 1 else None
                for gender, weight in ((honorific, 10), (given, 5)):
                    if gender in ("m", "f"):
                        votes.setdefault(key, {}).setdefault(gender, 0)
                        votes[key][gender] += weight
            if len(set(keys)) != 1:
                continue
            ent, key = people[0], keys[0]
            for p in range(bisect_left(pronoun_at, ent.end), bisect_left(pronoun_at, sent.end)):
                kind = pronouns[p][1]
                votes.setdefault(key, {}).setdefault(kind, 0)
                votes[key][kind] += 1
        out = {}
        for key, count in votes.items():
            m, f = count.get("m", 0), count.get("f", 0)
            if m != f:
                out[key] = "m" if m > f else "f"
        return out

    def note_speaker(self, index: DocIndex, source: Token | None, ref: CharSpan | None) -> None:
        """Remember who spoke (the named source, or what a pronoun resolved to) for later pronouns.

        Call it for each claim in text order: "Lavrov said X. He added Y." resolves "He" to the last speaker.
        """
        if ref is not None:
            found = index.by_chars.get(ref)
        else:
            found = index.by_token.get(source.i) if source is not None else None
        if found is not None:
            index.speakers.append(found)

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
            return self._nearest(tok, index, self.labels.get(kind, frozenset()), kind if kind in ("m", "f") else None)
        if any(t.ent_type_ for t in tok.subtree if t.i < tok.i and t.dep_ in ("compound", "poss", "nmod")):
            return None  # "the Shinzo Abe administration" names its referent already
        if tok.pos_ == "PROPN" and not tok.ent_type_ and lower in self.person_titles:
            # "Japanese Prime Minister said ...": a capitalised title without a name refers back to the person
            # introduced with it.
            words = {t.lower_ for t in tok.subtree if t.i <= tok.i}
            return self._nearest(tok, index, self.person_labels, None, title_words=self._titles(words))
        if tok.pos_ == "NOUN" and not tok.ent_type_:
            if any(c.dep_ == "det" and c.lower_ in ("a", "an", "another", "some", "one") for c in tok.children):
                return None  # "a spokesman" introduces someone new; only definite titles refer back
            words = {t.lower_ for t in tok.subtree if t.i <= tok.i}
            if lower in self.person_titles:
                return self._nearest(tok, index, self.person_labels, None, title_words=self._titles(words))
            if lower in self.org_titles:
                return self._nearest(tok, index, self.group_labels, None)
        return None

    def _titles(self, words: set[str]) -> set[str]:
        """The title words of a source, with the words that stand for them ("diplomat": foreign, minister)."""
        titles = words & self.person_titles
        for word in list(titles):
            titles |= self.title_synonyms.get(word, frozenset())
        # Modifiers alone ("former", "vice", "foreign") do not identify anyone.
        return titles

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

        def before(mentions: list[_Mention], window: int) -> list[_Mention]:
            """The mentions of a fitting label and gender ending before ``tok``, at most ``window`` sentences back."""
            return [
                m
                for m in mentions
                if m.span.end <= tok.i
                and m.span.label_ in labels
                and here - sent_of[m.span.start] <= window
                and (gender is None or m.gender in (None, gender))
            ]

        fitting = before(index.mentions, self.window)
        if title_words is not None:
            # A title refers back only to someone introduced with it ("Prime Minister Shinzo Abe" for "the
            # prime minister"); anyone else is a guess an analyst would have to undo.
            titled = [m for m in fitting if _titled(m.span, title_words)]
            return _char(titled[-1].span) if titled else None
        # The last speaker, when recent: reporting moves from quote to quote of the same person.
        speakers = before(index.speakers, self.subject_window)
        if speakers:
            return _char(speakers[-1].span)
        subjects = [m for m in fitting if m.subject and here - sent_of[m.span.start] <= self.subject_window]
        if subjects:
            # The latest subject of the latest sentence that has one.
            return _char(subjects[-1].span)
        return _char(fitting[-1].span) if fitting else None


def _key(ent: Span) -> str:
    """A person's key for gender: the surname ("Tomomi Inada" and "Mrs. Inada" share "inada")."""
    words = [t.lower_ for t in ent if t.is_alpha]
    return words[-1] if words else ent.text.lower()


def _char(span: Span) -> CharSpan:
    return span.start_char, span.end_char


def _entity_of(tok: Token) -> Span | None:
    if not tok.ent_type_:
        return None
    for ent in tok.doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent
    return None


def _titled(span: Span, words: set[str]) -> bool:
    """Whether ``span`` comes with one of the title ``words``: just before it ("Prime Minister | Shinzo Abe")
    or in an apposition ("Sergei Lavrov, the foreign minister,")."""
    doc = span.doc
    window = doc[max(span.start - 4, 0) : span.start]
    if any(t.lower_ in words for t in window):
        return True
    appositions = [c for c in span.root.children if c.dep_ == "appos"]
    return any(t.lower_ in words for a in appositions for t in a.subtree)
