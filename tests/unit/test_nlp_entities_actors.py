"""Entity cleaning and label mapping, actor and claim-source linking (annotator.nlp.entities / actors)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.core.records import ClaimSuggestion, EntitySuggestion, Span
from annotator.core.resources import sample_codebook, seeds_dir
from annotator.nlp.actors import ActorLexicon, link_actors, link_claim_sources
from annotator.nlp.entities import LabelMap, clean_span, entity_suggestions, suggestions_from_spans

SAMPLE = sample_codebook()
LABELS = frozenset(SAMPLE.label_names)
TYPES = SAMPLE.actor_labels()


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("no seeds folder in this install")
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(Path(folder).glob("*.txt"))}


@pytest.fixture()
def lexicon() -> ActorLexicon:
    return ActorLexicon.from_resource()


def mentions(text: str, *items: tuple[str, str]) -> list[EntitySuggestion]:
    """Entity suggestions for successive occurrences of ``(surface, label)`` in ``text``."""
    out, pos = [], 0
    for surface, label in items:
        start = text.index(surface, pos)
        out.append(EntitySuggestion(start, start + len(surface), label))
        pos = start + len(surface)
    return out


# --------------------------------------------------------------------------- labels and span cleaning


def test_label_map_maps_drops_and_keeps() -> None:
    label_map = LabelMap.from_codebook(SAMPLE)
    assert label_map.map("PERSON") == "PERSON"  # ours, not in spacy_map: kept
    assert label_map.map("FAC") == "LOC"
    assert label_map.map("CARDINAL") is None  # null in spacy_map: dropped
    assert label_map.map("DISEASE") is None  # a custom pipeline's label the codebook neither maps nor has
    strict = LabelMap(mapping={}, labels=frozenset({"PERSON"}))
    assert strict.map("DISEASE") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("the Northern Territories", "Northern Territories"),
        ("North Korea's", "North Korea"),
        ("North Korea’s", "North Korea"),
        ("the Group of Seven's", "Group of Seven"),
        ("Reuters'", "Reuters"),
        ("U.S.", "U.S."),
        ("Acme Inc.", "Acme Inc."),
        ("Moscow.", "Moscow"),
        ("“Abe,", "Abe"),
        ("The", "The"),
        ("The Hague", "The Hague"),  # capitalised mid-sentence: part of the name
    ],
)
def test_clean_span_trims_what_spacy_sweeps_in(raw: str, expected: str) -> None:
    text = f"x {raw} y"
    span = clean_span(text, 2, 2 + len(raw))
    assert span is not None
    assert text[span[0] : span[1]] == expected


@pytest.mark.parametrize("raw", ["Illusory Progress\nAbe's", "   ", "“”", "--"])
def test_clean_span_drops_junk(raw: str) -> None:
    text = f"x {raw} y"
    assert clean_span(text, 2, 2 + len(raw)) is None


def test_sentence_initial_the_is_an_article() -> None:
    text = "He left. The United States said no."
    start = text.index("The")
    span = clean_span(text, start, start + len("The United States"))
    assert span is not None and text[span[0] : span[1]] == "United States"


def test_identifier_numbers_are_not_entities() -> None:
    text = "Record 京公网安备110102005860 of May 16, 2015"
    org, date = text.index("京"), text.index("May")
    spans = [(org, org + 18, "ORG"), (date, len(text), "DATE")]
    result = suggestions_from_spans(text, spans, LabelMap.from_codebook(SAMPLE))
    assert [text[e.start : e.end] for e in result] == ["May 16, 2015"]


def test_suggestions_from_spans_map_and_clean() -> None:
    text = "In the Kremlin, 3 officers met Abe's aide."
    spans = [(3, 14, "ORG"), (16, 17, "CARDINAL"), (31, 36, "PERSON")]
    result = suggestions_from_spans(text, spans, LabelMap.from_codebook(SAMPLE))
    assert [(text[e.start : e.end], e.label) for e in result] == [("Kremlin", "ORG"), ("Abe", "PERSON")]


# --------------------------------------------------------------------------- actors (no pipeline)


def test_person_forms_link_to_longest_untitled_name(lexicon: ActorLexicon) -> None:
    text = "Abe spoke. Prime Minister Shinzo Abe met Putin. Shinzo Abe left; Abe's aide stayed. Mr. Putin"
    ents = mentions(
        text,
        ("Abe", "PERSON"),
        ("Prime Minister Shinzo Abe", "PERSON"),
        ("Putin", "PERSON"),
        ("Shinzo Abe", "PERSON"),
        ("Abe's", "PERSON"),
        ("Mr. Putin", "PERSON"),
    )
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    abe = {linked[i].actor_key for i in (0, 1, 3, 4)}
    assert len(abe) == 1
    by_key = {a.key: a for a in actors}
    actor = by_key[abe.pop() or ""]
    assert actor.name == "Shinzo Abe"
    assert actor.kind == "PERSON"
    assert {"Abe", "Prime Minister Shinzo Abe", "Abe's"} <= set(actor.aliases)
    assert "Shinzo Abe" not in actor.aliases
    assert linked[2].actor_key == linked[5].actor_key != linked[0].actor_key
    assert by_key[linked[2].actor_key or ""].name == "Putin"
    assert [a.key for a in actors] == ["k1", "k2"]  # local keys in order of first mention


def test_ambiguous_surname_goes_to_the_last_mentioned(lexicon: ActorLexicon) -> None:
    text = "Bill Clinton and Hillary Clinton came. Hillary Clinton spoke first. Then Clinton said no."
    ents = mentions(
        text,
        ("Bill Clinton", "PERSON"),
        ("Hillary Clinton", "PERSON"),
        ("Hillary Clinton", "PERSON"),
        ("Clinton", "PERSON"),
    )
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    assert len(actors) == 2
    assert linked[3].actor_key == linked[2].actor_key


def test_orgs_by_alias_table_acronym_and_normalised_name(lexicon: ActorLexicon) -> None:
    text = "The U.S. and the United States; the Liberal Democratic Party and the LDP; Russia's and Russia; Us"
    ents = mentions(
        text,
        ("U.S.", "GPE"),
        ("United States", "GPE"),
        ("Liberal Democratic Party", "ORG"),
        ("LDP", "ORG"),
        ("Russia's", "GPE"),
        ("Russia", "GPE"),
        ("Us", "GPE"),
    )
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    keys = [e.actor_key for e in linked]
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[4] == keys[5]
    assert keys[6] not in (keys[0], keys[4])  # "Us" is not the "US"
    names = {a.key: a.name for a in actors}
    assert names[keys[0] or ""] == "United States"
    assert names[keys[4] or ""] == "Russia"


def test_acronym_rule_without_table(lexicon: ActorLexicon) -> None:
    text = "The National Security Council met; the NSC said no."
    ents = mentions(text, ("National Security Council", "ORG"), ("NSC", "ORG"))
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    assert linked[0].actor_key == linked[1].actor_key
    assert actors[0].name == "National Security Council" and actors[0].aliases == ("NSC",)


def test_mislabelled_mentions_join_the_right_actor(lexicon: ActorLexicon) -> None:
    text = "Sergei Lavrov came to Sochi. Lavrov said Sochi was fine. The Lavrov-Abe talks; Shinzo Abe"
    ents = mentions(
        text,
        ("Sergei Lavrov", "PERSON"),
        ("Sochi", "GPE"),
        ("Lavrov", "ORG"),  # spaCy tags bare surnames ORG now and then
        ("Sochi", "PERSON"),  # ... and places PERSON
        ("Lavrov-Abe", "PERSON"),  # a compound of two actors
        ("Shinzo Abe", "PERSON"),
    )
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    assert linked[2].actor_key == linked[0].actor_key
    assert linked[3].actor_key == linked[1].actor_key
    assert linked[4].actor_key is None
    kinds = {a.name: a.kind for a in actors}
    assert kinds == {"Sergei Lavrov": "PERSON", "Sochi": "GPE", "Shinzo Abe": "PERSON"}


def test_non_actor_labels_get_no_actor(lexicon: ActorLexicon) -> None:
    text = "On May 6 in the Black Sea"
    ents = mentions(text, ("May 6", "DATE"), ("Black Sea", "LOC"))
    linked, actors = link_actors(text, ents, lexicon, TYPES)
    assert actors == [] and all(e.actor_key is None for e in linked)


def test_lexicon_from_path(tmp_path: Path) -> None:
    path = tmp_path / "aliases.json"
    path.write_text('{"titles": ["Ataman"], "actors": [{"name": "Zaporozhian Host", "aliases": ["ZH"]}]}')
    lexicon = ActorLexicon.from_path(path)
    assert lexicon.person_name("Ataman Ivan Sirko") == "Ivan Sirko"
    text = "ZH and Zaporozhian Host"
    _, actors = link_actors(text, mentions(text, ("ZH", "ORG"), ("Zaporozhian Host", "ORG")), lexicon, TYPES)
    assert [a.name for a in actors] == ["Zaporozhian Host"]


def test_claim_sources_link_by_ref_span_or_name(lexicon: ActorLexicon) -> None:
    text = "Shinzo Abe arrived. He said talks would go on. Peskov, an aide of Vladimir Putin, said no."
    ents = mentions(text, ("Shinzo Abe", "PERSON"), ("Vladimir Putin", "PERSON"))
    linked, actors = link_actors(text, ents, lexicon, TYPES)

    def span(s: str) -> Span:
        start = text.index(s)
        return Span(start, start + len(s))

    pronoun = ClaimSuggestion(
        cue=(span("said"),), content=(span("talks"),), source=(span("He"),), source_ref=span("Shinzo Abe")
    )
    aide = ClaimSuggestion(
        cue=(span("said no"),), content=(span("no"),), source=(span("Peskov, an aide of Vladimir Putin"),)
    )
    nothing = ClaimSuggestion(cue=(span("said"),), content=(span("talks"),))
    out = link_claim_sources(text, [pronoun, aide, nothing], linked, actors, lexicon, TYPES)
    assert out[0].source_actor_key == linked[0].actor_key
    assert out[1].source_actor_key == linked[1].actor_key  # the mention inside the source span
    assert out[2] is nothing


# --------------------------------------------------------------------------- on the seeds (pipeline)


@pytest.mark.slow
def test_seed_entities_slice_and_use_our_labels(nlp: Any, seed_texts: dict[str, str]) -> None:
    label_map = LabelMap.from_codebook(SAMPLE)
    persons: set[str] = set()
    for text in seed_texts.values():
        found = entity_suggestions(nlp(text), label_map)
        assert found
        for ent in found:
            surface = text[ent.start : ent.end]
            assert ent.label in LABELS
            assert surface == surface.strip() and "\n" not in surface
            assert not surface.endswith(("'s", "’s")) and not surface.lower().startswith("the ")
            if ent.label == "PERSON":
                persons.add(surface)
    assert {"Shinzo Abe", "Vladimir Putin"} <= persons


@pytest.mark.slow
def test_seed_actors_link_abe(nlp: Any, seed_texts: dict[str, str], lexicon: ActorLexicon) -> None:
    label_map = LabelMap.from_codebook(SAMPLE)
    for text in seed_texts.values():
        linked, actors = link_actors(text, entity_suggestions(nlp(text), label_map), lexicon, TYPES)
        abe_keys = {e.actor_key for e in linked if text[e.start : e.end] in ("Abe", "Shinzo Abe")}
        if "Shinzo Abe" in text:
            assert len(abe_keys) == 1
            (actor,) = [a for a in actors if a.key in abe_keys]
            assert actor.name == "Shinzo Abe" and actor.kind == "PERSON"
        assert len({a.key for a in actors}) == len(actors)
        assert {e.actor_key for e in linked} - {None} == {a.key for a in actors}


@pytest.mark.slow
def test_emoji_before_entity_keeps_offsets(nlp: Any) -> None:
    text = "🇯🇵😀 𝕏 Prime Minister Shinzo Abe met Vladimir Putin in Sochi."
    found = entity_suggestions(nlp(text), LabelMap.from_codebook(SAMPLE))
    surfaces = {text[e.start : e.end] for e in found}
    assert "Vladimir Putin" in surfaces
    assert any("Abe" in s for s in surfaces)


@pytest.mark.slow
def test_entities_never_end_inside_a_token(nlp: Any) -> None:
    """ "Fla." and "Mich." are one token each: cutting their period made spans Prodigy and spaCy refuse."""
    text = "He grew up in Tampa, Fla. and moved to Lansing, Mich. last year before Abe's visit."
    doc = nlp(text)
    found = entity_suggestions(doc, LabelMap.from_codebook(SAMPLE))
    surfaces = [text[e.start : e.end] for e in found]
    assert "Fla." in surfaces and "Mich." in surfaces
    assert "Abe" in surfaces  # the possessive is a token of its own: still trimmed
    starts, ends = {t.idx for t in doc}, {t.idx + len(t.text) for t in doc}
    assert all(e.start in starts and e.end in ends for e in found)
