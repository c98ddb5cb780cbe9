"""`annotator annotators add/list` and `annotator agreement` as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core.records import ArticleIn, ArticleStatus, Span

ROOT = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("annotator")

pytestmark = pytest.mark.slow

TEXT = "Abe said Japan wants the four islands back, and Putin said Russia would not give them up."


def run(*args: str, db: Path | str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ANNOTATOR_DB": str(db), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([str(EXE), *args], capture_output=True, text=True, env=env, cwd=ROOT,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"annotator {args} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture
def coded_db(db_location: str) -> str:
    """Two annotators who both finished one article, scripted through the repository API (both stores)."""
    from annotator.store import open_repository

    db = db_location
    repo = open_repository(db)
    try:
        repo.ensure_annotator("alice")
        repo.ensure_annotator("bob")
        article = repo.add_article(ArticleIn(text=TEXT, title="t")).article_id
        # Alice: Abe PERSON, Japan GPE, Putin PERSON; Bob: Abe PERSON, Japan ORG.
        #   tp 1 (Abe), fn 2 (Japan GPE, Putin), fp 1 (Japan ORG) -> F1 = 2/(2+2+1) = 0.4
        for start, end, label in [(0, 3, "PERSON"), (9, 14, "GPE"), (48, 53, "PERSON")]:
            repo.add_entity(article, start, end, label, "alice")
        for start, end, label in [(0, 3, "PERSON"), (9, 14, "ORG")]:
            repo.add_entity(article, start, end, label, "bob")
        # One claim each, same spans, kinds differ: claim F1 1.0; kind pₒ 0, pₑ 0 -> κ 0;
        # form statement on both sides -> pₑ 1 -> κ 1.0
        for who, kind in (("alice", "indirect"), ("bob", "direct")):
            repo.add_claim(article, who, cue=[Span(4, 8)], content=[Span(9, 42)], kind=kind)
            repo.set_article_status(article, who, ArticleStatus.DONE)
    finally:
        repo.close()
    return db


def test_annotators_add_and_list(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    out = run("annotators", "list", db=db)
    assert "No annotators yet" in out.stdout
    out = run("annotators", "add", "bob", "--role", "reviewer", db=db)
    assert "bob: added (reviewer)" in out.stdout
    run("annotators", "add", "alice", db=db)
    out = run("annotators", "list", db=db)
    assert [line.split() for line in out.stdout.splitlines()] == [["alice", "annotator"], ["bob", "reviewer"]]
    out = run("annotators", "add", "bob", "--role", "annotator", db=db)
    assert "bob: role changed (annotator)" in out.stdout
    out = run("annotators", "list", "--json", db=db)
    assert json.loads(out.stdout) == [{"name": "alice", "role": "annotator"},
                                      {"name": "bob", "role": "annotator"}]


def test_annotators_bad_input(tmp_path: Path) -> None:
    db = tmp_path / "fresh.db"
    out = run("annotators", "add", "bob", "--role", "admin", db=db, check=False)
    assert out.returncode == 2 and "invalid choice" in out.stderr
    out = run("annotators", "add", "gold", db=db, check=False)
    assert out.returncode == 1 and "gold" in out.stderr and "Traceback" not in out.stderr


def test_agreement_json_and_text(coded_db: str) -> None:
    data = json.loads(run("agreement", "--json", db=coded_db).stdout)
    assert data["annotators"] == ["alice", "bob"]
    (pair,) = data["pairs"]
    assert pair["annotators"] == ["alice", "bob"] and pair["basis"] == "done" and pair["articles"] == 1
    assert pair["entities"]["overall"]["f1"] == pytest.approx(0.4)
    assert pair["entities"]["labels"]["PERSON"]["f1"] == pytest.approx(2 / 3)  # tp 1, fn 1 -> 2/(2+1)
    assert pair["claims"]["f1"] == pytest.approx(1.0)
    assert pair["kappa"]["kind"]["kappa"] == pytest.approx(0.0)
    assert pair["kappa"]["form"]["kappa"] == pytest.approx(1.0)
    text = run("agreement", "--annotators", "bob,alice", db=coded_db).stdout
    assert "bob / alice" in text and "0.400" in text


def test_agreement_bad_input(coded_db: str, tmp_path: Path) -> None:
    out = run("agreement", "--annotators", "alice", db=coded_db, check=False)
    assert out.returncode == 2 and "at least two" in out.stderr
    out = run("agreement", "--annotators", "alice,zed", db=coded_db, check=False)
    assert out.returncode == 1 and "zed" in out.stderr and "Traceback" not in out.stderr
    out = run("agreement", db=tmp_path / "empty.db")
    assert "nothing to compare" in out.stdout
