"""GUI test fixtures: offscreen Qt, a temporary database with articles and suggestions, the main window."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from annotator.core.records import (
    ArticleIn,
    ArticleSuggestions,
    ClaimSuggestion,
    EntitySuggestion,
    Span,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository

ORIGIN = "test:fake@0"
ANNOTATOR = "alice"

TEXT_1 = (
    "Japanese Prime Minister Shinzo Abe met Russian President Vladimir Putin in Sochi on Feb. 8.\n\n"
    "Abe said that Japan wants a peace treaty with Russia. The talks were held at JST noon.\n"
    "Putin insisted that the Kuril islands belong to Russia."
)
TEXT_MARKUP = "Tag <b>x</b> and 🙂 emoji before Putin spoke."
TEXT_3 = "Lavrov said the sanctions imposed by the G7 were a mistake. Tokyo disagreed."


def _find(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = text.index(needle, start + 1)
    return start, start + len(needle)


def _entity(text: str, needle: str, label: str, nth: int = 0) -> EntitySuggestion:
    start, end = _find(text, needle, nth)
    return EntitySuggestion(start, end, label)


def seed(repo: Repository) -> dict[str, str]:
    """Three articles with model suggestions (no spaCy): returns {name: article_id}."""
    ids: dict[str, str] = {}
    for name, title, text in (
        ("abe", "Abe meets Putin in Sochi", TEXT_1),
        ("markup", "Markup <b> and emoji", TEXT_MARKUP),
        ("lavrov", "Lavrov on sanctions", TEXT_3),
    ):
        result = repo.add_article(
            ArticleIn(text=text, title=title, date="2014-02-19", source="Test Times", file=f"{name}.txt")
        )
        ids[name] = result.article_id
    repo.store_suggestions(
        ArticleSuggestions(
            ids["abe"],
            ORIGIN,
            entities=[
                _entity(TEXT_1, "Shinzo Abe", "PERSON"),
                _entity(TEXT_1, "Vladimir Putin", "PERSON"),
                _entity(TEXT_1, "Sochi", "GPE"),
                _entity(TEXT_1, "JST", "PERSON"),  # the wrong suggestion every analyst fixes
                _entity(TEXT_1, "Russia", "GPE", 1),
            ],
            claims=[
                ClaimSuggestion(
                    cue=(Span(*_find(TEXT_1, "said")),),
                    content=(Span(*_find(TEXT_1, "Japan wants a peace treaty with Russia")),),
                    source=(Span(*_find(TEXT_1, "Abe", 1)),),
                    kind="indirect",
                ),
            ],
        )
    )
    repo.store_suggestions(
        ArticleSuggestions(
            ids["markup"],
            ORIGIN,
            entities=[
                _entity(TEXT_MARKUP, "Putin", "PERSON"),
            ],
        )
    )
    repo.store_suggestions(
        ArticleSuggestions(
            ids["lavrov"],
            ORIGIN,
            entities=[
                _entity(TEXT_3, "Lavrov", "PERSON"),
                _entity(TEXT_3, "G7", "ORG"),
            ],
        )
    )
    return ids


@pytest.fixture(autouse=True)
def _user_data_in_tmp(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's user data (the crash log) goes to a temporary folder, never to the real home of the test run."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("user-data")))


def _open_real(path: Path) -> Any:
    from annotator.store import open_repository

    return open_repository(str(path))


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Any]:
    """A fresh database in a temporary folder (the real repository)."""
    repository = _open_real(tmp_path / "test.db")
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def articles(repo: Repository) -> dict[str, str]:
    return seed(repo)


@pytest.fixture
def window(qtbot: QtBot, repo: Repository, articles: dict[str, str]) -> Iterator[Any]:
    """The real main window on the seeded database, shown at the size an analyst uses."""
    from annotator.ui.window.main_window import MainWindow
    from tests.gui.helpers import settle, show_window

    win = MainWindow(repo, ANNOTATOR)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    win.open_article(articles["abe"])
    yield win
    # Whatever the test did, the window must show exactly what the database holds (views patch rows in place).
    settle(qtbot, win)
    workspace = win.workspace
    if workspace.article is not None:
        assert workspace.entities == repo.entities_for(workspace.article.id, annotator=win.annotator)
        assert workspace.claims == repo.claims_for(workspace.article.id, annotator=win.annotator)
    win.close()  # ends the session while the database is still open
