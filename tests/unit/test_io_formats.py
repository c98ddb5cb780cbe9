"""Exports for other tools: claims CSV, Prodigy JSONL, GraphML actor network, spaCy DocBin; io's imports."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import IO, Any

import pytest

from annotator.core.errors import CancelledError
from annotator.core.records import ActorView, Status
from annotator.io import ArticleWriter, ExportArticle, ExportContext, write_export
from annotator.io.extra_writers import CSV_COLUMNS
from tests.fixtures.io_views import TEXT, actors, article_record, claim, entity, find, sample_article

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


def test_claims_csv_has_bom_header_and_one_row_per_claim(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    items = [sample_article(), sample_article(article_id="art-2")]
    assert write_export(path, None, items, ExportContext(actors=actors(), layer="gold")) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == CSV_COLUMNS
    assert len(rows) == 6
    first = rows[0]
    assert first["article_id"] == "art-1" and first["claim_id"] == "c20"
    assert (first["title"], first["date"], first["outlet"]) == ("Tokyo report", "2015-11-17", "Yomiuri")
    assert (first["claimant"], first["addressee"]) == ("Shinzo Abe", "Vladimir Putin")  # names from actors
    assert (first["claimant_kind"], first["claimant_parent"]) == ("PERSON", "Government of Japan")
    assert (first["source"], first["cue"], first["kind"], first["stance"]) == (
        "Shinzo Abe",
        "said",
        "direct",
        "1",
    )
    assert rows[1]["content"] == "the islands were \u201cJapan's territory\u201d … negotiations would go on"
    assert (rows[1]["annotator"], rows[1]["status"]) == ("gold", "manual")
    assert rows[2]["source"] == "" and rows[2]["stance"] == "-1"


def test_csv_cells_never_become_formulas(tmp_path: Path) -> None:
    text = "=HYPERLINK(1) said Abe."
    item = sample_article()
    item.article = article_record(text, title="@cmd")
    item.claims = [claim(1, cue=[find(text, "said")], content=[find(text, "=HYPERLINK(1)")], text=text)]
    path = tmp_path / "c.csv"
    write_export(path, "csv", [item])
    (row,) = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    assert row["content"] == "'=HYPERLINK(1)" and row["title"] == "'@cmd"


def test_prodigy_jsonl_keeps_decided_non_overlapping_spans(tmp_path: Path) -> None:
    item = sample_article()
    # Overlapping decided mention: the longer one wins.
    item.entities.append(entity(14, find(TEXT, "Prime Minister Shinzo Abe"), "PERSON", status=Status.MANUAL))
    path = tmp_path / "p.jsonl"
    assert write_export(path, "prodigy", [item], ExportContext(actors=actors())) == 1
    (line,) = path.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["text"] == TEXT and record["meta"]["id"] == "art-1" and record["answer"] == "accept"
    spans = [(s["start"], s["end"], s["label"]) for s in record["spans"]]
    pm = find(TEXT, "Prime Minister Shinzo Abe")
    russian = find(TEXT, "Russian")
    # Suggested (Putin) and rejected (Tokyo) mentions are left out; "Shinzo Abe" overlaps the longer span.
    assert spans == [(pm.start, pm.end, "PERSON"), (russian.start, russian.end, "NORP")]


def test_graphml_actor_network(tmp_path: Path) -> None:
    item = sample_article()
    # A decided mention of Putin linked to his actor, so Abe and Putin are co-mentioned.
    item.entities.append(entity(15, find(TEXT, "Vladimir Putin"), "PERSON", actor_id=2))
    path = tmp_path / "net.graphml"
    assert write_export(path, "comention-graphml", [item, item], ExportContext(actors=actors(), layer="gold")) == 2
    root = ET.parse(path).getroot()
    graph = root.find(f"{GRAPHML}graph")
    assert graph is not None
    nodes = {n.get("id"): {d.get("key"): d.text for d in n} for n in graph.findall(f"{GRAPHML}node")}
    assert nodes["a1"] == {"label": "Shinzo Abe", "kind": "PERSON", "parent": "a7"}
    assert graph.get("edgedefault") == "undirected"
    assert {e.get("directed") for e in graph.findall(f"{GRAPHML}edge")} == {"true", None}  # claims are directed
    assert set(nodes) == {"a1", "a2", "a7"}
    edges = {
        (e.get("source"), e.get("target"), *(d.text for d in e)) for e in graph.findall(f"{GRAPHML}edge")
    }
    # Claim 20 (accepted) Abe -> Putin in each of the two articles; claim 22 is only a suggestion.
    assert edges == {("a1", "a2", "claim", "2"), ("a1", "a2", "co-mention", "2")}


def test_graphml_escapes_names(tmp_path: Path) -> None:
    odd = [ActorView(1, 'AT&T <"Corp">\x01', "ORG", (), None, "")]
    path = tmp_path / "odd.graphml"
    write_export(path, "comention-graphml", [], ExportContext(actors=odd, layer="a&b"))
    root = ET.parse(path).getroot()
    node = root.find(f"{GRAPHML}graph/{GRAPHML}node")
    assert node is not None
    data = node.find(f"{GRAPHML}data")
    assert data is not None and data.text == 'AT&T <"Corp">'


def test_docbin_has_decided_entities(tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin

    path = tmp_path / "train.spacy"
    assert write_export(path, None, [sample_article()], ExportContext(actors=actors())) == 1
    docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(spacy.blank("en").vocab))
    (doc,) = docs
    assert doc.text == TEXT
    assert [(e.text, e.label_) for e in doc.ents] == [("Shinzo Abe", "PERSON"), ("Russian", "NORP")]
    assert doc.user_data["id"] == "art-1"


def test_io_imports_no_other_layer_nor_heavy_library() -> None:
    # Run in a fresh interpreter: what `import annotator.io` loads must not include store/nlp/jobs/ui, peewee,
    # Qt or spaCy (spaCy is imported only inside the DocBin writer).
    code = (
        "import sys, annotator.io, annotator.io.extra_writers;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('peewee', 'PySide6', 'spacy', 'qtawesome')"
        " or m.startswith(('annotator.store', 'annotator.nlp', 'annotator.jobs', 'annotator.ui'))];"
        "print(','.join(sorted(bad)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_new_format_is_three_hooks_of_the_writer_template(tmp_path: Path) -> None:
    """A format written with the template gets the atomic file, progress and cancel without writing them."""
    class TitlesWriter(ArticleWriter):
        def begin(self, handle: IO[Any]) -> None:
            handle.write(f"layer {self.context.layer}\n")

        def write_article(self, handle: IO[Any], item: ExportArticle) -> None:
            handle.write(item.article.id + "\n")

        def end(self, handle: IO[Any]) -> None:
            handle.write("end\n")

    path = tmp_path / "titles.txt"
    seen: list[int] = []
    items = [sample_article(article_id=f"art-{i}") for i in range(3)]
    assert TitlesWriter(ExportContext(layer="gold")).write(path, items, on_article=seen.append) == 3
    assert path.read_text(encoding="utf-8") == "layer gold\nart-0\nart-1\nart-2\nend\n"
    assert seen == [1, 2, 3]
    with pytest.raises(CancelledError):
        TitlesWriter().write(path, items, cancel=lambda: True)
    assert path.read_text(encoding="utf-8").endswith("end\n")  # the previous file stands
