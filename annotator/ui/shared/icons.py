"""The app's icons (qtawesome glyphs): imported after the window's first paint, and rendered once for tables.

**After the first paint.** Importing qtawesome costs about 0.5 s of CPU (qtpy's star imports of QtCore, QtGui and
QtWidgets create every class of those modules; qtawesome then loads all its fonts on the first icon), a third of
the window's start on a million-article project (issue 15, point 32), and the first frame needs none of it. So
nothing imports qtawesome but :func:`icon` here, and the widgets on screen at the start take their icons through
:func:`after_first_paint`: the window is painted without them, and the first turn of the event loop after that
frame imports qtawesome and sets them. A widget shown later (a dialog, a job's Cancel button) gets its icons
on its own first paint, when qtawesome is loaded already. Until then a widget shows a transparent
:func:`placeholder` of the icon's size, so that nothing moves when the icons come; tables draw it too until the
icons are loaded (:func:`loaded`) and repaint when they are (:func:`repaint_when_loaded`).

**Rendered once.** A qtawesome icon paints its glyph in Python each time it is drawn. A table draws the
decorations of every row it repaints, and a decision repaints rows of the entity, claim and article tables on
each key press: with qtawesome icons that was about a tenth of a key press's time on the GUI thread.
:func:`static_icon` renders the glyph into pixmaps once; Qt then draws them itself.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QWidget

#: The sizes rendered: a table row's decoration (16 px), and the same on a display at 1.5x and 2x.
SIZES = (16, 24, 32)


def loaded() -> bool:
    """Whether qtawesome is imported (an icon costs a glyph's painting, not the import)."""
    return "qtawesome" in sys.modules


def icon(name: str, color: QColor | str | None = None) -> QIcon:
    """The qtawesome glyph ``name`` (in ``color``, else qtawesome's default); imports qtawesome on first use."""
    import qtawesome as qta

    return qta.icon(name) if color is None else qta.icon(name, color=color)


def placeholder() -> QIcon:
    """A transparent icon: what a widget shows until its glyph comes, so that nothing moves when it does (a
    button or a table cell without an icon is narrower than with one)."""
    blank = QPixmap(SIZES[-1], SIZES[-1])
    blank.fill(Qt.GlobalColor.transparent)
    return QIcon(blank)


def static_icon(name: str, color: QColor | str) -> QIcon:
    """The qtawesome glyph ``name`` in ``color``, as pixmaps (see the module docstring)."""
    glyph = icon(name, color)
    rendered = QIcon()
    for size in SIZES:
        rendered.addPixmap(glyph.pixmap(size, size))
    return rendered


class _AfterFirstPaint(QObject):
    """Runs its callbacks in the first turn of the event loop after its widget's first paint event."""

    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.setObjectName(_AFTER_FIRST_PAINT)
        self.callbacks: list[Callable[[], object]] = []
        self._widget = widget
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.callbacks and watched is self._widget:
            self._widget.removeEventFilter(self)
            # Posted, not run here: the frame this paint belongs to is finished and shown first.
            QTimer.singleShot(0, self, self.run)
        return False

    def run(self) -> None:
        callbacks, self.callbacks = self.callbacks, []
        self.deleteLater()
        for callback in callbacks:
            callback()


_AFTER_FIRST_PAINT = "annotator-after-first-paint"


def after_first_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """Run ``callback`` (which sets icons) right after ``widget`` is first painted.

    A widget painted already (or never shown, as in a test that only reads it) keeps it until its next paint;
    :func:`run_pending` runs them at once.
    """
    pending = widget.findChild(_AfterFirstPaint, _AFTER_FIRST_PAINT, Qt.FindChildOption.FindDirectChildrenOnly)
    if pending is None or not pending.callbacks:
        pending = _AfterFirstPaint(widget)
    pending.callbacks.append(callback)


def set_icon_after_first_paint(widget: QWidget, setter: Callable[[QIcon], object], name: str,
                               color: QColor | str | None = None) -> None:
    """``setter(icon(name, color))`` right after ``widget``'s first paint (see :func:`after_first_paint`);
    ``setter(placeholder())`` until then."""
    setter(placeholder())
    after_first_paint(widget, lambda: setter(icon(name, color)))


def repaint_when_loaded(view: QAbstractItemView) -> None:
    """Repaint ``view`` once the icons are loaded, when its first paint drew its rows without them."""
    if not loaded():
        viewport = view.viewport()
        after_first_paint(viewport, lambda: (icon("fa5s.circle"), viewport.update()))


def pending(root: QObject) -> int:
    """How many visible widgets under ``root`` still wait for their first paint's icons (hidden ones wait until
    they are shown)."""
    found = root.findChildren(_AfterFirstPaint, _AFTER_FIRST_PAINT)
    return sum(1 for p in found if p.callbacks and p._widget.isVisible())


def run_pending(root: QObject) -> None:
    """Set every icon still waiting under ``root`` now (a window about to be rendered without an event loop)."""
    for waiting in root.findChildren(_AfterFirstPaint, _AFTER_FIRST_PAINT):
        if waiting.callbacks:
            waiting.run()
