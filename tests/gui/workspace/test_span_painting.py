"""Span tints and lines are painted by the text pane itself: check the pixels on screen, before and after a decision.

The screen image is the window's backing store (what the analyst sees), not a fresh render: a span that changed
but was not repainted would show its old tint here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from tests.gui.helpers import make_current, press

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow


def _screen(window: MainWindow) -> QImage:
    QApplication.processEvents()  # let Qt paint what is dirty, as it would between two key presses
    return window.screen().grabWindow(window.winId()).toImage()


def _tint_at(window: MainWindow, image: QImage, start: int, end: int) -> QColor:
    """The colour just inside the top-left corner of a span's first line (a glyph never reaches it)."""
    text = window.workspace.text
    rect = text.range_rects(text.to_qt(start), text.to_qt(end))[0]
    corner = text.viewport().mapTo(window, QPoint(int(rect.left()) + 1, int(rect.top()) + 1))
    return image.pixelColor(corner)


def _same(color: QColor, expected: QColor) -> bool:
    """Equal colours up to the rounding of the window's pixel format."""
    rgb, wanted = (color.red(), color.green(), color.blue()), (expected.red(), expected.green(), expected.blue())
    return all(abs(a - b) <= 2 for a, b in zip(rgb, wanted, strict=True))


def _underline_colors(window: MainWindow, image: QImage, start: int, end: int) -> set[str]:
    """Colours along the rows just below the baseline of a span, where the underline goes."""
    text = window.workspace.text
    box = text.line_boxes(text.to_qt(start), text.to_qt(end))[0]
    dy = text.verticalScrollBar().value()
    colors = set()
    for y in range(int(box.baseline) + 1, int(box.rect.bottom())):
        for x in range(int(box.rect.left()) + 2, int(box.rect.right()) - 2):
            point = text.viewport().mapTo(window, QPoint(x, y - dy))
            colors.add(image.pixelColor(point).name())
    return colors


def test_a_suggestion_is_tinted_and_underlined_in_its_label_colour(qtbot: QtBot, window: MainWindow) -> None:
    palette = window.workspace.text.label_palette
    jst = next(e for e in window.workspace.entities if e.text == "JST")
    image = _screen(window)
    assert _same(_tint_at(window, image, jst.start, jst.end), palette.style("PERSON").light)
    underline = palette.style("PERSON").color
    assert any(_same(QColor(c), underline) for c in _underline_colors(window, image, jst.start, jst.end))


def test_a_decision_repaints_the_span_in_its_new_tint(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    palette = window.workspace.text.label_palette
    jst = make_current(window, "JST")
    _screen(window)
    press(qtbot, window, str(repo.labels().index("MISC") + 1))  # relabel: corrected, the new label's solid tint
    image = _screen(window)
    assert _same(_tint_at(window, image, jst.start, jst.end), palette.style("MISC").strong)
    press(qtbot, window, "z", Qt.KeyboardModifier.ControlModifier)  # undo: back to the suggestion's light tint
    image = _screen(window)
    assert _same(_tint_at(window, image, jst.start, jst.end), palette.style("PERSON").light)


def test_a_rejected_span_loses_its_tint_and_hiding_it_clears_it(qtbot: QtBot, window: MainWindow) -> None:
    jst = make_current(window, "JST")
    tinted = _tint_at(window, _screen(window), jst.start, jst.end)
    press(qtbot, window, "x")
    assert _same(_tint_at(window, _screen(window), jst.start, jst.end), QColor("#ffffff"))
    assert not _same(tinted, QColor("#ffffff"))


def test_spans_are_painted_after_scrolling_and_resizing(qtbot: QtBot, window: MainWindow) -> None:
    palette = window.workspace.text.label_palette
    text = window.workspace.text
    jst = next(e for e in window.workspace.entities if e.text == "JST")
    window.resize(1100, 800)  # the text wraps anew: the span's place is measured again
    image = _screen(window)
    assert _same(_tint_at(window, image, jst.start, jst.end), palette.style("PERSON").light)
    assert text.verticalScrollBar().value() == 0


def test_spans_changed_away_from_the_current_item_are_repainted(qtbot: QtBot, window: MainWindow) -> None:
    palette = window.workspace.text.label_palette
    image = _screen(window)
    sochi = next(e for e in window.workspace.entities if e.text == "Sochi")
    assert window.workspace.current != ("entity", sochi.id)
    assert _same(_tint_at(window, image, sochi.start, sochi.end), palette.style("GPE").light)
    press(qtbot, window, "A", Qt.KeyboardModifier.ShiftModifier)  # accept all: spans far from the outline change
    image = _screen(window)
    assert _same(_tint_at(window, image, sochi.start, sochi.end), palette.style("GPE").strong)


def _left_edge_colors(window: MainWindow, image: QImage, start: int, end: int) -> set[str]:
    """Colours of the span's left edge column (2 px), top to bottom."""
    text = window.workspace.text
    box = text.line_boxes(text.to_qt(start), text.to_qt(end))[0]
    dy = text.verticalScrollBar().value()
    left: set[str] = set()
    for y in range(int(box.rect.top()) + 3, int(box.rect.bottom()) - 3):
        for x in (int(box.rect.left()) - 2, int(box.rect.left()) - 1):  # the box is drawn around the tint
            left.add(image.pixelColor(text.viewport().mapTo(window, QPoint(x, y - dy))).name())
    return left


def test_a_corrected_span_is_boxed_not_a_faint_line(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    """Issue 15, point 26: a corrected span showed only a 1 px overline, like an accepted one with a hair on top."""
    palette = window.workspace.text.label_palette
    jst = make_current(window, "JST")
    press(qtbot, window, Qt.Key.Key_3)  # relabel: corrected
    sochi = make_current(window, "Sochi")
    press(qtbot, window, "a")  # accepted
    image = _screen(window)
    corrected = next(e for e in window.workspace.entities if e.start == jst.start)
    assert corrected.status == "corrected"
    line = palette.style(corrected.label).color
    left = _left_edge_colors(window, image, corrected.start, corrected.end)
    assert any(_same(QColor(c), line) for c in left), left  # a vertical edge in the label colour: a box
    accepted = next(e for e in window.workspace.entities if e.start == sochi.start)
    left = _left_edge_colors(window, image, accepted.start, accepted.end)
    assert not any(_same(QColor(c), palette.style(accepted.label).color) for c in left)


def test_legend_chips_of_accepted_and_corrected_differ(qtbot: QtBot, window: MainWindow) -> None:
    legend = window.workspace.pane.legend
    image = legend.grab().toImage()
    palette = window.workspace.text.label_palette
    line = palette.style(palette.labels[0]).color
    count = sum(1 for x in range(image.width()) for y in range(image.height())
                if _same(image.pixelColor(x, y), line))
    assert count >= 30  # the corrected chip's 2 px border in the label colour
