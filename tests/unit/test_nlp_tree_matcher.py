"""The claim rules' dependency matcher gives exactly what spaCy's DependencyMatcher gives, in the same order."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.core.resources import seeds_dir


def _both(nlp: Any, patterns: dict[str, list[list[dict[str, Any]]]]) -> tuple[Any, Any]:
    from spacy.matcher import DependencyMatcher

    from annotator.nlp.tree_matcher import TreeMatcher

    ours, spacys = TreeMatcher(nlp.vocab), DependencyMatcher(nlp.vocab)
    for name, group in patterns.items():
        ours.add(name, group)
        spacys.add(name, group)
    return ours, spacys


def _spacy_matches(matcher: Any, doc: Any) -> list[tuple[int, list[int]]]:
    return [(key, list(ids)) for key, ids in matcher(doc)]


def test_claim_patterns_match_as_spacy_does_on_the_seed_articles(nlp: Any) -> None:
    from annotator.nlp.claim_lexicon import FRAMES
    from annotator.nlp.claim_rules import _fill
    from annotator.nlp.claims import ClaimSuggester

    rules = ClaimSuggester(nlp).rules
    lexicon = rules.lexicon
    placeholders = {f"${frame}": lexicon.lemmas_for(frame) for frame in FRAMES}
    placeholders.update({"$prep": lexicon.lemmas_for("prep"), "$adj": sorted(lexicon.adjectives),
                         "$raising": sorted(lexicon.raising)})
    patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for entry in lexicon.param("dependency_patterns"):
        patterns.setdefault(entry["name"], []).append(_fill(entry["pattern"], placeholders))
    ours, spacys = _both(nlp, patterns)
    assert ours.native  # the shipped patterns do not fall back on spaCy's matcher
    seeds = seeds_dir()
    assert seeds is not None, "the sample corpus is part of the checkout"
    texts = [p.read_text(encoding="utf-8") for p in sorted(seeds.glob("*.txt"))[:12]]
    assert texts
    matched = 0
    for doc in nlp.pipe(texts):
        expected = _spacy_matches(spacys, doc)
        assert ours(doc) == expected
        assert rules.matcher(doc) == expected  # what the rules use
        matched += len(expected)
    assert matched > 50  # the comparison covered many matches, not a few


def test_chains_heads_several_patterns_per_key_and_any_token(nlp: Any) -> None:
    patterns = {
        "chain": [[
            {"RIGHT_ID": "v", "RIGHT_ATTRS": {"POS": "VERB"}},
            {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "p", "RIGHT_ATTRS": {"DEP": {"IN": ["prep", "agent"]}}},
            {"LEFT_ID": "p", "REL_OP": ">", "RIGHT_ID": "o", "RIGHT_ATTRS": {}},
        ]],
        "up": [
            [{"RIGHT_ID": "n", "RIGHT_ATTRS": {"TAG": {"IN": ["NN", "NNS", "NNP"]}}},
             {"LEFT_ID": "n", "REL_OP": "<", "RIGHT_ID": "h", "RIGHT_ATTRS": {"LOWER": {"IN": ["of", "said", "in"]}}}],
            [{"RIGHT_ID": "x", "RIGHT_ATTRS": {"ORTH": "said"}},
             {"LEFT_ID": "x", "REL_OP": ">", "RIGHT_ID": "a", "RIGHT_ATTRS": {}},
             {"LEFT_ID": "x", "REL_OP": ">", "RIGHT_ID": "b", "RIGHT_ATTRS": {}}],
        ],
        "never": [[{"RIGHT_ID": "z", "RIGHT_ATTRS": {"LEMMA": "zzz-not-a-word"}}]],
    }
    ours, spacys = _both(nlp, patterns)
    assert ours.native
    text = ("The minister said in Tokyo that the talks with the leaders of both parties would resume. "
            "Critics said nothing. In the afternoon the treaty was signed by the prime minister, he said.")
    doc = nlp(text)
    expected = _spacy_matches(spacys, doc)
    assert len(expected) > 10
    assert ours(doc) == expected
    assert ours(nlp("")) == _spacy_matches(spacys, nlp("")) == []


@pytest.mark.parametrize("node", [
    {"LEFT_ID": "v", "REL_OP": ".", "RIGHT_ID": "n", "RIGHT_ATTRS": {}},  # another operator
    {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "n", "RIGHT_ATTRS": {"DEP": {"NOT_IN": ["punct"]}}},  # predicate
    {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "n", "RIGHT_ATTRS": {"IS_PUNCT": False}},  # another attribute
])
def test_what_it_does_not_evaluate_falls_back_on_spacy(nlp: Any, node: dict[str, Any]) -> None:
    patterns = {
        "simple": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "say"}},
                    {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": "nsubj"}}]],
        "other": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "say"}}, node]],
    }
    ours, spacys = _both(nlp, patterns)
    assert not ours.native
    doc = nlp("He said it again, and she said so. They said nothing.")
    expected = _spacy_matches(spacys, doc)
    assert expected
    assert ours(doc) == expected


def test_more_tests_on_one_column_than_a_word_of_bits_holds(nlp: Any) -> None:
    """Each column's tests are bits of 64-bit words: a 65th test on a column starts a second word."""
    words = ["he", "said", "the", "minister", "talks", "would", "resume", "critics", "nothing", "treaty"]
    patterns: dict[str, list[list[dict[str, Any]]]] = {}
    for k in range(70):
        # 70 distinct LOWER tests (each a different set of accepted words), most of them matching something.
        accepted = [words[k % len(words)], words[(k * 7 + 3) % len(words)], f"filler{k}"]
        patterns[f"p{k}"] = [[
            {"RIGHT_ID": "a", "RIGHT_ATTRS": {"LOWER": {"IN": accepted}}},
            {"LEFT_ID": "a", "REL_OP": "<", "RIGHT_ID": "h", "RIGHT_ATTRS": {}},
        ]]
    ours, spacys = _both(nlp, patterns)
    assert ours.native
    doc = nlp("He said the minister's talks would resume. Critics said nothing about the treaty.")
    expected = _spacy_matches(spacys, doc)
    assert len({key for key, _ in expected}) > 64  # matches came from tests in both words of bits
    assert ours(doc) == expected


