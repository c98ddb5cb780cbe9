"""The app on a PostgreSQL team server: the login is the annotator, keys decide, refusals are explained, and
others' work shows up when the window comes back to the front."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from annotator.core.records import ArticleIn, ArticleStatus
from annotator.store import open_repository
from tests.fixtures.team import init_team, open_as
from tests.gui.conftest import seed
from tests.gui.helpers import press, show_window
from tests.postgres_server import LocalPostgres

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot


@pytest.fixture
def alice_on_server(
    postgres: LocalPostgres, pg_database: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Any, Any, dict[str, str]]]:
    url = pg_database()
    init_team(url, {"alice": "annotator"})
    admin = open_repository(url)
    ids = seed(admin)
    alice = open_as(postgres, url, "alice", monkeypatch)
    yield admin, alice, ids
    alice.close()
    admin.close()


def test_the_app_codes_on_a_team_server_as_the_login(qtbot: QtBot, alice_on_server: Any) -> None:
    from annotator.ui.window import shell
    from annotator.ui.window.main_window import MainWindow

    admin, alice, ids = alice_on_server

    def never_asked(*_: Any) -> str:
        raise AssertionError("a team server knows who is connected; the app must not ask")

    name = shell.resolve_annotator(alice, "someone-else", shell.user_settings(), ask=never_asked)
    assert name == "alice"
    win = MainWindow(alice, name)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    win.open_article(ids["abe"])
    press(qtbot, win, "n")
    press(qtbot, win, "a")
    qtbot.waitUntil(lambda: len(alice.entities_for(ids["abe"], layer="alice")) == 1)
    assert admin.entities_for(ids["abe"], layer="alice")[0].status == "accepted"
    shell.remember_annotator(alice, shell.user_settings(), "alice")  # must not try to write the setting
    assert alice.get_setting(shell.LAST_ANNOTATOR) is None
    qtbot.waitUntil(lambda: not win.articles.model.refresh_pending)  # the list's row refresh ran
    win.close()


def test_others_progress_appears_when_the_window_is_activated(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.ui.window.main_window import MainWindow

    location = str(tmp_path / "shared.db")
    mine, theirs = open_repository(location), open_repository(location)
    try:
        ids = seed(mine)
        win = MainWindow(mine, "alice")
        qtbot.addWidget(win)
        show_window(qtbot, win)
        rows = win.articles.model.rowCount()
        # Meanwhile, in the other app: a new article, and bob finished one.
        theirs.add_article(ArticleIn(text="Kishida met Biden in Tokyo.", title="New from the office"))
        theirs.ensure_annotator("bob")
        theirs.set_article_status(ids["lavrov"], "bob", ArticleStatus.DONE)
        assert win.articles.model.rowCount() == rows
        later = time.monotonic() + 60  # as if the window had been in the background for a minute
        win.focus_refresh.clock = lambda: later
        QApplication.sendEvent(win, QEvent(QEvent.Type.WindowActivate))
        assert win.focus_refresh.refreshes == 1
        assert win.articles.model.rowCount() == rows + 1
        QApplication.sendEvent(win, QEvent(QEvent.Type.WindowActivate))
        assert win.focus_refresh.refreshes == 1  # not again at once
        win.close()
    finally:
        theirs.close()
        mine.close()
