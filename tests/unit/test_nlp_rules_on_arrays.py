"""The claim rules read the Doc's arrays and jump over text instead of walking every token and character; what they
find stays the same at the edges: a phrase at the end of a document, a document shorter than a phrase, quote marks
after a long stretch without any, a claim between two sentences, the text a worker already has."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.records import ClaimSuggestion, Span
from annotator.nlp.claim_quotes import find_quotes
from annotator.nlp.issues import _Sentences


def test_quote_marks_after_a_long_stretch_without_any_are_found() -> None:
    plain = "The minister spoke at length about the budget. " * 200
    text = plain + '“We will not give up,” she said.\n\nLater: "More," he said.\n\n― Never again, said Abe.\n' + plain
    quotes = find_quotes(text)
    assert [text[q.inner_start : q.inner_end] for q in quotes] == ["We will not give up,", "More,", " Never again"]
    assert find_quotes(plain) == []
    assert find_quotes("") == []


def test_the_sentences_a_claim_touches_are_found_by_their_bounds() -> None:
    sentences = _Sentences([(0, 10), (11, 20), (21, 30), (31, 31), (32, 40)])

    def touched(*pieces: tuple[int, int]) -> list[tuple[int, int]]:
        claim = ClaimSuggestion(cue=(Span(*pieces[0]),), content=tuple(Span(*p) for p in pieces[1:]))
        return [(s.start, s.end) for s in sentences.touched(claim)]

    assert touched((2, 5)) == [(0, 10)]
    assert touched((2, 5), (15, 25)) == [(0, 10), (11, 20), (21, 30)]
    assert touched((10, 11)) == []  # the gap between two sentences touches neither
    assert touched((9, 12)) == [(0, 10), (11, 20)]
    assert touched((30, 33)) == [(32, 40)]  # an empty sentence is never one
    assert touched((35, 36), (0, 1)) == [(0, 10), (32, 40)]  # in text order, whatever the pieces' order


@pytest.fixture(scope="module")
def rules(nlp: Any) -> Any:
    from annotator.nlp.claims import ClaimSuggester

    return ClaimSuggester(nlp)


def _phrases(nlp: Any, rules: Any, text: str) -> list[str]:
    from annotator.nlp.claim_phrases import phrase_candidates
    from annotator.nlp.claim_quotes import QuoteIndex
    from annotator.nlp.claim_spans import Sentences

    doc = nlp(text)
    found = phrase_candidates(
        doc, QuoteIndex(find_quotes(text), text), rules.lexicon, rules.rules.stop_deps, Sentences(doc)
    )
    return [text[c.source[0] : c.source[1]] for c in found if c.source is not None]


@pytest.mark.slow
def test_a_phrase_cue_is_found_wherever_it_stands(nlp: Any, rules: Any) -> None:
    assert _phrases(nlp, rules, "The talks failed, according to Reuters") == ["Reuters"]
    assert _phrases(nlp, rules, "According to Reuters, the talks failed.") == ["Reuters"]
    assert _phrases(nlp, rules, "In the") == []  # shorter than "in the view of"
    assert _phrases(nlp, rules, "") == []


@pytest.mark.slow
def test_colon_and_noun_cues_are_found_on_the_arrays(nlp: Any, rules: Any) -> None:
    text = (
        "Lavrov: Japan Must Accept the Results of the War\n\nForeign Minister Sergei Lavrov spoke in Moscow. "
        "His claim that the treaty is dead was denied by Tokyo."
    )
    claims = rules.suggest(nlp(text))
    cues = {text[c.cue[0].start : c.cue[0].end] for c in claims}
    assert ":" in cues and "claim" in cues


@pytest.mark.slow
def test_a_worker_uses_the_text_it_was_given(nlp: Any) -> None:
    from annotator.core.resources import sample_codebook
    from annotator.nlp.pipeline import load_pipeline
    from annotator.nlp.suggester import Suggester

    suggester = Suggester(load_pipeline(None), sample_codebook())
    text = "Sergei Lavrov said on Monday that Russia would not return the islands to Japan."
    doc = suggester.loaded.nlp(text)
    expected = suggester.suggest_doc("a", doc)
    assert expected.claims and expected.entities
    assert suggester._suggest_in_worker(doc, ("a", text)) == expected
