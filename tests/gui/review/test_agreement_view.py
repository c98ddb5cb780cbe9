"""The agreement view: the pair table and the F1 bars, from the dialog and from the View menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from annotator.core.records import ArticleIn, ArticleStatus, Span
from annotator.ui.shared.workers import JobRunner
from tests.gui import shell_fixtures as fx

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

runner = fx.runner

TEXT = "Abe said Japan wants the four islands back, and Putin said Russia would not give them up."

@pytest.fixture
def coded(repo: Repository) -> str:
    """The hand-computed fixture of the agreement CLI test: entity F1 0.4, claim F1 1.0, κ kind 0, κ form 1."""
    repo.ensure_annotator("alice")
    repo.ensure_annotator("bob")
    article = repo.add_article(ArticleIn(text=TEXT, title="t")).article_id
    for start, end, label in [(0, 3, "PERSON"), (9, 14, "GPE"), (48, 53, "PERSON")]:
        repo.add_entity(article, start, end, label, "alice")
    for start, end, label in [(0, 3, "PERSON"), (9, 14, "ORG")]:
        repo.add_entity(article, start, end, label, "bob")
    for who, kind in (("alice", "indirect"), ("bob", "direct")):
        repo.add_claim(article, who, cue=[Span(4, 8)], content=[Span(9, 42)], kind=kind)
        repo.set_article_status(article, who, ArticleStatus.DONE)
    return str(article)


def _cells(dialog: Any, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]

def test_agreement_view_figures(qtbot: QtBot, repo: Repository, coded: str) -> None:
    from annotator.ui.review.agreement_view import AgreementDialog

    dialog = AgreementDialog(repo)
    qtbot.addWidget(dialog)
    dialog.compute()  # no runner: computed at once
    assert dialog.table.rowCount() == 1
    # PERSON: tp 1, fn 1 -> 2/3; GPE only alice's, ORG only bob's -> 0; overall 2/(2+2+1) = 0.4.
    assert _cells(dialog, 0) == ["alice / bob", "1", "0.40", "1.00", "0.00", "1.00", "1.00"]
    assert dialog.bars.values == pytest.approx({"GPE": 0.0, "ORG": 0.0, "PERSON": 2 / 3})
    dialog.resize(700, 500)
    assert not dialog.bars.grab().isNull()  # paints without error


def test_agreement_view_runs_through_the_runner(qtbot: QtBot, repo: Repository, coded: str, runner: JobRunner) -> None:
    from annotator.ui.review.agreement_view import AgreementDialog

    titles: list[str] = []
    runner.started.connect(titles.append)
    dialog = AgreementDialog(repo, runner=runner)
    qtbot.addWidget(dialog)
    dialog.compute()
    assert dialog.report is None  # computed on the worker thread, not at once
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=10_000)
    assert titles == ["Agreement"]
    assert _cells(dialog, 0)[2] == "0.40"


def test_agreement_view_without_pairs(qtbot: QtBot, repo: Repository) -> None:
    from annotator.ui.review.agreement_view import AgreementDialog

    dialog = AgreementDialog(repo)
    qtbot.addWidget(dialog)
    dialog.compute()
    assert dialog.table.rowCount() == 0 and dialog.bars.values == {}
    assert "nothing to compare" in dialog.status.text()


def test_agreement_from_the_view_menu(qtbot: QtBot, window: MainWindow) -> None:
    action = window.actions_by_name["agreement"]
    assert action.shortcut().toString() == "Ctrl+Shift+G"
    action.trigger()
    dialog = window.side_windows.agreement_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and dialog.report is not None  # no runner in this window: computed at once
    dialog.close()
