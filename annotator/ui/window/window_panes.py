"""The main window's panes: the article list | the article text | the entity and claim panels, and their sizes.

The first layout is a share of the window's size; what the analyst drags to is remembered between runs
(:mod:`annotator.ui.window.pane_sizes`). Review mode widens the text and shows the review table above the entity
panel; leaving it puts the panes back as they were, and that coding layout is what is saved on close.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtWidgets import QMainWindow, QSplitter, QVBoxLayout, QWidget

from annotator.ui.window.error_log import ErrorBanner
from annotator.ui.window.pane_sizes import PaneSizes, share
from annotator.ui.workspace.workspace import Workspace


class WindowPanes:
    """Builds the window's central widget from its panes and keeps their sizes.

    Args:
        window: the main window; its central widget becomes the error banner above the three panes.
        articles: the article list (the left pane).
        workspace: the article text (the middle pane) and the entity and claim panels (the right one).

    Attributes:
        main: the horizontal splitter of the three panes.
        right: the vertical splitter of the right pane (the review table, hidden while coding, then the entity
            and claim panels).
        error_banner: the strip above the panes with an unexpected error, until it is dismissed.
    """

    def __init__(self, window: QMainWindow, articles: QWidget, workspace: Workspace) -> None:
        self._workspace = workspace
        right = QSplitter(Qt.Orientation.Vertical, window)
        right.addWidget(workspace.entity_panel)
        right.addWidget(workspace.claim_panel)
        self.right = right
        main = QSplitter(Qt.Orientation.Horizontal, window)
        main.addWidget(articles)
        main.addWidget(workspace.pane)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        main.setChildrenCollapsible(False)
        self.main = main
        central = QWidget(window)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.error_banner = ErrorBanner(central)
        column.addWidget(self.error_banner)
        column.addWidget(main, 1)
        window.setCentralWidget(central)
        self._sizes = PaneSizes(None, {})
        self._sized = False  # True once the sizes are set: restored from the settings, or the defaults at first show
        # While review mode arranges the panes: the splitters' states before, the coding layout to go back to.
        self._coding_states: dict[str, QByteArray] | None = None

    def add_review_panel(self, panel: QWidget) -> None:
        """Put the review table at the top of the right pane."""
        self.right.insertWidget(0, panel)

    def remember(self, settings: QSettings) -> None:
        """Restore the pane sizes saved in ``settings``; :meth:`save` writes them there again."""
        self._sizes = PaneSizes(settings, {"main": self.main, "right": self.right,
                                           "claims": self._workspace.claim_panel.splitter})
        self._sized = self._sizes.restore()

    def size_once(self) -> None:
        """The default sizes, the first time the window is shown, unless sizes were restored."""
        if not self._sized:
            self._sized = True
            self.set_default_sizes()

    def set_default_sizes(self) -> None:
        """Shares of the window's size: the list wide enough for its titles, the claim list five rows or more."""
        workspace = self._workspace
        width = max(self.main.width(), 600)
        self.main.setSizes(share(width, (0.27, 0.40, 0.33), (240, 320, 300)))
        height = max(self.right.height(), 400)
        entities, claims_share = share(height, (0.38, 0.62), (120, 320))
        sizes = [0] * self.right.count()  # the review table (hidden while coding) gets nothing
        sizes[self.right.indexOf(workspace.entity_panel)] = entities
        sizes[self.right.indexOf(workspace.claim_panel)] = claims_share
        self.right.setSizes(sizes)
        claims = workspace.claim_panel.splitter
        editor = workspace.claim_panel.editor.sizeHint().height()
        total = max(sum(claims.sizes()), 300)
        claims.setSizes([max(total - editor, 1), editor])

    def arrange(self, reviewing: bool) -> None:
        """Review mode needs a wider text and room for the review table; coding gets its own sizes back."""
        if not reviewing:
            self._restore_coding_sizes()
            return
        if self._coding_states is not None:  # already arranged for review: keep the coding layout saved then
            return
        self._coding_states = {"main": self.main.saveState(), "right": self.right.saveState()}
        listing, _text, _right = self.main.sizes()
        total = sum(self.main.sizes())
        text = max(360, int(total * 0.32))
        self.main.setSizes([listing, text, max(0, total - listing - text)])
        height = sum(self.right.sizes())
        self.right.setSizes([int(height * 0.55), 0, height - int(height * 0.55)])

    def save(self) -> None:
        """Save the coding layout in the settings, also when the window closes in review mode.

        In review mode the coding layout is saved as it was when review mode arranged the panes: setting those
        sizes again first would not do, as the review table, still shown, keeps the right pane at its minimum
        width.
        """
        self._sizes.save(self._coding_states)

    def _restore_coding_sizes(self) -> None:
        # Called once review mode has hidden its table, so nothing keeps a pane at a minimum width.
        if self._coding_states is not None:
            self.main.restoreState(self._coding_states["main"])
            self.right.restoreState(self._coding_states["right"])
            self._coding_states = None
