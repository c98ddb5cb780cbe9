"""`annotator evaluate` figures on a tiny hand-made gold file, against suggestions stored by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.errors import ValidationError
from annotator.core.records import ArticleIn, ArticleSuggestions, ClaimSuggestion, Span
from annotator.jobs.evaluating import evaluate, format_report
from annotator.store.repository import Repository

TEXT_A = 'Lavrov said that the talks failed. "We will wait," Abe told reporters.'
TEXT_B = "According to Kyodo, Abe offered a plan. Putin hopes to visit Japan."
TEXT_C = "This article is not in the project."


def pos(text: str, part: str) -> list[int]:
    start = text.index(part)
    return [start, start + len(part)]


def gold_line(text: str, claims: list[dict[str, object]], publisher: str) -> str:
    return json.dumps({"id": publisher + text[:5], "publisher": publisher, "text": text, "claims": claims})


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    lines = [
        gold_line(TEXT_A, [
            {"source": pos(TEXT_A, "Lavrov"), "cue": pos(TEXT_A, "said"),
             "content": pos(TEXT_A, "that the talks failed")},
            {"source": pos(TEXT_A, "Abe"), "cue": pos(TEXT_A, "told reporters"),
             "content": pos(TEXT_A, '"We will wait,"')},
        ], "p1"),
        gold_line(TEXT_B, [
            {"source": pos(TEXT_B, "Kyodo"), "cue": pos(TEXT_B, "According to"),
             "content": pos(TEXT_B, "Abe offered a plan")},
            {"source": pos(TEXT_B, "Putin"), "cue": pos(TEXT_B, "hopes"), "content": pos(TEXT_B, "to visit Japan")},
        ], "p2"),
        gold_line(TEXT_C, [{"source": None, "cue": [0, 4], "content": [5, 10]}], "p2"),
    ]
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def claim(text: str, source: str | None, cue: str, content: str) -> ClaimSuggestion:
    def span(part: str) -> tuple[Span, ...]:
        s, e = pos(text, part)
        return (Span(s, e),)

    return ClaimSuggestion(cue=span(cue), content=span(content), source=span(source) if source else ())


def test_figures_match_the_hand_computed_ones(repo: Repository, gold_file: Path) -> None:
    a = repo.add_article(ArticleIn(text=TEXT_A)).article_id
    b = repo.add_article(ArticleIn(text=TEXT_B)).article_id
    # A: both gold claims found; the second with the wrong source ("reporters" does not overlap "Abe").
    repo.store_suggestions(ArticleSuggestions(a, "spacy:test@1", claims=[
        claim(TEXT_A, "Lavrov", "said", "the talks failed"),
        claim(TEXT_A, "reporters", "told", "We will wait"),
    ]))
    # B: "according to" found, "hopes" missed, and one false suggestion (cue "offered" overlaps no gold cue).
    repo.store_suggestions(ArticleSuggestions(b, "spacy:test@1", claims=[
        claim(TEXT_B, "Kyodo", "According to", "Abe offered a plan"),
        claim(TEXT_B, "Abe", "offered", "a plan"),
    ]))
    result = evaluate(gold_file, repo=repo)
    # gold 4 (C is not in the project), suggested 4, matched 3: P = 3/4, R = 3/4, F1 = 0.75;
    # sources right for Lavrov and Kyodo only: 2/4.
    assert result["missing_articles"] == 1
    overall = result["overall"]
    assert (overall["gold"], overall["suggested"], overall["matched"]) == (4, 4, 3)
    assert overall["precision"] == pytest.approx(0.75)
    assert overall["recall"] == pytest.approx(0.75)
    assert overall["f1"] == pytest.approx(0.75)
    assert overall["source_accuracy"] == pytest.approx(0.5)
    # p1: 2 gold, 2 suggested, 2 matched, 1 source right; p2: 2 gold, 2 suggested, 1 matched, 1 source right.
    assert result["by_publisher"]["p1"]["recall"] == pytest.approx(1.0)
    assert result["by_publisher"]["p1"]["source_accuracy"] == pytest.approx(0.5)
    assert result["by_publisher"]["p2"]["precision"] == pytest.approx(0.5)
    assert "precision 0.750" in format_report(result)
    assert "not in the project" in format_report(result)


def test_a_gold_file_without_the_kind_asked_for_is_explained(repo: Repository, gold_file: Path) -> None:
    with pytest.raises(ValidationError, match="no article in this file has gold entities"):
        evaluate(gold_file, kind="entities", repo=repo)
