"""The attribution tagger's vectorised token features and batched decoder against plain per-token references."""

from __future__ import annotations

import math
from typing import Any

import numpy
import pytest

from annotator.nlp.attribution_component import decode_batch, decode_tags
from annotator.nlp.attribution_features import FEATURES, TAGS

# --------------------------------------------------------------------------- decoding (no pipeline needed)


def _viterbi_reference(probs: Any) -> list[str]:
    """Plain Viterbi over Python floats: ``I-X`` only after ``B-X`` or ``I-X``, never first."""

    def allowed(prev: str | None, tag: str) -> bool:
        if not tag.startswith("I-"):
            return True
        return prev is not None and prev[2:] == tag[2:] and prev != "O"

    if len(probs) == 0:
        return []
    logp = [[math.log(float(p) + 1e-9) for p in row] for row in probs]
    score = {t: (logp[0][k] if allowed(None, t) else -math.inf) for k, t in enumerate(TAGS)}
    back: list[dict[str, str]] = []
    for row in logp[1:]:
        new, ptr = {}, {}
        for k, tag in enumerate(TAGS):
            best = max((score[p] for p in TAGS if allowed(p, tag)), default=-math.inf)
            prev = next(p for p in TAGS if allowed(p, tag) and score[p] == best)
            new[tag], ptr[tag] = best + row[k], prev
        score = new
        back.append(ptr)
    tag = max(TAGS, key=lambda t: score[t])
    path = [tag]
    for ptr in reversed(back):
        tag = ptr[tag]
        path.append(tag)
    return path[::-1]


def test_batched_decoding_equals_per_document_viterbi_for_mixed_lengths() -> None:
    rng = numpy.random.default_rng(3)
    # Peaked distributions so that invalid I- tags are often the most probable and the constraint matters.
    batch = [rng.dirichlet(numpy.full(len(TAGS), 0.3), size=n) for n in (0, 1, 2, 9, 40, 3, 120)]
    decoded = decode_batch(batch)
    assert [len(tags) for tags in decoded] == [len(p) for p in batch]
    for probs, tags in zip(batch, decoded, strict=True):
        assert tags == _viterbi_reference(probs)
        assert tags == decode_tags(probs)
        for prev, tag in zip(["O", *tags], tags, strict=False):
            assert not tag.startswith("I-") or prev[2:] == tag[2:], tags


def test_decoding_repairs_an_inside_tag_without_a_begin() -> None:
    index = {t: k for k, t in enumerate(TAGS)}
    probs = numpy.full((3, len(TAGS)), 0.01)
    for i, tag in enumerate(("O", "I-CUE", "I-CUE")):
        probs[i, index[tag]] = 0.9
    probs[1, index["B-CUE"]] = 0.08
    assert decode_batch([probs, probs[:1]]) == [["O", "B-CUE", "I-CUE"], ["O"]]


def test_a_model_of_the_retired_feature_set_says_to_train_again() -> None:
    from spacy.util import registry

    from annotator.core.errors import ConfigError
    from annotator.nlp.attribution_model import RETIRED

    # The settings a v1 pipeline's config.cfg holds: it must not load with the new features, and say why.
    with pytest.raises(ConfigError, match="train the model again"):
        registry.resolve({"model": {"@architectures": RETIRED[0], "n_features": 9, "embed_rows": 4000}})


def test_a_full_v1_config_block_says_to_train_again() -> None:
    from spacy.util import registry
    from thinc.api import Config

    from annotator.core.errors import ConfigError
    from annotator.nlp.attribution_model import RETIRED

    # The [components.attribution.model] block spaCy wrote for a v1 pipeline: every setting, filled.
    block = Config().from_str(
        "[model]\n"
        f'@architectures = "{RETIRED[0]}"\n'
        "n_tags = 7\nn_features = 9\ntensor_width = 96\nembed_width = 32\nembed_rows = 4000\nwidth = 128\n"
        "depth = 3\nwindow_size = 1\nmaxout_pieces = 3\ndropout = 0.1\n"
    )
    filled = registry.fill(block, validate=True)
    assert filled["model"]["embed_width"] == 32
    with pytest.raises(ConfigError, match="train the model again"):
        registry.resolve(block)


# --------------------------------------------------------------------------- features (the real pipeline)


@pytest.fixture(scope="module")
def extractor() -> Any:
    from annotator.nlp.attribution_features import FeatureExtractor
    from annotator.nlp.claim_lexicon import load_lexicon

    return FeatureExtractor(load_lexicon())


TEXT = (
    "The senator said on Tuesday that the plan would fail because nobody wanted it.\n\n"
    "“It is over,” Smith told reporters. The weather was cold."
)


