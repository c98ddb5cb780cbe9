"""`annotator import` on service exports as an analyst runs it: --dry-run first, then the import, near-duplicates."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from bench import exports as ex
from tests.e2e.test_cli import run

pytestmark = pytest.mark.slow


@pytest.fixture
def download(tmp_path: Path) -> Path:
    """Monday morning's downloads: a Nexis DOCX, a zip with a Lexis TXT repeating one story, a scan, a photo."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    fake = ex.fake_articles(5)
    ex.write_nexis_docx(folder / "Files (5).DOCX", fake)
    copy = ex.FakeArticle(fake[3].title + " (wire)", "Wire", fake[3].date_line,
                          [fake[3].paragraphs[0].replace("citing", "quoting", 1), *fake[3].paragraphs[1:]])
    with zipfile.ZipFile(folder / "more.zip", "w") as archive:
        archive.writestr("lexis.txt", ex.lexis_txt([copy, *ex.fake_articles(2, seed=77)]))
    (folder / "scan.pdf").write_bytes(ex.pdf_bytes([["x" * 40] * 20], with_text=False))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    return folder


def test_dry_run_lists_every_article_and_stores_nothing(download: Path, tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    out = run("import", "--dry-run", download, db=db)
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["file", "#", "title", "date", "outlet", "words", "status"]
    nexis = [line for line in lines if line.startswith(str(download / "Files (5).DOCX"))]
    assert len(nexis) == 5 and all(line.rstrip().endswith("new") for line in nexis)
    assert "Harbour talks resume, round 1" in nexis[0] and "2010-01-11" in nexis[0]
    assert "The Daily Example" in nexis[0] or "Example Post" in nexis[0] or "Sample Herald" in nexis[0]
    assert any("more.zip/lexis.txt" in line and "near-duplicate: repeats" in line for line in lines)
    assert any("scan.pdf" in line and "refused: no text layer: scanned?" in line for line in lines)
    assert any("photo.jpg" in line and "refused: unsupported file type" in line for line in lines)
    assert lines[-1] == "7 articles to import, 0 duplicates, 1 near-duplicates, 2 refused"
    stats = run("stats", "--json", db=db)
    assert sum(json.loads(stats.stdout)["articles"].values()) == 0


def test_import_skips_or_keeps_near_duplicates(download: Path, tmp_path: Path) -> None:
    db = tmp_path / "project.db"
    out = run("import", download, db=db)
    head, *rest = out.stdout.splitlines()
    assert head == "7 imported, 0 duplicates skipped, 1 near-duplicates skipped, 2 refused"
    assert any("near-duplicate" in line and "more.zip/lexis.txt article 1" in line and "repeats " in line
               and "skipped" in line for line in rest)
    kept = run("import", "--keep-near-duplicates", download, db=db)
    assert kept.stdout.splitlines()[0].startswith("1 imported, 7 duplicates skipped, 1 near-duplicates kept")
    target = tmp_path / "out.json"
    run("export", "-o", target, db=db)
    articles = json.loads(target.read_text(encoding="utf-8"))["articles"]
    marked = [a for a in articles if "near_duplicate_of" in a.get("meta", {})]
    assert len(marked) == 1 and marked[0]["meta"]["service"] == "lexis"
    nexis = next(a for a in articles if a["meta"].get("service") == "nexis")
    assert {"outlet", "byline", "section", "length", "language"} <= set(nexis["meta"])


def test_threshold_option_is_checked(download: Path, tmp_path: Path) -> None:
    out = run("import", "--near-duplicate-threshold", "1.5", download, db=tmp_path / "p.db", check=False)
    assert out.returncode == 2 and "at most 1" in out.stderr
