"""build_services: the jobs bound to a repository; the spaCy pipeline is loaded once per app run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.jobs import suggesting
from annotator.jobs.progress import CancelFlag, Progress
from annotator.jobs.summaries import SuggestSummary
from annotator.store.repository import Repository
from annotator.ui.shared.services import build_services
from tests.gui import shell_fixtures as fx

# Fixtures shared by the shell tests (assigned, not imported, so pytest finds them here).
shell_repo = fx.shell_repo


def test_suggest_loads_the_pipeline_once_and_passes_it(
    shell_repo: Repository,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    loads: list[str | None] = []
    calls: list[dict[str, Any]] = []
    pipeline = object()

    def fake_load(setting: str | None) -> object:
        loads.append(setting)
        return pipeline

    def fake_suggest(repo: Repository, **kwargs: Any) -> SuggestSummary:
        calls.append(kwargs)
        return SuggestSummary(origin="test:fake@0")

    monkeypatch.setattr(suggesting, "load_pipeline", fake_load)
    monkeypatch.setattr(suggesting, "suggest", fake_suggest)
    services = build_services(shell_repo, "my_pipeline")
    reports: list[Progress] = []
    services.suggest(None, False, reports.append, CancelFlag())
    services.suggest(["a1"], True, reports.append, CancelFlag())
    assert loads == ["my_pipeline"], "loaded once, on the first suggest"
    assert services.pipeline is pipeline
    assert [c["loaded"] for c in calls] == [pipeline, pipeline]
    # spaCy runs in a worker process: a parse on a thread of the window's process would stall the key presses.
    assert [c["in_workers"] for c in calls] == [True, True]
    # ... at a lower CPU priority than the window, which then gets a core at once for a key press.
    assert [c["background"] for c in calls] == [True, True]
    assert (calls[0]["article_ids"], calls[0]["force"]) == (None, False)
    assert (calls[1]["article_ids"], calls[1]["force"]) == (["a1"], True)
    assert reports[0].total == 0 and "loading" in reports[0].message  # the bar shows "busy" meanwhile


def test_import_service_imports_and_reports_refusals(shell_repo: Repository, tmp_path: Path) -> None:
    folder = tmp_path / "inbox"  # not tmp_path: the database files there would be refused too
    folder.mkdir()
    good = folder / "good.txt"
    good.write_text("11/17/2015\n\nA title\n\nShinzo Abe met Vladimir Putin in Sochi.\n", encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    services = build_services(shell_repo, None)
    summary = services.import_paths([str(folder)], lambda p: None, CancelFlag())
    assert summary.imported == 1 and len(summary.refused) == 1
    assert "empty.txt" in summary.lines()[1]
    assert services.formats == ()  # read when the export dialog opens, not at the start
    assert "json" in services.export_formats()


def test_export_service_writes_the_file(shell_repo: Repository, tmp_path: Path) -> None:
    from annotator.core.records import ArticleIn

    shell_repo.add_article(ArticleIn(text="Abe met Putin.", title="T"))
    services = build_services(shell_repo, None)
    out = tmp_path / "out.json"
    summary = services.export(str(out), "json", "all", None, lambda p: None, CancelFlag())
    assert out.is_file() and summary.articles == 1
    assert str(out) in summary.lines()[0]



def test_the_import_service_checks_near_duplicates_at_the_projects_threshold(
    shell_repo: Repository, tmp_path: Path
) -> None:
    import random

    from annotator.jobs.near_duplicate_settings import THRESHOLD_SETTING

    words = ["Abe", "Putin", "Tokyo", "Moscow", "islands", "treaty", "sanctions", "summit", "minister", "said",
             "talks", "peace", "Kurils", "Japan", "Russia", "energy", "deal", "trade", "visit"]
    pick = random.Random(3).choice
    story = [pick(words) for _ in range(300)]
    retold = story[:200] + [pick(words) for _ in range(100)]  # about half its word 3-grams are the story's
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (first / "story.txt").write_text("The story\n\n" + " ".join(story) + "\n", encoding="utf-8")
    (second / "retold.txt").write_text("Retold\n\n" + " ".join(retold) + "\n", encoding="utf-8")
    services = build_services(shell_repo, None)
    shell_repo.set_setting(THRESHOLD_SETTING, 0.4)  # far below the default 0.9, at which "retold" is new

    assert services.import_paths([str(first)], lambda p: None, CancelFlag()).imported == 1
    skipped = services.import_paths([str(second)], lambda p: None, CancelFlag())
    assert skipped.imported == 0 and [n.kept for n in skipped.near_duplicates] == [False]
    assert services.import_checked is not None  # the shell always offers the checked import
    kept = services.import_checked([str(second)], 0.4, True, lambda p: None, CancelFlag())
    assert kept.imported == 1 and [n.kept for n in kept.near_duplicates] == [True]
