"""The import job on service exports: near-duplicates, notes, preview, progress and cancel inside one file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.jobs.import_preview import DUPLICATE, NEAR_DUPLICATE, NEW, REFUSED, preview_paths
from annotator.jobs.importing import NEAR_DUPLICATE_OF, import_paths
from annotator.jobs.near_duplicates import NearDuplicateIndex, project_threshold
from annotator.jobs.progress import CancelFlag, Progress
from annotator.store.repository import Repository
from bench import exports as ex


def reworded(article: ex.FakeArticle, new: str = "quoting") -> ex.FakeArticle:
    """The same story with one word changed: a wire copy edited by a second outlet."""
    paragraphs = list(article.paragraphs)
    paragraphs[0] = paragraphs[0].replace("citing", new, 1)
    return ex.FakeArticle(article.title + " (update)", "Other Outlet", article.date_line, paragraphs)


def test_index_finds_near_copies_and_not_other_stories() -> None:
    fake = ex.fake_articles(30, seed=5)
    index = NearDuplicateIndex(0.9)
    for i, a in enumerate(fake):
        sig = index.signature("\n\n".join(a.paragraphs))
        assert index.query(sig) == [], i  # invented stories differ
        index.add(i, sig)
    copy = reworded(fake[7])
    (match,) = index.query(index.signature("\n\n".join(copy.paragraphs)))
    assert match.key == 7 and 0.9 <= match.similarity < 1.0
    with pytest.raises(ValueError):
        NearDuplicateIndex(1.5)


def test_near_duplicates_are_skipped_and_named(repo: Repository, tmp_path: Path) -> None:
    fake = ex.fake_articles(4)
    first = ex.write_nexis_docx(tmp_path / "a.docx", fake)
    second = tmp_path / "b.txt"
    second.write_text(ex.lexis_txt([reworded(fake[2]), *ex.fake_articles(1, seed=99)]), encoding="utf-8")
    summary = import_paths(repo, [first, second])
    assert (summary.imported, summary.duplicates, len(summary.refused)) == (5, 0, 0)
    (near,) = summary.near_duplicates
    original = summary.article_ids[2]
    assert near.of_id == original and not near.kept
    assert near.where == f"{second} article 1"
    lines = summary.lines()
    assert "1 near-duplicates skipped" in lines[0]
    assert any(f'repeats {original} "{fake[2].title}"' in line and "skipped" in line for line in lines)
    assert repo.count_articles() == 5


def test_keep_near_duplicates_marks_them(repo: Repository, tmp_path: Path) -> None:
    fake = ex.fake_articles(3)
    path = tmp_path / "lexis.txt"
    # The copy follows its original in the same file: it repeats an article of this very import.
    path.write_text(ex.lexis_txt([*fake, reworded(fake[0])]), encoding="utf-8")
    summary = import_paths(repo, [path], keep_near_duplicates=True)
    assert summary.imported == 4
    (near,) = summary.near_duplicates
    assert near.kept and near.of_id == summary.article_ids[0]
    kept = repo.article(summary.article_ids[3])
    assert kept.meta[NEAR_DUPLICATE_OF] == summary.article_ids[0]
    assert 0.9 <= kept.meta["near_duplicate_similarity"] < 1
    rows = {s.id: s for s in repo.article_summaries()}
    assert rows[kept.id].near_duplicate_of == summary.article_ids[0]
    assert rows[summary.article_ids[0]].near_duplicate_of is None


def test_threshold_is_configurable(repo: Repository, tmp_path: Path) -> None:
    fake = ex.fake_articles(2)
    path = tmp_path / "lexis.txt"
    path.write_text(ex.lexis_txt([*fake, reworded(fake[0])]), encoding="utf-8")
    assert import_paths(repo, [path], near_duplicate_threshold=0.99).imported == 3  # stricter: not a repeat
    assert project_threshold(repo) == 0.9
    repo.set_setting("near_duplicate_threshold", 0.5)
    assert project_threshold(repo) == 0.5
    repo.set_setting("near_duplicate_threshold", "nonsense")
    assert project_threshold(repo) == 0.9


def test_exact_duplicates_still_reach_the_store(repo: Repository, tmp_path: Path) -> None:
    """Re-importing our export merges the layers it brings; near-duplicate detection must not swallow it."""
    text = "Abe said Japan wants the islands back, officials reported on Monday in Tokyo."
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "a", "text": text}) + "\n", encoding="utf-8")
    record = {"id": "a", "text": text, "entities": [{"start": 0, "end": 3, "label": "PERSON", "annotator": "bob"}]}
    (tmp_path / "b.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    assert import_paths(repo, [tmp_path / "a.jsonl"]).imported == 1
    summary = import_paths(repo, [tmp_path / "b.jsonl"])
    assert (summary.imported, summary.duplicates, summary.near_duplicates) == (0, 1, [])
    assert [e.label for e in repo.entities_for("a", annotator="bob")] == ["PERSON"]


def test_unknown_layout_is_noted_and_every_refusal_named(repo: Repository, tmp_path: Path) -> None:
    import docx

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    document = docx.Document()
    document.add_paragraph("A memo about the harbour plan that the council approved on Tuesday.")
    document.save(str(inbox / "memo.docx"))
    (inbox / "scan.pdf").write_bytes(ex.pdf_bytes([["x" * 30] * 10], with_text=False))
    (inbox / "photo.png").write_bytes(b"\x89PNG")
    summary = import_paths(repo, [inbox])
    assert summary.imported == 1
    assert [Path(e.path).name for e in summary.refused] == ["photo.png", "scan.pdf"]
    (note,) = summary.notes
    assert note.startswith(f"{inbox / 'memo.docx'}: no Nexis")
    assert "import_note" not in repo.article(summary.article_ids[0]).meta
    text = "\n".join(summary.lines())
    assert "photo.png: unsupported file type" in text and "scan.pdf: no text layer: scanned?" in text


def test_preview_lists_everything_and_stores_nothing(repo: Repository, tmp_path: Path) -> None:
    fake = ex.fake_articles(3)
    docx_path = ex.write_nexis_docx(tmp_path / "a.docx", fake)
    import_paths(repo, [tmp_path / "a.docx"])
    fake[1].paragraphs = []
    extra = tmp_path / "b.txt"
    extra.write_text(ex.lexis_txt([reworded(ex.fake_articles(3)[2]), *ex.fake_articles(1, seed=42)]),
                     encoding="utf-8")
    broken = ex.write_nexis_docx(tmp_path / "c.docx", fake)
    before = repo.count_articles()
    preview = preview_paths([docx_path, extra, broken], repo=repo)
    assert repo.count_articles() == before
    statuses = [(Path(r.file).name, r.number, r.status) for r in preview.rows]
    assert statuses == [
        ("a.docx", "1", DUPLICATE), ("a.docx", "2", DUPLICATE), ("a.docx", "3", DUPLICATE),
        ("b.txt", "1", NEAR_DUPLICATE), ("b.txt", "2", NEW),
        ("c.docx", "1", DUPLICATE), ("c.docx", "", REFUSED), ("c.docx", "3", DUPLICATE),
    ]
    new = preview.rows[4]
    assert (new.date, new.words) == ("2010-01-11", ex.fake_articles(1, seed=42)[0].words)
    assert "article 2 of 3: no article text" in preview.rows[6].detail
    assert preview.rows[3].detail.startswith("repeats ")
    table = preview.lines()
    assert table[0].split() == ["file", "#", "title", "date", "outlet", "words", "status"]
    assert table[-1] == "1 articles to import, 5 duplicates, 1 near-duplicates, 1 refused"


def test_progress_and_cancel_inside_one_large_file(repo: Repository, tmp_path: Path) -> None:
    path = ex.write_nexis_docx(tmp_path / "big.docx", ex.fake_articles(120, paragraphs=1))
    cancel = CancelFlag()
    reports: list[Progress] = []

    def progress(p: Progress) -> None:
        reports.append(p)
        if "article 50" in p.message:
            cancel.cancel()

    summary = import_paths(repo, [path], progress=progress, cancel=cancel)
    messages = [p.message for p in reports]
    assert "big.docx: article 25" in messages and "big.docx: article 50" in messages
    assert summary.cancelled and summary.imported == 50
    assert repo.count_articles() == 50  # what was read before the cancel is kept
    assert "cancelled" in summary.lines()[0]


def test_the_project_database_in_an_imported_folder_is_not_an_input(tmp_path: Path) -> None:
    from annotator.store import open_repository

    repo = open_repository(str(tmp_path / "project.db"))
    try:
        (tmp_path / "a.txt").write_text("A title\n\nShinzo Abe met Vladimir Putin in Sochi.\n", encoding="utf-8")
        summary = import_paths(repo, [tmp_path])
        assert (summary.imported, summary.refused) == (1, [])
    finally:
        repo.close()
