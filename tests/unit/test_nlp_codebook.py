"""The suggesters follow the project's codebook: its label map and actor labels, and issue keywords (lower case and
lemmas) that suggest an issue, stored as a suggestion to confirm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.codebook import ActorType, Code, Codebook, Issue, Label
from annotator.core.records import ArticleIn, ClaimSuggestion, Span, Status
from annotator.core.resources import sample_codebook
from annotator.nlp.issues import IssueSuggester
from annotator.nlp.pipeline import LoadedPipeline, load_pipeline
from annotator.nlp.suggester import Suggester
from annotator.store import open_repository

pytestmark = pytest.mark.slow

CLIMATE = Codebook(
    labels=(
        Label("SPEAKER", "#1f77b4", actor=ActorType.PERSON),
        Label("BODY", "#d62728", actor=ActorType.ORGANISATION),
    ),
    spacy_map=(("PERSON", "SPEAKER"), ("ORG", "BODY"), ("GPE", "BODY")),
    kinds=(Code("indirect"),),
    forms=(Code("demand"),),
    issues=(
        Issue("climate", children=(Issue("climate/targets", keywords=("net zero", "emission target")),)),
        Issue("energy", keywords=("coal plant",)),
    ),
)

TEXT = (
    "Anna Berg, the head of the Green Party, said on Monday that Germany must reach net zero by 2040. "
    "The coal plants in Saxony should close, she added. Meanwhile Berlin announced new emission targets."
)


@pytest.fixture(scope="module")
def loaded() -> Iterator[LoadedPipeline]:
    yield load_pipeline()


def test_keywords_match_in_lower_case_and_by_lemma(loaded: LoadedPipeline) -> None:
    issues = IssueSuggester(loaded.nlp, CLIMATE)
    doc = loaded.nlp(TEXT)
    found = {(code, doc.text[s:e]) for code, s, e in issues.matches(doc)}
    assert ("climate/targets", "net zero") in found
    assert ("energy", "coal plants") in found  # lemma: plant
    assert ("climate/targets", "emission targets") in found
    said = TEXT.index("said")
    content = Span(TEXT.index("Germany"), TEXT.index("2040") + 4)
    claim = ClaimSuggestion(cue=(Span(said, said + 4),), content=(content,))
    added = TEXT.index("added")
    by_sentence = ClaimSuggestion(cue=(Span(added, added + 5),), content=())
    nothing = ClaimSuggestion(cue=(Span(0, 4),), content=(Span(0, 9),), issue=None)
    out = issues.suggest(doc, [claim, by_sentence, nothing])
    assert [c.issue for c in out] == ["climate/targets", "energy", "climate/targets"]
    assert not IssueSuggester(loaded.nlp, sample_codebook().__class__()).active


def test_the_suggester_uses_the_codebooks_labels_kinds_and_issues(loaded: LoadedPipeline, tmp_path: Path) -> None:
    suggester = Suggester(loaded, CLIMATE)
    (result,) = suggester.suggest_texts([("a1", TEXT)])
    labels = {e.label for e in result.entities}
    assert labels <= {"SPEAKER", "BODY"} and "SPEAKER" in labels  # DATE, CARDINAL...: not in this codebook
    assert any(a.name == "Anna Berg" for a in result.actors)  # SPEAKER is a person label: names are linked
    assert {c.kind for c in result.claims} <= {"indirect", ""} and {c.form for c in result.claims} <= {"demand", ""}
    assert "climate/targets" in {c.issue for c in result.claims}
    # Stored as suggestions: the issue is there to confirm, in the suggestions layer only.
    repo = open_repository(str(tmp_path / "climate.db"))
    try:
        repo.replace_codebook(CLIMATE)
        article_id = repo.add_article(ArticleIn(text=TEXT)).article_id
        result.article_id = article_id
        repo.store_suggestions(result)
        claims = repo.claims_for(article_id, layer="suggestions")
        assert "climate/targets" in {c.issue for c in claims}
        assert {c.status for c in claims} == {Status.SUGGESTED}
    finally:
        repo.close()
