"""Pipeline resolution and loading (annotator.nlp.pipeline) and the Suggester (annotator.nlp.suggester)."""

from __future__ import annotations

import multiprocessing
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.core.errors import ConfigError
from annotator.core.records import ArticleSuggestions, ClaimSuggestion, Span
from annotator.core.resources import sample_codebook, seeds_dir
from annotator.nlp import pipeline as pipeline_module
from annotator.nlp.pipeline import NEEDED_COMPONENTS, PIPELINE_ENV, LoadedPipeline, load_pipeline, parse_stream
from annotator.nlp.suggester import Suggester, _make_claim_suggester

SAMPLE = sample_codebook()



@pytest.fixture(scope="session")
def loaded() -> Iterator[LoadedPipeline]:
    """The default pipeline, loaded once for this module's slow tests."""
    yield load_pipeline()


@pytest.fixture(scope="session")
def seed_items() -> list[tuple[str, str]]:
    folder = seeds_dir()
    if folder is None:
        pytest.skip("no seeds folder in this install")
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.txt"))]


@pytest.fixture()
def no_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PIPELINE_ENV, raising=False)


# --------------------------------------------------------------------------- loading


def test_bad_setting_names_the_option_and_what_was_tried(no_env: None) -> None:
    with pytest.raises(ConfigError) as info:
        load_pipeline("xx_no_such_pipeline_zz")
    message = str(info.value)
    assert "--pipeline" in message and "xx_no_such_pipeline_zz" in message
    assert "Tried:" in message and "OSError" in message  # the reason for the candidate


def test_bad_env_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(PIPELINE_ENV, str(tmp_path / "missing_pipeline"))
    with pytest.raises(ConfigError, match=PIPELINE_ENV) as info:
        load_pipeline()
    assert "missing_pipeline" in str(info.value)


def test_saved_pipeline_folder_loads(tmp_path: Path, no_env: None) -> None:
    import spacy

    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")  # not needed by the suggesters: must be disabled
    blank.to_disk(tmp_path / "mine")
    loaded = load_pipeline(str(tmp_path / "mine"))
    assert loaded.name == "en_pipeline"
    assert loaded.origin == f"spacy:en_pipeline@{loaded.version}"
    assert loaded.nlp.pipe_names == []
    assert loaded.nlp("Hello there.").text == "Hello there."


def test_env_var_is_used_when_no_option(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import spacy

    spacy.blank("en").to_disk(tmp_path / "envpipe")
    monkeypatch.setenv(PIPELINE_ENV, str(tmp_path / "envpipe"))
    assert load_pipeline().setting == str(tmp_path / "envpipe")


def test_failing_defaults_name_both_settings(monkeypatch: pytest.MonkeyPatch, no_env: None) -> None:
    monkeypatch.setattr(pipeline_module, "DEFAULT_PIPELINES", ("xx_missing_one", "xx_missing_two"))
    with pytest.raises(ConfigError) as info:
        load_pipeline()
    message = str(info.value)
    assert "xx_missing_one" in message and "xx_missing_two" in message
    assert "--pipeline" in message and PIPELINE_ENV in message


def test_pipeline_without_parser_suggests_entities_only(tmp_path: Path, no_env: None) -> None:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Abe"}])  # type: ignore[attr-defined]
    nlp.to_disk(tmp_path / "rules")
    suggester = Suggester(load_pipeline(str(tmp_path / "rules")), SAMPLE)
    assert not suggester.suggests_claims  # no parser: claims are left out instead of failing
    (result,) = suggester.suggest_texts([("a", "Abe spoke.")])
    assert [(e.start, e.end, e.label) for e in result.entities] == [(0, 3, "PERSON")]  # the ruler is kept
    assert result.claims == []


def test_parse_stream_with_workers_keeps_order() -> None:
    import spacy

    nlp = spacy.blank("en")
    texts = [(f"text number {i} 😀", i) for i in range(23)]
    out = list(parse_stream(nlp, iter(texts), batch_size=4, n_process=2))
    assert [(doc.text, ctx) for doc, ctx in out] == texts
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_default_resolves_and_keeps_only_needed_components(loaded: LoadedPipeline) -> None:
    assert loaded.name.startswith("en_core_web_sm")
    assert loaded.origin == f"spacy:{loaded.name}@{loaded.version}"
    # tok2vec stays because the tagger and parser listen to it.
    assert set(loaded.nlp.pipe_names) - NEEDED_COMPONENTS <= {"tok2vec"}
    assert {"parser", "ner", "tagger"} <= set(loaded.nlp.pipe_names)


# --------------------------------------------------------------------------- claim suggester hook


def test_missing_claims_module_means_no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "annotator.nlp.claims", None)  # None in sys.modules: import fails
    assert _make_claim_suggester(object(), None, frozenset()) is None


def test_claims_module_is_used_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeClaims:
        def __init__(self, nlp: Any, lexicon_path: str | None = None, source_labels: Any = None) -> None:
            self.nlp = nlp

        def suggest(self, doc: Any, text: str | None = None) -> list[ClaimSuggestion]:
            return []

    fake = types.ModuleType("annotator.nlp.claims")
    fake.ClaimSuggester = FakeClaims  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "annotator.nlp.claims", fake)
    made = _make_claim_suggester("NLP", None, frozenset({"PERSON"}))
    assert isinstance(made, FakeClaims) and made.nlp == "NLP"


# --------------------------------------------------------------------------- Suggester (pipeline)


