"""`annotator train`, `annotator models` and `evaluate --label-map` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import open_repository
from tests.fixtures.training_project import build_training_project

EXE = Path(sys.executable).with_name("annotator")
pytestmark = pytest.mark.slow


def run(*args: str | Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_DB": str(db)}
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=env, timeout=600,
                          stdin=subprocess.DEVNULL, check=False)


def test_train_reports_gates_and_switches_models(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    with open_repository(str(db)) as repo:
        build_training_project(repo)
    model = tmp_path / "models" / "m1"
    proc = run("train", "--from", "alice", "--what", "claims,entities", "--eval-share", "0.25", "--epochs", "25",
               "-o", model, "--name", "m1", db=db)
    assert proc.returncode == 0, proc.stderr
    assert "content: exact F1" in proc.stdout and "current" in proc.stdout
    report = json.loads((model / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["train"]["articles"] == 9 and report["counts"]["evaluation"]["articles"] == 3
    assert set(report["scores"]["new"]["claims"]["exact"]) == {"source", "cue", "content"}
    assert (model / "meta.json").is_file() and (model / "annotator_attribution").is_dir()

    listed = run("models", "list", db=db)
    assert listed.returncode == 0, listed.stderr
    active = [line for line in listed.stdout.splitlines() if line.startswith("*")]
    assert (len(active) == 1 and "m1" in active[0]) == report["scores"]["new_is_better"]

    assert run("models", "use", "m1", db=db).returncode == 0
    suggest = run("suggest", db=db)
    assert suggest.returncode == 0, suggest.stderr
    assert "spacy:en_m1@1.0.0" in suggest.stdout

    proc = run("models", "use", "nope", db=db)
    assert proc.returncode == 1 and "no trained model 'nope'" in proc.stderr
    proc = run("train", "--from", "bob", db=db)
    assert proc.returncode == 1 and "no layer 'bob'" in proc.stderr

    assert run("models", "remove", "m1", db=db).returncode == 0
    assert not model.exists()
    assert "no trained models" in run("models", "list", db=db).stdout


def test_evaluate_label_map_scores_other_label_names(tmp_path: Path) -> None:
    text = "Shinzo Abe met Vladimir Putin in Moscow."
    gold = tmp_path / "conll.jsonl"

    def ent(part: str, label: str) -> dict[str, object]:
        start = text.index(part)
        return {"start": start, "end": start + len(part), "label": label}

    gold.write_text(json.dumps({"id": "c1", "text": text, "entities": [
        ent("Shinzo Abe", "PER"), ent("Vladimir Putin", "PER"), ent("Moscow", "LOC")]}) + "\n", encoding="utf-8")
    db = tmp_path / "e.db"
    plain = json.loads(run("evaluate", "--gold", gold, "--kind", "entities", "--run", "--json", db=db).stdout)
    mapped_proc = run("evaluate", "--gold", gold, "--kind", "entities", "--run", "--json",
                      "--label-map", "PER=PERSON,GPE=LOC", db=db)
    assert mapped_proc.returncode == 0, mapped_proc.stderr
    mapped = json.loads(mapped_proc.stdout)
    assert plain["overall"]["f1"] == 0.0
    assert mapped["overall"]["f1"] == 1.0 and mapped["label_map"] == {"PER": "PERSON", "GPE": "LOC"}
    bad = run("evaluate", "--gold", gold, "--kind", "entities", "--run", "--label-map", "PERSON", db=db)
    assert bad.returncode == 1 and "FROM=TO" in bad.stderr


def test_evaluate_prints_per_role_figures(tmp_path: Path) -> None:
    text = "Lavrov said that the talks had failed."
    gold = tmp_path / "gold.jsonl"

    def span(part: str) -> list[int]:
        start = text.index(part)
        return [start, start + len(part)]

    gold.write_text(json.dumps({"id": "a1", "text": text, "claims": [
        {"source": span("Lavrov"), "cue": span("said"), "content": span("that the talks had failed")}]}) + "\n",
        encoding="utf-8")
    proc = run("evaluate", "--gold", gold, "--run", "--json", db=tmp_path / "x.db")
    roles = json.loads(proc.stdout)["roles"]
    assert roles["exact"]["source"]["f1"] == 1.0 and roles["exact"]["cue"]["f1"] == 1.0
    assert set(roles["begin"]) == {"source", "cue", "content"}
    text_out = run("evaluate", "--gold", gold, "--run", db=tmp_path / "x.db").stdout
    assert "begin-match F1" in text_out
