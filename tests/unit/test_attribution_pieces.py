"""The learned choice of a claim's content pieces: features, fitting, keeping, saving, and the training gate."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from annotator.nlp.attribution_pieces import (
    FEATURE_NAMES,
    PieceContext,
    PieceFilter,
    fit_piece_filter,
    piece_features,
)
from tests.fixtures.attribution import decided, tagged


def _context(**changes: Any) -> PieceContext:
    values: dict[str, Any] = {
        "start": 10, "end": 15, "via": "parse", "cue_start": 5, "cue_end": 6, "same_sentence": True,
        "same_paragraph": True, "opens_quote": False, "ends_quote": False, "cue_between": False,
        "nearest": True, "n_pieces": 2, "probability": 0.9, "first_probability": 0.8,
    }
    values.update(changes)
    return PieceContext(**values)


def _named(row: list[float]) -> dict[str, float]:
    assert len(row) == len(FEATURE_NAMES)
    return dict(zip(FEATURE_NAMES, row, strict=True))


def test_features_say_how_and_where_the_piece_hangs() -> None:
    after = _named(piece_features(_context()))
    assert after["via parse"] == 1.0 and after["via nearest"] == 0.0
    assert after["after the cue"] == 1.0 and after["before the cue"] == 0.0
    assert after["distance <= 5"] == 1.0 and after["distance <= 2"] == 0.0  # 4 tokens between cue and piece
    assert after["length <= 6"] == 1.0
    assert after["content probability (mean)"] == pytest.approx(0.9)
    before = _named(piece_features(_context(start=0, end=30, cue_start=40, cue_end=41, via="nearest")))
    assert before["before the cue"] == 1.0 and before["via nearest"] == 1.0
    assert before["distance <= 15"] == 1.0 and before["length > 20"] == 1.0
    around = _named(piece_features(_context(start=0, end=30, n_pieces=3)))
    assert around["around the cue"] == 1.0 and around["distance <= 0"] == 1.0
    assert around["three or more pieces"] == 1.0


def test_a_fitted_filter_drops_what_its_examples_dropped() -> None:
    rng = numpy.random.default_rng(0)
    rows, labels = [], []
    for _ in range(200):
        remote = bool(rng.random() < 0.5)
        context = _context(via="nearest" if remote else "rule", same_paragraph=not remote,
                           probability=float(rng.uniform(0.2, 0.9)))
        rows.append(piece_features(context))
        labels.append(not remote)
    fitted = fit_piece_filter(rows, labels)
    assert fitted is not None
    near = piece_features(_context(via="rule"))
    far = piece_features(_context(via="nearest", same_paragraph=False))
    assert fitted.keep([near, far]) == [True, False]
    # The likeliest piece of a claim is always kept, however unlikely.
    assert fitted.keep([far]) == [True]
    assert fitted.keep([far, far]).count(True) == 1


def test_nothing_to_learn_from_one_kind_of_label() -> None:
    rows = [piece_features(_context()) for _ in range(5)]
    assert fit_piece_filter(rows, [True] * 5) is None
    assert fit_piece_filter([], []) is None


def test_the_filter_round_trips_through_the_component_cfg() -> None:
    flt = PieceFilter(tuple(float(k) / 10 for k in range(len(FEATURE_NAMES))), -1.5, 0.4)
    cfg = flt.to_cfg()
    assert PieceFilter.from_cfg(cfg) == flt
    assert PieceFilter.from_cfg(None) is None
    # Fitted on another feature set (an older model): not used rather than misread.
    assert PieceFilter.from_cfg({**cfg, "features": cfg["features"][:-1]}) is None


# --------------------------------------------------------------------------- linking and the training gate


TEXT = "Smith said the plan would fail. The weather was fine all week."


def _tags_and_probs(doc: Any) -> tuple[list[str], Any]:
    return tagged(doc, [("Smith", "SOURCE"), ("said", "CUE"), ("the plan would fail", "CONTENT"),
                        ("The weather was fine all week", "CONTENT")])


@pytest.mark.slow
def test_linking_records_the_pieces_and_the_filter_drops_one(nlp: Any) -> None:
    from annotator.nlp.attribution_linking import link_claims

    doc = nlp(TEXT)
    tags, probs = _tags_and_probs(doc)
    record: list[Any] = []
    claims = link_claims(doc, tags, [], probs=probs, record=record)
    # The second sentence has no cue: linking gives it to the nearest one, so the claim has two pieces.
    assert [[TEXT[s.start : s.end] for s in c.content] for c in claims] == [
        ["the plan would fail", "The weather was fine all week"]]
    assert [(TEXT[cue.start : cue.end], TEXT[p.start : p.end]) for cue, p, _ in record] == [
        ("said", "the plan would fail"), ("said", "The weather was fine all week")]
    vias = [_named(row) for _, _, row in record]
    assert vias[0]["via parse"] == 1.0 and vias[1]["via nearest"] == 1.0
    drop_nearest = PieceFilter(tuple(-8.0 if n == "via nearest" else 0.0 for n in FEATURE_NAMES), 2.0)
    filtered = link_claims(doc, tags, [], probs=probs, piece_filter=drop_nearest)
    assert [[TEXT[s.start : s.end] for s in c.content] for c in filtered] == [["the plan would fail"]]


class _Component:
    def __init__(self) -> None:
        self.cfg: dict[str, Any] = {"mode": "model"}


@pytest.mark.slow
def test_training_keeps_the_filter_only_when_cross_validation_says_it_helps(nlp: Any) -> None:
    from annotator.nlp.attribution_training import RoleDoc
    from annotator.nlp.model_training import TuningSet, choose_pieces

    doc = nlp(TEXT)
    tags, probs = _tags_and_probs(doc)

    def claim(content: str) -> Any:
        return decided(TEXT, "Smith", "said", content)

    tune = [RoleDoc(doc, []) for _ in range(10)]
    predictions: list[tuple[Any, list[Any]]] = [(probs, [])] * 10
    # The annotators' content is the first sentence only: dropping the second piece measures better.
    component = _Component()
    tuning = TuningSet(tune, [[claim("the plan would fail")]] * 10, predictions, [tags] * 10)
    report = choose_pieces(component, tuning)
    assert report["kept"] and report["cross_validated"] > report["without"]
    kept = PieceFilter.from_cfg(component.cfg["pieces"])
    assert kept is not None
    # Their content is both pieces: every piece is right, nothing to learn, and no filter is kept.
    component = _Component()
    both = "the plan would fail. The weather was fine all week"
    report = choose_pieces(component, TuningSet(tune, [[claim(both)]] * 10, predictions, [tags] * 10))
    assert not report["kept"] and component.cfg["pieces"] is None
