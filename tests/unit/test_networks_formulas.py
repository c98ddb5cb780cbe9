"""Every aggregation and normalisation of docs/networks.md on one small network computed by hand.

The statements (stance scale -1, 0, +1, so DNA's qualifier range is 2):

    A on X: +1, +1      A on Y: -1
    B on X: +1          B on Y: +1
    C on X: -1          C on Y:  0

Proximity of two stances is 1 - |q1 - q2| / 2 (same stance 1, for/against 0, either/neutral 0.5); distance is
|q1 - q2| / 2. Activity (statements per actor): A 3, B 2, C 2.
"""

from __future__ import annotations

import math
from datetime import date

import pytest

from annotator.networks import Aggregation, NetworkOptions, NetworkType, build_network
from annotator.networks.statements import Statement, StatementSet


def _data() -> StatementSet:
    rows = [
        (1, "d1", date(2020, 1, 6), "A", "X", 1),
        (2, "d1", date(2020, 1, 6), "A", "X", 1),
        (3, "d2", date(2020, 1, 8), "A", "Y", -1),
        (4, "d2", date(2020, 1, 8), "B", "X", 1),
        (5, "d3", date(2020, 2, 10), "B", "Y", 1),
        (6, "d3", date(2020, 2, 10), "C", "X", -1),
        (7, "d4", date(2020, 3, 2), "C", "Y", 0),
    ]
    statements = [Statement(*r) for r in rows]
    actors = {"A": ("A", "PERSON"), "B": ("B", "ORG"), "C": ("C", "GPE")}
    return StatementSet(statements, actors, {"X": "X", "Y": "Y"}, (-1, 0, 1))


def _weights(**options: object) -> dict[tuple[str, str], float]:
    network = build_network(_data(), NetworkOptions(isolates=True, **options))  # type: ignore[arg-type]
    return {(u.label, v.label): network.weight(u.key, v.key) for u in network.rows for v in network.columns}


def _close(actual: dict[tuple[str, str], float], expected: dict[tuple[str, str], float]) -> None:
    for pair, value in expected.items():
        assert actual[pair] == pytest.approx(value), pair


# --------------------------------------------------------------------------- two-mode aggregation


def test_two_mode_ignore_counts_statements() -> None:
    _close(_weights(), {("A", "X"): 2, ("A", "Y"): 1, ("B", "X"): 1, ("B", "Y"): 1, ("C", "X"): 1, ("C", "Y"): 1})


def test_two_mode_subtract_is_support_minus_reject() -> None:
    _close(_weights(aggregation="subtract"),
           {("A", "X"): 2, ("A", "Y"): -1, ("B", "X"): 1, ("B", "Y"): 1, ("C", "X"): -1, ("C", "Y"): 0})


def test_two_mode_combine_is_one_support_two_reject_three_both() -> None:
    data = _data()
    data.statements.append(Statement(8, "d5", date(2020, 3, 3), "B", "X", -1))  # B now both for and against X
    network = build_network(data, NetworkOptions(aggregation=Aggregation.COMBINE, isolates=True))
    weights = {(u.label, v.label): network.weight(u.key, v.key) for u in network.rows for v in network.columns}
    _close(weights, {("A", "X"): 1, ("A", "Y"): 2, ("B", "X"): 3, ("B", "Y"): 1, ("C", "X"): 2, ("C", "Y"): 0})


# --------------------------------------------------------------------------- two-mode normalisation


def test_two_mode_activity_divides_by_the_actors_statements() -> None:
    _close(_weights(normalization="activity"),
           {("A", "X"): 2 / 3, ("A", "Y"): 1 / 3, ("B", "X"): 0.5, ("C", "Y"): 0.5})


def test_two_mode_activity_with_subtract_divides_by_all_statements() -> None:
    _close(_weights(aggregation="subtract", normalization="activity"),
           {("A", "X"): 2 / 3, ("A", "Y"): -1 / 3, ("C", "X"): -0.5, ("C", "Y"): 0})


def test_two_mode_prominence_divides_by_the_issues_statements() -> None:
    _close(_weights(normalization="prominence"),
           {("A", "X"): 2 / 4, ("B", "X"): 1 / 4, ("C", "X"): 1 / 4, ("A", "Y"): 1 / 3, ("C", "Y"): 1 / 3})


