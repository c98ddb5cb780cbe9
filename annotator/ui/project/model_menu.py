"""The Model menu of the main window: Train… opens the training dialog; a new active model is used at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction

from annotator.ui.shared import icons

if TYPE_CHECKING:  # imported when the dialog first opens: the training job's modules are not needed to start
    from annotator.jobs.training import TrainResult
    from annotator.ui.project.train_dialog import TrainDialog


def install_model_menu(window: Any) -> None:
    """Add Model › Train… to ``window`` (a ``MainWindow``: repo, annotator, services, actions_by_name)."""
    menu = window.menuBar().addMenu("&Model")
    action = QAction("&Train…", window)
    icons.set_icon_after_first_paint(window, action.setIcon, "fa5s.graduation-cap", "#37474f")
    action.setStatusTip("Train a model from the decided layers and compare it with the current one")
    action.triggered.connect(lambda _checked=False: open_train_dialog(window))
    menu.addAction(action)
    window.actions_by_name["train_model"] = action


def open_train_dialog(window: Any) -> TrainDialog:
    """Show the (one) training dialog of ``window``, creating it on first use."""
    dialog = getattr(window, "train_dialog", None)
    if dialog is None:
        from annotator.ui.project.train_dialog import TrainDialog

        dialog = TrainDialog(window.repo, annotator=window.annotator, parent=window)
        dialog.trained.connect(lambda result: _on_trained(window, result))
        window.train_dialog = dialog
    dialog.show()
    dialog.raise_()
    return dialog


def _on_trained(window: Any, result: TrainResult) -> None:
    if result.activated and window.services is not None:
        # The next Suggest loads the new active model instead of the pipeline loaded before.
        window.services.pipeline = None
    window.statusBar().showMessage(result.reason, 10000)
