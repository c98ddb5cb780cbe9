"""A study with its own codebook, as an analyst sets it up from the command line: ``project new --codebook``,
import, an export that carries the codebook, and a second project that imports it and ends with the same one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_cli import run

pytestmark = pytest.mark.slow

CLIMATE: dict[str, Any] = {  # a codebook file, as JSON
    "format": "annotator-codebook",
    "version": 1,
    "labels": [
        {"name": "SPEAKER", "color": "#1f77b4", "description": "Who speaks", "actor": "person"},
        {"name": "PARTY", "color": "#d62728", "description": "Parties", "actor": "organisation"},
        {"name": "PLACE", "color": "#2ca02c", "description": "", "actor": None},
    ],
    "spacy_map": {"PERSON": "SPEAKER", "ORG": "PARTY", "GPE": "PLACE", "NORP": None},
    "kinds": [{"name": "direct", "description": "Direct quote"}],
    "forms": [{"name": "statement", "description": "Asserts something"}, {"name": "demand", "description": ""}],
    "stances": [{"value": -1, "name": "against"}, {"value": 1, "name": "for"}],
    "issues": [
        {"code": "climate", "description": "", "keywords": [], "children": [
            {"code": "climate/targets", "description": "Emission targets",
             "keywords": ["net zero", "emission target"], "children": []},
        ]},
    ],
    "variables": [{"name": "certainty", "type": "choice", "choices": ["low", "medium", "high"]}],
}

TEXT = "Anna Berg said the party wants net zero by 2040."


def _record() -> dict[str, object]:
    said = TEXT.index("said")
    content = TEXT.index("the party")
    return {
        "id": "climate-1",
        "text": TEXT,
        "entities": [{"start": 0, "end": 9, "label": "SPEAKER"}],
        "claims": [{
            "source": {"start": 0, "end": 9},
            "cue": {"start": said, "end": said + 4},
            "content": {"start": content, "end": len(TEXT) - 1},
            "kind": "direct", "form": "demand", "issue": "climate/targets", "stance": 1,
            "variables": {"certainty": "high"},
        }],
    }


def test_a_study_codebook_travels_with_its_export(tmp_path: Path) -> None:
    codebook = tmp_path / "climate.json"
    codebook.write_text(json.dumps(CLIMATE), encoding="utf-8")
    first = tmp_path / "first.db"
    out = run("project", "new", first, "--codebook", codebook, db=first)
    assert "3 labels, 1 kind, 2 forms, 2 stances, 2 issues, 1 variable" in out.stdout
    shown = run("codebook", "show", db=first).stdout
    assert "1  SPEAKER" in shown and "climate/targets — Emission targets" in shown and '"net zero"' in shown

    records = tmp_path / "coded.jsonl"
    records.write_text(json.dumps(_record()) + "\n", encoding="utf-8")
    assert "1 imported" in run("import", records, "--annotator", "alice", db=first).stdout

    export = tmp_path / "export.json"
    run("export", "-o", export, db=first)
    data = json.loads(export.read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["codebook"] == {**CLIMATE, "labels": CLIMATE["labels"]}
    (claim,) = data["articles"][0]["claims"]
    assert (claim["issue"], claim["variables"]) == ("climate/targets", {"certainty": "high"})

    second = tmp_path / "second.db"
    run("project", "new", second, "--empty", db=second)
    out = run("import", export, db=second)
    assert "1 imported" in out.stdout and "codebook: added labels: SPEAKER, PARTY, PLACE" in out.stdout
    mine, theirs = tmp_path / "first.codebook.json", tmp_path / "second.codebook.json"
    run("codebook", "export", "-o", mine, db=first)
    run("codebook", "export", "-o", theirs, db=second)
    assert json.loads(theirs.read_text(encoding="utf-8")) == json.loads(mine.read_text(encoding="utf-8")) == CLIMATE

    # The JSONL export carries it too: a third, empty project ends with the same codebook.
    lines = tmp_path / "export.jsonl"
    run("export", "-o", lines, db=first)  # the extension names the format
    (line,) = [json.loads(x) for x in lines.read_text(encoding="utf-8").splitlines()]
    assert line["codebook"] == CLIMATE
    third = tmp_path / "third.db"
    run("project", "new", third, "--empty", db=third)
    assert "1 imported" in run("import", lines, db=third).stdout
    again = tmp_path / "third.codebook.json"
    run("codebook", "export", "-o", again, db=third)
    assert json.loads(again.read_text(encoding="utf-8")) == CLIMATE

    # Replacing the codebook with one that drops a code in use is refused, naming it and its rows.
    smaller = tmp_path / "smaller.json"
    smaller.write_text(json.dumps({**CLIMATE, "labels": CLIMATE["labels"][1:], "spacy_map": {}}), encoding="utf-8")
    refused = run("codebook", "import", smaller, "--replace", db=second, check=False)
    assert refused.returncode == 1
    assert "the label 'SPEAKER' is used by 1 mention" in refused.stderr
    # Without --replace it merges: nothing is removed.
    merged = run("codebook", "import", smaller, db=second).stdout
    assert "nothing to add or update" in merged


def test_project_new_refuses_an_invalid_codebook_and_creates_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**CLIMATE, "labels": [{"name": "X", "color": "blue"}]}), encoding="utf-8")
    target = tmp_path / "new.db"
    out = run("project", "new", target, "--codebook", bad, db=target, check=False)
    assert out.returncode == 1
    assert f"{bad}: $.labels[0].color: 'blue' does not match" in out.stderr
    assert not target.exists()
    assert run("project", "new", target, "--empty", db=target).returncode == 0
    again = run("project", "new", target, db=target, check=False)
    assert again.returncode == 1 and "already exists" in again.stderr
