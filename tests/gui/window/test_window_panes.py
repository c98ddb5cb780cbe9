"""Issue 15, point 27: the panes share any window size, the analyst's sizes are remembered, review mode's own
arrangement is never what is remembered."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import QSettings, Qt

from tests.gui.conftest import ANNOTATOR
from tests.gui.helpers import press
from tests.gui.review_fixtures import REVIEWER, code_seeds

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[QSettings]:
    """A settings file of the test's own, standing in for the analyst's user settings."""
    yield QSettings(str(tmp_path / "panes.ini"), QSettings.Format.IniFormat)


def _open(qtbot: QtBot, repo: Repository, annotator: str, size: tuple[int, int],
          settings: QSettings | None = None) -> MainWindow:
    from annotator.ui.window.main_window import MainWindow

    window = MainWindow(repo, annotator)
    qtbot.addWidget(window)
    if settings is not None:
        window.remember_layout(settings)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.mark.parametrize("size", [(1000, 700), (1600, 1000)])
def test_the_first_layout_is_a_share_of_the_window(
    qtbot: QtBot, repo: Repository, articles: dict[str, str], size: tuple[int, int]
) -> None:
    window = _open(qtbot, repo, ANNOTATOR, size)
    listing, text, right = window.panes.main.sizes()
    # Wide enough for titles, text and panels on the small screen; the text takes the most on the large one.
    assert listing >= 240 and text >= 320 and right >= 300
    assert listing + text + right <= size[0]
    review, entities, claims = window.panes.right.sizes()
    assert review == 0  # the review table is hidden while coding
    assert claims > entities >= 120
    window.close()


def test_the_sizes_dragged_to_are_restored_in_the_next_window(
    qtbot: QtBot, repo: Repository, articles: dict[str, str], settings: QSettings
) -> None:
    first = _open(qtbot, repo, ANNOTATOR, (1400, 900), settings)
    first.panes.main.setSizes([400, 500, 480])  # as a drag of the two handles leaves them
    dragged = first.panes.main.sizes()
    assert dragged != [0, 0, 0]
    first.close()

    again = _open(qtbot, repo, ANNOTATOR, (1400, 900), settings)
    assert again.panes.main.sizes() == dragged
    again.close()


def test_review_mode_arranges_the_panes_and_the_coding_sizes_are_what_is_saved(
    qtbot: QtBot, repo: Repository, articles: dict[str, str], settings: QSettings
) -> None:
    code_seeds(repo, articles)
    window = _open(qtbot, repo, REVIEWER, (1400, 900), settings)
    qtbot.waitUntil(lambda: window.isActiveWindow())
    coding = window.panes.main.sizes()

    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.active
    review_table, entities, _claims = window.panes.right.sizes()
    assert review_table > 0 and entities == 0  # the review table takes the entity panel's place
    assert window.panes.main.sizes() != coding

    window.close()  # closed in review mode
    again = _open(qtbot, repo, REVIEWER, (1400, 900), settings)
    assert again.panes.main.sizes() == coding
    assert not again.review.active
    again.close()


def test_leaving_review_mode_gives_the_coding_sizes_back(
    qtbot: QtBot, repo: Repository, articles: dict[str, str]
) -> None:
    code_seeds(repo, articles)
    window = _open(qtbot, repo, REVIEWER, (1400, 900))
    qtbot.waitUntil(lambda: window.isActiveWindow())
    coding = (window.panes.main.sizes(), window.panes.right.sizes())

    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert window.review.active and window.panes.main.sizes() != coding[0]
    press(qtbot, window, Qt.Key.Key_R, CTRL)
    assert not window.review.active
    assert (window.panes.main.sizes(), window.panes.right.sizes()) == coding
    window.close()
