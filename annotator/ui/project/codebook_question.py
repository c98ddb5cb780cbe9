"""The codebook editor's inline question: which code a merge goes into, or where a deleted code's rows go.

An inline frame rather than a modal box, so the editor's keys keep working: the target list has the focus, Enter
confirms, Esc (handled by the editor) cancels.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from annotator.core.codebook import Section

MERGE, DELETE = "merge", "delete"


class CodeQuestion(QFrame):
    """Asks where the rows of a code go; hidden until :meth:`ask`.

    Signals:
        answered(str, str, str, bool): what ("merge" or "delete"), the code, the target code ("" when cleared),
            and whether the rows are cleared instead of moved (claims only: a mention needs a label).
        closed(): the question was answered or cancelled (the page gives the focus back to its list).
    """

    answered = Signal(str, str, str, bool)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("question")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.text = QLabel()
        self.text.setObjectName("questionText")
        self.text.setWordWrap(True)
        self.target = QComboBox()
        self.target.setObjectName("target")
        self.confirm = QPushButton()
        self.confirm.setObjectName("confirm")
        self.clear_rows = QPushButton("Delete and clear it from the claims")
        self.clear_rows.setObjectName("clear")
        self.cancel = QPushButton("Cancel (Esc)")
        self.cancel.setObjectName("cancel")
        for button in (self.confirm, self.clear_rows, self.cancel):
            button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        row = QHBoxLayout()
        row.addWidget(self.target, 1)
        row.addWidget(self.confirm)
        row.addWidget(self.clear_rows)
        row.addWidget(self.cancel)
        layout.addLayout(row)
        self.hide()
        self._pending: tuple[str, str] | None = None
        self.confirm.clicked.connect(lambda: self._answer(clear=False))
        self.clear_rows.clicked.connect(lambda: self._answer(clear=True))
        self.cancel.clicked.connect(self.close_question)

    @property
    def pending(self) -> tuple[str, str] | None:
        """(what, code) of the open question, None when none is open."""
        return self._pending

    def ask(self, what: str, section: Section, name: str, uses: str, others: Sequence[str]) -> None:
        """Open the question for ``name`` (used by ``uses``, e.g. "2 mentions"), offering ``others`` as targets."""
        self._pending = (what, name)
        self.target.clear()
        for other in others:
            self.target.addItem(other, other)
        if what == MERGE:
            self.text.setText(f"Merge the {section.value} “{name}” ({uses}) into:")
            self.confirm.setText("Merge (Enter)")
        else:
            self.text.setText(f"The {section.value} “{name}” is used by {uses}. Move them to:")
            self.confirm.setText("Move and delete (Enter)")
        self.confirm.setEnabled(bool(others))
        self.clear_rows.setVisible(what == DELETE and section != Section.LABEL)
        self.show()
        self.confirm.setDefault(True)
        self.target.setFocus()

    def close_question(self) -> None:
        self._pending = None
        self.confirm.setDefault(False)
        self.hide()
        self.closed.emit()

    def _answer(self, clear: bool) -> None:
        if self._pending is None:
            return
        what, name = self._pending
        target = "" if clear else str(self.target.currentData() or "")
        if not clear and not target:
            return
        self.close_question()
        self.answered.emit(what, name, target, clear)
