"""The benchmark harness runs end to end on a tiny corpus (no timing is asserted: speed is `make bench`'s job)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_harness_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--tiny", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False, stdin=subprocess.DEVNULL,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = json.loads(out.read_text(encoding="utf-8"))
    names = {r["name"] for r in records}
    # The whole table holds at least the 114 rows of session 4 (a group that adds rows states its own count
    # below, so that groups developed in parallel do not all edit one total).
    assert len(records) >= 114
    assert any(n.startswith("PostgreSQL: import 20 JSONL articles, with 25 spans") for n in names)
    assert any(n.startswith("import 20 JSONL articles with 25 spans") for n in names)
    assert sum(n.startswith("the command: annotator import") for n in names) == 4
    assert sum(n.startswith("team server:") for n in names) == 15
    assert any("while a suggestion run writes" in n and n.endswith("(sqlite)") for n in names)
    assert any("while a suggestion run writes" in n and n.endswith("(postgresql)") for n in names)
    assert sum("while a suggestion run writes" in n and ", p50 (" in n for n in names) == 4
    if Path("/proc/thread-self/schedstat").exists():  # the split of each press's waits (Linux)
        assert sum("GUI thread waiting for a core per key press" in n for n in names) == 2
        assert sum("GUI thread off the CPU otherwise" in n for n in names) == 2
    assert "claims (trained) exact F1: content" in names and any("trained pipeline" in n for n in names)
    assert sum(n.startswith("trained component, ") for n in names) == 7
    assert sum(n.startswith("codebook: ") for n in names) == 6
    assert any("overhead" in n for n in names) and any("first paint" in n for n in names)
    assert sum(n.startswith("suggest --processes 2: ") for n in names) == 3
    # Issue 15: the machine's ceiling for two processes beside suggest's speed-up; the filter on PostgreSQL.
    assert sum(n.startswith("two independent bare parses at once") for n in names) == 2
    assert sum(n.startswith("suggest --processes 2 speed-up / the machine's ceiling") for n in names) == 1
    assert sum("project on PostgreSQL: " in n for n in names) == 3
    assert sum("project: process start to the window complete" in n for n in names) == 4
    assert any("first paint, CPU time" in n for n in names) and any("index catching up" in n for n in names)
    assert any(n.startswith("networks: one-mode") for n in names) and any(n.startswith("claims view: filter")
                                                                         for n in names)
    for record in records:
        assert set(record) == {"name", "value", "unit", "target", "met", "machine"}
        assert isinstance(record["value"], float | int) and record["value"] >= 0
        assert record["met"] is None if record["target"] is None else isinstance(record["met"], bool)
    assert "| figure" in proc.stdout


@pytest.mark.slow
def test_the_training_benchmark_keeps_its_model_where_asked(tmp_path: Path) -> None:
    model, out = tmp_path / "model", tmp_path / "rows.json"
    proc = subprocess.run(
        [sys.executable, "-m", "bench.training", "--train", str(model), "--tiny", "--json", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False, stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # The model outlives the benchmark's temporary folder, as a pipeline folder `--model` and `evaluate` read.
    assert (model / "config.cfg").is_file() and (model / "report.json").is_file()
    names = [name for name, *_ in json.loads(out.read_text(encoding="utf-8"))]
    assert "claims (trained) exact F1: cue" in names
    assert not any(n.startswith("suggest with") for n in names)  # the speed runs are `--model`'s


@pytest.mark.slow
def test_a_partial_run_updates_its_figures_and_keeps_the_others(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    kept = {"name": "suggest overhead (kept)", "value": 1.1, "unit": "ratio", "target": 1.15, "met": True,
            "machine": "earlier"}
    out.write_text(json.dumps([kept]), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--tiny", "--only", "io", "--output", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False, stdin=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"},  # no GUI group: no display needed
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records[0] == kept
    assert [r["name"].split()[0] for r in records[1:]] == ["import", "export", "export"]
