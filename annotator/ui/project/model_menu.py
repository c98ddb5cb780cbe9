"""The Model menu of the main window: Train… opens the training dialog; a new active model is used at once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from annotator.store.repository import Repository
from annotator.ui.shared import icons
from annotator.ui.shared.services import WorkspaceServices
from annotator.ui.shared.session import Session

if TYPE_CHECKING:  # imported when the dialog first opens: the training job's modules are not needed to start
    from annotator.jobs.training import TrainResult
    from annotator.ui.project.train_dialog import TrainDialog

#: How long the status bar shows what became of a training run.
TRAINED_MESSAGE_MS = 10000


class ModelMenu(QObject):
    """Model › Train… in ``window``'s menu bar, and the one training dialog it opens.

    Args:
        window: the main window (the menu's and the dialog's parent; its status bar tells the outcome).
        repo: the project the dialog trains from.
        session: who is annotating (the dialog's default layer).
        services: the window's long jobs; a newly activated model makes their loaded pipeline stale.
        actions_by_name: the window's table of actions, which gains ``train_model``.
    """

    def __init__(
        self,
        window: QMainWindow,
        repo: Repository,
        session: Session,
        services: WorkspaceServices | None,
        actions_by_name: dict[str, QAction],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._repo = repo
        self._session = session
        self._services = services
        self._dialog: TrainDialog | None = None
        menu = window.menuBar().addMenu("&Model")
        self.train_action = QAction("&Train…", window)
        icons.set_icon_after_first_paint(window, self.train_action.setIcon, "fa5s.graduation-cap", "#37474f")
        self.train_action.setStatusTip("Train a model from the decided layers and compare it with the current one")
        self.train_action.triggered.connect(lambda _checked=False: self.open_train_dialog())
        menu.addAction(self.train_action)
        actions_by_name["train_model"] = self.train_action

    def open_train_dialog(self) -> TrainDialog:
        """Show the (one) training dialog, creating it on first use."""
        if self._dialog is None:
            from annotator.ui.project.train_dialog import TrainDialog

            self._dialog = TrainDialog(self._repo, annotator=self._session.annotator, parent=self._window)
            self._dialog.trained.connect(self._on_trained)
        self._dialog.show()
        self._dialog.raise_()
        return self._dialog

    def _on_trained(self, result: TrainResult) -> None:
        if result.activated and self._services is not None:
            # The next Suggest loads the new active model instead of the pipeline loaded before.
            self._services.pipeline = None
        self._window.statusBar().showMessage(result.reason, TRAINED_MESSAGE_MS)
