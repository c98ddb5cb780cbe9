"""Addressees suggested where the cue governs one, and pronoun / title claimants and addressees linked to actors."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.records import ArticleIn, ArticleSuggestions, ClaimSuggestion, Span
from annotator.core.resources import sample_codebook
from annotator.store.repository import Repository

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def suggester() -> Any:
    from annotator.nlp.pipeline import load_pipeline
    from annotator.nlp.suggester import Suggester

    return Suggester(load_pipeline(None), sample_codebook())


def _claim(suggester: Any, text: str, cue: str) -> tuple[ArticleSuggestions, ClaimSuggestion]:
    found = next(suggester.suggest_texts([("a", text)]))
    for claim in found.claims:
        if " ".join(s.slice(text) for s in claim.cue).startswith(cue):
            return found, claim
    raise AssertionError(f"no claim with cue {cue!r}: {[[s.slice(text) for s in c.cue] for c in found.claims]}")


def _name(found: ArticleSuggestions, key: str | None) -> str | None:
    return next((a.name for a in found.actors if a.key == key), None)


@pytest.mark.parametrize(("text", "cue", "claimant", "addressee"), [
    ("Russian President Vladimir Putin told Abe that the islands are Russian.", "told", "Vladimir Putin", "Abe"),
    ("Foreign Minister Sergei Lavrov urged Japan to sign a peace treaty.", "urged", "Sergei Lavrov", "Japan"),
    ("Prime Minister Shinzo Abe called on Russia to return the islands.", "called", "Shinzo Abe", "Russia"),
    ("Obama warned China that it must respect the ruling.", "warned", "Obama", "China"),
    ("\u201cI positively evaluate the dialogue,\u201d Abe said to Putin.", "said", "Abe", "Putin"),
])
def test_the_addressee_the_cue_governs(suggester: Any, text: str, cue: str, claimant: str, addressee: str) -> None:
    found, claim = _claim(suggester, text, cue)
    assert claim.addressee is not None and claim.addressee.slice(text) == addressee
    assert _name(found, claim.source_actor_key) == claimant
    assert _name(found, claim.addressee_actor_key) == addressee


def test_an_object_pronoun_is_not_the_claimant(suggester: Any) -> None:
    text = "Shinzo Abe met Vladimir Putin in Sochi. Abe later told him that Japan wants the islands back."
    found, claim = _claim(suggester, text, "told")
    assert _name(found, claim.source_actor_key) == "Shinzo Abe"
    assert _name(found, claim.addressee_actor_key) == "Vladimir Putin"


def test_no_actor_no_addressee(suggester: Any) -> None:
    _, claim = _claim(suggester, "Putin told reporters that sanctions hurt.", "told")
    assert claim.addressee is None and claim.addressee_actor_key is None
    _, claim = _claim(suggester, "Lavrov said that the islands belong to Russia.", "said")
    assert claim.addressee_actor_key is None  # "Russia" is in the content, not addressed


def test_pronoun_and_title_claimants_are_linked_to_their_actor(suggester: Any) -> None:
    text = ("Russian President Vladimir Putin met Prime Minister Shinzo Abe on Monday. "
            "He said the talks were useful. The prime minister said Japan wants the islands back.")
    found, he = _claim(suggester, text, "said")
    assert _name(found, he.source_actor_key) == "Vladimir Putin"
    later = [c for c in found.claims if c.cue[0].start > he.cue[0].start]
    assert later and _name(found, later[0].source_actor_key) == "Shinzo Abe"


def test_the_store_keeps_the_suggested_addressee(repo: Repository) -> None:
    from annotator.core.records import ActorSuggestion, EntitySuggestion

    text = "Lavrov urged Japan to sign."
    article_id = repo.add_article(ArticleIn(text=text)).article_id
    lavrov, japan = Span(0, 6), Span(13, 18)
    repo.store_suggestions(ArticleSuggestions(
        article_id, "spacy:test@1",
        entities=[EntitySuggestion(0, 6, "PERSON", "k1"), EntitySuggestion(13, 18, "GPE", "k2")],
        claims=[ClaimSuggestion(cue=(Span(7, 12),), content=(Span(19, 26),), source=(lavrov,),
                                source_actor_key="k1", addressee=japan)],
        actors=[ActorSuggestion("k1", "Sergei Lavrov", "PERSON"), ActorSuggestion("k2", "Japan", "GPE")],
    ))
    (claim,) = repo.claims_for(article_id, layer="suggestions")
    assert (claim.source_actor_name, claim.addressee_name) == ("Sergei Lavrov", "Japan")


def test_a_title_without_a_name_refers_back_to_the_person_introduced_with_it(suggester: Any) -> None:
    text = ("Russian Foreign Minister Sergei Lavrov visited Tokyo in April. Later the top Russian diplomat said "
            "Russia wants a peace treaty.")
    found, claim = _claim(suggester, text, "said")
    assert _name(found, claim.source_actor_key) == "Sergei Lavrov"
    text = ("Prime Minister Shinzo Abe met the press. Japanese Prime Minister said the islands must return.")
    found, claim = _claim(suggester, text, "said")
    assert _name(found, claim.source_actor_key) == "Shinzo Abe"
