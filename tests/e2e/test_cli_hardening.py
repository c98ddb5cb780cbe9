"""Issue 15 from the command line: bad databases are one line (points 12-13), `| head` (16), overlap (22)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("annotator")

pytestmark = pytest.mark.slow


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ANNOTATOR_DB"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=env, cwd=cwd,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)


@pytest.fixture(scope="module")
def bad_databases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("bad")
    good = folder / "good.db"
    assert run("--db", good, "import", ROOT / "seeds", cwd=folder).returncode == 0
    for suffix in ("-wal", "-shm"):
        Path(f"{good}{suffix}").unlink(missing_ok=True)
    data = good.read_bytes()
    (folder / "truncated.db").write_bytes(data[: len(data) // 3])
    (folder / "header.db").write_bytes(b"\0" * 100 + data[100:])
    (folder / "text.db").write_text("my notes\n")
    (folder / "folder.db").mkdir()
    (folder / "version.db").write_bytes(data)
    con = sqlite3.connect(folder / "version.db")
    con.execute("UPDATE setting SET value = '\"abc\"' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    con = sqlite3.connect(folder / "other.db")
    con.execute("CREATE TABLE albums (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    cases = {
        "truncated.db": "truncated",
        "header.db": "not a SQLite database",
        "text.db": "not a SQLite database",
        "folder.db": "is a folder",
        "version.db": "schema version",
        "other.db": "not an annotator database",
        "postgresql://ann@127.0.0.1:1/x": "postgresql",
        "foo://x": "unknown database URL scheme",
        "": "location is empty",
    }
    return folder, cases


COMMANDS = [["stats"], ["import", "SEEDS"], ["export", "-o", "OUT"], ["screenshot", "SHOT"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_bad_database_is_one_line_never_a_traceback(bad_databases: tuple[Path, dict[str, str]],
                                                          command: list[str]) -> None:
    folder, cases = bad_databases
    other_before = (folder / "other.db").read_bytes()
    args = [str(ROOT / "seeds") if a == "SEEDS" else str(folder / "out.json") if a == "OUT"
            else str(folder / "shot.png") if a == "SHOT" else a for a in command]
    for db, expected in cases.items():
        proc = run("--db", db, *args, cwd=folder)
        assert proc.returncode == 1, (db, proc.stdout, proc.stderr)
        assert "Traceback" not in proc.stderr, (db, proc.stderr)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and expected in lines[0], (db, proc.stderr)
        assert lines[0].startswith(f"annotator {command[0]}: ")
    assert (folder / "other.db").read_bytes() == other_before  # another application's file is never touched
    assert not (folder / "out.json").exists() and not (folder / "shot.png").exists()


def test_stats_into_head_has_no_broken_pipe_traceback(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert run("--db", db, "import", ROOT / "seeds", cwd=tmp_path).returncode == 0
    script = f"'{EXE}' --db '{db}' stats | head -1; exit ${{PIPESTATUS[0]}}"
    for _ in range(3):  # the pipe closes at a different moment each time
        proc = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, check=False)
        assert proc.stdout.startswith("Articles")
        assert "Traceback" not in proc.stderr and "BrokenPipeError" not in proc.stderr, proc.stderr
        assert proc.returncode in (0, 141)


def test_annotators_overlap_from_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    proc = run("--db", db, "annotators", "overlap", cwd=tmp_path)
    assert proc.returncode == 0 and "overlap: each article goes to 1 annotator" in proc.stdout
    proc = run("--db", db, "annotators", "overlap", "2", cwd=tmp_path)
    assert proc.returncode == 0 and "2 annotators" in proc.stdout
    assert "2 annotators" in run("--db", db, "annotators", "overlap", cwd=tmp_path).stdout
    proc = run("--db", db, "annotators", "overlap", "0", cwd=tmp_path)
    assert proc.returncode == 1 and "overlap must be a whole number" in proc.stderr
