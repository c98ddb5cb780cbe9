"""`annotator evaluate` as a user runs it, on a tiny hand-made gold file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXE = Path(sys.executable).with_name("annotator")
pytestmark = pytest.mark.slow

TEXT_1 = "Lavrov said that the talks had failed."
TEXT_2 = "The weather in Tokyo was cold on Monday."  # no attribution: nothing to find, nothing to suggest


def span(text: str, part: str) -> list[int]:
    start = text.index(part)
    return [start, start + len(part)]


def run(*args: str | Path, db: Path | str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_DB": str(db)}
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=env, timeout=600,
                          stdin=subprocess.DEVNULL, check=False)


def test_evaluate_prints_the_hand_computed_figures(tmp_path: Path, db_location: str) -> None:
    gold = tmp_path / "gold.jsonl"
    records = [
        {"id": "a1", "publisher": "test", "text": TEXT_1, "claims": [
            {"source": span(TEXT_1, "Lavrov"), "cue": span(TEXT_1, "said"),
             "content": span(TEXT_1, "that the talks had failed")}]},
        {"id": "a2", "publisher": "test", "text": TEXT_2, "claims": []},
    ]
    gold.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = db_location  # a SQLite file or a PostgreSQL database

    # In memory: one gold attribution, found with its source; nothing suggested for the weather report.
    proc = run("evaluate", "--gold", gold, "--run", "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    overall = json.loads(proc.stdout)["overall"]
    assert (overall["gold"], overall["suggested"], overall["matched"]) == (1, 1, 1)
    assert overall["precision"] == overall["recall"] == overall["source_accuracy"] == 1.0

    # From the project: before import nothing can be scored, and the command says what to do.
    proc = run("evaluate", "--gold", gold, db=db)
    assert proc.returncode == 0 and "not in the project" in proc.stdout
    # After import and suggest, the stored suggestions give the same figures.
    assert run("import", gold, db=db).returncode == 0
    assert run("suggest", db=db).returncode == 0
    proc = run("evaluate", "--gold", gold, db=db)
    assert proc.returncode == 0, proc.stderr
    assert "precision 1.000  recall 1.000  F1 1.000  source accuracy 1.000" in proc.stdout


def test_evaluate_refuses_a_missing_gold_file(tmp_path: Path) -> None:
    proc = run("evaluate", "--gold", tmp_path / "none.jsonl", db=tmp_path / "p.db")
    assert proc.returncode == 2 and "no such gold file" in proc.stderr
