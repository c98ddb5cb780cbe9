"""The fields of the code selected in a section of the codebook editor: name, colour, actor kind, description,
keywords, a variable's type and choices.

The fields only show a code and say what was typed: ``renamed(new name)`` when the name field is left or Enter is
pressed in it, ``edited()`` when another field was (the page then stores :meth:`CodeFields.edited_code` of the code).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from annotator.core.codebook import DEFAULT_COLOR, ActorType, Issue, Label, Section, StanceLevel, Variable, VariableType
from annotator.ui.shared.line_edits import line_edit


def split_list(text: str) -> tuple[str, ...]:
    """Keywords or choices typed as ``net zero; emission target`` (semicolons or commas), once each."""
    parts = text.replace(";", ",").split(",")
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


class CodeFields(QWidget):
    """The form of one section's selected code (the rows a section has: a stance has no description).

    Signals:
        renamed(str): the name field was committed with this text (stripped; maybe unchanged).
        edited(): another field was committed; read the result with :meth:`edited_code`.
    """

    renamed = Signal(str)
    edited = Signal()

    def __init__(self, section: Section, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.section = section
        self.name = line_edit(name="name")
        self.description = line_edit(name="description")
        self.color = line_edit("#1f77b4", name="color")
        self.color_button = QPushButton("Choose…")
        self.color_button.setObjectName("chooseColor")
        self.color_button.setAutoDefault(False)  # Enter in a field saves it; it must not open the colour dialog
        self.actor = QComboBox()
        self.actor.setObjectName("actor")
        self.actor.addItem("(not an actor)", None)
        for kind in ActorType:
            self.actor.addItem(kind.value, kind)
        self.keywords = line_edit("net zero; emission target", name="keywords")
        self.value = QLabel()
        self.value.setObjectName("value")
        self.var_type = QComboBox()
        self.var_type.setObjectName("type")
        for var_type in VariableType:
            self.var_type.addItem(var_type.value, var_type)
        self.choices = line_edit("low; medium; high", name="choices")
        self._build_form()
        self.name.editingFinished.connect(lambda: self.renamed.emit(self.name.text().strip()))
        for edit in (self.description, self.color, self.keywords, self.choices):
            edit.editingFinished.connect(self.edited)
        self.actor.activated.connect(lambda _i: self.edited.emit())
        self.var_type.activated.connect(lambda _i: self.edited.emit())
        self.color_button.clicked.connect(self._choose_color)

    def _build_form(self) -> None:
        section = self.section
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Name", self.name)
        if section == Section.LABEL:
            row = QHBoxLayout()
            row.addWidget(self.color, 1)
            row.addWidget(self.color_button)
            color_label = QLabel("&Colour")
            color_label.setBuddy(self.color)  # Alt+C reaches the field, as the other rows' labels do
            form.addRow(color_label, row)
            form.addRow("&Actor", self.actor)
        if section == Section.STANCE:
            form.addRow("Value", self.value)
        if section == Section.VARIABLE:
            form.addRow("&Type", self.var_type)
            form.addRow("C&hoices", self.choices)
        if section != Section.STANCE:
            form.addRow("&Description", self.description)
        if section == Section.ISSUE:
            form.addRow("&Keywords", self.keywords)

    def _edits(self) -> tuple[QLineEdit, ...]:
        return (self.name, self.description, self.color, self.keywords, self.choices)

    def show_code(self, item: Any, used: int = 0) -> None:
        """Show ``item`` (a Label, Code, StanceLevel, Issue or Variable; None: nothing selected), used by ``used``
        rows: a variable in use keeps its type (a type change would leave values of the other type behind)."""
        edits = self._edits()
        for edit in edits:
            edit.blockSignals(True)  # filling the fields is not an edit
        try:
            for widget in (*edits, self.actor, self.var_type, self.color_button):
                widget.setEnabled(item is not None)
            if item is None:
                for edit in edits:
                    edit.clear()
                return
            self.name.setText(item.code if isinstance(item, Issue) else item.name)
            self.description.setText(getattr(item, "description", ""))
            if isinstance(item, Label):
                self.color.setText(item.color)
                self.actor.setCurrentIndex(max(0, self.actor.findData(item.actor)))
            if isinstance(item, Issue):
                self.keywords.setText("; ".join(item.keywords))
            if isinstance(item, StanceLevel):
                self.value.setText(f"{item.value:+d} (what claims store; merge to move claims to another value)")
            if isinstance(item, Variable):
                self.var_type.setCurrentIndex(max(0, self.var_type.findData(item.type)))
                self.choices.setText("; ".join(item.choices))
                self.choices.setEnabled(item.type == VariableType.CHOICE)
                self.var_type.setEnabled(used == 0)
        finally:
            for edit in edits:
                edit.blockSignals(False)

    def edited_code(self, item: Any) -> Any:
        """``item`` with what the fields (other than the name) say now."""
        description = self.description.text().strip()
        if isinstance(item, Label):
            color = self.color.text().strip() or item.color
            # Qt hands enum item data back as its plain value: turn it into the enum again.
            actor = self.actor.currentData()
            return replace(item, color=color, description=description, actor=ActorType(actor) if actor else None)
        if isinstance(item, StanceLevel):
            return item  # its name is edited by renaming, its value by merging
        if isinstance(item, Issue):
            return replace(item, description=description, keywords=split_list(self.keywords.text()))
        if isinstance(item, Variable):
            kind = VariableType(self.var_type.currentData())
            choices = split_list(self.choices.text()) if kind == VariableType.CHOICE else ()
            if kind == VariableType.CHOICE and not choices:
                choices = item.choices or ("yes",)
            return replace(item, type=kind, choices=choices, description=description)
        return replace(item, description=description)  # a claim kind or form

    def focus_name(self) -> None:
        self.name.setFocus()
        self.name.selectAll()

    def _choose_color(self) -> None:
        # A non-modal colour dialog, so the window and its keys stay alive while it is open.
        dialog = QColorDialog(QColor(self.color.text() or DEFAULT_COLOR), self)
        dialog.setObjectName("colorDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.colorSelected.connect(self._color_chosen)
        dialog.open()

    def _color_chosen(self, color: QColor) -> None:
        self.color.setText(color.name())
        self.edited.emit()