@pytest.mark.slow
def test_suggester_yields_one_result_per_article_in_order(
    loaded: LoadedPipeline, seed_items: list[tuple[str, str]]
) -> None:
    results = list(Suggester(loaded, SAMPLE).suggest_texts(iter(seed_items), batch_size=2))
    assert [r.article_id for r in results] == [aid for aid, _ in seed_items]
    for result, (_, text) in zip(results, seed_items, strict=True):
        assert result.origin == loaded.origin
        assert result.entities and result.actors
        keys = {a.key for a in result.actors}
        assert all(e.actor_key is None or e.actor_key in keys for e in result.entities)
        for claim in result.claims:
            spans = [*claim.cue, *claim.content, *claim.source]
            assert all(s.end <= len(text) for s in spans)
            assert claim.source_actor_key is None or claim.source_actor_key in keys


@pytest.mark.slow
def test_claims_get_source_actor(monkeypatch: pytest.MonkeyPatch, loaded: LoadedPipeline) -> None:
    class OneClaim:
        def __init__(self, nlp: Any, lexicon_path: str | None = None, source_labels: Any = None) -> None:
            pass

        def suggest(self, doc: Any, text: str | None = None) -> list[ClaimSuggestion]:
            he = doc.text.index("He")
            abe = doc.text.index("Shinzo Abe")
            return [
                ClaimSuggestion(
                    cue=(Span(he + 3, he + 7),),
                    content=(Span(he + 8, len(doc.text) - 1),),
                    source=(Span(he, he + 2),),
                    source_ref=Span(abe, abe + 10),
                )
            ]

    fake = types.ModuleType("annotator.nlp.claims")
    fake.ClaimSuggester = OneClaim  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "annotator.nlp.claims", fake)
    text = "Prime Minister Shinzo Abe arrived in Moscow on Monday. He said the talks would continue."
    (result,) = Suggester(loaded, SAMPLE).suggest_texts([("a1", text)])
    (claim,) = result.claims
    actor = next(a for a in result.actors if a.key == claim.source_actor_key)
    assert actor.name == "Shinzo Abe"


@pytest.mark.slow
def test_emoji_text_through_the_suggester(loaded: LoadedPipeline) -> None:
    text = "😀😀 𝕏 Vladimir Putin met Shinzo Abe."
    (result,) = Suggester(loaded, SAMPLE).suggest_texts([("e", text)])
    assert {text[e.start : e.end] for e in result.entities} >= {"Vladimir Putin", "Shinzo Abe"}


def _comparable(results: list[ArticleSuggestions]) -> list[tuple[Any, ...]]:
    return [(r.article_id, r.origin, r.entities, r.claims, r.actors) for r in results]


@pytest.mark.slow
def test_two_processes_give_the_same_result(loaded: LoadedPipeline, seed_items: list[tuple[str, str]]) -> None:
    suggester = Suggester(loaded, SAMPLE)
    one = list(suggester.suggest_texts(seed_items, batch_size=2, n_process=1))
    two = list(suggester.suggest_texts(seed_items, batch_size=2, n_process=2))
    assert _comparable(two) == _comparable(one)


@pytest.mark.slow
def test_the_suggest_job_stores_the_same_with_two_processes(loaded: LoadedPipeline, tmp_path: Path,
                                                            seed_items: list[tuple[str, str]]) -> None:
    """The job as the CLI runs it (the last texts one per task, the parent only storing) stores what one
    process stores: every mention, claim and actor, with the same spans, labels and links."""
    from annotator.core.records import ArticleIn
    from annotator.jobs.suggesting import suggest
    from annotator.store import open_repository

    stored = []
    for processes in (1, 2):
        repo = open_repository(str(tmp_path / f"p{processes}.db"))
        try:
            ids = [repo.add_article(ArticleIn(text=text, title=aid)).article_id for aid, text in seed_items]
            summary = suggest(repo, loaded=loaded, processes=processes, batch_size=4)
            assert summary.articles == len(ids)
            stored.append((
                [[(e.start, e.end, e.label, e.actor_name) for e in repo.entities_for(i)] for i in ids],
                [[(c.source, c.cue, c.content, c.kind, c.form, c.source_actor_name, c.addressee_name, c.issue,
                   c.stance) for c in repo.claims_for(i)] for i in ids],
                sorted((a.name, a.kind) for a in repo.actors()),
            ))
        finally:
            repo.close()
    assert stored[0][0] and any(stored[0][1])
    assert stored[1] == stored[0]


@pytest.mark.slow
def test_closing_early_stops_the_workers(loaded: LoadedPipeline, seed_items: list[tuple[str, str]]) -> None:
    many = [(f"{aid}-{n}", text) for n in range(20) for aid, text in seed_items]
    results = Suggester(loaded, SAMPLE).suggest_texts(many, batch_size=4, n_process=2)
    assert next(results).article_id == many[0][0]
    results.close()  # what a cancelled job does: it returns only once the workers are gone
    assert multiprocessing.active_children() == []


@pytest.mark.slow
def test_an_article_over_the_pipeline_limit_is_skipped_with_a_reason(tmp_path: Path) -> None:
    from annotator.core.records import ArticleIn
    from annotator.jobs.suggesting import suggest
    from annotator.nlp.pipeline import load_pipeline
    from annotator.store import open_repository

    loaded = load_pipeline(None)
    loaded.nlp.max_length = 200  # a small limit stands in for a 1,000,000-character book
    repo = open_repository(str(tmp_path / "p.db"))
    try:
        short = repo.add_article(ArticleIn(text="Lavrov said the talks went well.")).article_id
        long = repo.add_article(ArticleIn(text="Abe met Putin in Sochi. " * 20)).article_id
        summary = suggest(repo, loaded=loaded)
        assert summary.articles == 1 and summary.too_long == [long]
        assert any(long in line and "limit" in line for line in summary.lines())
        assert repo.entities_for(short)
    finally:
        loaded.nlp.max_length = 1_000_000
        repo.close()
