"""Model suggestions and imports: idempotent, never touching human rows, actors matched, offsets exact."""

from __future__ import annotations

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import (
    SUGGESTIONS_LAYER,
    ActorIn,
    ActorSuggestion,
    ArticleIn,
    ArticleSuggestions,
    ClaimIn,
    EntityIn,
    EntitySuggestion,
    Span,
    Status,
)
from annotator.store.repository import Repository
from tests.unit.conftest import ORIGIN, TEXT, default_suggestions, span_of


def layer_rows(repo: Repository, article_id: str) -> list[tuple[int, int, str, str]]:
    return [(e.start, e.end, e.label, e.origin) for e in repo.entities_for(article_id, layer=SUGGESTIONS_LAYER)]


def test_emoji_before_a_span_keeps_code_point_offsets(repo: Repository, article_id: str) -> None:
    texts = {e.label: e.text for e in repo.entities_for(article_id)}
    assert texts == {"PERSON": "Shinzo Abe", "GPE": "Japan"}
    (claim,) = repo.claims_for(article_id)
    assert claim.cue is not None and claim.cue.text == "said"
    assert repo.article(article_id).text == TEXT


def test_store_suggestions_twice_adds_nothing(repo: Repository, article_id: str) -> None:
    before = (layer_rows(repo, article_id), repo.claims_for(article_id), repo.actors())
    change = repo.store_suggestions(default_suggestions(article_id))
    assert (change.entity_ids, change.claim_ids, change.actor_ids) == ((), (), ())
    assert (layer_rows(repo, article_id), repo.claims_for(article_id), repo.actors()) == before
    assert repo.articles_needing_suggestions(ORIGIN) == []
    assert repo.articles_needing_suggestions(ORIGIN, force=True) == [article_id]
    assert repo.articles_needing_suggestions("spacy:other@1") == [article_id]


def test_a_human_decision_survives_a_forced_rerun_that_no_longer_proposes_it(repo: Repository, article_id: str) -> None:
    person = next(e for e in repo.entities_for(article_id) if e.label == "PERSON")
    gpe = next(e for e in repo.entities_for(article_id) if e.label == "GPE")
    decision = repo.relabel_entity(person.id, "ORG", "alice").created_entity_id
    # A newer pipeline proposes only a new span: the undecided old GPE goes, the decided PERSON stays.
    putin = span_of(TEXT, "Vladimir Putin")
    change = repo.store_suggestions(
        ArticleSuggestions(article_id, "spacy:en_core_web_sm@3.9.0", entities=[EntitySuggestion(*putin, "PERSON")])
    )
    assert change.entity_ids and gpe.id in change.entity_ids
    live = {(e.start, e.end) for e in repo.entities_for(article_id, layer=SUGGESTIONS_LAYER)}
    assert live == {(person.start, person.end), putin}
    mine = repo.entity(decision or -1)
    assert (mine.label, mine.status, mine.derived_from) == ("ORG", Status.CORRECTED, person.id)
    assert repo.entity(person.id).status == Status.SUGGESTED
    # The old claim nobody decided on is gone from the suggestions too; undo of the run brings all back.
    assert repo.claims_for(article_id) == []
    repo.revert(change.event_id, "alice")
    assert {e.label for e in repo.entities_for(article_id, layer=SUGGESTIONS_LAYER)} == {"PERSON", "GPE"}
    assert len(repo.claims_for(article_id)) == 1


def test_imported_suggestions_are_not_removed_by_a_model_run(repo: Repository) -> None:
    start, end = span_of(TEXT, "Japan")
    # No annotator: the pre-existing span is a suggestion, whatever status the input gave it.
    result = repo.add_article(ArticleIn(text=TEXT, entities=[EntityIn(start, end, "GPE", Status.ACCEPTED)]))
    repo.store_suggestions(ArticleSuggestions(result.article_id, ORIGIN))
    rows = repo.entities_for(result.article_id)
    assert [(e.start, e.origin, e.layer, e.status) for e in rows] == [
        (start, "import", SUGGESTIONS_LAYER, Status.SUGGESTED)
    ]


def test_a_rerun_proposing_a_deleted_suggestion_again_revives_it(repo: Repository, article_id: str) -> None:
    repo.store_suggestions(ArticleSuggestions(article_id, "spacy:new@2"))
    assert repo.entities_for(article_id) == []
    repo.store_suggestions(default_suggestions(article_id))
    assert sorted(e.label for e in repo.entities_for(article_id)) == ["GPE", "PERSON"]
    assert len(repo.entities_for(article_id, include_deleted=True)) == 2  # revived, not duplicated
    assert len(repo.claims_for(article_id, include_deleted=True)) == 1


def test_actor_suggestions_match_names_and_aliases_of_compatible_kind(repo: Repository, article_id: str) -> None:
    (abe,) = repo.actors("abe")
    assert (abe.name, abe.aliases) == ("Shinzo Abe", ("Abe",))
    person = next(e for e in repo.entities_for(article_id) if e.label == "PERSON")
    assert (person.actor_id, person.actor_name) == (abe.id, "Shinzo Abe")
    assert repo.claims_for(article_id)[0].source_actor_id == abe.id
    other = repo.add_article(ArticleIn(text="Abe met the Abe Foundation. Japan agreed.")).article_id
    repo.store_suggestions(
        ArticleSuggestions(
            other,
            ORIGIN,
            entities=[
                EntitySuggestion(0, 3, "PERSON", "p"),
                EntitySuggestion(12, 26, "ORG", "o"),
                EntitySuggestion(28, 33, "GPE", "j"),
            ],
            actors=[
                # "ABE" matches the alias, case-insensitively; the alias "Abe" (a PERSON) does not fit an ORG.
                ActorSuggestion("p", "ABE", "PERSON"),
                ActorSuggestion("o", "Abe Foundation", "ORG", ("Abe",)),
                ActorSuggestion("j", "Japan", "GPE"),
            ],
        )
    )
    links = {e.label: e.actor_id for e in repo.entities_for(other)}
    assert links["PERSON"] == abe.id
    assert links["ORG"] not in (None, abe.id)
    assert sorted(a.name for a in repo.actors()) == ["Abe Foundation", "Japan", "Shinzo Abe"]


