"""The issue and stance of a claim from the trained code classifiers (``claim_issue``, ``claim_stance``).

The classifiers are bag-of-words ``textcat`` components saved (disabled) in a trained pipeline; they read the
lines a claim spans, so ``nlp(text)`` never classifies whole articles. A code is suggested only above
``MIN_CONFIDENCE``: a guess the classifier is unsure of would cost the analyst more than an empty box.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from annotator.core.records import ClaimSuggestion

ISSUE_PIPE = "claim_issue"
STANCE_PIPE = "claim_stance"
STANCE_LABELS = {-1: "against", 0: "neutral", 1: "for"}
MIN_CONFIDENCE = 0.5


def claim_sentence(doc: Any, start: int, end: int) -> str:
    """The text a code classifier reads for a claim: its sentences, from its first span to its last."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return str(doc.text[start:end])
    first, last = doc[span.start].sent, doc[span.end - 1].sent
    return str(doc.text[first.start_char : last.end_char])


def claim_extent(claim: Any) -> tuple[int, int]:
    """From the first to the last character of a claim's cue and content."""
    spans = [*claim.cue, *claim.content]
    return min(s.start for s in spans), max(s.end for s in spans)


def has_code_classifiers(nlp: Any) -> bool:
    names = set(getattr(nlp, "component_names", ()))
    return ISSUE_PIPE in names or STANCE_PIPE in names


def classify(nlp: Any, pipe_name: str, text: str) -> tuple[str, float] | None:
    """The best code of ``text`` by the classifier ``pipe_name`` of ``nlp`` (None when it has none)."""
    if pipe_name not in nlp.component_names:
        return None
    doc = nlp.get_pipe(pipe_name)(nlp.make_doc(text))
    if not doc.cats:
        return None
    label = max(doc.cats, key=lambda k: doc.cats[k])
    return label, float(doc.cats[label])


def code_claims(nlp: Any, doc: Any, claims: Sequence[ClaimSuggestion]) -> list[ClaimSuggestion]:
    """``claims`` with the issue and stance the classifiers are confident of."""
    stances = {label: value for value, label in STANCE_LABELS.items()}
    out = []
    for claim in claims:
        if not claim.cue or not claim.content:
            out.append(claim)
            continue
        window = claim_sentence(doc, *claim_extent(claim))
        issue = classify(nlp, ISSUE_PIPE, window)
        stance = classify(nlp, STANCE_PIPE, window)
        out.append(dataclasses.replace(
            claim,
            issue=issue[0] if issue and issue[1] >= MIN_CONFIDENCE else claim.issue,
            stance=stances.get(stance[0]) if stance and stance[1] >= MIN_CONFIDENCE else claim.stance,
        ))
    return out