def test_patterns_added_after_a_match_are_matched_too(nlp: Any) -> None:
    """The per-column look-ups are built on the first match; a later ``add`` must rebuild them."""
    ours, spacys = _both(nlp, {"say": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "say"}}]]})
    doc = nlp("He said it. She denied it.")
    assert ours(doc) == _spacy_matches(spacys, doc)
    later = [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "deny"}}]]
    ours.add("deny", later)
    spacys.add("deny", later)
    expected = _spacy_matches(spacys, doc)
    assert len(expected) == 2
    assert ours(doc) == expected


def test_a_test_that_accepts_nothing_matches_nothing(nlp: Any) -> None:
    """An empty ``IN`` (a lexicon placeholder with no words) on a column no other test reads: the sorted look-up
    of that column is empty, which once raised an IndexError instead of matching nothing."""
    patterns = {
        "empty": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": {"IN": []}}}]],
        "say": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LOWER": "said"}},
                 {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": {"IN": []}}}]],
        "subject": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LOWER": "said"}},
                     {"LEFT_ID": "v", "REL_OP": ">", "RIGHT_ID": "s", "RIGHT_ATTRS": {"DEP": "nsubj"}}]],
    }
    ours, spacys = _both(nlp, patterns)
    assert ours.native
    doc = nlp("He said it. She said nothing.")
    expected = _spacy_matches(spacys, doc)
    assert len(expected) == 2  # only the subject pattern matches
    assert ours(doc) == expected