def test_invalid_suggestions_write_nothing(repo: Repository, article_id: str) -> None:
    n_events = len(repo.events(limit=1000))
    with pytest.raises(ValidationError, match="'WEAPON'"):
        repo.store_suggestions(ArticleSuggestions(article_id, ORIGIN, entities=[EntitySuggestion(2, 5, "WEAPON")]))
    with pytest.raises(ValidationError, match="ends after the text"):
        repo.store_suggestions(ArticleSuggestions(article_id, ORIGIN, entities=[EntitySuggestion(2, 500, "GPE")]))
    with pytest.raises(NotFoundError, match="'ghost'"):
        repo.store_suggestions(ArticleSuggestions("ghost", ORIGIN))
    assert len(repo.events(limit=1000)) == n_events


def test_add_article_dedups_by_text_and_picks_ids(repo: Repository) -> None:
    first = repo.add_article(ArticleIn(text="One text.", ext_id="doc-1", title="One", meta={"k": 1}))
    assert (first.article_id, first.created) == ("doc-1", True)
    again = repo.add_article(ArticleIn(text="One text.", ext_id="other"))
    assert (again.article_id, again.created) == ("doc-1", False)
    taken = repo.add_article(ArticleIn(text="Two text.", ext_id="doc-1"))
    unsafe = repo.add_article(ArticleIn(text="Three.", ext_id="../../etc/passwd"))
    assert taken.article_id != "doc-1" and len(taken.article_id) == 12
    assert "/" not in unsafe.article_id
    assert repo.article_ids() == ["doc-1", taken.article_id, unsafe.article_id]
    view = repo.article("doc-1")
    assert (view.title, view.meta, len(view.text_sha256)) == ("One", {"k": 1, "ext_id": "doc-1"}, 64)
    with pytest.raises(ValidationError, match="empty"):
        repo.add_article(ArticleIn(text="  \n"))
    assert repo.count_articles() == 3


def test_import_keeps_layers_and_merges_only_missing_layers(repo: Repository) -> None:
    abe = span_of(TEXT, "Shinzo Abe")
    said, content = span_of(TEXT, "said"), span_of(TEXT, "Japan wants the islands back")
    record = ArticleIn(
        text=TEXT,
        status="done",
        actors=[
            ActorIn("a1", "Shinzo Abe", "PERSON", ["Abe"], parent="g"),
            ActorIn("g", "Government of Japan", "ORG"),
        ],
        entities=[
            EntityIn(*abe, "PERSON", annotator="bob", actor="a1"),
            EntityIn(*abe, "PERSON", annotator="gold"),
        ],
        claims=[
            ClaimIn(
                cue=[Span(*said)],
                content=[Span(*content)],
                source=[Span(*abe)],
                annotator="bob",
                source_actor="a1",
                kind="indirect",
            )
        ],
    )
    result = repo.add_article(record)
    assert (result.entities, result.claims) == (2, 1)
    bob = repo.entities_for(result.article_id, layer="bob")
    assert [(e.text, e.actor_name, e.annotator, e.status) for e in bob] == [
        ("Shinzo Abe", "Shinzo Abe", "bob", Status.ACCEPTED)
    ]
    assert repo.claims_for(result.article_id, layer="bob")[0].source_actor_name == "Shinzo Abe"
    assert [e.layer for e in repo.entities_for(result.article_id, layer="gold")] == ["gold"]
    actors = {a.name: a for a in repo.actors()}
    assert actors["Shinzo Abe"].parent_id == actors["Government of Japan"].id
    assert repo.article_status(result.article_id, "bob") == "done"
    # Another machine's export of the same text: its carol layer is new and is added; bob's is not doubled.
    merged = repo.add_article(
        ArticleIn(
            text=TEXT,
            entities=[
                EntityIn(*abe, "PERSON", annotator="bob"),
                EntityIn(*abe, "ORG", annotator="carol"),
            ],
        )
    )
    assert (merged.created, merged.entities) == (False, 1)
    assert len(repo.entities_for(result.article_id, layer="bob")) == 1
    assert [e.label for e in repo.entities_for(result.article_id, layer="carol")] == ["ORG"]
    assert len(repo.actors()) == 2  # the second import matched the existing actors


def test_import_refuses_bad_items_and_writes_nothing(repo: Repository) -> None:
    with pytest.raises(ValidationError, match="ends after the text"):
        repo.add_article(ArticleIn(text=TEXT, entities=[EntityIn(2, 500, "ALIEN")]))
    assert "ALIEN" not in repo.labels()  # the label a refused article brought is not added either
    with pytest.raises(ValidationError, match="ends after the text"):
        repo.add_article(ArticleIn(text=TEXT, entities=[EntityIn(2, 500, "GPE")]))
    assert repo.count_articles() == 0 and repo.events() == []
