"""The claim panel: each claim as source → cue → content, and an editor for the current claim's attributes.

Kinds, forms, stances, the hierarchical issue codebook and the custom variables come from the project's codebook
(``Repository.codebook()``, handed in; ``set_codebook`` shows an edited one at once). The editor never writes to
the database itself: it emits ``attributeEdited`` and the window turns that into an undoable decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QIntValidator, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook, Variable, VariableType
from annotator.core.records import ClaimView, RoleView
from annotator.ui.shared import plain_text
from annotator.ui.shared.colors import CUE_COLOR, SOURCE_COLOR
from annotator.ui.shared.label_box import LabelBox
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.panel_table import PanelRows, panel_table, select_row
from annotator.ui.shared.panel_title import PanelTitle
from annotator.ui.shared.row_table_model import DecisionRowsModel

CONTENT_CHARS = 180  # characters of content shown in the editor (three lines at the panel's width)


def stance_sign(value: int | None) -> str:
    """The stance column's short form: "+1", "0", "−1" (a real minus sign)."""
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("0" if value == 0 else f"−{-value}")


def _role_text(role: RoleView | None, empty: str = "—") -> str:
    return role.text if role is not None and role.text else empty


def claim_summary(claim: ClaimView, width: int = 60) -> str:
    """``source → cue → content`` on one line; the content shortened to ``width`` characters."""
    content = _role_text(claim.content)
    if len(content) > width:
        content = content[: width - 1] + "…"
    source = claim.source_actor_name or _role_text(claim.source, "(no source)")
    return f"{source} → {_role_text(claim.cue)} → {content}"


class ClaimModel(DecisionRowsModel):
    """Rows of :class:`ClaimView` for one article."""

    HEADERS = ("Source → cue → content", "Form", "Issue", "±", "")
    STATUS_COLUMN = 4

    def row_key(self, row: ClaimView) -> object:
        # A decision on a suggestion replaces it by a new row (new id) derived from it: the same claim, so the
        # table updates that row instead of resetting (a reset repaints the whole table and its header).
        return row.derived_from if row.derived_from is not None else row.id

    def cells(self, row: ClaimView) -> tuple[str | None, ...]:
        return (claim_summary(row), row.form, row.issue or "", stance_sign(row.stance), None)

    def tooltip(self, row: ClaimView) -> str:
        return (
            f"source: {_role_text(row.source)}\ncue: {_role_text(row.cue)}\n"
            f"content: {_role_text(row.content)}\nkind: {row.kind} · {row.status} · {row.origin}"
        )

    def rows(self) -> list[ClaimView]:
        return self._rows


