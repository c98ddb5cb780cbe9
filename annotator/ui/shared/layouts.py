"""Building box layouts and dialog buttons from a list, the way every panel and dialog lays itself out."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QBoxLayout, QDialog, QDialogButtonBox, QLayout, QWidget

#: A widget or a nested layout, optionally with its stretch factor.
Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def fill(
    layout: QBoxLayout, *items: Item, margins: tuple[int, int, int, int] | None = None, spacing: int | None = None
) -> QBoxLayout:
    """Add ``items`` to ``layout`` in order (a ``(item, stretch)`` pair stretches); returns the layout."""
    if margins is not None:
        layout.setContentsMargins(*margins)
    if spacing is not None:
        layout.setSpacing(spacing)
    for item in items:
        part, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(part, QLayout):
            layout.addLayout(part, stretch)
        else:
            layout.addWidget(part, stretch)
    return layout


def ok_cancel(dialog: QDialog, on_ok: Callable[[], object] | None = None) -> QDialogButtonBox:
    """OK and Cancel for ``dialog``: OK calls ``on_ok`` (default: accept), Cancel rejects."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
