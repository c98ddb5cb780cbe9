"""The learned choice of a claim's cue and content edges: features, fitting, saving, linking and the gate."""

from __future__ import annotations

from typing import Any

import numpy
import pytest

from annotator.nlp.attribution_edges import (
    FEATURE_NAMES,
    EdgeCandidate,
    EdgeChooser,
    EdgeModel,
    TokenInfo,
    edge_features,
    fit_edge_model,
    token_class,
)
from tests.fixtures.attribution import decided, tagged

THAT = TokenInfo("that", "SCONJ", "", False)
QUOTE = TokenInfo("“", "PUNCT", "", True)
WORD = TokenInfo("plan", "NOUN", "", False)
WEDNESDAY = TokenInfo("wednesday", "PROPN", "DATE", False)


def _named(row: list[float]) -> dict[str, float]:
    assert len(row) == len(FEATURE_NAMES)
    return dict(zip(FEATURE_NAMES, row, strict=True))


def _candidate(
    shift: int, crossed: tuple[TokenInfo, ...] = (), edge: TokenInfo = WORD, **changes: Any
) -> EdgeCandidate:
    values: dict[str, Any] = {"probability": 0.5, "into_other_role": False, "crosses_sentence": False}
    values.update(changes)
    return EdgeCandidate(shift=shift, crossed=crossed, edge=edge, **values)


def test_token_classes_name_the_conventions() -> None:
    assert token_class(THAT) == "that"
    assert token_class(QUOTE) == "quote mark"
    assert token_class(WEDNESDAY) == "date or time"
    assert token_class(TokenInfo(",", "PUNCT", "", True)) == "comma"
    assert token_class(TokenInfo("has", "AUX", "", False)) == "auxiliary"
    assert token_class(WORD) == "noun"


def test_features_say_which_way_the_edge_moves_and_over_what() -> None:
    grow = _named(edge_features(_candidate(1, (QUOTE,), QUOTE, probability=0.7)))
    assert grow["shift +1"] == 1.0 and grow["shift +0"] == 0.0
    assert grow["grows over quote mark"] == 1.0 and grow["shrinks over quote mark"] == 0.0
    assert grow["edge token is quote mark"] == 1.0
    assert grow["grows: tagger's role probability (mean)"] == pytest.approx(0.7)
    assert grow["shrinks: tagger's role probability (mean)"] == 0.0
    shrink = _named(edge_features(_candidate(-2, (THAT, WORD), WORD, crosses_sentence=True)))
    assert shrink["shift -2"] == 1.0
    assert shrink["shrinks over that"] == 1.0 and shrink["shrinks over noun"] == 1.0
    assert shrink["grows over that"] == 0.0 and shrink["crosses a sentence start"] == 1.0
    stay = _named(edge_features(_candidate(0)))
    assert stay["shift +0"] == 1.0 and sum(stay.values()) == pytest.approx(2.0)  # the shift and the edge token


def _edge(that_first: bool) -> tuple[list[list[float]], list[bool]]:
    """One content start's candidates (stay, drop one token): the annotators leave out a leading "that"."""
    first = THAT if that_first else WORD
    rows = [edge_features(_candidate(0, (), first)), edge_features(_candidate(-1, (first,), WORD))]
    return rows, [not that_first, that_first]


def test_a_fitted_model_moves_the_edge_where_its_examples_did() -> None:
    rng = numpy.random.default_rng(0)
    rows: list[list[float]] = []
    labels: list[bool] = []
    for _ in range(100):
        r, y = _edge(bool(rng.random() < 0.5))
        rows += r
        labels += y
    model = fit_edge_model(rows, labels)
    assert model is not None
    assert model.choose(_edge(True)[0]) == 1
    assert model.choose(_edge(False)[0]) == 0
    chooser = EdgeChooser({"CONTENT:start": model})
    assert chooser.choose("CONTENT:start", _edge(True)[0], stay=0) == 1
    # An edge without a model of its own stays where the tagger put it.
    assert chooser.choose("CUE:end", _edge(True)[0], stay=0) == 0
    assert fit_edge_model(rows[:2], [True, True]) is None