def _column(name: str) -> int:
    return FEATURES.index(name)


@pytest.mark.slow
def test_cue_relation_matches_a_walk_up_the_parse(nlp: Any, extractor: Any) -> None:
    doc = nlp(TEXT)
    feats = extractor(doc, [])
    assert feats.shape == (len(doc), len(FEATURES)) and feats.dtype == numpy.uint64
    said = next(t for t in doc if t.text == "said")
    # The nearest cue above each token, by walking Token.head (the reference the arrays must agree with).
    for tok in doc:
        node, cue = tok, None
        for _ in range(13):
            if extractor._cue_flags(doc, numpy.asarray([node.lemma], dtype="uint64"),
                                    numpy.asarray([node.pos], dtype="uint64"))[0]:
                cue = node
                break
            if node.head.i == node.i:
                break
            node = node.head
        got = int(feats[tok.i, _column("cue_lemma")])
        assert got == (cue.lemma if cue is not None else 0), (tok.text, cue)
    words = {t.text: t.i for t in doc}
    assert int(feats[said.i, _column("cue_rel")]) == 1  # the cue itself
    assert int(feats[words["would"], _column("cue_lemma")]) == said.lemma  # inside its ccomp
    assert int(feats[words["weather"], _column("cue_rel")]) == 0  # under no cue
    # Two tokens under the same cue by different relations differ in the relation column.
    assert feats[words["senator"], _column("cue_rel")] != feats[words["would"], _column("cue_rel")]


@pytest.mark.slow
def test_quote_marks_edges_and_cue_distance(nlp: Any, extractor: Any) -> None:
    doc = nlp(TEXT)
    feats = extractor(doc, [])
    quote = [int(v) for v in feats[:, _column("quote")]]
    opening = next(t.i for t in doc if t.text == "“")
    closing = next(t.i for t in doc if t.text == "”")
    assert quote[opening] == 2 and quote[closing] == 3
    assert all(quote[i] == 1 for i in range(opening + 1, closing))
    assert quote[0] == 0 and quote[-1] == 0
    edge = [int(v) for v in feats[:, _column("edge")]]
    assert edge[0] == 1  # first token of a sentence
    assert edge[len(doc) - 1] & 7 == 3  # last token of a sentence
    paragraph = next(t.i for t in doc if "\n" in t.text or "\n" in t.whitespace_)
    assert edge[paragraph] & 8
    dist = [int(v) for v in feats[:, _column("cue_dist")]]
    said = next(t.i for t in doc if t.text == "said")
    assert dist[said - 1] < dist[said] < dist[said + 1]  # before, at, after the cue
    weather = next(t.i for t in doc if t.text == "weather")
    assert dist[weather] == max(dist)  # no cue in its sentence


@pytest.mark.slow
def test_rule_roles_become_a_column(nlp: Any, extractor: Any) -> None:
    from annotator.core.records import ClaimSuggestion, Span

    doc = nlp(TEXT)
    said = TEXT.index("said")
    claim = ClaimSuggestion(cue=(Span(said, said + 4),), content=(Span(said + 16, TEXT.index(" because")),),
                            source=(Span(0, 11),))
    feats = extractor(doc, [claim])
    tags = [TAGS[int(v)] for v in feats[:, _column("rule")]]
    assert tags[:3] == ["B-SOURCE", "I-SOURCE", "B-CUE"]
    assert "B-CONTENT" in tags and tags[-1] == "O"
    assert extractor(doc[:0].as_doc(), []).shape == (0, len(FEATURES))


# --------------------------------------------------------------------------- decoding runs into claims


def _tags(doc: Any, *roles: tuple[str, str]) -> list[str]:
    """BIO tags for ``(text, ROLE)`` pairs (each text occurs once); where they overlap, the first given wins."""
    from annotator.nlp.attribution_features import role_tags

    return role_tags(doc, [(doc.text.index(text), doc.text.index(text) + len(text), role) for text, role in roles])


def _claims(doc: Any, tags: list[str]) -> list[tuple[str, list[str]]]:
    from annotator.nlp.attribution_linking import link_claims

    text = doc.text
    return [(text[c.cue[0].start : c.cue[0].end], [text[s.start : s.end] for s in c.content])
            for c in link_claims(doc, tags, [])]


