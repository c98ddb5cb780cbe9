"""Entity suggestions from ``doc.ents``: labels mapped to the project's label set, spans cleaned.

Offsets are spaCy's character offsets, which are Python code-point offsets into ``doc.text`` — exactly the
offsets the rest of the tool uses (an emoji before an entity does not shift it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import IDX, LENGTH

from annotator.core.codebook import ActorType, Codebook
from annotator.core.records import EntitySuggestion

# What spaCy's English models sometimes include in an entity but an analyst would not mark:
# a leading article ("the Northern Territories"), opening quotes/brackets, a possessive ("North Korea's"),
# closing quotes/brackets and punctuation. The possessive is matched with both straight and curly apostrophes.
_LEADING_ARTICLE = re.compile(r"the\s+", re.IGNORECASE)  # used with .match(text, pos): anchored there
_LEADING_PUNCT = "\"'“‘«([{"
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_TRAILING_PUNCT = ",;:!?\"'”’»)]}"
# A final period belongs to the entity when the last word is an abbreviation ("U.S.", "Inc.", "Jr.").
_ABBREVIATIONS = frozenset({"inc", "corp", "co", "ltd", "jr", "sr", "st", "bros", "plc", "llc", "dr", "mr", "mrs"})
_LINE_BREAKS = frozenset("\n\r\v\f\x85\u2028\u2029")
_SENTENCE_END = frozenset(".!?:;\"“”'‘’«»([—–-\n")
#: The label spaCy's English pipelines (OntoNotes scheme) give dates; pipeline vocabulary, not the codebook's.
_PIPELINE_DATE = "DATE"
# Six or more digits in a row make an identifier (licence, phone, record number), not a name or a place.
_ID_NUMBER = re.compile(r"\d{6,}")


@dataclass(frozen=True)
class LabelMap:
    """Maps a pipeline's entity labels to the project's labels (the codebook's ``spacy_map``).

    Attributes:
        mapping: pipeline label -> our label, or None to drop it.
        labels: the project's label names; a pipeline label that is one of them and not mapped is kept as it is,
            any other is dropped.
        actor_types: label -> actor type for the labels that name actors (label order).
    """

    mapping: Mapping[str, str | None]
    labels: frozenset[str]
    actor_types: Mapping[str, ActorType] = field(default_factory=dict)

    @classmethod
    def from_codebook(cls, codebook: Codebook) -> LabelMap:
        return cls(
            mapping=codebook.label_map,
            labels=frozenset(codebook.label_names),
            actor_types=codebook.actor_labels(),
        )

    def pipeline_actor_labels(self, pipeline_labels: Iterable[str]) -> frozenset[str]:
        """The pipeline labels (of ``pipeline_labels``) whose entities become actor mentions."""
        return frozenset(p for p in pipeline_labels if (self.map(p) or "") in self.actor_types)

    def map(self, label: str) -> str | None:
        """Our label for a pipeline label, or None when such entities are dropped."""
        if label in self.mapping:
            target = self.mapping[label]
        elif label in self.labels:
            return label
        else:
            return None
        return target if target is None or target in self.labels else None


def clean_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Trim what spaCy tends to include around an entity; None when nothing sensible is left.

    Args:
        text: the whole document text.
        start: entity start (code points, inclusive).
        end: entity end (exclusive).

    Returns:
        The trimmed ``(start, end)``, or None for empty, whitespace-only or line-spanning spans.
    """
    changed = True
    while changed and start < end:
        before = (start, end)
        while start < end and (text[start].isspace() or text[start] in _LEADING_PUNCT):
            start += 1
        while start < end and (text[end - 1].isspace() or text[end - 1] in _TRAILING_PUNCT):
            end -= 1
        match = _LEADING_ARTICLE.match(text, start, end)
        if match and match.end() < end and _article_not_in_name(text, start):
            start = match.end()
        possessive = _POSSESSIVE.search(text, start, end)
        if possessive and possessive.start() > start:
            end = possessive.start()
        if end - start > 1 and text[end - 1] == "." and not _is_abbreviation(text[start:end]):
            end -= 1
        changed = (start, end) != before
    if start >= end or any(ch in _LINE_BREAKS for ch in text[start:end]):
        # A span across a line break is a headline run into a byline or a caption: junk, not a name.
        return None
    if not any(ch.isalnum() for ch in text[start:end]):
        return None
    return start, end


def _article_not_in_name(text: str, start: int) -> bool:
    """Whether a leading "the"/"The" at ``start`` is an article rather than part of a name.

    Lowercase "the" never starts a name. A capital "The" does ("The Hague", "The New York Times") unless it is
    capitalised only because a sentence, line or quote starts there.
    """
    if text[start] == "t":
        return True
    before = text[:start].rstrip()
    return not before or before[-1] in _SENTENCE_END


def _is_abbreviation(span_text: str) -> bool:
    last = span_text.split()[-1] if span_text.split() else span_text
    stem = last[:-1]
    return "." in stem or stem.lower() in _ABBREVIATIONS or (len(stem) == 1 and stem.isupper())


def entity_suggestions(doc: Any, label_map: LabelMap, text: str | None = None) -> list[EntitySuggestion]:
    """Entity suggestions for one parsed document.

    Args:
        doc: a ``spacy.tokens.Doc`` with entities set.
        label_map: how pipeline labels become ours (see :meth:`LabelMap.from_codebook`).
        text: ``doc.text`` when the caller has read it (spaCy joins every token's text on each read).

    Returns:
        One suggestion per kept entity, in text order, with cleaned code-point offsets into ``doc.text`` and
        ``actor_key`` unset (actor linking fills it).
    """
    # Token offsets and lengths from the Doc's arrays: a Python ``Token`` per token cost more than the rest.
    bounds = doc.to_array([IDX, LENGTH]).astype("int64") if len(doc) else None
    starts = set(bounds[:, 0].tolist()) if bounds is not None else set()
    ends = set((bounds[:, 0] + bounds[:, 1]).tolist()) if bounds is not None else set()
    return suggestions_from_spans(
        doc.text if text is None else text, ((ent.start_char, ent.end_char, ent.label_) for ent in doc.ents),
        label_map, (starts, ends),
    )


def suggestions_from_spans(
    text: str,
    spans: Iterable[tuple[int, int, str]],
    label_map: LabelMap,
    token_bounds: tuple[set[int], set[int]] | None = None,
) -> list[EntitySuggestion]:
    """Same as :func:`entity_suggestions` for ``(start, end, pipeline_label)`` triples over ``text``.

    With ``token_bounds`` (token start and end offsets), a cleaned span that would end inside a token keeps the
    rest of that token: "Fla." and "Mich." are one token each, and a span ending before their period is refused
    by tools that align spans to tokens (Prodigy, spaCy).
    """
    out: list[EntitySuggestion] = []
    for start, end, raw_label in spans:
        label = label_map.map(raw_label)
        if label is None:
            continue
        cleaned = clean_span(text, start, end)
        if cleaned is None:
            continue
        if token_bounds is not None:
            cleaned = _snap_to_tokens(cleaned, end, token_bounds)
        # A pipeline's DATE may well be all digits (20150917); a name or place never is.
        if raw_label != _PIPELINE_DATE and _ID_NUMBER.search(text, cleaned[0], cleaned[1]):
            continue
        out.append(EntitySuggestion(start=cleaned[0], end=cleaned[1], label=label))
    out.sort(key=lambda e: (e.start, e.end))
    return out


def _snap_to_tokens(span: tuple[int, int], raw_end: int, bounds: tuple[set[int], set[int]]) -> tuple[int, int]:
    """Move a cleaned span's edges that fall inside a token out to that token's edges (within the raw span)."""
    starts, ends = bounds
    start, end = span
    while start > 0 and start not in starts:
        start -= 1
    while end < raw_end and end not in ends:
        end += 1
    return start, end
