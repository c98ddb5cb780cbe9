"""Icons that tables draw on every repaint, rendered once.

A qtawesome icon paints its glyph in Python each time it is drawn. A table draws the decorations of every row it
repaints, and a decision repaints rows of the entity, claim and article tables on each key press: with qtawesome
icons that was about a tenth of a key press's time on the GUI thread. :func:`static_icon` renders the glyph into
pixmaps once; Qt then draws them itself.
"""

from __future__ import annotations

import qtawesome as qta
from PySide6.QtGui import QColor, QIcon

#: The sizes rendered: a table row's decoration (16 px), and the same on a display at 1.5x and 2x.
SIZES = (16, 24, 32)


def static_icon(name: str, color: QColor | str) -> QIcon:
    """The qtawesome glyph ``name`` in ``color``, as pixmaps (see the module docstring)."""
    glyph = qta.icon(name, color=color)
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(glyph.pixmap(size, size))
    return icon
