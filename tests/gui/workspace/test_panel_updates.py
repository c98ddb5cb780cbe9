"""Decisions update the side panels in place: no table reset, no scroll unless the current row left the view.

Resets and scrolls repaint a whole table (and its header and scroll bar) on a key press; both once made a decision
miss its latency target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt

from tests.gui.helpers import add_article_with_mentions, press

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow
    from annotator.ui.workspace.article_text import ArticleText

SENTENCE = "Lavrov met Tillerson in Bonn and spoke of Syria. "


def test_a_claim_decision_updates_its_row_without_resetting_the_table(qtbot: QtBot, window: MainWindow) -> None:
    workspace = window.workspace
    claim = workspace.claims[0]
    workspace.set_current(("claim", claim.id))
    model = workspace.claim_panel.model
    resets: list[None] = []
    changed: list[int] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    press(qtbot, window, Qt.Key.Key_A)
    assert workspace.claims[0].derived_from == claim.id  # the annotator's row replaced the suggestion
    # Updated in place twice: drawn ahead of the database, then with the row the database made.
    assert resets == [] and changed == [0, 0]
    assert model.rows()[0].status == "accepted"


def test_the_entity_table_scrolls_a_third_down_then_not_again_for_the_next_rows(
    qtbot: QtBot, window: MainWindow, repo: Repository
) -> None:
    article_id, starts = add_article_with_mentions(repo, SENTENCE * 60, "Many mentions")
    window.open_article(article_id)
    table = window.workspace.entity_panel.table
    bar = table.verticalScrollBar()
    scrolls: list[int] = []
    bar.valueChanged.connect(scrolls.append)
    viewport = table.viewport().rect()
    landed: list[int] = []
    for _ in range(len(starts) - 1):
        before = len(scrolls)
        press(qtbot, window, Qt.Key.Key_N)
        index = table.currentIndex()
        rect = table.visualRect(index)
        assert viewport.contains(rect), "the current row is always in view"
        if len(scrolls) > before and bar.value() < bar.maximum():  # at the end the last rows fill the table
            landed.append(rect.top())
    assert landed and all(top < viewport.height() / 2 for top in landed)
    rows_per_screen = viewport.height() // table.rowHeight(0)
    # scrolling to the least extent (the row on the bottom edge) scrolled for every row past the first screen
    assert len(scrolls) <= len(starts) // max(1, rows_per_screen // 2) + 1


class _LayoutRequests(QObject):
    """Records the widgets that were asked to redo their layout."""

    def __init__(self) -> None:
        super().__init__()
        self.widgets: list[str] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:
            self.widgets.append(type(watched).__name__)
        return False


def test_a_decision_repaints_the_panel_titles_without_redoing_a_layout(qtbot: QtBot, window: MainWindow) -> None:
    # A QLabel title whose count changed made Qt redo every layout up to the main window on each key press.
    workspace = window.workspace
    press(qtbot, window, Qt.Key.Key_A)  # the first decision makes undo possible: the toolbar's layout changes
    qtbot.waitUntil(lambda: not workspace.decisions.busy)
    assert workspace.current is not None and workspace.current[0] == "entity"
    entity_title = workspace.entity_panel.title.text()
    spy = _LayoutRequests()
    for widget in (workspace.entity_panel, workspace.claim_panel):  # each passes a request on to the window
        widget.installEventFilter(spy)
    press(qtbot, window, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not workspace.decisions.busy)
    qtbot.wait(20)  # posted layout requests are delivered
    assert workspace.entity_panel.title.text() != entity_title
    assert "to decide" in workspace.entity_panel.title.text()
    assert spy.widgets == []


def test_redo_is_not_offered_while_a_new_decision_is_on_its_way(qtbot: QtBot, window: MainWindow) -> None:
    # A new decision empties the redo history, so offering redo while it is on its way only made the toolbar
    # button flicker (and repaint) with every key press.
    redo = window.actions_by_name["redo"]
    offered: list[bool] = []
    redo.changed.connect(lambda: offered.append(redo.isEnabled()))
    press(qtbot, window, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: not window.workspace.decisions.busy)
    assert window.actions_by_name["undo"].isEnabled()
    assert not redo.isEnabled() and True not in offered


def _shown(text: ArticleText) -> list[tuple[int, int, dict[int, object]]]:
    """Every span drawn, with its format's properties (a selection's format lives only as long as the list)."""
    selections = text.extraSelections()
    shown = [(s.cursor.selectionStart(), s.cursor.selectionEnd(), s.format.properties()) for s in selections]
    painted = text.drawn_spans()[len(selections):]
    return shown + [(span.start, span.end, span.format.properties()) for span in painted]


def test_a_mention_decided_ahead_is_drawn_as_a_full_drawing_draws_it(qtbot: QtBot, window: MainWindow) -> None:
    # Accepting redraws only the decided mention; rejecting (a glyph colour) redraws the whole list. Either way
    # the text must show exactly what a drawing of every span from scratch shows.
    workspace = window.workspace
    text = workspace.text
    decided: list[tuple[int, str]] = []
    for key, status in ((Qt.Key.Key_A, "accepted"), (Qt.Key.Key_A, "accepted"), (Qt.Key.Key_X, "rejected"),
                        (Qt.Key.Key_A, "accepted")):
        entity = workspace.current_entity()
        if entity is None:  # the next suggestion is a claim
            break
        decided.append((entity.start, status))
        press(qtbot, window, key)
        drawn, outline = _shown(text), text.outline
        text.redraw()
        assert _shown(text) == drawn
        assert text.outline == outline
    assert len(decided) >= 2
    qtbot.waitUntil(lambda: not workspace.decisions.busy)
    statuses = {e.start: e.status for e in workspace.entities}
    assert [(start, statuses[start]) for start, _ in decided] == decided
