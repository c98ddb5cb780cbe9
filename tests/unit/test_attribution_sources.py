"""A claim the tagger gave no source can take its cue's grammatical subject, where training measures it better."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fixtures.attribution import decided, tagged

TEXT = "He said the plan would fail. The mayor agreed."


def _sources(claims: Any) -> list[str]:
    return [TEXT[c.source[0].start : c.source[0].end] if c.source else "" for c in claims]


@pytest.mark.slow
def test_the_cue_subject_is_the_source_only_when_asked(nlp: Any) -> None:
    from annotator.nlp.attribution_linking import link_claims

    doc = nlp(TEXT)
    # The tagger found both cues and the first content, but neither source.
    tags, probs = tagged(doc, [("said", "CUE"), ("the plan would fail", "CONTENT"), ("agreed", "CUE")])
    assert _sources(link_claims(doc, tags, [], probs=probs)) == [""]
    assert _sources(link_claims(doc, tags, [], probs=probs, subject_sources=True)) == ["He"]
    # The "agreed" of the next sentence has no content: no claim, whatever its subject.
    assert len(link_claims(doc, tags, [], probs=probs, subject_sources=True)) == 1


class _Component:
    def __init__(self) -> None:
        self.cfg: dict[str, Any] = {"mode": "model", "pieces": None, "edges": None}


@pytest.mark.slow
def test_training_turns_it_on_only_where_the_annotators_mark_such_sources(nlp: Any) -> None:
    from annotator.core.training_data import DecidedClaim
    from annotator.nlp.attribution_training import RoleDoc
    from annotator.nlp.model_training import TuningSet, choose_subject_sources

    doc = nlp(TEXT)
    tags, probs = tagged(doc, [("said", "CUE"), ("the plan would fail", "CONTENT")])
    tune = [RoleDoc(doc, []) for _ in range(4)]
    predictions: list[tuple[Any, list[Any]]] = [(probs, [])] * 4
    component = _Component()
    with_source = decided(TEXT, "He", "said", "the plan would fail")
    report = choose_subject_sources(component, TuningSet(tune, [[with_source]] * 4, predictions, [tags] * 4))
    assert report["kept"] and component.cfg["subject_sources"] is True
    # These annotators leave such claims without a source: it stays off.
    without = DecidedClaim(cue=with_source.cue, content=with_source.content)
    report = choose_subject_sources(component, TuningSet(tune, [[without]] * 4, predictions, [tags] * 4))
    assert not report["kept"] and component.cfg["subject_sources"] is False
