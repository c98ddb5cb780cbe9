"""An import without the near-duplicate check loads neither datasketch (and with it scipy) nor numpy.

``annotator import`` is a fresh process each time: what its modules load at import is paid by every import a user
runs. Each case runs in a child interpreter, since this test process may already hold those modules.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HEAVY = ("datasketch", "scipy", "numpy")

SCRIPT = """
import sys
from annotator.cli.main import main
code = main(sys.argv[1:])
heavy = sorted(name for name in {heavy!r} if name in sys.modules)
print("LOADED", ",".join(heavy))
sys.exit(code or 0)
"""


def _run(tmp_path: Path, *options: str) -> list[str]:
    source = tmp_path / "a.jsonl"
    source.write_text("".join(json.dumps({"id": f"a{i}", "text": f"Article number {i} says little about it."})
                              + "\n" for i in range(3)), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(heavy=HEAVY), "import", "--db",
                           str(tmp_path / "p.db"), *options, str(source)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "3 imported" in proc.stdout, proc.stdout
    (line,) = [line for line in proc.stdout.splitlines() if line.startswith("LOADED")]
    return [name for name in line.removeprefix("LOADED").strip().split(",") if name]


def test_import_without_the_check_loads_no_minhash_library(tmp_path: Path) -> None:
    assert _run(tmp_path, "--no-near-duplicates") == []


def test_import_with_the_check_still_finds_them(tmp_path: Path) -> None:
    # The check itself still runs (and loads what it needs) when it is on: the laziness hides nothing.
    assert set(_run(tmp_path)) >= {"datasketch", "numpy"}
