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
    assert len(records) == 12
    assert any("overhead" in n for n in names) and any("first paint" in n for n in names)
    for record in records:
        assert set(record) == {"name", "value", "unit", "target", "met", "machine"}
        assert isinstance(record["value"], float | int) and record["value"] >= 0
        assert record["met"] is None if record["target"] is None else isinstance(record["met"], bool)
    assert "| figure" in proc.stdout
