"""The Annotators dialog: who codes and who reviews, and how many annotators code each article (overlap).

Every change is saved at once (like every decision in the app) through the same job the CLI's
``annotator annotators add`` uses, so a name or role refused there is refused here with the same message.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.jobs.annotators import ROLES, add_annotator, list_annotators
from annotator.store.repository import Repository
from annotator.ui.shared import plain_text
from annotator.ui.shared.line_edits import line_edit


class AnnotatorsDialog(QDialog):
    """List annotators with a role box each, add one, and set the overlap."""

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle("Annotators and overlap")
        self.resize(520, 420)
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Name", "Role"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Tab leaves the table for the fields below (a table moves between its cells on Tab by default, which
        # trapped keyboard users in it: issue 15, point 22); the arrow keys still move between rows.
        self.table.setTabKeyNavigation(False)
        self.name = line_edit("New annotator's name")
        self.role = QComboBox()
        self.role.addItems(list(ROLES))
        self.add_button = QPushButton("Add")
        self.add_button.clicked.connect(self.add)
        self.name.returnPressed.connect(self.add)
        adder = QHBoxLayout()
        adder.addWidget(self.name, 1)
        adder.addWidget(self.role)
        adder.addWidget(self.add_button)
        self.overlap = QSpinBox()
        self.overlap.setRange(1, 20)
        self.overlap.setValue(repo.overlap())
        self.overlap.setToolTip("How many different annotators code each article before it is ready for review")
        self.overlap.valueChanged.connect(self._set_overlap)
        form = QFormLayout()
        form.addRow("Annotators per article (overlap):", self.overlap)
        self.message = plain_text.plain_label(QLabel())
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # names are user data: never markup
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(adder)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.reload()
        self.name.setFocus()

    def reload(self) -> None:
        """Fill the table from the database (one role box per annotator)."""
        rows = list_annotators(self.repo)
        self.table.setRowCount(len(rows))
        for i, (name, role) in enumerate(rows):
            item = QTableWidgetItem(name)
            self.table.setItem(i, 0, item)
            box = QComboBox()
            box.addItems(list(ROLES))
            box.setCurrentText(role)
            box.currentTextChanged.connect(lambda value, who=name: self.set_role(who, value))
            self.table.setCellWidget(i, 1, box)

    def role_box(self, name: str) -> QComboBox | None:
        """The role box of an annotator's row (for keyboard users and tests)."""
        for i in range(self.table.rowCount()):
            item = self.table.item(i, 0)
            if item is not None and item.text() == name:
                widget = self.table.cellWidget(i, 1)
                return widget if isinstance(widget, QComboBox) else None
        return None

    def add(self) -> None:
        name = self.name.text()
        try:
            outcome = add_annotator(self.repo, name, self.role.currentText())
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"{name.strip()}: {outcome} ({self.role.currentText()})")
        self.name.clear()
        self.reload()

    def set_role(self, name: str, role: str) -> None:
        try:
            outcome = add_annotator(self.repo, name, role)
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            self.reload()
            return
        self.message.setText(f"{name}: {outcome} ({role})")

    def _set_overlap(self, value: int) -> None:
        try:
            self.repo.set_setting("overlap", int(value))
        except AnnotatorError as exc:
            self.message.setText(str(exc))
            return
        self.message.setText(f"Each article now goes to {value} annotator{'s' if value > 1 else ''}.")
