"""Merging work done on another machine: alice's exported layer imported into a second project's alice layer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.records import ArticleStatus, Span
from tests.e2e.test_cli_agreement import ROOT, run

pytestmark = pytest.mark.slow

SEEDS = ROOT / "seeds"


def _first_words(text: str) -> tuple[int, int]:
    """The first word of a text (a span valid in every seed)."""
    start = len(text) - len(text.lstrip())
    end = start
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def test_alice_layer_merges_into_second_project(tmp_path: Path, db_location: str) -> None:
    """The laptop is a SQLite file; the office is a SQLite file or a PostgreSQL server."""
    from annotator.store import open_repository

    db1, db2 = tmp_path / "laptop.db", db_location
    run("import", str(SEEDS), db=db1)
    run("import", str(SEEDS), db=db2)

    repo = open_repository(str(db1))
    try:
        repo.ensure_annotator("alice")
        ids = repo.article_ids()
        for article_id in ids[:2]:
            text = repo.article(article_id).text
            start, end = _first_words(text)
            repo.add_entity(article_id, start, end, "ORG", "alice")
            repo.add_claim(article_id, "alice", cue=[Span(start, end)], kind="direct")
            repo.set_article_status(article_id, "alice", ArticleStatus.DONE)
        expected = {
            repo.article(a).text_sha256: (
                [(e.start, e.end, e.label) for e in repo.entities_for(a, layer="alice")],
                [c.cue.spans if c.cue else () for c in repo.claims_for(a, layer="alice")],
            )
            for a in ids[:2]
        }
    finally:
        repo.close()

    exported = tmp_path / "alice.json"
    run("export", "--layer", "alice", "-o", str(exported), db=db1)
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert {e["annotator"] for a in data["articles"] for e in a["entities"]} == {"alice"}

    for _ in range(2):  # the second import must not duplicate anything
        run("import", str(exported), db=db2)
        repo = open_repository(str(db2))
        try:
            assert repo.count_articles() == len(list(SEEDS.glob("*.txt")))  # matched by text hash
            got = {}
            for article_id in repo.article_ids():
                entities = repo.entities_for(article_id, layer="alice")
                claims = repo.claims_for(article_id, layer="alice")
                if entities or claims:
                    got[repo.article(article_id).text_sha256] = (
                        [(e.start, e.end, e.label) for e in entities],
                        [c.cue.spans if c.cue else () for c in claims],
                    )
                    # alice's done status comes along, so a reviewer here can take the article up.
                    assert repo.article_status(article_id, "alice") == ArticleStatus.DONE
            assert got == expected
            assert repo.annotators() == [("alice", "annotator")]
        finally:
            repo.close()
