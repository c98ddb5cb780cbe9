"""Duplicates, date ranges, time windows, the actor hierarchy, the claims behind ties, and the network files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import networkx as nx
import pytest

from annotator.core.actor_levels import ActorHierarchy, ActorInfo, ActorLevel
from annotator.core.claim_table import ClaimRow, ClaimVocabulary
from annotator.core.errors import ValidationError
from annotator.networks import (
    Network,
    NetworkOptions,
    NetworkType,
    WindowOptions,
    WindowUnit,
    build_network,
    build_windows,
    statements_from_claims,
    write_network,
)
from annotator.networks.statements import Statement, StatementSet
from annotator.networks.windows import window_bounds

ACTORS = {"A": ("A", "PERSON"), "B": ("B", "ORG")}


def _set(*rows: tuple[int, str, date | None, str, str, int | None]) -> StatementSet:
    return StatementSet([Statement(*r) for r in rows], dict(ACTORS), {"X": "X", "Y": "Y"}, (-1, 0, 1))


def _ax(data: StatementSet, **options: object) -> float:
    network = build_network(data, NetworkOptions(isolates=True, **options))  # type: ignore[arg-type]
    return network.weight("A", "i:X")


# --------------------------------------------------------------------------- duplicates


def test_duplicates_per_document_count_one_identical_statement_per_article() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d1", date(2020, 1, 6), "A", "X", 1),
                (3, "d2", date(2020, 1, 7), "A", "X", 1))
    assert _ax(data) == 3
    assert _ax(data, duplicates="document") == 2


def test_duplicates_per_week_use_monday_to_sunday_weeks() -> None:
    # Monday 6 and Sunday 12 January 2020 are one calendar week; Monday 13 starts the next.
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d2", date(2020, 1, 12), "A", "X", 1),
                (3, "d3", date(2020, 1, 13), "A", "X", 1))
    assert _ax(data, duplicates="week") == 2
    assert _ax(data, duplicates="month") == 1
    assert _ax(data, duplicates="year") == 1


def test_duplicates_differ_by_stance_unless_stance_is_ignored() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d1", date(2020, 1, 6), "A", "X", -1))
    assert _ax(data, duplicates="document") == 1  # ignore: stance is not compared (as DNA does)
    assert _ax(data, duplicates="document", aggregation="subtract") == 0  # +1 and -1 both kept


def test_statements_without_stance_count_only_when_stance_is_ignored() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", None), (2, "d2", date(2020, 1, 6), "A", "X", 1))
    assert _ax(data) == 2
    assert _ax(data, aggregation="subtract") == 1


# --------------------------------------------------------------------------- dates and windows


def test_date_range_is_inclusive_and_leaves_out_undated_statements() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d2", date(2020, 1, 31), "A", "X", 1),
                (3, "d3", date(2020, 2, 1), "A", "X", 1), (4, "d4", None, "A", "X", 1))
    assert _ax(data) == 4
    assert _ax(data, date_from="2020-01-06", date_to="2020-01-31") == 2


def test_window_bounds_step_through_the_range() -> None:
    bounds = window_bounds(date(2020, 1, 31), date(2020, 4, 2), WindowOptions(WindowUnit.MONTHS, 2, 1))
    assert bounds == [(date(2020, 1, 31), date(2020, 3, 30)), (date(2020, 2, 29), date(2020, 4, 28))]
    weeks = window_bounds(date(2020, 1, 6), date(2020, 1, 20), WindowOptions(WindowUnit.WEEKS, 1, 1))
    assert weeks == [(date(2020, 1, 6), date(2020, 1, 12)), (date(2020, 1, 13), date(2020, 1, 19)),
                     (date(2020, 1, 20), date(2020, 1, 26))]


def test_time_windows_share_nodes_and_count_their_own_statements() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d2", date(2020, 1, 20), "B", "X", 1),
                (3, "d3", date(2020, 2, 10), "A", "Y", -1), (4, "d4", None, "B", "Y", 1))
    windows = build_windows(data, NetworkOptions(), WindowOptions(WindowUnit.MONTHS, 1, 1))
    assert [(w.start, w.end) for w in windows] == [(date(2020, 1, 6), date(2020, 2, 5)),
                                                   (date(2020, 2, 6), date(2020, 3, 5))]
    assert [len(w.statements) for w in windows] == [2, 1]
    assert [n.key for n in windows[0].rows] == [n.key for n in windows[1].rows] == ["A", "B"]
    assert windows[0].weight("B", "i:X") == 1 and windows[1].weight("B", "i:X") == 0
    assert windows[1].weight("A", "i:Y") == 1


def test_window_settings_are_checked() -> None:
    with pytest.raises(ValidationError, match="size and a step"):
        WindowOptions(WindowUnit.MONTHS, 0, 1)
    with pytest.raises(ValidationError, match="window unit"):
        WindowOptions("fortnights", 1, 1)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- options


@pytest.mark.parametrize(("options", "message"), [
    ({"type": "two-mode", "aggregation": "congruence"}, "does not apply to a two-mode"),
    ({"type": "actor", "aggregation": "combine"}, "does not apply to a one-mode"),
    ({"type": "actor", "normalization": "activity"}, "normalization 'activity'"),
    ({"type": "two-mode", "normalization": "jaccard"}, "normalization 'jaccard'"),
    ({"type": "triad"}, "unknown network type"),
    ({"date_from": "2020-02-01", "date_to": "2020-01-01"}, "date range is empty"),
    ({"date_from": "last year"}, "not a date"),
])
def test_invalid_settings_say_which_setting(options: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        NetworkOptions(**options)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- actor hierarchy


def _row(claim_id: int, actor_id: int | None, source: str, issue: str | None = "X", stance: int | None = 1) -> ClaimRow:
    return ClaimRow(id=claim_id, article_id=f"d{claim_id}", title="", date="2020-01-06", outlet="", layer="gold",
                    annotator="rev", status="accepted", kind="direct", form="statement", source_text=source,
                    cue_text="said", content_text="...", source_actor_id=actor_id, source_actor_name=None,
                    addressee_id=None, addressee_name=None, issue=issue, stance=stance, note="", start=0)


HIERARCHY = ActorHierarchy([
    ActorInfo(1, "Government of Japan", "ORG"),
    ActorInfo(2, "Shinzo Abe", "PERSON", 1),
    ActorInfo(3, "Fumio Kishida", "PERSON", 1),
    ActorInfo(4, "Vladimir Putin", "PERSON"),
])
CLAIMS = [_row(1, 2, "Prime Minister Abe"), _row(2, 2, "Abe"), _row(3, 3, "Kishida"), _row(4, 4, "Putin"),
          _row(5, None, "a spokesman"), _row(6, 4, "Putin", issue=None)]


def test_claimants_at_actor_level_merge_mentions_of_one_actor() -> None:
    data = statements_from_claims(CLAIMS, HIERARCHY, ActorLevel.ACTOR)
    assert sorted(label for label, _ in data.actors.values()) == ["Fumio Kishida", "Shinzo Abe", "Vladimir Putin"]
    assert data.skipped == {"no claimant": 1, "no issue": 1}
    assert build_network(data, NetworkOptions()).weight("a2", "i:X") == 2


def test_claimants_at_parent_level_count_under_the_top_parent() -> None:
    data = statements_from_claims(CLAIMS, HIERARCHY, ActorLevel.PARENT)
    network = build_network(data, NetworkOptions())
    assert network.weight("a1", "i:X") == 3  # Abe twice and Kishida, all Government of Japan
    assert {n.label for n in network.rows} == {"Government of Japan", "Vladimir Putin"}


def test_claimants_at_mention_level_keep_each_wording() -> None:
    data = statements_from_claims(CLAIMS, HIERARCHY, ActorLevel.MENTION)
    labels = sorted(label for label, _ in data.actors.values())
    assert labels == ["Abe", "Kishida", "Prime Minister Abe", "Putin", "a spokesman"]


def test_hierarchy_survives_a_parent_cycle() -> None:
    cyclic = ActorHierarchy([ActorInfo(1, "A", "ORG", 2), ActorInfo(2, "B", "ORG", 1)])
    assert cyclic.top(1) in (1, 2)


def test_issue_nodes_carry_their_top_level_issue_as_kind() -> None:
    vocabulary = ClaimVocabulary.from_schema({"issues": [{"code": "X", "children": [{"code": "X/a"}]}]})
    data = statements_from_claims([_row(1, 2, "Abe", issue="X/a")], HIERARCHY, ActorLevel.ACTOR, vocabulary)
    assert data.issues == {"X/a": "X"}


# --------------------------------------------------------------------------- claims behind nodes and edges


def test_claims_behind_nodes_and_edges() -> None:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d2", date(2020, 1, 6), "B", "X", 1),
                (3, "d3", date(2020, 1, 7), "A", "Y", -1), (4, "d4", date(2020, 1, 8), "B", "Y", 1))
    two_mode = build_network(data, NetworkOptions())
    assert two_mode.claims_for_node("A") == [1, 3]
    assert two_mode.claims_for_edge("A", "i:Y") == [3]
    actors = build_network(data, NetworkOptions(type=NetworkType.ACTOR))
    assert actors.claims_for_edge("A", "B") == [1, 2, 3, 4]
    issues = build_network(data, NetworkOptions(type=NetworkType.ISSUE))
    assert issues.claims_for_node("i:X") == [1, 2]


# --------------------------------------------------------------------------- files


def _network(**options: object) -> Network:
    data = _set((1, "d1", date(2020, 1, 6), "A", "X", 1), (2, "d2", date(2020, 1, 6), "B", "X", 1),
                (3, "d3", date(2020, 1, 7), "A", "Y", -1))
    data.actors["A"] = ("Shinzo Abe & <co>", "PERSON")
    return build_network(data, NetworkOptions(**options))  # type: ignore[arg-type]


def test_graphml_reads_back_with_networkx(tmp_path: Path) -> None:
    path = tmp_path / "actors.graphml"
    write_network(_network(type="actor"), path, "graphml")
    graph = nx.read_graphml(path)
    assert not graph.is_directed()
    labels = {data["label"]: node for node, data in graph.nodes(data=True)}
    assert set(labels) == {"Shinzo Abe & <co>", "B"}
    assert all(data["type"] == "actor" for _, data in graph.nodes(data=True))
    assert graph.nodes[labels["B"]]["kind"] == "ORG"
    assert graph.edges[labels["Shinzo Abe & <co>"], labels["B"]]["weight"] == 1


def test_two_mode_graphml_has_actor_and_issue_nodes(tmp_path: Path) -> None:
    path = tmp_path / "two.graphml"
    write_network(_network(), path, "graphml")
    graph = nx.read_graphml(path)
    types = sorted(data["type"] for _, data in graph.nodes(data=True))
    assert types == ["actor", "actor", "issue", "issue"]
    assert graph.number_of_edges() == 3


def test_gexf_reads_back_with_networkx(tmp_path: Path) -> None:
    path = tmp_path / "actors.gexf"
    write_network(_network(type="actor"), path, "gexf")
    graph = nx.read_gexf(path)
    assert sorted(data["label"] for _, data in graph.nodes(data=True)) == ["B", "Shinzo Abe & <co>"]


def test_csv_is_the_weighted_matrix_with_names(tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    write_network(_network(normalization="activity"), path, "csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines == [",X,Y", "B,1,0", "Shinzo Abe & <co>,0.5,0.5"]


def test_dl_is_ucinet_fullmatrix(tmp_path: Path) -> None:
    one = tmp_path / "one.dl"
    write_network(_network(type="actor"), one, "dl")
    assert one.read_text().splitlines() == ["dl n=2", "format = fullmatrix", "labels:", '"B"',
                                           '"Shinzo Abe & <co>"', "data:", "0 1", "1 0"]
    two = tmp_path / "two.dl"
    write_network(_network(), two, "dl")
    text = two.read_text()
    assert text.startswith("dl nr=2, nc=2\nformat = fullmatrix\nrow labels:\n")
    assert "column labels:\n\"X\"\n\"Y\"\ndata:\n1 0\n1 1\n" in text


def test_unknown_format_and_missing_folder_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown network format 'pajek'"):
        write_network(_network(), tmp_path / "x.net", "pajek")
    with pytest.raises(ValidationError, match="does not exist"):
        write_network(_network(), tmp_path / "nowhere" / "x.graphml", "graphml")