def test_the_chooser_round_trips_through_the_component_cfg() -> None:
    chooser = EdgeChooser({"CUE:end": EdgeModel(tuple(k / 10 for k in range(len(FEATURE_NAMES))), -0.5)})
    cfg = chooser.to_cfg()
    assert EdgeChooser.from_cfg(cfg) == chooser
    # Nothing saved, or fitted on another feature set or for an edge this version does not move: not misread.
    assert EdgeChooser.from_cfg(None) is None
    assert EdgeChooser.from_cfg({**cfg, "features": cfg["features"][:-1]}) is None
    unknown = {**cfg, "models": {**cfg["models"], "SOURCE:start": cfg["models"]["CUE:end"]}}
    assert EdgeChooser.from_cfg(unknown) == chooser


# --------------------------------------------------------------------------- linking and the training gate


TEXT = "Smith said that the plan would fail."


def _tags_and_probs(doc: Any, content: str) -> tuple[list[str], Any]:
    return tagged(doc, [("Smith", "SOURCE"), ("said", "CUE"), (content, "CONTENT")])


def _drop_that() -> EdgeChooser:
    # Moving costs a point per word; leaving a "that" out gains four.
    cost = {"shift -2": -2.0, "shift -1": -1.0, "shift +1": -1.0, "shift +2": -2.0, "shrinks over that": 4.0}
    weights = tuple(cost.get(n, 0.0) for n in FEATURE_NAMES)
    return EdgeChooser({"CONTENT:start": EdgeModel(weights, 0.0)})


@pytest.mark.slow
def test_linking_records_the_edges_and_the_chooser_moves_one(nlp: Any) -> None:
    from annotator.nlp.attribution_linking import link_claims

    doc = nlp(TEXT)
    tags, probs = _tags_and_probs(doc, "that the plan would fail")
    record: list[Any] = []
    claims = link_claims(doc, tags, [], probs=probs, edge_record=record)
    assert [TEXT[c.content[0].start : c.content[0].end] for c in claims] == ["that the plan would fail"]
    kinds = {kind: chars for kind, _, _, chars, _ in record}
    assert set(kinds) == {"CUE:start", "CUE:end", "CONTENT:start", "CONTENT:end"}
    # The content's start: the tagger's edge, one and two words out ("said", "Smith"), one and two in.
    assert kinds["CONTENT:start"] == [TEXT.index("that"), TEXT.index("said"), 0, TEXT.index("the plan"),
                                      TEXT.index("plan")]
    moved = link_claims(doc, tags, [], probs=probs, edges=_drop_that())
    assert [TEXT[c.content[0].start : c.content[0].end] for c in moved] == ["the plan would fail"]
    assert [TEXT[c.cue[0].start : c.cue[0].end] for c in moved] == ["said"]


class _Component:
    def __init__(self) -> None:
        self.cfg: dict[str, Any] = {"mode": "model", "pieces": None}


@pytest.mark.slow
def test_training_keeps_the_chooser_only_when_cross_validation_says_it_helps(nlp: Any) -> None:
    from annotator.nlp.attribution_training import RoleDoc
    from annotator.nlp.model_training import TuningSet, choose_edges

    doc = nlp(TEXT)
    tags, probs = _tags_and_probs(doc, "that the plan would fail")

    def claim(content: str) -> Any:
        return decided(TEXT, "Smith", "said", content)

    tune = [RoleDoc(doc, []) for _ in range(10)]
    predictions: list[tuple[Any, list[Any]]] = [(probs, [])] * 10
    # The annotators leave the "that" out: moving the content's start measures better, and the chooser is kept.
    component = _Component()
    tuning = TuningSet(tune, [[claim("the plan would fail")]] * 10, predictions, [tags] * 10)
    report = choose_edges(component, tuning)
    assert "CONTENT:start" in report["kept"]
    assert report["cross_validated"]["CONTENT:start"] > report["without"]
    chooser = EdgeChooser.from_cfg(component.cfg["edges"])
    assert chooser is not None and set(chooser.models) == set(report["kept"])
    # They keep it, as the tagger did: nothing to gain, no chooser.
    component = _Component()
    tuning = TuningSet(tune, [[claim("that the plan would fail")]] * 10, predictions, [tags] * 10)
    report = choose_edges(component, tuning)
    assert report["kept"] == [] and component.cfg["edges"] is None
