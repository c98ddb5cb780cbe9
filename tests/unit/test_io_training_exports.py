"""Training exports (spaCy DocBin, Prodigy) hold decided rows only, and the summary counts what the file holds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.core.records import SUGGESTIONS_LAYER, ArticleIn, ArticleStatus, ArticleSuggestions, EntitySuggestion
from annotator.jobs.exporting import export
from annotator.store.repository import Repository

TEXT_1 = "Maria Lopez met Acme officials in Paris on Monday."
TEXT_2 = "John Carter flew to Tampa, Fla. on Friday."
TEXT_3 = "Nobody has looked at this article about Berlin yet."


def _project(repo: Repository) -> tuple[str, str, str]:
    repo.ensure_annotator("alice")
    ids = [repo.add_article(ArticleIn(text=t)).article_id for t in (TEXT_1, TEXT_2, TEXT_3)]
    one, two, three = ids
    repo.store_suggestions(ArticleSuggestions(one, "spacy:test@1", entities=[
        EntitySuggestion(0, 11, "PERSON"), EntitySuggestion(16, 20, "ORG"), EntitySuggestion(34, 39, "GPE")]))
    repo.store_suggestions(ArticleSuggestions(three, "spacy:test@1", entities=[EntitySuggestion(40, 46, "GPE")]))
    person, org, _paris = repo.entities_for(one, layer=SUGGESTIONS_LAYER)
    repo.accept_entity(person.id, "alice")
    repo.reject_entity(org.id, "alice")  # Paris stays undecided; article one is not done
    repo.add_entity(two, 0, 11, "PERSON", "alice")
    repo.add_entity(two, TEXT_2.index("Tampa"), TEXT_2.index("Fla.") + 4, "GPE", "alice")
    repo.set_article_status(two, "alice", ArticleStatus.DONE)
    return one, two, three


def _docs(path: Path) -> list:
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("en").vocab))


@pytest.mark.slow
def test_docbin_marks_undecided_tokens_missing_and_counts_what_it_wrote(repo: Repository, tmp_path: Path) -> None:
    _project(repo)
    summary = export(repo, tmp_path / "alice.spacy", fmt="spacy", layer="alice")
    docs = _docs(tmp_path / "alice.spacy")
    assert [d.text for d in docs] == [TEXT_1, TEXT_2]  # article three: nothing decided, left out
    assert (summary.articles, summary.entities, summary.claims) == (2, 3, 0)
    assert sum(len(d.ents) for d in docs) == summary.entities
    unfinished, finished = docs
    iob = {t.text: t.ent_iob_ for t in unfinished}
    assert [e.text for e in unfinished.ents] == ["Maria Lopez"]
    assert iob["Acme"] == "O"  # rejected: known not to be an entity
    assert iob["Paris"] == "" and iob["met"] == ""  # undecided: missing, not "no entity"
    assert {t.ent_iob_ for t in finished} <= {"B", "I", "O"}  # done: every other token is "outside"
    assert [e.text for e in finished.ents] == ["John Carter", "Tampa, Fla."]


@pytest.mark.slow
def test_docbin_of_the_suggestions_layer_writes_nothing_and_says_so(repo: Repository, tmp_path: Path) -> None:
    _project(repo)
    summary = export(repo, tmp_path / "s.spacy", fmt="spacy", layer=SUGGESTIONS_LAYER)
    assert (summary.articles, summary.entities) == (0, 0)  # 4 suggestions were counted before, none written
    assert _docs(tmp_path / "s.spacy") == []


def test_prodigy_writes_finished_articles_only(repo: Repository, tmp_path: Path) -> None:
    _one, _two, _three = _project(repo)
    summary = export(repo, tmp_path / "alice.jsonl", fmt="prodigy", layer="alice")
    records = [json.loads(line) for line in (tmp_path / "alice.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["text"] for r in records] == [TEXT_2]
    assert (summary.articles, summary.entities) == (1, 2)
    assert [TEXT_2[s["start"]:s["end"]] for s in records[0]["spans"]] == ["John Carter", "Tampa, Fla."]
    assert "2 entities" in summary.lines()[0] and "exported 1 articles" in summary.lines()[0]


def test_json_export_still_counts_every_row(repo: Repository, tmp_path: Path) -> None:
    _project(repo)
    summary = export(repo, tmp_path / "all.json", fmt="json", layer=SUGGESTIONS_LAYER)
    data = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    written = sum(len(a["entities"]) for a in data["articles"])
    assert summary.entities == written == 4 and summary.articles == 3
