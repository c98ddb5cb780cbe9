"""Decisions update the side panels in place: no table reset, no scroll unless the current row left the view.

Resets and scrolls repaint a whole table (and its header and scroll bar) on a key press; both once made a decision
miss its latency target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication

from annotator.core.records import ArticleIn, ArticleSuggestions, ClaimSuggestion, EntitySuggestion, Span
from annotator.ui.shared.panel_table import SCROLL_MARGIN_ROWS
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
    # Updated in place once, drawn ahead of the database; the row the database made looks the same and takes its
    # place without a repaint.
    assert resets == [] and changed == [0]
    assert model.rows()[0].status == "accepted" and model.rows()[0].derived_from == claim.id


class _PaintedArea(QObject):
    """Adds up the area of every paint event of the watched widget (the pixels Qt had to paint anew)."""

    def __init__(self) -> None:
        super().__init__()
        self.pixels = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            assert isinstance(event, QPaintEvent)
            # QRegion iterates over its rectangles at run time; PySide6's stubs do not declare __iter__.
            region = event.region()
            self.pixels += sum(r.width() * r.height() for r in region)  # type: ignore[attr-defined]
        return False


def test_the_entity_table_follows_the_next_rows_a_row_at_a_time_painting_only_what_moved_in(
    qtbot: QtBot, window: MainWindow, repo: Repository
) -> None:
    # Jumping a third of a screen at a time repainted every visible cell on one key press in five (~5 ms each);
    # a one-row scroll moves the painted pixels and paints the row that came into view.
    article_id, starts = add_article_with_mentions(repo, SENTENCE * 60, "Many mentions")
    window.open_article(article_id)
    table = window.workspace.entity_panel.table
    bar = table.verticalScrollBar()
    row_height = table.rowHeight(0)
    viewport = table.viewport().rect()
    assert viewport.height() // row_height < len(starts) // 2  # the rows do not fit: the table must scroll
    press(qtbot, window, Qt.Key.Key_N)  # the focus moves to the text (the table repaints as inactive once)
    QApplication.processEvents()
    painted = _PaintedArea()
    table.viewport().installEventFilter(painted)
    steps: list[int] = []
    total = 0
    for _ in range(len(starts) - 2):
        QApplication.processEvents()  # what is still to paint belongs to the press before
        before, painted.pixels = bar.value(), 0
        press(qtbot, window, Qt.Key.Key_N)
        QApplication.processEvents()  # the paint of this press
        rect = table.visualRect(table.currentIndex())
        assert viewport.contains(rect), "the current row is always in view"
        if bar.value() < bar.maximum():  # at the end the last rows fill the table
            assert rect.bottom() + SCROLL_MARGIN_ROWS * row_height <= viewport.bottom() + 1, "rows ahead stay in view"
        steps.append(bar.value() - before)
        # the row that came into view, the row left and the current one (and their edges): never the whole table
        assert painted.pixels <= 4 * row_height * viewport.width()
        total += painted.pixels
    assert total > 0  # the table was painted at all
    assert sum(steps) > 0 and set(steps) <= {0, 1}


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


def _drawn_from_scratch(text: ArticleText) -> list[tuple[int, int, dict[int, object]]]:
    """What the text shows when every span is drawn anew (no format, selection or row drawing kept)."""
    text.forget_formats()
    text.redraw()
    return _shown(text)


def test_rows_drawn_as_last_time_show_what_a_drawing_from_scratch_shows(qtbot: QtBot, window: MainWindow) -> None:
    # A redraw reuses what each unchanged row drew before: accepted, rejected, the current claim moving, undone.
    workspace = window.workspace
    text = workspace.text
    assert workspace.claims, "the fixture article has claims: the current claim's tint is part of the check"
    keys = [Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_N] * 4 + [Qt.Key.Key_Z]
    for key in keys:
        modifier = Qt.KeyboardModifier.ControlModifier if key == Qt.Key.Key_Z else Qt.KeyboardModifier.NoModifier
        press(qtbot, window, key, modifier)
        qtbot.waitUntil(lambda: not workspace.decisions.busy)
        drawn = _shown(text)
        assert _drawn_from_scratch(text) == drawn
    workspace.set_current(("claim", workspace.claims[-1].id))  # the current claim's content changes its tint
    assert _drawn_from_scratch(text) == _shown(text)
    assert any(e.status == "rejected" for e in workspace.entities + workspace.claims)


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
        assert _drawn_from_scratch(text) == drawn
        assert text.outline == outline
    assert len(decided) >= 2
    qtbot.waitUntil(lambda: not workspace.decisions.busy)
    statuses = {e.start: e.status for e in workspace.entities}
    assert [(start, statuses[start]) for start, _ in decided] == decided


def test_moving_to_the_next_row_does_not_repaint_the_table_headers(qtbot: QtBot, window: MainWindow) -> None:
    # A header shares its table's selection model and repainted every section on each selection change.
    workspace = window.workspace
    painted = _PaintedArea()
    table_painted = _PaintedArea()
    workspace.entity_panel.table.horizontalHeader().viewport().installEventFilter(painted)
    workspace.entity_panel.table.viewport().installEventFilter(table_painted)
    for _ in range(4):
        press(qtbot, window, Qt.Key.Key_N)
        QApplication.processEvents()  # the paint of the press
    assert workspace.entity_panel.table.currentIndex().row() > 0
    assert table_painted.pixels > 0  # the rows whose selection changed were painted
    assert painted.pixels == 0


def test_the_answer_to_a_decision_drawn_ahead_takes_its_place_without_repainting_the_table(
    qtbot: QtBot, window: MainWindow
) -> None:
    # The database's row (a new id, the annotator's layer) shows what the guess drawn ahead showed: repainting
    # its cells in a later frame cost about a millisecond of a key press then (~250 us a cell).
    import threading

    workspace = window.workspace
    table = workspace.entity_panel.table
    entity = workspace.current_entity()
    assert entity is not None
    held = threading.Event()
    # The database thread waits here, so the answer comes after the key press's frame, as under load.
    workspace.decisions.worker.submit(held.wait, lambda _result: None, lambda _exc: None)
    changed: list[int] = []
    workspace.entity_panel.model.dataChanged.connect(lambda first, _last, _roles: changed.append(first.row()))
    qtbot.keyClick(workspace.text, Qt.Key.Key_A)
    QApplication.processEvents()  # the key press's frame: the row drawn accepted
    row = workspace.entity_panel.model.row_of(entity.id)
    assert row is not None and changed == [row]
    painted = _PaintedArea()
    table.viewport().installEventFilter(painted)
    held.set()
    qtbot.waitUntil(lambda: not workspace.decisions.busy)
    QApplication.processEvents()  # the paint of the answer's frame, if it asked for one
    answer = workspace.entity_panel.model.rows()[row]
    assert answer.derived_from == entity.id and answer.status == "accepted"  # the database's row is shown
    assert changed == [row] and painted.pixels == 0


def _article_of_claims_and_mentions(repo: Repository) -> str:
    """Sentences that each hold a claim whose source is also a suggested mention, so spans overlap."""
    sentences = [f"Minister {name} said that talks in Bonn would resume. " for name in
                 ("Lavrov", "Tillerson", "Abe", "Merkel", "Macron", "Putin")]
    text = "".join(sentences)
    entities, claims = [], []
    offset = 0
    for sentence in sentences:
        name = sentence.split()[1]
        source = (offset + sentence.index(name), offset + sentence.index(name) + len(name))
        cue = (offset + sentence.index("said"), offset + sentence.index("said") + 4)
        content = (cue[1] + 1, offset + len(sentence) - 2)
        entities += [EntitySuggestion(*source, "PERSON"),
                     EntitySuggestion(offset + sentence.index("Bonn"), offset + sentence.index("Bonn") + 4, "GPE")]
        claims.append(ClaimSuggestion(cue=(Span(*cue),), content=(Span(*content),), source=(Span(*source),),
                                      kind="indirect"))
        offset += len(sentence)
    article_id = repo.add_article(ArticleIn(text=text, title="Six claims")).article_id
    repo.store_suggestions(ArticleSuggestions(article_id, "spacy:test@1", entities=entities, claims=claims))
    return article_id


def test_decisions_on_mentions_and_claims_drawn_ahead_show_what_a_drawing_from_scratch_shows(
    qtbot: QtBot, window: MainWindow, repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A decision drawn ahead redraws only the decided row and the claims that become or stop being current
    # (ArticleText.patch), for acceptances and rejections (glyph colours, whose order among the selections
    # matters) of mentions and claims alike. What is drawn must equal a drawing of every span from scratch:
    # at once (before the database answers), after the answer, after undo, and with rejected rows hidden.
    window.open_article(_article_of_claims_and_mentions(repo))
    workspace = window.workspace
    text = workspace.text
    patched: list[bool] = []
    patch = text.patch

    def counted(*args: Any) -> bool:
        done = patch(*args)
        patched.append(done)
        return done

    monkeypatch.setattr(text, "patch", counted)
    decided: set[str] = set()
    keys = [Qt.Key.Key_A, Qt.Key.Key_X, Qt.Key.Key_X, Qt.Key.Key_A, Qt.Key.Key_N]
    for step in range(40):
        if not workspace.suggestions():
            break
        if step == 20:  # half way: rejected rows hidden, then the decisions go on
            window.actions_by_name["toggle_rejected"].trigger()
            assert not text.show_rejected
            assert _drawn_from_scratch(text) == _shown(text)
        row = workspace.current_row()
        key = keys[step % len(keys)]
        if row is not None and key != Qt.Key.Key_N:
            decided.add(type(row).__name__)
        press(qtbot, window, key)
        drawn = _shown(text)
        assert _drawn_from_scratch(text) == drawn, f"step {step}, key {key}"
        qtbot.waitUntil(lambda: not workspace.decisions.busy)
        assert _drawn_from_scratch(text) == _shown(text), f"step {step}, after the answer"
    assert decided == {"EntityView", "ClaimView"}
    assert patched and all(patched), "every decision here is drawn by patching the rows it changed"
    for _ in range(3):
        press(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not workspace.decisions.busy)
        assert _drawn_from_scratch(text) == _shown(text)
    window.actions_by_name["toggle_rejected"].trigger()
    assert _drawn_from_scratch(text) == _shown(text)
    assert any(c.status == "rejected" for c in workspace.claims)
    assert any(e.status == "rejected" for e in workspace.entities)


def test_the_claim_editor_shows_another_claim_without_redoing_a_layout(
    qtbot: QtBot, window: MainWindow, repo: Repository
) -> None:
    # The editor's source, cue and content were QLabels: a new text made Qt redo the editor's form and the
    # splitter around it (1-3 ms of every key press onto a claim). In their LabelBoxes they only repaint.
    window.open_article(_article_of_claims_and_mentions(repo))
    workspace = window.workspace
    editor = workspace.claim_panel.editor
    first, second = workspace.claims[0], workspace.claims[1]
    workspace.set_current(("claim", first.id))
    qtbot.wait(20)
    spy = _LayoutRequests()
    for widget in (editor, workspace.claim_panel, workspace.claim_panel.splitter):
        widget.installEventFilter(spy)
    workspace.set_current(("claim", second.id))
    qtbot.wait(20)  # posted layout requests are delivered
    assert spy.widgets == []
    assert second.source is not None and second.source.text in editor.source.text()
    assert second.content is not None and editor.content.text().startswith(second.content.text[:20])
    for label in (editor.source, editor.cue, editor.content):
        box = label.parentWidget()
        assert box is not None and label.size() == box.size() and box.width() > 100
        assert label.isVisibleTo(window)