class ClaimEditor(QWidget):
    """Roles (read-only) and attributes (kind, form, issue, stance, note, variables) of the current claim.

    Signals:
        attributeEdited(int, str, object): claim id, attribute name, new value (for "variables": the claim's
            whole name -> value mapping after the edit).
    """

    attributeEdited = Signal(int, str, object)

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._claim: ClaimView | None = None
        self._loaded = False  # set_claim has run once (the widgets show a claim, or the empty state)
        self.source = self._role_label(SOURCE_COLOR)
        self.cue = self._role_label(CUE_COLOR)
        self.content = self._role_label(QColor("#3a3a3a"), italic=True)
        self.content.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        # Fixed heights: three lines of content fit without pushing the attribute boxes out of view (the tooltip
        # has it all), and in boxes of their own a new text (whenever the current claim changes, every few key
        # presses) repaints the label without redoing the editor's layout (see LabelBox).
        boxes = [LabelBox(label, lines) for label, lines in ((self.source, 2), (self.cue, 1), (self.content, 3))]
        self.kind = QComboBox()
        self.form = QComboBox()
        self.issue = QComboBox()
        self.issue.setEditable(True)
        self.issue.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.codes: list[str] = []
        self.issue_edit = self._issue_line_edit()
        self.issue_edit.setPlaceholderText("type to search the codebook")
        self.stance = QComboBox()
        self.variable_widgets: dict[str, QComboBox | QLineEdit] = {}
        self.note = QLineEdit()
        self.note.setPlaceholderText("note (Enter to save)")
        # Opaque, so Qt does not repaint the splitter and window behind the editor each time it changes.
        self.setAutoFillBackground(True)
        # Two attributes a row (kind and form, issue and stance): four rows shorter than one attribute a row, which
        # leaves the claim list room for five rows at 1000x700 (issue 15, point 27).
        for box in (self.kind, self.form, self.issue, self.stance):
            # Two boxes share a row: a box as wide as its longest item ("territorial dispute/sovereignty") would
            # widen the whole window past 1000 px.
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(8)
        form = self._form = QFormLayout(self)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(4)
        for name, role_box in zip(("Source", "Cue", "Content"), boxes, strict=True):
            form.addRow(name, role_box)
            row_label = form.labelForField(role_box)
            if isinstance(row_label, QLabel):
                row_label.setBuddy(role_box.label)
        form.addRow("Kind", self._pair(self.kind, "Form", self.form))
        form.addRow("Issue", self._pair(self.issue, "Stance", self.stance))
        form.addRow("Note", self.note)
        self.kind.activated.connect(lambda _i: self._emit("kind", self.kind.currentData()))
        self.form.activated.connect(lambda _i: self._emit("form", self.form.currentData()))
        self.stance.activated.connect(lambda _i: self._emit("stance", self.stance.currentData()))
        self.issue.activated.connect(lambda _i: self._commit_issue())
        self.issue_edit.editingFinished.connect(self._commit_issue)
        self.note.editingFinished.connect(lambda: self._emit("note", self.note.text()))
        self.set_codebook(codebook)

    def set_codebook(self, codebook: Codebook) -> None:
        """Offer the codes of ``codebook`` (an edited one shows at once) and show the current claim again."""
        self.codebook = codebook
        for combo, codes in ((self.kind, codebook.kinds), (self.form, codebook.forms)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("", "")  # not coded
            for code in codes:
                combo.addItem(code.name, code.name)
                combo.setItemData(combo.count() - 1, code.description, Qt.ItemDataRole.ToolTipRole)
            combo.blockSignals(False)
        self.issue.blockSignals(True)
        self.issue.clear()
        self.issue.addItem("", None)
        self.codes = list(codebook.issue_codes)
        for row in codebook.issue_rows():
            # Indented by depth, so the tree shows in the list; the data is the code itself.
            self.issue.addItem("   " * row.depth + row.issue.code, row.issue.code)
            self.issue.setItemData(self.issue.count() - 1, row.issue.description, Qt.ItemDataRole.ToolTipRole)
        completer = QCompleter(self.codes, self.issue)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "sover" finds "territorial dispute/sovereignty"
        self.issue.setCompleter(completer)
        self.issue.blockSignals(False)
        self.stance.blockSignals(True)
        self.stance.clear()
        self.stance.addItem("(none)", None)
        for level in codebook.stances:
            self.stance.addItem(f"{stance_sign(level.value)}  {level.name}", level.value)
        self.stance.blockSignals(False)
        self._build_variables(codebook.variables)
        claim, self._loaded = self._claim, False
        self.set_claim(claim)

    def _build_variables(self, variables: Sequence[Variable]) -> None:
        for widget in self.variable_widgets.values():
            self._form.removeRow(widget)
        self.variable_widgets = {}
        for variable in variables:
            widget = self._variable_widget(variable)
            widget.setToolTip(variable.description)
            self.variable_widgets[variable.name] = widget
            self._form.insertRow(self._form.rowCount() - 1, variable.name, widget)

    def _variable_widget(self, variable: Variable) -> QComboBox | QLineEdit:
        name = variable.name
        if variable.type in (VariableType.CHOICE, VariableType.BOOLEAN):
            combo = QComboBox()
            combo.addItem("", None)
            if variable.type == VariableType.BOOLEAN:
                combo.addItem("yes", True)
                combo.addItem("no", False)
            for choice in variable.choices:
                combo.addItem(choice, choice)
            combo.activated.connect(lambda _i: self._emit_variable(name, combo.currentData()))
            return combo
        edit = QLineEdit()
        if variable.type == VariableType.INTEGER:
            edit.setValidator(QIntValidator(edit))
        edit.setPlaceholderText("(Enter to save)")

        def commit() -> None:
            text = edit.text().strip()
            value: object = text or None
            if variable.type == VariableType.INTEGER:
                value = int(text) if text.lstrip("-").isdigit() else None
            self._emit_variable(name, value)

        edit.editingFinished.connect(commit)
        return edit

    def _emit_variable(self, name: str, value: object) -> None:
        claim = self._claim
        if claim is None:
            return
        values = dict(claim.variables)
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
        self._emit("variables", values)

    @staticmethod
    def _pair(first: QWidget, name: str, second: QWidget) -> QWidget:
        """Two fields on one form row: ``first``, then ``name`` and ``second`` (their labels are buddies)."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        label = QLabel(name, row)
        label.setBuddy(second)
        layout.addWidget(first, 3)
        layout.addWidget(label)
        layout.addWidget(second, 2)
        return row

    def _issue_line_edit(self) -> QLineEdit:
        edit = self.issue.lineEdit()
        assert edit is not None  # the combo box is editable
        return edit

    @staticmethod
    def _role_label(color: QColor, italic: bool = False) -> QLabel:
        label = QLabel()
        label.setTextFormat(Qt.TextFormat.PlainText)  # article text: never markup
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Palette and font rather than a style sheet: style-sheeted widgets take Qt's slow painting path, and
        # these labels repaint whenever the current claim changes.
        colors = label.palette()
        colors.setColor(QPalette.ColorRole.WindowText, color)
        label.setPalette(colors)
        font = QFont(label.font())
        font.setWeight(QFont.Weight.Normal if italic else QFont.Weight.DemiBold)
        font.setItalic(italic)
        label.setFont(font)
        return label

    @property
    def claim(self) -> ClaimView | None:
        return self._claim

    def set_claim(self, claim: ClaimView | None) -> None:
        """Load a claim into the editor without emitting edits."""
        if self._loaded and claim == self._claim:
            # Same claim, same values: setting the labels again would re-lay-out the whole window on every key
            # press (their size hints are recomputed), which cost several ms of painting per decision.
            return
        self._loaded = True
        self._claim = claim
        widgets: list[QWidget] = [self.kind, self.form, self.issue, self.stance, self.note]
        widgets += self.variable_widgets.values()
        for widget in widgets:
            widget.blockSignals(True)
            widget.setEnabled(claim is not None)
        self.issue_edit.blockSignals(True)
        try:
            if claim is None:
                for label in (self.source, self.cue):
                    label.setText("—")
                self.content.setText("No claim selected: [ and ] go through the claims; C makes one from a selection.")
                self.content.setToolTip("")
                self.note.clear()
                self.issue.setCurrentIndex(0)
                # Blank, not the previous claim's values: a disabled box still shows what it holds.
                for box in (self.kind, self.form, self.stance):
                    box.setCurrentIndex(-1)
                self._show_variables({})
                return
            source = _role_text(claim.source, "(no source)")
            if claim.source_actor_name:
                source += f"   [{claim.source_actor_name}]"
            self.source.setText(source)
            self.cue.setText(_role_text(claim.cue))
            content = _role_text(claim.content)
            self.content.setText(content if len(content) <= CONTENT_CHARS else content[: CONTENT_CHARS - 1] + "…")
            self.content.setToolTip(plain_text.tooltip(content))
            self.kind.setCurrentIndex(max(0, self.kind.findData(claim.kind)))
            self.form.setCurrentIndex(max(0, self.form.findData(claim.form)))
            issue_index = self.issue.findData(claim.issue) if claim.issue else 0
            if issue_index < 0:
                self.issue.setEditText(claim.issue or "")
            else:
                self.issue.setCurrentIndex(issue_index)
            self.stance.setCurrentIndex(max(0, self.stance.findData(claim.stance)))
            self.note.setText(claim.note)
            self._show_variables(claim.variables)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
            self.issue_edit.blockSignals(False)

    def _show_variables(self, values: dict[str, Any]) -> None:
        for name, widget in self.variable_widgets.items():
            value = values.get(name)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)) if value is not None else 0)
            else:
                widget.setText("" if value is None else str(value))

    def commit_pending(self) -> None:
        """Save a note typed but not yet confirmed (Enter or leaving the box do that), before the claim changes."""
        if self._claim is not None and self.note.text() != self._claim.note:
            self._emit("note", self.note.text())

    def _commit_issue(self) -> None:
        text = self.issue.currentText().strip()
        if text and text not in self.codes:
            # Accept a unique completion the user typed part of; otherwise leave the stored value.
            matches = [code for code in self.codes if text.lower() in code.lower()]
            if len(matches) != 1:
                return
            text = matches[0]
            self.issue.setCurrentIndex(self.issue.findData(text))
        self._emit("issue", text or None)

    def _emit(self, name: str, value: object) -> None:
        claim = self._claim
        if claim is None or getattr(claim, name) == value:
            return
        self.attributeEdited.emit(claim.id, name, value)


class ClaimPanel(QWidget):
    """The claim list above the editor.

    Signals:
        claimSelected(int): the user selected a claim row (claim id).
    """

    claimSelected = Signal(int)

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ClaimModel(self)
        self.title = PanelTitle("Claims")
        columns = ((1, "statement", 0), (2, "territorial d…", 0), (3, "+", 0), (4, "", 24))
        self.table = panel_table(self.model, self.model.HEADERS, columns, self)
        self.editor = ClaimEditor(codebook, self)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setTextElideMode(Qt.TextElideMode.ElideRight)  # "Source → cue → co…", never cut on both sides
        listing = QWidget(self)
        top = QVBoxLayout(listing)
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(0)
        top.addWidget(self.title)
        top.addWidget(self.table, 1)
        # The list and the editor share the height by a splitter the analyst can drag (the sizes are remembered
        # with the window's), the list keeps at least four rows.
        self.table.setMinimumHeight(self.table.verticalHeader().defaultSectionSize() * 4
                                    + self.table.horizontalHeader().sizeHint().height() + 4)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("claimSplitter")
        self.splitter.addWidget(listing)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        fill(QVBoxLayout(self), self.splitter, margins=(0, 0, 0, 0), spacing=0)
        self.rows = PanelRows(self.table, self.model, self.claimSelected.emit)
        self.quiet = self.rows.quiet

    def set_claims(self, claims: Sequence[ClaimView]) -> None:
        self.rows.set_rows(claims)
        self.title.show_counts("Claims", claims, "claim", "claims")
        current = self.editor.claim
        row = self.model.row_of(current.id) if current is not None else None
        if current is not None:
            self.editor.set_claim(claims[row] if row is not None else None)
        if row is None and self.table.selectionModel().hasSelection():
            # The claim in the editor is gone (an undo removed it): no row may stay highlighted while the editor
            # says "No claim selected" (issue 15, point 25).
            with self.quiet():
                select_row(self.table, None)

    def select_claim(self, claim_id: int | None) -> None:
        """Select a row and load the editor without emitting ``claimSelected``."""
        row = self.rows.select(claim_id)
        with self.quiet():
            self.editor.set_claim(self.model.rows()[row] if row is not None else None)

