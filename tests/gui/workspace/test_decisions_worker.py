"""Decisions run on the database thread: the window stays responsive, keys keep their order, undo stays right."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt, QTimer

from annotator.core.errors import ValidationError
from annotator.core.records import ArticleIn, ArticleSuggestions, EntitySuggestion, Status
from annotator.jobs.summaries import SuggestSummary
from annotator.ui.shared.workers import JobRunner
from annotator.ui.window import error_log
from tests.gui.conftest import ORIGIN
from tests.gui.helpers import current_entity, entity_by_text, own_entities, press, settle

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


def type_key(
    qtbot: QtBot, window: MainWindow, key: str | Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """One key press without waiting for what it decides (an analyst typing faster than the database)."""
    window.workspace.text.setFocus()
    qtbot.keyClick(window.workspace.text, key, modifier)


def test_a_key_press_while_another_writer_holds_the_lock_leaves_the_window_responsive(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    # What a suggestion run's thread does for a moment per article: hold SQLite's write lock.
    writer = sqlite3.connect(repo.location, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert current_entity(window).text == "Shinzo Abe"
        type_key(qtbot, window, "a")
        decisions = window.workspace.decisions
        assert decisions.busy
        # The event loop keeps running while the decision waits for the lock: a timer fires, nothing froze.
        ticks: list[int] = []
        QTimer.singleShot(50, lambda: ticks.append(1))
        qtbot.waitUntil(lambda: bool(ticks), timeout=2000)
        assert decisions.busy and own_entities(repo, articles["abe"]) == []
    finally:
        writer.rollback()
        writer.close()
    settle(qtbot, window)
    accepted = entity_by_text(own_entities(repo, articles["abe"]), "Shinzo Abe")
    assert accepted.status == Status.ACCEPTED
    assert entity_by_text(window.workspace.entities, "Shinzo Abe").status == Status.ACCEPTED
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert own_entities(repo, articles["abe"]) == []


@pytest.fixture
def job_runner(qtbot: QtBot) -> Iterator[JobRunner]:
    runner = JobRunner()
    yield runner
    assert runner.shutdown(10_000)


def test_keys_typed_during_a_suggestion_job_keep_their_order_and_undo(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str], job_runner: JobRunner
) -> None:
    ids = [repo.add_article(ArticleIn(text=f"Lavrov met Kono in Moscow, day {i}.")).article_id for i in range(150)]

    def suggest_all(progress: Any, cancel: Any) -> SuggestSummary:
        # A suggestion run: one write transaction per article, from the job thread, on the same repository.
        for article_id in ids:
            cancel.check()
            repo.store_suggestions(
                ArticleSuggestions(article_id, ORIGIN, entities=[EntitySuggestion(0, 6, "PERSON")])
            )
        return SuggestSummary(origin=ORIGIN, articles=len(ids), entities=len(ids))

    assert current_entity(window).text == "Shinzo Abe"
    with qtbot.waitSignal(job_runner.finished, timeout=60_000):
        job_runner.run("Suggesting", suggest_all)
        type_key(qtbot, window, "a")  # accept Abe, then the next suggestion (Putin) is current
        type_key(qtbot, window, "x")  # reject Putin: waits for the accept to be drawn, then acts on Putin
        type_key(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo the rejection only; Sochi stays current
        type_key(qtbot, window, "2")  # relabel Sochi: ORG
        settle(qtbot, window)
    settle(qtbot, window)
    own = {e.text: (e.label, e.status) for e in own_entities(repo, articles["abe"])}
    assert own == {"Shinzo Abe": ("PERSON", Status.ACCEPTED), "Sochi": ("ORG", Status.CORRECTED)}
    assert all(repo.entities_for(i, annotator="alice") for i in ids)  # the job wrote every article
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert own_entities(repo, articles["abe"]) == []
    assert not window.workspace.decisions.stack.canUndo()


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    """The error log in a temporary file (the app configures it at start); removed afterwards."""
    with error_log.logging_to(tmp_path / "logs" / "annotator.log") as path:
        yield path


def test_an_unexpected_error_is_logged_and_stays_until_dismissed(
    qtbot: QtBot, window: MainWindow, repo: Repository, monkeypatch: pytest.MonkeyPatch, log_file: Path
) -> None:
    def broken(entity_id: int, annotator: str) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(repo, "accept_entity", broken)
    press(qtbot, window, "a")
    banner = window.error_banner
    assert banner.isVisible()
    assert "disk on fire" in banner.message and str(log_file) in banner.message
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: disk on fire" in logged and "Traceback" in logged
    press(qtbot, window, "n")  # the message survives further work
    assert banner.isVisible()
    qtbot.mouseClick(banner.dismiss_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()


def test_a_refusal_stays_a_status_bar_message(
    qtbot: QtBot, window: MainWindow, repo: Repository, monkeypatch: pytest.MonkeyPatch, log_file: Path
) -> None:
    def refused(entity_id: int, annotator: str) -> Any:
        raise ValidationError("that mention was deleted by another instance")

    monkeypatch.setattr(repo, "accept_entity", refused)
    press(qtbot, window, "a")
    assert "deleted by another instance" in window.statusBar().currentMessage()
    assert not window.error_banner.isVisible()
    assert log_file.read_text(encoding="utf-8") == ""
    # The decision was drawn ahead of the database: the refusal draws the suggestion as it was, not undoable.
    assert entity_by_text(window.workspace.entities, "Shinzo Abe").status == Status.SUGGESTED
    assert window.workspace.ahead == {} and not window.workspace.decisions.stack.canUndo()


def test_a_suggestion_decided_while_the_database_is_held_is_drawn_at_once_then_answered(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    """Drawn ahead: the key press shows the decision and the next suggestion in the same frame, before the
    database has it; its answer (the annotator's row) then takes the guess's place without moving the analyst."""
    workspace = window.workspace
    writer = sqlite3.connect(repo.location, timeout=5)
    writer.execute("BEGIN IMMEDIATE")  # a suggestion run's write lock: the decision cannot be written yet
    try:
        abe = current_entity(window)
        assert abe.text == "Shinzo Abe" and abe.status == Status.SUGGESTED
        type_key(qtbot, window, "a")
        assert workspace.decisions.busy and own_entities(repo, articles["abe"]) == []
        drawn = entity_by_text(workspace.entities, "Shinzo Abe")
        assert drawn.status == Status.ACCEPTED
        assert entity_by_text(workspace.entity_panel.model.rows(), "Shinzo Abe").status == Status.ACCEPTED
        assert current_entity(window).text == "Vladimir Putin"  # moved on at once
        # Moving on and deciding another suggestion do not wait for the database either.
        type_key(qtbot, window, "x")
        assert entity_by_text(workspace.entities, "Vladimir Putin").status == Status.REJECTED
        assert current_entity(window).text == "Sochi"
    finally:
        writer.rollback()
        writer.close()
    settle(qtbot, window)
    own = {e.text: e.status for e in own_entities(repo, articles["abe"])}
    assert own == {"Shinzo Abe": Status.ACCEPTED, "Vladimir Putin": Status.REJECTED}
    shown = {e.text: e for e in workspace.entities}
    assert shown["Shinzo Abe"].derived_from == abe.id and shown["Shinzo Abe"].layer == "alice"
    assert current_entity(window).text == "Sochi" and workspace.ahead == {}
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo is still one decision at a time
    assert {e.text for e in own_entities(repo, articles["abe"])} == {"Shinzo Abe"}


def test_a_key_on_a_row_still_drawn_ahead_waits_for_its_answer(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    workspace = window.workspace
    writer = sqlite3.connect(repo.location, timeout=5)
    writer.execute("BEGIN IMMEDIATE")
    try:
        abe = current_entity(window)
        type_key(qtbot, window, "a")
        workspace.set_current(("entity", abe.id))  # the analyst clicks the row drawn ahead
        type_key(qtbot, window, "x")  # rejects it: acts on the annotator's row once the accept is answered
        assert entity_by_text(workspace.entities, "Shinzo Abe").status == Status.ACCEPTED
    finally:
        writer.rollback()
        writer.close()
    settle(qtbot, window)
    assert {e.text: e.status for e in own_entities(repo, articles["abe"])} == {"Shinzo Abe": Status.REJECTED}
    assert entity_by_text(workspace.entities, "Shinzo Abe").status == Status.REJECTED
