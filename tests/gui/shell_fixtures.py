"""Fixtures and fakes shared by the shell tests (runner, dialogs, app start, screenshot).

Imported by the ``test_shell_*`` modules (``tests/gui/conftest.py`` belongs to the window's tests).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from annotator.core.codebook import ActorType, Codebook, Label
from annotator.core.errors import NotFoundError
from annotator.core.records import (
    ActorView,
    ArticleIn,
    ArticleSuggestions,
    EntitySuggestion,
    EntityView,
    Status,
)
from annotator.store.repository import Repository
from annotator.ui.shared.workers import JobRunner


class FakeActors:
    """The read part of the Repository the actor dialogs use, over a fixed list."""

    def __init__(self, actors: list[ActorView]) -> None:
        self._actors = actors
        self.queries: list[str] = []

    def actors(self, query: str = "", limit: int | None = None) -> list[ActorView]:
        self.queries.append(query)
        q = query.casefold()
        found = [a for a in self._actors if q in a.name.casefold() or any(q in alias.casefold() for alias in a.aliases)]
        return found[:limit] if limit is not None else found

    def actor(self, actor_id: int) -> ActorView:
        """The actor, or NotFoundError as the repository raises for an unknown, deleted or merged one."""
        found = next((a for a in self._actors if a.id == actor_id), None)
        if found is None:
            raise NotFoundError(f"unknown actor {actor_id!r}")
        return found

    def codebook(self) -> Codebook:
        return Codebook(
            labels=(Label("PERSON", actor=ActorType.PERSON), Label("ORG", actor=ActorType.ORGANISATION),
                    Label("GPE", actor=ActorType.PLACE), Label("MISC"))
        )


ABE = ActorView(1, "Shinzo Abe", "PERSON", ("Abe", "Prime Minister Abe"), None, "")
PUTIN = ActorView(2, "Vladimir Putin", "PERSON", ("Putin",), None, "")
JAPAN = ActorView(3, "Government of Japan", "ORG", ("Tokyo",), None, "")


def make_entity(text: str = "Abe", label: str = "PERSON", actor: ActorView | None = None) -> EntityView:
    return EntityView(
        id=10,
        article_id="a1",
        layer="alice",
        start=0,
        end=len(text),
        text=text,
        label=label,
        status=Status.ACCEPTED,
        origin="manual",
        actor_id=actor.id if actor else None,
        actor_name=actor.name if actor else None,
        derived_from=None,
        annotator="alice",
    )


@pytest.fixture
def fake_actors() -> FakeActors:
    return FakeActors([ABE, PUTIN, JAPAN])


@pytest.fixture
def runner(qtbot: object) -> Iterator[JobRunner]:
    """A JobRunner that is always shut down, so no test leaves a running QThread behind."""
    job_runner = JobRunner()
    yield job_runner
    assert job_runner.shutdown(5000)


@pytest.fixture
def shell_repo(tmp_path: Path) -> Iterator[Repository]:
    """A fresh database in a temporary folder (the real repository)."""
    from annotator.store import open_repository

    repository = open_repository(str(tmp_path / "shell.db"))
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def user_settings_dir(tmp_path: Path) -> Path:
    """Per-user QSettings redirected into the test's folder (never the developer's real settings)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    folder.mkdir()
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


TINY_TEXTS = (
    (
        "Abe meets Putin",
        "Japanese Prime Minister Shinzo Abe met Vladimir Putin in Sochi. Abe said the talks went well.",
    ),
    ("Lavrov on sanctions", "Lavrov said the sanctions imposed by the G7 were a mistake."),
)


def tiny_database(path: Path) -> list[str]:
    """A two-article database built through the repository (no spaCy): returns the article ids."""
    from annotator.store import open_repository

    repo = open_repository(str(path))
    try:
        ids = []
        for title, text in TINY_TEXTS:
            ids.append(
                repo.add_article(ArticleIn(text=text, title=title, date="2015-11-17", source="Test Times")).article_id
            )
        start = TINY_TEXTS[0][1].index("Shinzo Abe")
        repo.store_suggestions(
            ArticleSuggestions(
                ids[0], "test:fake@0", entities=[EntitySuggestion(start, start + len("Shinzo Abe"), "PERSON")]
            )
        )
        return ids
    finally:
        repo.close()
