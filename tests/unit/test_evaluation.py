"""Scoring suggestions against gold: the README matching rule, one-to-one matching, gold file formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.agreement import Mention
from annotator.core.errors import InputError
from annotator.core.evaluation import (
    ClaimScores,
    ClaimSpans,
    claim_spans,
    entity_spans,
    format_claim_scores,
    format_entity_scores,
    load_gold,
    score_claim_corpus,
    score_claims,
    score_entities,
    score_entity_corpus,
)
from annotator.core.records import ClaimSuggestion, EntitySuggestion, Span

#                 0         1         2         3         4         5         6         7
#                 0123456789012345678901234567890123456789012345678901234567890123456789012345
TEXT_A = "Abe said that talks will go on. It was reported that Putin will visit Tokyo."
TEXT_B = "Lavrov insisted the islands are Russian. According to Peskov, the talks failed."


def _dev_line(id_: str, publisher: str, text: str, claims: list[dict[str, object]]) -> str:
    return json.dumps({"id": id_, "publisher": publisher, "text": text, "claims": claims})


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    """Two articles, four gold attributions, in the dev-data format."""
    path = tmp_path / "gold.jsonl"
    lines = [
        _dev_line(
            "a",
            "nyt",
            TEXT_A,
            [
                {
                    "source": [0, 3],
                    "cue": [4, 8],
                    "content": [9, 30],
                    "source_spans": [[0, 3]],
                    "cue_spans": [[4, 8]],
                    "content_spans": [[9, 30]],
                    "no_source": False,
                },
                {
                    "source": None,
                    "cue": [39, 47],
                    "content": [48, 75],
                    "source_spans": None,
                    "cue_spans": [[39, 47]],
                    "content_spans": [[48, 75]],
                    "no_source": True,
                },
            ],
        ),
        _dev_line(
            "b",
            "wapo",
            TEXT_B,
            [
                {"source": [0, 6], "cue": [7, 15], "content": [16, 39]},
                {"source": [54, 60], "cue": [41, 53], "content": [62, 78]},
            ],
        ),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_dev_format(gold_file: Path) -> None:
    articles = load_gold(gold_file)
    assert [a.id for a in articles] == ["a", "b"]
    assert articles[0].publisher == "nyt"
    assert articles[0].claims == [ClaimSpans((4, 8), (9, 30), (0, 3)), ClaimSpans((39, 47), (48, 75), None)]
    assert articles[0].entities is None
    assert TEXT_A[slice(*articles[0].claims[1].content)] == "that Putin will visit Tokyo"


def test_scores_on_tiny_gold_file(gold_file: Path) -> None:
    a, b = load_gold(gold_file)
    assert a.claims is not None and b.claims is not None
    pred_a = [
        ClaimSpans((4, 8), (14, 30), (0, 3)),  # found, right source
        ClaimSpans((39, 47), (53, 75), (53, 58)),  # found, wrong source (gold has none)
        ClaimSpans((60, 65), (66, 75), None),  # false positive: cue overlaps no gold cue
    ]
    pred_b = [
        ClaimSpans((7, 15), (2, 5), (0, 6)),  # cue right but content does not overlap: not found
        ClaimSpans((41, 53), (62, 78), (54, 60)),  # found, right source
    ]
    total = score_claims(a.claims, pred_a) + score_claims(b.claims, pred_b)
    assert (total.n_gold, total.n_pred, total.matched, total.source_correct) == (4, 5, 3, 2)
    assert total.precision == pytest.approx(3 / 5)
    assert total.recall == pytest.approx(3 / 4)
    assert total.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert total.source_accuracy == pytest.approx(2 / 4)
    line = format_claim_scores(total)
    assert "precision 0.600" in line and "recall 0.750" in line and "source accuracy 0.500" in line


def test_corpus_scores_by_publisher(gold_file: Path) -> None:
    a, b = load_gold(gold_file)
    assert a.claims is not None and b.claims is not None
    by = score_claim_corpus([(a, a.claims), (b, [])])
    assert (by[""].matched, by[""].n_gold, by[""].n_pred) == (2, 4, 2)
    assert by["nyt"].recall == 1.0 and by["nyt"].source_accuracy == 1.0
    assert by["wapo"].recall == 0.0
    assert score_entity_corpus([(a, [])]).overall.n_gold == 0  # no entity gold: skipped


def test_null_source_matches_null_source() -> None:
    gold = [ClaimSpans((10, 18), (19, 40), None)]
    assert score_claims(gold, [ClaimSpans((10, 18), (19, 30), None)]).source_correct == 1
    assert score_claims(gold, [ClaimSpans((10, 18), (19, 30), (0, 5))]).source_correct == 0


def test_matching_is_one_to_one() -> None:
    gold = [ClaimSpans((4, 8), (9, 30), None)]
    pred = [ClaimSpans((4, 8), (9, 20), None), ClaimSpans((5, 8), (20, 30), None)]
    scores = score_claims(gold, pred)
    assert (scores.matched, scores.precision, scores.recall) == (1, 0.5, 1.0)


def test_matching_is_maximal_not_greedy() -> None:
    # Suggestion 0 fits both gold items, suggestion 1 only the first: a greedy pass would pair gold 0 with
    # suggestion 0 and leave gold 1 unmatched.
    gold = [ClaimSpans((0, 10), (20, 30)), ClaimSpans((5, 15), (25, 40))]
    pred = [ClaimSpans((5, 10), (25, 30)), ClaimSpans((0, 4), (20, 22))]
    assert score_claims(gold, pred).matched == 2


def test_empty_inputs() -> None:
    scores = score_claims([], [])
    assert (scores.precision, scores.recall, scores.f1, scores.source_accuracy) == (0.0, 0.0, 0.0, 0.0)
    assert ClaimScores() + scores == scores


def test_claim_spans_from_suggestion() -> None:
    suggestion = ClaimSuggestion(
        cue=(Span(20, 24),), content=(Span(0, 10), Span(30, 40)), source=(Span(25, 28),), kind="direct"
    )
    assert claim_spans(suggestion) == ClaimSpans((20, 24), (0, 40), (25, 28))
    assert claim_spans(ClaimSuggestion(cue=(Span(1, 2),), content=(Span(3, 4),))).source is None


def test_load_export_format_with_entities(tmp_path: Path) -> None:
    export = {
        "format": "annotator-export",
        "version": 1,
        "layer": "gold",
        "articles": [
            {
                "id": "x1",
                "source": "Kyodo",
                "text": TEXT_A,
                "entities": [
                    {"id": "e1", "start": 0, "end": 3, "text": "Abe", "label": "PERSON"},
                    {"id": "e2", "start": 53, "end": 58, "text": "Putin", "label": "PERSON"},
                    {"id": "e3", "start": 70, "end": 75, "text": "Tokyo", "label": "GPE"},
                ],
                "claims": [
                    {
                        "id": "c1",
                        "source": {"start": 0, "end": 3, "text": "Abe"},
                        "cue": {"start": 4, "end": 8, "text": "said"},
                        "content": {"start": 9, "end": 30, "text": "...", "spans": [[9, 30]]},
                        "kind": "indirect",
                    },
                    {
                        "id": "c2",
                        "source": None,
                        "cue": {"start": 39, "end": 47},
                        "content": {"start": 48, "end": 75, "spans": [[48, 60], [61, 75]]},
                    },
                ],
            }
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps(export), encoding="utf-8")
    (article,) = load_gold(path)
    assert article.id == "x1" and article.publisher == "Kyodo"
    assert article.claims == [ClaimSpans((4, 8), (9, 30), (0, 3)), ClaimSpans((39, 47), (48, 75), None)]
    assert article.entities is not None and len(article.entities) == 3
    # The same article as export JSONL (one article object per line) reads the same.
    jsonl = tmp_path / "export.jsonl"
    jsonl.write_text(json.dumps(export["articles"][0]) + "\n", encoding="utf-8")  # type: ignore[index]
    assert load_gold(jsonl)[0].claims == article.claims


def test_entity_scores_exact_span_and_label() -> None:
    gold = [Mention(0, 3, "PERSON"), Mention(53, 58, "PERSON"), Mention(70, 75, "GPE")]
    pred = [
        Mention(0, 3, "PERSON"),
        Mention(53, 58, "ORG"),
        Mention(70, 75, "GPE"),
        Mention(60, 64, "DATE"),
    ]
    scores = score_entities(gold, pred)
    assert (scores.overall.tp, scores.overall.n_gold, scores.overall.n_pred) == (2, 3, 4)
    assert scores.overall.precision == pytest.approx(0.5)
    assert scores.overall.recall == pytest.approx(2 / 3)
    assert scores.per_label["PERSON"].recall == pytest.approx(0.5)
    assert scores.per_label["PERSON"].precision == pytest.approx(1.0)
    assert scores.per_label["ORG"].precision == 0.0
    assert scores.per_label["GPE"].f1 == pytest.approx(1.0)
    summed = scores + scores
    assert summed.overall.tp == 4 and summed.per_label["DATE"].n_pred == 2
    assert "PERSON" in format_entity_scores(summed)
    assert entity_spans([EntitySuggestion(0, 3, "PERSON")]) == [Mention(0, 3, "PERSON")]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"text": "a", "claims": []}\n{not json\n', "malformed JSON"),
        ('{"id": "a"}\n', "'text'"),
        ('{"text": "abc", "claims": [{"cue": [0, 1]}]}\n', "needs a cue and a content"),
        ('{"text": "abc", "claims": [{"cue": "x", "content": [0, 1]}]}\n', "cue"),
        ("", "empty file"),
    ],
)
def test_bad_gold_files_name_file_and_line(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=reason) as info:
        load_gold(path)
    assert info.value.path == str(path)
    if "malformed" in reason:
        assert info.value.line == 2


def test_missing_gold_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_gold(tmp_path / "nope.jsonl")


def test_rejected_gold_items_are_not_gold(tmp_path: Path) -> None:
    """Issue 15, point 19: a reviewer's rejected rows stay in the gold layer's export but are not gold."""
    article = {
        "id": "x1",
        "text": TEXT_A,
        "entities": [
            {"start": 0, "end": 3, "label": "PERSON", "status": "accepted"},
            {"start": 53, "end": 58, "label": "PERSON", "status": "corrected"},
            {"start": 70, "end": 75, "label": "GPE", "status": "rejected"},
        ],
        "claims": [
            {"source": None, "cue": {"start": 4, "end": 8}, "content": {"start": 9, "end": 30},
             "status": "accepted"},
            {"source": None, "cue": {"start": 39, "end": 47}, "content": {"start": 48, "end": 75},
             "status": "rejected"},
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(article) + "\n", encoding="utf-8")
    (gold,) = load_gold(path)
    assert gold.entities == [Mention(0, 3, "PERSON"), Mention(53, 58, "PERSON")]
    assert gold.claims == [ClaimSpans((4, 8), (9, 30), None)]
    # The walk-through's figures: 2 gold (not 3), and a prediction matching only the rejected one is no match.
    scores = score_entities(gold.entities, [Mention(0, 3, "PERSON"), Mention(70, 75, "GPE")])
    assert (scores.overall.n_gold, scores.overall.tp) == (2, 1)
