"""Entity decisions driven through the real window with keys and clicks, each checked in the database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from annotator.core.records import Status
from tests.gui.helpers import (
    drag_select,
    entity_by_text,
    find,
    make_current,
    own_entities,
    press,
    working_entities,
)

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def test_window_opens_with_spans_drawn(window: MainWindow, articles: dict[str, str]) -> None:
    workspace = window.workspace
    assert window.current_article_id == articles["abe"]
    assert workspace.entity_panel.model.rowCount() == 5
    assert workspace.claim_panel.model.rowCount() == 1
    # 5 entity spans + the claim's source, cue and content: drawn in one batch.
    assert len(workspace.text.drawn_spans()) == 8
    # The first open suggestion is current, so A / X work at once.
    first = min(working_entities(window.repo, articles["abe"]), key=lambda e: e.start)
    assert workspace.current == ("entity", first.id)
    assert window.articles.model.rowCount() == 3


def test_accept_with_key(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    suggestion = entity_by_text(working_entities(repo, articles["abe"]), "Shinzo Abe")
    assert window.workspace.current == ("entity", suggestion.id)
    press(qtbot, window, "a")
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.label, e.status, e.derived_from) for e in own] == [
        ("Shinzo Abe", "PERSON", Status.ACCEPTED, suggestion.id)
    ]
    # The view moved on to the next suggestion in text order.
    putin = entity_by_text(working_entities(repo, articles["abe"]), "Vladimir Putin")
    assert window.workspace.current == ("entity", putin.id)


def test_reject_with_key(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    make_current(window, "Sochi")
    press(qtbot, window, "x")
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.status) for e in own] == [("Sochi", Status.REJECTED)]


def test_relabel_wrong_suggestion_with_digit(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    labels = repo.labels()
    make_current(window, "JST")  # spaCy calls the time zone a PERSON
    press(qtbot, window, str(labels.index("MISC") + 1))
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.label, e.status) for e in own] == [("JST", "MISC", Status.CORRECTED)]
    # The panel shows the decision and the row stays selected.
    current = window.workspace.current_entity()
    assert current is not None and current.label == "MISC" and current.status == Status.CORRECTED


def test_undo_and_redo_accept(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    article = articles["abe"]
    press(qtbot, window, "a")
    assert [e.status for e in own_entities(repo, article)] == [Status.ACCEPTED]
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert own_entities(repo, article) == []
    abe = entity_by_text(working_entities(repo, article), "Shinzo Abe")
    assert abe.status == Status.SUGGESTED
    assert entity_by_text(window.workspace.entities, "Shinzo Abe").status == Status.SUGGESTED
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    own = own_entities(repo, article)
    assert [(e.text, e.status) for e in own] == [("Shinzo Abe", Status.ACCEPTED)]
    assert entity_by_text(window.workspace.entities, "Shinzo Abe").status == Status.ACCEPTED


def test_new_entity_from_a_sloppy_selection(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    text = window.workspace.text.text
    start, end = find(text, "Kuril islands")
    drag_select(qtbot, window, start + 2, end - 3)  # "ril isla": snapped to whole words
    labels = repo.labels()
    press(qtbot, window, str(labels.index("LOC") + 1))
    own = own_entities(repo, articles["abe"])
    assert [(e.start, e.end, e.text, e.label, e.status) for e in own] == [
        (start, end, "Kuril islands", "LOC", Status.MANUAL)
    ]
    assert window.workspace.current == ("entity", own[0].id)


def test_new_entity_with_e_uses_last_label(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    text = window.workspace.text.text
    start, end = find(text, "Japan", 1)  # the word, not "Japanese"
    drag_select(qtbot, window, start, end)
    press(qtbot, window, "e")
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.label, e.status) for e in own] == [("Japan", repo.labels()[0], Status.MANUAL)]


def test_extend_and_shrink_by_a_token(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    article = articles["abe"]
    make_current(window, "Shinzo Abe")
    press(qtbot, window, Qt.Key.Key_Left, ALT | SHIFT)
    assert [(e.text, e.status) for e in own_entities(repo, article)] == [("Minister Shinzo Abe", Status.CORRECTED)]
    press(qtbot, window, Qt.Key.Key_Left, ALT)
    assert [e.text for e in own_entities(repo, article)] == ["Minister Shinzo"]
    press(qtbot, window, Qt.Key.Key_Right, ALT)
    press(qtbot, window, Qt.Key.Key_Right, ALT | SHIFT)
    assert [e.text for e in own_entities(repo, article)] == ["Shinzo Abe"]
    assert len(own_entities(repo, article)) == 1  # resized in place, never duplicated


def test_delete_entity(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    article = articles["abe"]
    start, end = find(window.workspace.text.text, "Kuril")
    drag_select(qtbot, window, start, end)
    press(qtbot, window, "e")
    assert [e.text for e in own_entities(repo, article)] == ["Kuril"]
    press(qtbot, window, Qt.Key.Key_Delete)  # a manual row of one's own: gone
    assert own_entities(repo, article) == []
    assert "Kuril" not in [e.text for e in window.workspace.entities]
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert [e.text for e in own_entities(repo, article)] == ["Kuril"]
    make_current(window, "Sochi")
    press(qtbot, window, Qt.Key.Key_Delete)  # a suggestion: deleting it is rejecting it (it stays decided)
    assert entity_by_text(own_entities(repo, article), "Sochi").status == Status.REJECTED


def test_accept_all_remaining(qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]) -> None:
    article = articles["abe"]
    make_current(window, "JST")
    press(qtbot, window, "x")
    press(qtbot, window, "a", SHIFT)
    statuses = sorted((e.text, e.status) for e in own_entities(repo, article))
    assert statuses == sorted(
        [
            ("Shinzo Abe", Status.ACCEPTED),
            ("Vladimir Putin", Status.ACCEPTED),
            ("Sochi", Status.ACCEPTED),
            ("Russia", Status.ACCEPTED),
            ("JST", Status.REJECTED),
        ]
    )
    assert [c.status for c in repo.claims_for(article, layer="alice")] == [Status.ACCEPTED]
    assert not [e for e in working_entities(repo, article) if e.status == Status.SUGGESTED]


def test_next_and_previous_suggestion(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    rows = sorted(working_entities(repo, articles["abe"]), key=lambda e: e.start)
    assert window.workspace.current == ("entity", rows[0].id)
    press(qtbot, window, "n")
    assert window.workspace.current == ("entity", rows[1].id)
    press(qtbot, window, "p")
    assert window.workspace.current == ("entity", rows[0].id)
    press(qtbot, window, "p")  # wraps around to the last open suggestion
    assert window.workspace.current is not None and window.workspace.current != ("entity", rows[0].id)


def test_clicking_a_span_selects_its_row(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    text = window.workspace.text
    start, _end = find(text.text, "Sochi")
    cursor = QTextCursor(text.document())
    cursor.setPosition(text.to_qt(start + 2))
    point = text.cursorRect(cursor).center()
    QTest.mouseClick(text.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    sochi = entity_by_text(window.workspace.entities, "Sochi")
    assert window.workspace.current == ("entity", sochi.id)
    selected = window.workspace.entity_panel.table.selectionModel().selectedRows()
    assert [window.workspace.entity_panel.model.rows()[i.row()].text for i in selected] == ["Sochi"]


def test_keyboard_only_selection_makes_an_entity(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    make_current(window, "Sochi")  # the caret goes to the current item
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Right, CTRL | SHIFT)  # select word by word, as in any editor
    assert window.workspace.text.selection() is not None
    press(qtbot, window, "e")
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.status) for e in own] == [("Sochi on Feb", Status.MANUAL)]
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.workspace.text.selection() is None


def test_rejected_spans_can_be_hidden(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    text = window.workspace.text
    drawn = len(text.drawn_spans())
    make_current(window, "JST")
    press(qtbot, window, "x")
    assert len(text.drawn_spans()) == drawn  # struck through, still there
    press(qtbot, window, "h")
    assert len(text.drawn_spans()) == drawn - 1
    press(qtbot, window, "h")
    assert len(text.drawn_spans()) == drawn


def test_digit_on_a_selected_mention_relabels_it(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    drag_select(qtbot, window, *find(window.workspace.text.text, "JST"))
    press(qtbot, window, str(repo.labels().index("MISC") + 1))
    own = own_entities(repo, articles["abe"])
    assert [(e.text, e.label, e.status) for e in own] == [("JST", "MISC", Status.CORRECTED)]


def test_redraw_after_a_decision_shows_the_new_format_not_a_cached_one(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    """Selections are reused between redraws; a span whose label or status changed must be drawn anew."""
    text_widget = window.workspace.text

    def backgrounds_at(start: int, end: int) -> list[str]:
        spans = text_widget.drawn_spans()
        return [s.format.background().color().name() for s in spans if (s.start, s.end) == (start, end)]

    jst = make_current(window, "JST")
    before = backgrounds_at(jst.start, jst.end)
    labels = repo.labels()
    press(qtbot, window, str(labels.index("MISC") + 1))
    after = backgrounds_at(jst.start, jst.end)
    palette = text_widget.label_palette
    assert before == [palette.style("PERSON").light.name()]
    assert after == [palette.style("MISC").strong.name()]  # corrected: the new label, solid
    # Reopening the article (a new document) starts from fresh selections on the right spans.
    window.open_article(articles["lavrov"])
    window.open_article(articles["abe"], reload=True)
    assert backgrounds_at(jst.start, jst.end) == [palette.style("MISC").strong.name()]