@pytest.mark.slow
def test_a_content_run_is_cut_where_a_sentence_starts_outside_a_quote(nlp: Any) -> None:
    from annotator.nlp.attribution_linking import split_at_sentences, tag_spans

    doc = nlp("He said the plan would fail. Of course, the mayor said, it will work. “It is late. We know it.”")
    tags = _tags(doc, ("the plan would fail. Of course,", "CONTENT"), ("it will work.", "CONTENT"),
                 ("“It is late. We know it.”", "CONTENT"))
    pieces = [doc[s:e].text for s, e, role in split_at_sentences(doc, tag_spans(tags))]
    # Cut between the two sentences; a quote of two sentences stays one piece.
    assert pieces == ["the plan would fail.", "Of course,", "it will work.", "“It is late. We know it.”"]


@pytest.mark.slow
def test_a_run_stopping_inside_its_phrase_is_completed_from_the_parse(nlp: Any) -> None:
    doc = nlp("The senator talks about a European consensus on trade.")
    tags = _tags(doc, ("The", "SOURCE"), ("talks about", "CUE"), ("a European", "CONTENT"))
    assert _claims(doc, tags) == [("talks about", ["a European consensus on trade"])]


@pytest.mark.slow
def test_a_quote_continuing_after_its_cue_sentence_joins_that_claim(nlp: Any) -> None:
    doc = nlp("“We will win,” Smith said as she accepted her award. “In fact, we have won already.”")
    tags = _tags(doc, ("“We will win,”", "CONTENT"), ("said", "CUE"), ("accepted", "CUE"), ("her award", "CONTENT"),
                 ("“In fact, we have won already.”", "CONTENT"))
    claims = dict(_claims(doc, tags))
    # Not the nearer, unquoted claim of "accepted": the quote goes on the quoted claim of "said".
    assert claims["said"] == ["“We will win,”", "“In fact, we have won already.”"]
    assert claims["accepted"] == ["her award"]


def _sources(doc: Any, tags: list[str]) -> list[str]:
    from annotator.nlp.attribution_linking import link_claims

    text = doc.text
    return [text[c.source[0].start : c.source[0].end] for c in link_claims(doc, tags, []) if c.source]


@pytest.mark.slow
def test_a_source_with_an_appositive_ends_with_its_closing_comma(nlp: Any) -> None:
    doc = nlp("Matt Borges, chairman of the party, said the plan would fail.")
    tags = _tags(doc, ("Matt Borges, chairman of the party", "SOURCE"), ("said", "CUE"),
                 ("the plan would fail", "CONTENT"))
    assert _sources(doc, tags) == ["Matt Borges, chairman of the party,"]
    # Already closed by the tagger: kept as it is.
    tags = _tags(doc, ("Matt Borges, chairman of the party,", "SOURCE"), ("said", "CUE"),
                 ("the plan would fail", "CONTENT"))
    assert _sources(doc, tags) == ["Matt Borges, chairman of the party,"]


@pytest.mark.slow
def test_a_source_without_an_inner_comma_never_ends_with_one(nlp: Any) -> None:
    doc = nlp("Clinton, too, said the plan would fail.")
    tags = _tags(doc, ("Clinton,", "SOURCE"), ("said", "CUE"), ("the plan would fail", "CONTENT"))
    assert _sources(doc, tags) == ["Clinton"]


@pytest.mark.slow
def test_words_the_analysts_mark_as_cues_often_become_cue_words(nlp: Any) -> None:
    from annotator.nlp.attribution_features import FeatureExtractor, learn_cues
    from annotator.nlp.claim_lexicon import load_lexicon

    def marked(text: str, cue: str) -> tuple[Any, list[tuple[int, int, str]]]:
        doc = nlp(text)
        return doc, [(text.index(cue), text.index(cue) + len(cue), "CUE")]

    docs = [marked("The senator reflects that the plan fails.", "reflects"),
            marked("The mayor reflected that nothing had changed.", "reflected"),
            marked("The governor pondered whether taxes would rise.", "pondered")]
    reflect = next(t for t in docs[0][0] if t.text == "reflects")
    assert learn_cues(docs) == [("reflect", reflect.pos_)]  # "ponder": marked once only
    # Marked in too few of its occurrences: not a cue word.
    plain: list[tuple[Any, list[tuple[int, int, str]]]] = [
        (nlp(f"The lake reflects the light number {k}."), []) for k in range(20)
    ]
    assert learn_cues(docs + plain) == []

    lexicon = load_lexicon()
    doc = docs[0][0]
    assert int(FeatureExtractor(lexicon)(doc, [])[reflect.i, _column("cue_rel")]) == 0
    learned = FeatureExtractor(lexicon, learn_cues(docs))(doc, [])
    assert int(learned[reflect.i, _column("cue_rel")]) == 1
    assert int(learned[doc[-2].i, _column("cue_lemma")]) == reflect.lemma  # "fails", in its clause
