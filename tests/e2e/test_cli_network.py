"""``annotator network`` as a user runs it on a small coded corpus imported from JSONL."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

from tests.e2e.test_cli import run
from tests.fixtures.coded_claims import write_jsonl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def coded_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("network")
    db = folder / "project.db"
    out = run("import", write_jsonl(folder / "coded.jsonl"), db=db)
    assert "3 imported" in out.stdout, out.stdout
    return db


def test_actor_congruence_network_as_graphml(coded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "actors.graphml"
    out = run("network", "--layer", "alice", "--type", "actor", "--aggregation", "congruence", "--format", "graphml",
              "-o", path, db=coded_db)
    # Abe and Kishida agree on sovereignty (Abe twice): 2; Putin agrees with no one, an isolate left out.
    assert "2 nodes, 1 edge from 6 statements of 6 claims in layer alice" in out.stdout
    graph = nx.read_graphml(path)
    assert not graph.is_directed()
    by_label = {d["label"]: n for n, d in graph.nodes(data=True)}
    assert set(by_label) == {"Shinzo Abe", "Fumio Kishida"}
    assert {d["type"] for _, d in graph.nodes(data=True)} == {"actor"}
    assert graph.nodes[by_label["Shinzo Abe"]]["kind"] == "PERSON"
    assert graph.edges[by_label["Shinzo Abe"], by_label["Fumio Kishida"]]["weight"] == 2
    run("network", "--layer", "alice", "--type", "actor", "--aggregation", "congruence", "--isolates",
        "-o", path, db=coded_db)
    assert nx.read_graphml(path).number_of_nodes() == 3


def test_parent_level_two_mode_subtract_as_csv(coded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "two.csv"
    run("network", "--layer", "alice", "--aggregation", "subtract", "--level", "parent", "--format", "csv",
        "-o", path, db=coded_db)
    assert path.read_text(encoding="utf-8").splitlines() == [
        ",sanctions,territorial dispute/sovereignty",
        "Government of Japan,1,3",
        "Vladimir Putin,-1,-1",
    ]


def test_duplicates_date_range_and_dl(coded_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "issues.dl"
    run("network", "--layer", "alice", "--type", "issue", "--duplicates", "month", "--from", "2016-05-01",
        "--to", "2016-05-31", "--format", "dl", "-o", path, db=coded_db)
    assert path.read_text().splitlines() == ["dl n=2", "format = fullmatrix", "labels:", '"sanctions"',
                                            '"territorial dispute/sovereignty"', "data:", "0 1", "1 0"]


def test_time_windows_write_one_file_each(coded_db: Path, tmp_path: Path) -> None:
    out = run("network", "--layer", "alice", "--window-unit", "months", "--window-size", "1", "--format", "gexf",
              "-o", tmp_path / "w.gexf", db=coded_db)
    # 6 May - 5 June, then 6 June - 5 July, which reaches the last article (1 July).
    assert "2 files" in out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w-001.gexf", "w-002.gexf"]
    assert nx.read_gexf(tmp_path / "w-001.gexf").number_of_edges() == 4
    assert nx.read_gexf(tmp_path / "w-002.gexf").number_of_edges() == 2  # Abe and Kishida on sovereignty


def test_wrong_settings_are_explained(coded_db: Path, tmp_path: Path) -> None:
    out = run("network", "--type", "actor", "--aggregation", "combine", "-o", tmp_path / "x.graphml", db=coded_db,
              check=False)
    assert out.returncode == 1
    assert "aggregation 'combine' does not apply to a one-mode network" in out.stderr
    out = run("network", "--layer", "bob", "-o", tmp_path / "x.graphml", db=coded_db, check=False)
    assert out.returncode == 1 and "unknown layer 'bob'" in out.stderr
    out = run("network", "--format", "pajek", "-o", tmp_path / "x.net", db=coded_db, check=False)
    assert out.returncode == 2


def test_an_empty_layer_says_what_to_code(coded_db: Path, tmp_path: Path) -> None:
    out = run("network", "--layer", "gold", "-o", tmp_path / "gold.graphml", db=coded_db)
    assert "no statements" in out.stdout
    assert nx.read_graphml(tmp_path / "gold.graphml").number_of_nodes() == 0
