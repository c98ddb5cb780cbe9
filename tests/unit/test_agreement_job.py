"""compute_agreement on a real repository (temporary SQLite file), against figures computed by hand."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.core.errors import CancelledError, NotFoundError
from annotator.core.records import (
    ArticleIn,
    ArticleStatus,
    ArticleSuggestions,
    EntitySuggestion,
    Span,
)
from annotator.jobs.agreement import (
    BASIS_DECIDED,
    BASIS_DONE,
    BASIS_NONE,
    AgreementReport,
    compute_agreement,
    format_agreement,
)
from annotator.jobs.progress import CancelFlag, Progress
from annotator.store import open_repository
from annotator.store.repository import Repository

TEXT = "Abe said Japan wants the four islands back, and Putin said Russia would not give them up. " * 4


def _text(i: int) -> str:
    return f"{i}. {TEXT}"  # distinct texts: the store deduplicates by text hash


def _claim(repo: Repository, article: str, who: str, cue: tuple[int, int], content: tuple[int, int],
           kind: str, form: str = "statement", stance: int | None = None) -> None:
    repo.add_claim(article, who, cue=[Span(*cue)], content=[Span(*content)], kind=kind, form=form,
                   stance=stance)


def _build(path: Path) -> tuple[Repository, list[str]]:
    repo = open_repository(str(path))
    for name in ("alice", "bob", "carol", "dave"):
        repo.ensure_annotator(name)
    repo.ensure_annotator("erin", "reviewer")  # registered, never codes anything
    ids = [repo.add_article(ArticleIn(text=_text(i), title=f"article {i}")).article_id for i in range(4)]
    a1, a2, a3, _a4 = ids

    # Article 1, both done. Alice: 4 PERSON + 2 GPE; Bob: 3 PERSON exact, 1 PERSON with other boundaries,
    # 1 GPE exact, the other GPE span as ORG.
    for start, end, label in [(0, 5, "PERSON"), (10, 15, "PERSON"), (20, 25, "PERSON"), (30, 35, "PERSON"),
                              (40, 45, "GPE"), (50, 55, "GPE")]:
        repo.add_entity(a1, start, end, label, "alice")
    for start, end, label in [(0, 5, "PERSON"), (10, 15, "PERSON"), (20, 25, "PERSON"), (30, 38, "PERSON"),
                              (40, 45, "GPE"), (50, 55, "ORG")]:
        repo.add_entity(a1, start, end, label, "bob")
    # Two model suggestions: both accept 70-75 GPE (a tp); only Alice rejects 60-65 PERSON (dropped: were it
    # kept, it would be a false negative).
    repo.store_suggestions(ArticleSuggestions(a1, "spacy:test@1", entities=[
        EntitySuggestion(60, 65, "PERSON"), EntitySuggestion(70, 75, "GPE")]))
    suggested = {(e.start, e.end): e.id for e in repo.export_rows(a1, layer="suggestions")[0]}
    repo.reject_entity(suggested[(60, 65)], "alice")
    repo.accept_entity(suggested[(70, 75)], "alice")
    repo.accept_entity(suggested[(70, 75)], "bob")
    assert ("PERSON", "rejected") in {(e.label, e.status) for e in repo.export_rows(a1, layer="alice")[0]}
    # Claims: Alice A0, A1, A2; Bob B0..B3. Matches: A0-B3 (cue 2 + content 20 = 22 beats B0's 4 + 15 = 19)
    # and A2-B2; B0, B1 unmatched (fp 2), A1 unmatched (fn 1).
    _claim(repo, a1, "alice", (110, 114), (120, 140), "direct")  # A0
    _claim(repo, a1, "alice", (150, 155), (160, 180), "indirect")  # A1
    _claim(repo, a1, "alice", (200, 204), (210, 230), "indirect", stance=1)  # A2
    _claim(repo, a1, "bob", (110, 114), (125, 145), "indirect")  # B0
    _claim(repo, a1, "bob", (150, 155), (185, 195), "direct")  # B1
    _claim(repo, a1, "bob", (200, 204), (210, 230), "direct", stance=1)  # B2
    _claim(repo, a1, "bob", (111, 113), (120, 140), "direct", form="evaluation")  # B3
    # Article 2, both done: one agreed PERSON; one claim, same spans, kind indirect, form demand, stance -1.
    repo.add_entity(a2, 0, 10, "PERSON", "alice")
    repo.add_entity(a2, 0, 10, "PERSON", "bob")
    _claim(repo, a2, "alice", (11, 14), (15, 40), "indirect", form="demand", stance=-1)
    _claim(repo, a2, "bob", (11, 14), (15, 40), "indirect", form="demand", stance=-1)
    # Article 3: Alice done, Bob only in progress -> not compared for this pair (would add an fp otherwise).
    repo.add_entity(a3, 0, 10, "PERSON", "bob")
    for article in (a1, a2, a3):
        repo.set_article_status(article, "alice", ArticleStatus.DONE)
    for article in (a1, a2):
        repo.set_article_status(article, "bob", ArticleStatus.DONE)
    repo.set_article_status(a3, "bob", ArticleStatus.IN_PROGRESS)
    # Carol and Dave never mark anything done; both have decisions on article 3 only.
    repo.add_entity(a3, 0, 10, "PERSON", "carol")
    repo.add_entity(a3, 0, 10, "PERSON", "dave")
    repo.add_entity(a3, 20, 25, "GPE", "dave")
    return repo, ids


@pytest.fixture(scope="module")
def project(
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Repository, list[str], AgreementReport]]:
    repo, ids = _build(tmp_path_factory.mktemp("agreement") / "project.db")
    report = compute_agreement(repo, ["alice", "bob"])
    yield repo, ids, report
    repo.close()


def test_pair_over_articles_both_done(project: tuple[Repository, list[str], AgreementReport]) -> None:
    _, ids, report = project
    pair = report.pair("bob", "alice")
    assert (pair.first, pair.second, pair.basis) == ("alice", "bob", BASIS_DONE)
    assert pair.article_ids == (ids[0], ids[1])


def test_entity_figures_by_hand(project: tuple[Repository, list[str], AgreementReport]) -> None:
    pair = project[2].pair("alice", "bob")
    per_label = pair.entities.per_label
    # PERSON: article 1 tp 3, fp 1 (30-38), fn 1 (30-35); article 2 tp 1 -> tp 4, fp 1, fn 1
    #   F1 = 8/(8+1+1) = 0.8
    assert (per_label["PERSON"].tp, per_label["PERSON"].fp, per_label["PERSON"].fn) == (4, 1, 1)
    assert per_label["PERSON"].f1 == pytest.approx(0.8)
    # GPE: 40-45 and the accepted suggestion 70-75 tp 2; 50-55 fn 1 -> F1 = 4/(4+0+1) = 0.8
    assert (per_label["GPE"].tp, per_label["GPE"].fp, per_label["GPE"].fn) == (2, 0, 1)
    assert per_label["GPE"].f1 == pytest.approx(0.8)
    # ORG: Bob's 50-55 fp 1 -> F1 = 0
    assert (per_label["ORG"].tp, per_label["ORG"].fp, per_label["ORG"].fn) == (0, 1, 0)
    # overall: tp 6, fp 2, fn 2 -> F1 = 12/(12+2+2) = 0.75 (Alice's rejected 60-65 is not counted)
    overall = pair.entities.overall
    assert (overall.tp, overall.fp, overall.fn) == (6, 2, 2)
    assert overall.f1 == pytest.approx(0.75)


def test_claim_figures_and_kappa_by_hand(project: tuple[Repository, list[str], AgreementReport]) -> None:
    pair = project[2].pair("alice", "bob")
    counts = pair.claims.counts
    # tp 2 + 1 = 3, fp 2, fn 1 -> F1 = 6/(6+2+1) = 2/3
    assert (counts.tp, counts.fp, counts.fn) == (3, 2, 1)
    assert counts.f1 == pytest.approx(2 / 3)
    # kind pairs (A0,B3) direct/direct, (A2,B2) indirect/direct, art. 2 indirect/indirect:
    #   pₒ = 2/3; Alice direct 1, indirect 2; Bob direct 2, indirect 1; pₑ = (1·2 + 2·1)/9 = 4/9
    #   κ = (6/9 − 4/9)/(5/9) = 2/5
    assert pair.kappa("kind").value == pytest.approx(0.4)
    # form pairs statement/evaluation, statement/statement, demand/demand:
    #   pₒ = 2/3; Alice statement 2, demand 1; Bob evaluation 1, statement 1, demand 1
    #   pₑ = (2·1 + 1·1)/9 = 3/9; κ = (6/9 − 3/9)/(6/9) = 1/2
    assert pair.kappa("form").value == pytest.approx(0.5)
    # stance pairs None/None, 1/1, −1/−1: pₒ = 1, pₑ = 3/9 -> κ = 1
    assert pair.kappa("stance").value == pytest.approx(1.0)
    assert pair.kappa("stance").n == 3


def test_fallback_to_articles_with_decisions(project: tuple[Repository, list[str], AgreementReport]) -> None:
    repo, ids, _ = project
    report = compute_agreement(repo, ["carol", "dave"])
    pair = report.pair("carol", "dave")
    assert pair.basis == BASIS_DECIDED and pair.article_ids == (ids[2],)
    # tp 1 (0-10 PERSON), fp 1 (Dave's GPE) -> F1 = 2/(2+1) = 2/3
    assert pair.entities.overall.f1 == pytest.approx(2 / 3)
    assert any("no article marked done by both" in note for note in report.notes)
    assert pair.claims.counts.f1 is None and pair.kappa("kind").value is None


def test_default_annotators_leave_out_who_coded_nothing(
        project: tuple[Repository, list[str], AgreementReport]) -> None:
    report = compute_agreement(project[0])
    assert report.annotators == ("alice", "bob", "carol", "dave")
    assert len(report.pairs) == 6
    assert any("erin" in note for note in report.notes)
    # Alice / Carol: Alice done on article 3 (and Carol has a decision there) but nothing done by both
    assert report.pair("alice", "carol").basis == BASIS_DECIDED


def test_pair_without_common_article(project: tuple[Repository, list[str], AgreementReport]) -> None:
    report = compute_agreement(project[0], ["erin", "alice"])
    pair = report.pair("alice", "erin")
    assert (pair.first, pair.basis, pair.articles) == ("erin", BASIS_NONE, 0)
    assert pair.entities.overall.f1 is None and pair.kappa("kind").value is None
    assert report.notes == ("erin / alice: no article coded by both",)
    summary = format_agreement(report).splitlines()[2].split()
    assert summary == ["erin", "/", "alice", "0", "none", "-", "-", "-", "-", "-"]


def test_json_and_text(project: tuple[Repository, list[str], AgreementReport]) -> None:
    report = project[2]
    data = report.to_json()
    assert data["annotators"] == ["alice", "bob"]
    (pair,) = data["pairs"]
    assert pair["articles"] == 2 and pair["basis"] == "done"
    assert pair["entities"]["overall"]["f1"] == pytest.approx(0.75)
    assert pair["entities"]["labels"]["PERSON"]["tp"] == 4
    assert pair["claims"]["f1"] == pytest.approx(2 / 3)
    assert pair["kappa"]["kind"]["kappa"] == pytest.approx(0.4)
    assert report.labels == ["GPE", "ORG", "PERSON"]
    assert report.pairs[0].label_f1() == {"GPE": pytest.approx(0.8), "ORG": 0.0, "PERSON": pytest.approx(0.8)}
    text = format_agreement(report)
    assert "alice / bob" in text
    summary = next(line for line in text.splitlines() if line.strip().startswith("alice / bob  "))
    # articles, basis, entity F1, claim F1, kappa kind / form / stance
    assert summary.split()[3:] == ["2", "done", "0.750", "0.667", "0.400", "0.500", "1.000"]
    person = next(line for line in text.splitlines() if line.strip().startswith("PERSON"))
    # F1, P = 4/5, R = 4/5, Alice 5, Bob 5, both 4
    assert person.split()[1:] == ["0.800", "0.800", "0.800", "5", "5", "4"]


def test_progress_cancel_and_unknown_names(project: tuple[Repository, list[str], AgreementReport]) -> None:
    repo = project[0]
    seen: list[Progress] = []
    compute_agreement(repo, ["alice", "bob"], progress=seen.append)
    assert [(p.done, p.total) for p in seen] == [(1, 4), (2, 4), (3, 4), (4, 4)]
    flag = CancelFlag()
    flag.cancel()
    with pytest.raises(CancelledError):
        compute_agreement(repo, ["alice", "bob"], cancel=flag)
    with pytest.raises(NotFoundError, match="zed"):
        compute_agreement(repo, ["alice", "zed"])
