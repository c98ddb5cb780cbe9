"""Claims of a layer as flat rows, the claims table's filters and sort, and the network job on a real store."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from annotator.core.actor_levels import ActorLevel
from annotator.core.claim_table import NO_STANCE, ClaimQuery, ClaimTable
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import ArticleIn, Span
from annotator.jobs.analysis import (
    DECIDED_LAYERS,
    claim_layers,
    export_network,
    load_claim_rows,
    load_claim_table,
    load_statements,
)
from annotator.networks import Aggregation, NetworkOptions, NetworkType, WindowOptions, WindowUnit
from annotator.store.repository import Repository
from tests.unit.conftest import TEXT, span_of

SECOND = "Putin told reporters that sanctions hurt. Kishida urged calm."


def sp(text: str, part: str) -> list[Span]:
    return [Span(*span_of(text, part))]


@pytest.fixture
def coded(repo: Repository, article_id: str) -> Repository:
    """Two dated articles; alice codes four claims, the reviewer one in gold."""
    repo.ensure_annotator("rev", "reviewer")
    gov = repo.add_actor("Government of Japan", "ORG", "alice").created_actor_id
    abe = repo.add_actor("Shinzo Abe", "PERSON", "alice", parent_id=gov).created_actor_id
    kishida = repo.add_actor("Fumio Kishida", "PERSON", "alice", parent_id=gov).created_actor_id
    putin = repo.add_actor("Vladimir Putin", "PERSON", "alice").created_actor_id
    second = repo.add_article(ArticleIn(text=SECOND, title="Sanctions", date="2016-03-02", source="Kyodo")).article_id
    repo.add_claim(article_id, "alice", source=sp(TEXT, "Shinzo Abe"), cue=sp(TEXT, "said"),
                   content=[Span(*span_of(TEXT, "Japan wants")), Span(*span_of(TEXT, "islands back"))],
                   source_actor_id=abe, issue="territorial dispute/sovereignty", stance=1, form="demand")
    repo.add_claim(article_id, "alice", source=sp(TEXT, "Vladimir Putin"), cue=sp(TEXT, "according to"),
                   content=sp(TEXT, "Japan wants the islands back"), source_actor_id=putin,
                   issue="territorial dispute", stance=-1)
    repo.add_claim(second, "alice", source=sp(SECOND, "Putin"), cue=sp(SECOND, "told"),
                   content=sp(SECOND, "sanctions hurt"), source_actor_id=putin, issue="sanctions", stance=-1)
    repo.add_claim(second, "alice", source=sp(SECOND, "Kishida"), cue=sp(SECOND, "urged"),
                   content=sp(SECOND, "calm"), source_actor_id=kishida, issue="sanctions", stance=1)
    repo.add_claim(second, "rev", source=sp(SECOND, "Kishida"), cue=sp(SECOND, "urged"),
                   content=sp(SECOND, "calm"), source_actor_id=kishida, issue="sanctions", stance=0)
    return repo


def test_claim_rows_cut_role_texts_by_code_points(coded: Repository) -> None:
    rows = load_claim_rows(coded, "alice")
    assert len(rows) == 4
    first = rows[0]
    assert first.source_text == "Shinzo Abe"  # the emoji before it must not shift the offsets
    assert first.content_text == "Japan wants … islands back"
    assert first.cue_text == "said"
    assert first.start == span_of(TEXT, "Shinzo Abe")[0]
    assert first.source_actor_name == "Shinzo Abe"
    assert first.title == "Abe and Putin" and first.layer == "alice" and first.annotator == "alice"
    assert rows[2].date == "2016-03-02" and rows[2].outlet == "Kyodo"


def test_claim_layers_and_their_rows(coded: Repository) -> None:
    assert claim_layers(coded) == ["gold", DECIDED_LAYERS, "alice", "rev", "suggestions"]
    assert [r.layer for r in load_claim_rows(coded, "gold")] == ["gold"]
    assert len(load_claim_rows(coded, DECIDED_LAYERS)) == 5  # alice's four and gold's one
    assert [r.status for r in load_claim_rows(coded, "suggestions")] == ["suggested"]
    with pytest.raises(ValidationError, match="unknown layer 'bob'"):
        load_claim_rows(coded, "bob")
    with pytest.raises(NotFoundError):
        coded.claim_rows("nobody")


def test_rejected_claims_are_left_out(coded: Repository, article_id: str) -> None:
    (suggestion,) = coded.claims_for(article_id, layer="suggestions")
    coded.reject_claim(suggestion.id, "alice")
    assert all(r.status != "rejected" for r in load_claim_rows(coded, "alice"))
    assert len(load_claim_rows(coded, "alice")) == 4


def _contents(table: ClaimTable, query: ClaimQuery) -> list[str]:
    return [table.rows[i].content_text for i in table.filter(query)]


def test_claims_table_filters(coded: Repository) -> None:
    table = load_claim_table(coded, "alice")
    putin = next(n.key for n in table.claimant_nodes() if n.label == "Vladimir Putin")
    assert _contents(table, ClaimQuery(actor=putin)) == ["Japan wants the islands back", "sanctions hurt"]
    # A code includes its children: "territorial dispute" finds the sovereignty claim too.
    assert len(table.filter(ClaimQuery(issue="territorial dispute"))) == 2
    assert len(table.filter(ClaimQuery(issue="territorial dispute/sovereignty"))) == 1
    assert _contents(table, ClaimQuery(stance=1)) == ["Japan wants … islands back", "calm"]
    assert table.filter(ClaimQuery(stance=NO_STANCE)) == []
    assert _contents(table, ClaimQuery(form="demand")) == ["Japan wants … islands back"]
    assert _contents(table, ClaimQuery(date_from="2016-01-01", date_to="2016-12-31")) == ["sanctions hurt", "calm"]
    assert _contents(table, ClaimQuery(text="SANCTIONS")) == ["sanctions hurt", "calm"]  # the issue or the content
    ids = frozenset({table.rows[0].id})
    assert len(table.filter(ClaimQuery(claim_ids=ids, stance=1))) == 1


def test_claims_table_at_parent_level_and_sorting(coded: Repository) -> None:
    table = load_claim_table(coded, "alice", ActorLevel.PARENT)
    labels = [n.label for n in table.claimant_nodes()]
    assert labels == ["Government of Japan", "Vladimir Putin"]
    gov = table.claimant_nodes()[0].key
    assert _contents(table, ClaimQuery(actor=gov)) == ["Japan wants … islands back", "calm"]
    table.order("content", descending=False)
    assert _contents(table, ClaimQuery()) == ["calm", "Japan wants the islands back", "Japan wants … islands back",
                                             "sanctions hurt"]
    table.order("date", descending=True)
    assert _contents(table, ClaimQuery())[0] in ("sanctions hurt", "calm")


def test_statements_of_a_layer(coded: Repository) -> None:
    data = load_statements(coded, "alice", ActorLevel.ACTOR)
    assert len(data.statements) == 4
    assert data.skipped == {"no claimant": 0, "no issue": 0}
    suggestions = load_statements(coded, "suggestions")
    assert suggestions.statements == [] and suggestions.skipped["no issue"] == 1


def test_export_network_writes_graphml(coded: Repository, tmp_path: Path) -> None:
    path = tmp_path / "actors.graphml"
    options = NetworkOptions(type=NetworkType.ACTOR, aggregation=Aggregation.CONFLICT, level=ActorLevel.ACTOR)
    summary = export_network(coded, path, fmt="graphml", options=options, layer="alice")
    graph = nx.read_graphml(path)
    labels = sorted(d["label"] for _, d in graph.nodes(data=True))
    assert labels == ["Fumio Kishida", "Vladimir Putin"]  # they disagree on sanctions; Abe and Putin on nothing shared
    assert summary.nodes == 2 and summary.edges == 1 and summary.statements == 4
    assert "wrote" in summary.lines()[0]


def test_export_network_per_time_window(coded: Repository, tmp_path: Path) -> None:
    summary = export_network(coded, tmp_path / "net.csv", fmt="csv", options=NetworkOptions(), layer="alice",
                             window=WindowOptions(WindowUnit.YEARS, 1, 1))
    # The seed article has no date: only the 2016 article counts, in one yearly window.
    assert [Path(p).name for p in summary.paths] == ["net-001.csv"]
    assert (tmp_path / "net-001.csv").read_text(encoding="utf-8").splitlines()[0] == ",sanctions"


def test_export_network_refuses_unknown_format(coded: Repository, tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="unknown network format"):
        export_network(coded, tmp_path / "x", fmt="pajek", options=NetworkOptions())


def test_claim_rows_and_the_table_carry_custom_variables(coded: Repository) -> None:
    first = load_claim_rows(coded, "alice")[0]
    coded.update_claim(first.id, "alice", variables={"certainty": "high"})
    table = load_claim_table(coded, "alice")
    assert "certainty" in table.vocabulary.variables
    row = next(r for r in table.rows if r.id == first.id)
    assert row.variables == {"certainty": "high"}
    assert table.filter(ClaimQuery(text="high")) == [table.position(first.id)]  # a value is found by text too


def test_the_stance_scale_comes_from_the_codebook(repo: Repository) -> None:
    from dataclasses import replace

    from annotator.core.codebook import StanceLevel

    scale = tuple(StanceLevel(v, n) for v, n in ((-2, "strongly against"), (-1, "against"), (0, "neutral"),
                                                 (1, "for"), (2, "strongly for")))
    repo.replace_codebook(replace(repo.codebook(), stances=scale))
    repo.ensure_annotator("alice")
    text = "Abe said yes. Kishida said maybe."
    article_id = repo.add_article(ArticleIn(text=text, date="2016-01-01")).article_id
    for name, stance in (("Abe", 2), ("Kishida", 1)):
        actor = repo.add_actor(name, "PERSON", "alice").created_actor_id
        repo.add_claim(article_id, "alice", source=sp(text, name), cue=[Span(*span_of(text, "said", 0 if name == "Abe"
                                                                                       else 1))],
                       source_actor_id=actor, issue="sanctions", stance=stance)
    data = load_statements(repo, "alice")
    assert data.stance_scale == (-2, -1, 0, 1, 2)
    from annotator.networks import build_network

    network = build_network(data, NetworkOptions(type=NetworkType.ACTOR, aggregation=Aggregation.CONGRUENCE))
    ((_u, _v, weight),) = network.edges()
    assert weight == pytest.approx(1 - 1 / 4)  # stances 2 and 1 on a scale of range 4