# --------------------------------------------------------------------------- one-mode aggregation


def test_one_mode_ignore_multiplies_issue_counts() -> None:
    # A-B: X 2*1 + Y 1*1 = 3; A-C: 2*1 + 1*1 = 3; B-C: 1 + 1 = 2
    _close(_weights(type="actor"), {("A", "B"): 3, ("A", "C"): 3, ("B", "C"): 2, ("B", "A"): 3, ("A", "A"): 0})


def test_one_mode_congruence_weighs_pairs_by_proximity() -> None:
    # A-B: X (+1,+1) 2*1*1 = 2, Y (-1,+1) 0; A-C: X 0, Y (-1,0) 0.5; B-C: X 0, Y (+1,0) 0.5
    _close(_weights(type="actor", aggregation="congruence"), {("A", "B"): 2, ("A", "C"): 0.5, ("B", "C"): 0.5})


def test_one_mode_conflict_weighs_pairs_by_distance() -> None:
    # A-B: Y 1; A-C: X 2*1 + Y 0.5 = 2.5; B-C: X 1 + Y 0.5 = 1.5
    _close(_weights(type="actor", aggregation="conflict"), {("A", "B"): 1, ("A", "C"): 2.5, ("B", "C"): 1.5})


def test_one_mode_subtract_is_congruence_minus_conflict() -> None:
    _close(_weights(type="actor", aggregation="subtract"), {("A", "B"): 1, ("A", "C"): -2, ("B", "C"): -1})


def test_issue_network_counts_through_shared_actors() -> None:
    # X-Y ignore: A 2*1 + B 1*1 + C 1*1 = 4; congruence: A 0, B 1, C 0.5 = 1.5
    assert _weights(type="issue")[("X", "Y")] == 4
    assert _weights(type="issue", aggregation="congruence")[("X", "Y")] == pytest.approx(1.5)


# --------------------------------------------------------------------------- one-mode normalisation


def test_one_mode_average_activity() -> None:
    # congruence / ((n_a + n_b) / 2): A-B 2 / 2.5, A-C 0.5 / 2.5, B-C 0.5 / 2
    _close(_weights(type="actor", aggregation="congruence", normalization="average"),
           {("A", "B"): 0.8, ("A", "C"): 0.2, ("B", "C"): 0.25})


def test_one_mode_jaccard() -> None:
    # cells (issue, stance): A {(X,+1): 2, (Y,-1): 1}, B {(X,+1): 1, (Y,+1): 1}, C {(X,-1): 1, (Y,0): 1}
    # A-B: m10 1 + m01 1 + m11 2 = 4 -> 2 / 4; A-C: 3 + 2 + 0 = 5 -> 0.5 / 5; B-C: 2 + 2 + 0 -> 0.5 / 4
    _close(_weights(type="actor", aggregation="congruence", normalization="jaccard"),
           {("A", "B"): 0.5, ("A", "C"): 0.1, ("B", "C"): 0.125})


def test_one_mode_cosine_on_issue_stance_vectors() -> None:
    # |A| = sqrt(2^2 + 1) = sqrt 5, |B| = |C| = sqrt 2
    _close(_weights(type="actor", aggregation="congruence", normalization="cosine"),
           {("A", "B"): 2 / math.sqrt(10), ("A", "C"): 0.5 / math.sqrt(10), ("B", "C"): 0.25})


def test_one_mode_cosine_with_ignore_uses_issue_counts() -> None:
    # vectors of issue counts: A (2, 1), B (1, 1), C (1, 1)
    _close(_weights(type="actor", normalization="cosine"),
           {("A", "B"): 3 / math.sqrt(10), ("B", "C"): 1.0})


def test_isolates_out_drops_nodes_without_ties() -> None:
    network = build_network(_data(), NetworkOptions(type=NetworkType.ACTOR, aggregation=Aggregation.CONGRUENCE,
                                                    date_to=date(2020, 1, 31)))
    # January: A (X +1, Y -1) and B (X +1) agree on X; C has no statement yet.
    assert [n.label for n in network.rows] == ["A", "B"]
    with_isolates = build_network(_data(), NetworkOptions(type=NetworkType.ACTOR, date_to=date(2020, 1, 31),
                                                          isolates=True))
    assert [n.label for n in with_isolates.rows] == ["A", "B", "C"]
