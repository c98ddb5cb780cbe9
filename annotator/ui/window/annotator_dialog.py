"""Ask who is annotating: at the first start, and when the annotator switches."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.shared.layouts import fill, ok_cancel

#: Longest accepted name; names end up in exports and file names of other tools.
MAX_NAME_LENGTH = 64


def normalize_name(text: str) -> str:
    """Trim and collapse inner whitespace ("  Ann  Lee " -> "Ann Lee")."""
    return " ".join(text.split())


def name_problem(name: str) -> str | None:
    """Why ``name`` (already normalised) cannot be used, or None when it is fine."""
    if not name:
        return "Please enter your name (it labels your annotations)."
    if len(name) > MAX_NAME_LENGTH:
        return f"Please use at most {MAX_NAME_LENGTH} characters."
    if name.lower() in {"suggestions", "gold"}:
        return f"“{name}” is reserved for a layer of the project; please choose another name."
    return None


class AnnotatorDialog(QDialog):
    """An editable combo box with the known annotators; OK is enabled only for a valid name."""

    def __init__(self, parent: QWidget | None, known: list[str], current: str | None) -> None:
        super().__init__(parent)
        self.setObjectName("annotatorDialog")
        self.setWindowTitle("Who is annotating?")
        intro = QLabel(
            "Your name labels every decision you make and keeps your queue and time separate from other "
            "annotators'. Pick your name or type a new one.",
            self,
        )
        intro.setWordWrap(True)

        self.combo = QComboBox(self)
        self.combo.setObjectName("annotatorName")
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.addItems(sorted(dict.fromkeys(n for n in known if n), key=str.lower))
        self.combo.setCurrentText(current or "")
        line = self.combo.lineEdit()
        assert line is not None  # an editable combo box always has one
        line.setPlaceholderText("Your name, e.g. Alice")
        line.setMaxLength(MAX_NAME_LENGTH + 20)  # room to type; validation explains the limit

        self.problem = QLabel(self)
        self.problem.setObjectName("annotatorProblem")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #a33;")

        self.buttons = ok_cancel(self)
        fill(QVBoxLayout(self), intro, self.combo, self.problem, self.buttons)
        self.setMinimumWidth(420)

        self.combo.editTextChanged.connect(self._validate)
        self._validate()
        line.selectAll()
        self.combo.setFocus()

    def name(self) -> str:
        """The normalised name typed or chosen."""
        return normalize_name(self.combo.currentText())

    @Slot()
    def _validate(self) -> None:
        problem = name_problem(self.name())
        # An empty field is not an error yet, just not ready: only explain real problems.
        self.problem.setText(problem if problem and self.name() else "")
        self.problem.setVisible(bool(self.problem.text()))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(problem is None)

    def accept(self) -> None:
        if name_problem(self.name()) is None:
            super().accept()


def ask_annotator_name(parent: QWidget | None, known: list[str], current: str | None) -> str | None:
    """Ask for the annotator's name.

    Args:
        parent: the dialog's parent window (None at start-up, before the window exists).
        known: names already in the project, offered in the combo box.
        current: pre-filled name (the current annotator when switching).

    Returns:
        The trimmed, non-empty name, or None when the user cancelled.
    """
    dialog = AnnotatorDialog(parent, known, current)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.name()
        return None
    finally:
        dialog.deleteLater()
