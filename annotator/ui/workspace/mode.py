"""The mode interface: what the deciding keys do. Coding and review are its two implementations.

The window binds N / P, A, X, Shift+A and Ctrl+Enter to the *current* mode and never asks which one it is. A mode
that shows the rows its own way (review: every annotator's layer, agreement) tells the workspace so through
:meth:`~annotator.ui.workspace.workspace.Workspace.show_as`; nobody sets another part's attributes from outside.
"""

from __future__ import annotations

from typing import Protocol


class Mode(Protocol):
    """The keys that decide, in one mode."""

    #: The legend shown under the article text in this mode.
    legend: str

    def step(self, delta: int) -> None:
        """N / P: the next (1) or previous (-1) item to decide."""

    def accept(self) -> None:
        """A: accept (coding) or adopt into gold (review) the current item."""

    def reject(self) -> None:
        """X: reject the current item."""

    def accept_all(self) -> None:
        """Shift+A: every remaining suggestion (coding) or every agreed item (review)."""

    def finish_article(self) -> None:
        """Ctrl+Enter: mark the article done (coding) or reviewed (review) and open the next one."""
