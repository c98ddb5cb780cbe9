"""The window's pane sizes: sensible shares of any window size, changed by dragging, remembered between runs.

Issue 15, point 27: fixed pixel sizes made for 1400x900 left the article titles at "Going Backwar…" and the
claim list at one or two rows on a 1000x700 screen. The first layout is a share of the window; whatever the
analyst drags to is saved in the user settings (per splitter) and restored on the next start.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QSplitter

_KEY = "layout/{name}"


def share(total: int, fractions: Sequence[float], minimums: Sequence[int]) -> list[int]:
    """Split ``total`` pixels by ``fractions``, giving each part at least its minimum (the first part pays)."""
    sizes = [max(int(total * f), m) for f, m in zip(fractions, minimums, strict=True)]
    excess = sum(sizes) - total
    if excess > 0:
        # Take the excess from the parts above their minimum, largest first.
        for i in sorted(range(len(sizes)), key=lambda k: sizes[k] - minimums[k], reverse=True):
            give = min(excess, sizes[i] - minimums[i])
            sizes[i] -= give
            excess -= give
            if excess <= 0:
                break
    return sizes


class PaneSizes:
    """Saves and restores the state of named splitters in ``settings`` (None: remember nothing, as in tests)."""

    def __init__(self, settings: QSettings | None, splitters: Mapping[str, QSplitter]) -> None:
        self._settings = settings
        self._splitters = dict(splitters)

    def restore(self) -> bool:
        """Restore every splitter saved before; False when there was nothing to restore (use the defaults)."""
        if self._settings is None:
            return False
        restored = False
        for name, splitter in self._splitters.items():
            value = self._settings.value(_KEY.format(name=name))
            if isinstance(value, QByteArray | bytes) and splitter.restoreState(QByteArray(value)):
                restored = True
        return restored

    def save(self, states: Mapping[str, QByteArray] | None = None) -> None:
        """Save every splitter's state, or for the names in ``states`` the state given there.

        Args:
            states: states captured earlier (``QSplitter.saveState``), saved instead of the splitters' current
                ones: the window's coding layout while review mode has its own.
        """
        if self._settings is None:
            return
        given = states or {}
        for name, splitter in self._splitters.items():
            state = given.get(name)
            self._settings.setValue(_KEY.format(name=name), state if state is not None else splitter.saveState())
        self._settings.sync()
