"""The issue's acceptance walk on the real sample corpus and the real spaCy suggestions (slow: loads spaCy)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt

from annotator.core.records import Status
from annotator.core.resources import seeds_dir
from annotator.store import open_repository
from tests.gui.helpers import drag_select, find, make_current, own_claims, own_entities, press, show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.mark.slow
def test_fix_jst_add_claim_undo_redo_quit_and_find_it_again(qtbot: QtBot, tmp_path: Path) -> None:
    from annotator.jobs.importing import import_paths
    from annotator.jobs.suggesting import suggest
    from annotator.ui.window.main_window import MainWindow

    seeds = seeds_dir()
    assert seeds is not None
    path = str(tmp_path / "seeds.db")
    repo = open_repository(path)
    import_paths(repo, [str(seeds)])
    suggest(repo)
    ids = {repo.article(i).file[:3]: i for i in repo.article_ids()}

    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    # The first seed article opens with its suggestions drawn.
    assert window.current_article_id == ids["000"]
    assert len(window.workspace.text.drawn_spans()) > 20
    # spaCy calls the time zone "JST" in 004 a PERSON: fix it.
    window.open_article(ids["004"])
    jst = make_current(window, "JST")
    assert (jst.label, jst.status) == ("PERSON", Status.SUGGESTED)
    press(qtbot, window, str(repo.labels().index("MISC") + 1))
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "Putin also plans to visit Japan this autumn"))
    press(qtbot, window, "c")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert own_claims(repo, ids["004"]) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    assert [c.content.text for c in own_claims(repo, ids["004"]) if c.content] == [
        "Putin also plans to visit Japan this autumn"
    ]
    window.close()
    repo.close()

    repo = open_repository(path)
    try:
        window = MainWindow(repo, "alice")
        qtbot.addWidget(window)
        show_window(qtbot, window)
        window.open_article(ids["004"])
        fixed = [e for e in window.workspace.entities if e.text == "JST"]
        assert [(e.label, e.status) for e in fixed] == [("MISC", Status.CORRECTED)]
        assert [(e.text, e.label) for e in own_entities(repo, ids["004"])] == [("JST", "MISC")]
        assert "Putin also plans to visit Japan this autumn" in [
            c.content.text for c in window.workspace.claims if c.content
        ]
        window.close()
    finally:
        repo.close()
