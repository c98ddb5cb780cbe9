"""A dialog whose answer the caller reads once it is closed."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QWidget


class AnswerDialog(QDialog):
    """A modal question (export options, an actor to link, two actors to merge) with an answer to read after.

    A caller either shows it (``exec``, or ``open`` and a key press that closes it) and then reads the answer, or
    asks for the answer directly: :meth:`was_accepted` shows the dialog first when it was never closed.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._finished = False

    def done(self, result: int) -> None:
        self._finished = True
        super().done(result)

    def was_accepted(self) -> bool:
        """Whether the dialog was accepted, shown modally first if it was not closed yet."""
        if not self._finished:
            self.exec()
        return self.result() == QDialog.DialogCode.Accepted
