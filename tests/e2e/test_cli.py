"""The `annotator` command as a user runs it: import the seeds, suggest, export, stats, bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.store import open_repository
from tests.conftest import BACKENDS

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
EXE = Path(sys.executable).with_name("annotator")

pytestmark = pytest.mark.slow


def run(*args: str | Path, db: Path | str, check: bool = True,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_DB": str(db), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([str(EXE), *map(str, args)], capture_output=True, text=True, env=env,
                          cwd=cwd or ROOT, stdin=subprocess.DEVNULL, timeout=600, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"annotator {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module", params=BACKENDS)
def suggested_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database with the seeds imported and suggested, built once through the CLI: a SQLite file, then a
    PostgreSQL database on the suite's server."""
    if request.param == "sqlite":
        db = str(tmp_path_factory.mktemp("cli") / "project.db")
    else:
        db = request.getfixturevalue("postgres").create_database(f"cli_{os.getpid()}")
    out = run("import", SEEDS, db=db)
    assert "5 imported" in out.stdout
    out = run("suggest", db=db)
    assert "5 articles suggested" in out.stdout
    return db


def test_import_suggest_export_json_matches_the_schema(suggested_db: str, tmp_path: Path) -> None:
    from annotator.io.schema import validate_export

    target = tmp_path / "out.json"
    run("export", "--format", "json", "-o", target, db=suggested_db)
    data = json.loads(target.read_text(encoding="utf-8"))
    validate_export(data)
    assert data["format"] == "annotator-export" and data["version"] == 2
    assert len(data["articles"]) == 5
    for article in data["articles"]:
        text = article["text"]
        assert article["entities"], article["file"]
        for entity in article["entities"]:
            assert text[entity["start"]:entity["end"]] == entity["text"]
        assert article["claims"], f"no claim suggested for {article['file']}"
    sources = {c["source"]["text"] for a in data["articles"] for c in a["claims"] if c["source"]}
    assert {"Abe", "Lavrov", "Peskov"} & {s.split()[-1] for s in sources}


def _copy(db: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A copy of the database to change (a file copy, or a PostgreSQL database made from it as a template)."""
    if "://" not in db:
        shutil.copy(db, tmp_path / "copy.db")
        return str(tmp_path / "copy.db")
    server = request.getfixturevalue("postgres")
    return str(server.create_database(f"copy_{os.getpid()}_{tmp_path.name}"[:60], template=db.rsplit("/", 1)[1]))


def test_reimport_is_a_no_op_and_suggest_twice_adds_nothing(
    suggested_db: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    db = _copy(suggested_db, tmp_path, request)
    before = run("stats", "--json", db=db).stdout
    out = run("import", SEEDS, db=db)
    assert "0 imported, 5 duplicates" in out.stdout
    out = run("suggest", db=db)
    assert "0 articles suggested" in out.stdout
    out = run("suggest", "--force", db=db)
    assert "5 articles suggested" in out.stdout
    assert json.loads(run("stats", "--json", db=db).stdout) == json.loads(before)


def test_round_trip_import_export_import(suggested_db: str, tmp_path: Path) -> None:
    first = tmp_path / "first.json"
    run("export", "--format", "json", "-o", first, db=suggested_db)
    fresh = tmp_path / "fresh.db"
    out = run("import", first, db=fresh)
    assert "5 imported" in out.stdout
    second = tmp_path / "second.json"
    run("export", "--format", "json", "-o", second, db=fresh)

    def comparable(path: Path) -> list[dict[str, object]]:
        data = json.loads(path.read_text(encoding="utf-8"))
        articles = []
        for a in data["articles"]:
            entities = sorted((e["start"], e["end"], e["label"], e["status"], e["annotator"] or "")
                              for e in a["entities"])
            claims = sorted((c["cue"]["start"], c["content"]["start"], c["kind"], c["status"])
                            for c in a["claims"])
            articles.append({"text": a["text"], "title": a["title"], "date": a["date"],
                             "entities": entities, "claims": claims})
        return sorted(articles, key=lambda a: str(a["text"]))

    assert comparable(first) == comparable(second)


def test_jsonl_export_has_one_article_per_line(suggested_db: str, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    run("export", "--format", "jsonl", "-o", target, db=suggested_db)
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5
    assert all(json.loads(line)["text"] for line in lines)


def test_stats_prints_status_and_layers(suggested_db: str) -> None:
    out = run("stats", db=suggested_db).stdout
    assert "Articles: 5" in out
    assert "suggestions" in out and "PERSON" in out


def test_bad_inputs_are_refused_with_file_and_line_and_the_rest_imports(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\xff" * 100)
    (folder / "good.txt").write_text("3/22/2017\n\nA title\n\nLavrov said the talks went well.\n",
                                     encoding="utf-8")
    lines = [json.dumps({"id": f"r{i}", "text": f"Record number {i} says Abe met Putin."}) for i in range(9)]
    lines[6] = '{"id": "broken", "text": '
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = tmp_path / "p.db"
    out = run("import", folder, db=db)
    assert "9 imported" in out.stdout, out.stdout
    assert "empty.txt" in out.stdout and "binary.txt" in out.stdout
    assert "records.jsonl:7" in out.stdout
    with open_repository(str(db)) as repo:  # the import defers the search index; the command catches it up
        assert repo.search_backlog() == 0
        assert [s.title for s in repo.article_summaries(text="lavrov")] == ["A title"]


def test_wrong_arguments_and_nothing_importable_exit_non_zero(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    assert run("import", tmp_path / "missing", db=db, check=False).returncode == 2
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    proc = run("import", empty, db=db, check=False)
    assert proc.returncode == 1 and "empty" in proc.stdout
    assert run("export", "--format", "docx", "-o", tmp_path / "x", db=db, check=False).returncode == 2


def test_bad_pipeline_setting_is_explained(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    run("import", SEEDS / "000_e21e4596d0e345b0.txt", db=db)
    proc = run("suggest", "--pipeline", "no_such_pipeline_xyz", db=db, check=False)
    assert proc.returncode == 1
    assert "no_such_pipeline_xyz" in proc.stderr and "Traceback" not in proc.stderr
