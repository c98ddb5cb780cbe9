"""The analysis window: the claims view and the network view as two tabs over the project's claims.

Reading a layer (100,000 claims take a few seconds) runs on the shell's job runner when there is one, so the
window stays responsive; clicking a node or an edge in the network lists the claims behind it in the claims tab,
and Enter there opens the article at the claim in the main window.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QTabWidget, QWidget

from annotator.core.actor_levels import ActorLevel
from annotator.core.claim_table import ClaimTable
from annotator.jobs import analysis
from annotator.networks import StatementSet
from annotator.store.repository import Repository
from annotator.ui.analysis.claims_view import ClaimsPanel
from annotator.ui.analysis.network_view import NetworkPanel
from annotator.ui.shared.workers import JobRunner

CLAIMS_TAB, NETWORK_TAB = 0, 1


class AnalysisWindow(QMainWindow):
    """Claims and network of one project.

    Args:
        repo: the open repository.
        runner: the shell's JobRunner (reads run off the GUI thread); None reads on the GUI thread.

    Signals:
        claimActivated(str, int, int): article id, claim id, first offset — open the article at the claim.
    """

    claimActivated = Signal(str, int, int)

    def __init__(self, repo: Repository, runner: JobRunner | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.runner = runner
        self.setWindowTitle("Claims and networks — annotator")
        self.resize(1200, 800)
        layers = analysis.claim_layers(repo)
        self.claims = ClaimsPanel(layers, self._load_table, self)
        self.network = NetworkPanel(layers, self._load_statements, self)
        self._take_colors()
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.claims, "Claims")
        self.tabs.addTab(self.network, "Network")
        self.setCentralWidget(self.tabs)
        self.claims.claimActivated.connect(self.claimActivated)
        self.network.claimsRequested.connect(self._show_claims_behind)
        self._loaded = {CLAIMS_TAB: False, NETWORK_TAB: False}
        self._stale = False
        self.tabs.currentChanged.connect(self._ensure_loaded)
        reload = QShortcut(QKeySequence("F5"), self)
        reload.activated.connect(self.reload)

    # ------------------------------------------------------------------ public API
    def show_tab(self, tab: int) -> None:
        """Show the window on the claims or network tab (reading the claims the first time, or again when
        claims were coded since)."""
        if self._stale:
            self.statusBar().clearMessage()
            self._stale = False
            self._loaded = {CLAIMS_TAB: False, NETWORK_TAB: False}
        self.tabs.setCurrentIndex(tab)
        self._ensure_loaded(tab)
        self.show()
        self.raise_()
        self.activateWindow()

    def reload(self) -> None:
        """Read the claims again (F5): they may have changed since the window opened."""
        self._stale = False
        self._loaded = {CLAIMS_TAB: False, NETWORK_TAB: False}
        self._ensure_loaded(self.tabs.currentIndex())

    def mark_stale(self) -> None:
        """Claims were coded since they were read: read them again when the window is next opened or F5 is
        pressed (reading 100,000 claims after every key press in the main window would be wasteful)."""
        if not self._stale:
            self._stale = True
            self.statusBar().showMessage("Claims were coded since they were read: F5 reads them again.")

    def apply_codebook(self) -> None:
        """The codebook changed (a code renamed, merged, recoloured; an import added codes): the claims and the
        network show it at once, as the article does. Codebook edits are rare, unlike decisions: the open tab
        reads its claims again now, the other when it is next shown."""
        self._take_colors()
        self._stale = False
        self.statusBar().clearMessage()
        self._loaded = {CLAIMS_TAB: False, NETWORK_TAB: False}
        if self.isVisible():
            self._ensure_loaded(self.tabs.currentIndex())

    def _take_colors(self) -> None:
        # Actors are coloured as their kind's label is in the text: one vocabulary, the project's codebook.
        self.network.canvas.kind_colors = {label.name: QColor(label.color) for label in self.repo.codebook().labels}

    # ------------------------------------------------------------------ loading
    def _ensure_loaded(self, tab: int) -> None:
        if self._loaded.get(tab):
            return
        self._loaded[tab] = True
        (self.claims if tab == CLAIMS_TAB else self.network).reload()

    def _run(self, title: str, job: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.runner is None:
            done(job())
            return
        self.runner.run(title, lambda _progress, _cancel: job(), on_result=done)

    def _load_table(self, layer: str, level: ActorLevel, done: Callable[[ClaimTable], None]) -> None:
        self._run(f"Reading the claims of {layer}", lambda: analysis.load_claim_table(self.repo, layer, level), done)

    def _load_statements(self, layer: str, level: ActorLevel, done: Callable[[StatementSet], None]) -> None:
        self._run(f"Reading the statements of {layer}", lambda: analysis.load_statements(self.repo, layer, level),
                  done)

    # ------------------------------------------------------------------ network -> claims
    def _show_claims_behind(self, claim_ids: list[int], title: str) -> None:
        layer, level = self.network.layer.currentData(), self.network.level.currentData()
        self.claims.show_claims(claim_ids, title)
        same = self.claims.current_layer() == layer and self.claims.level.currentData() == level
        if not same:
            # The claims tab follows the network's layer and level, so the claims behind the click are listed.
            self.claims.level.blockSignals(True)
            self.claims.level.setCurrentIndex(self.claims.level.findData(level))
            self.claims.level.blockSignals(False)
            self.claims.layer.blockSignals(True)
            self.claims.layer.setCurrentIndex(self.claims.layer.findData(layer))
            self.claims.layer.blockSignals(False)
            self._loaded[CLAIMS_TAB] = False
        self.tabs.setCurrentIndex(CLAIMS_TAB)
        self._ensure_loaded(CLAIMS_TAB)
