"""The claim panel: each claim as source → cue → content, and an editor for the current claim's attributes.

Kinds, forms, stances and the hierarchical issue codebook come from ``resources/claim_schema.json``. The editor
never writes to the database itself: it emits ``attributeEdited`` and the window turns that into an undoable
decision.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import ClaimView, RoleView, Status
from annotator.core.resources import load_json_resource
from annotator.ui.shared.colors import CUE_COLOR, REJECTED_TEXT, SOURCE_COLOR
from annotator.ui.shared.panel_table import panel_table, panel_title, select_row
from annotator.ui.shared.row_table_model import RowTableModel

Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
STANCE_NAMES = {-1: "against", 0: "neutral", 1: "for"}
STANCE_SIGNS = {-1: "−", 0: "0", 1: "+"}
CONTENT_CHARS = 180  # characters of content shown in the editor (three lines at the panel's width)


def issue_codes(issues: list[dict[str, Any]] | None = None) -> list[str]:
    """Flatten the hierarchical codebook to its codes, parents before their children."""
    if issues is None:
        issues = load_json_resource("claim_schema.json").get("issues", [])
    codes: list[str] = []
    for item in issues:
        codes.append(item["code"])
        codes.extend(issue_codes(item.get("children", [])))
    return codes


def _role_text(role: RoleView | None, empty: str = "—") -> str:
    return role.text if role is not None and role.text else empty


def claim_summary(claim: ClaimView, width: int = 60) -> str:
    """``source → cue → content`` on one line; the content shortened to ``width`` characters."""
    content = _role_text(claim.content)
    if len(content) > width:
        content = content[: width - 1] + "…"
    source = claim.source_actor_name or _role_text(claim.source, "(no source)")
    return f"{source} → {_role_text(claim.cue)} → {content}"


class ClaimModel(RowTableModel):
    """Rows of :class:`ClaimView` for one article."""

    HEADERS = ("Source → cue → content", "Form", "Issue", "±", "")

    def row_key(self, row: ClaimView) -> object:
        # A decision on a suggestion replaces it by a new row (new id) derived from it: the same claim, so the
        # table updates that row instead of resetting (a reset repaints the whole table and its header).
        return row.derived_from if row.derived_from is not None else row.id

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        claim = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            stance = STANCE_SIGNS.get(claim.stance, "") if claim.stance is not None else ""
            return (claim_summary(claim), claim.form, claim.issue or "", stance, None)[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 4:
            return self.status_icon(claim.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (
                f"source: {_role_text(claim.source)}\ncue: {_role_text(claim.cue)}\n"
                f"content: {_role_text(claim.content)}\nkind: {claim.kind} · {claim.status} · {claim.origin}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and claim.status == Status.REJECTED:
            return REJECTED_TEXT
        if role == ID_ROLE:
            return claim.id
        return None

    def rows(self) -> list[ClaimView]:
        return self._rows


class ClaimEditor(QWidget):
    """Roles (read-only) and attributes (kind, form, issue, stance, note) of the current claim.

    Signals:
        attributeEdited(int, str, object): claim id, attribute name, new value.
    """

    attributeEdited = Signal(int, str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        schema = load_json_resource("claim_schema.json")
        self._claim: ClaimView | None = None
        self._loaded = False  # set_claim has run once (the widgets show a claim, or the empty state)
        self.source = self._role_label(SOURCE_COLOR)
        self.cue = self._role_label(CUE_COLOR)
        self.content = self._role_label(QColor("#3a3a3a"), italic=True)
        # Fixed heights: three lines of content fit without pushing the attribute boxes out of view (the tooltip
        # has it all), and a label whose height followed its text would re-lay-out and repaint half the window
        # whenever the current claim changes (every few key presses).
        for label, n_lines in ((self.source, 2), (self.cue, 1), (self.content, 3)):
            height = label.fontMetrics().lineSpacing() * n_lines + 4
            label.setMinimumHeight(height)
            label.setMaximumHeight(height)
        self.content.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.kind = QComboBox()
        for item in schema.get("kinds", []):
            self.kind.addItem(item["name"], item["name"])
            self.kind.setItemData(self.kind.count() - 1, item.get("description", ""), Qt.ItemDataRole.ToolTipRole)
        self.form = QComboBox()
        for item in schema.get("forms", []):
            self.form.addItem(item["name"], item["name"])
            self.form.setItemData(self.form.count() - 1, item.get("description", ""), Qt.ItemDataRole.ToolTipRole)
        self.issue = QComboBox()
        self.issue.setEditable(True)
        self.issue.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.codes = issue_codes(schema.get("issues", []))
        self.issue.addItem("", None)
        for code in self.codes:
            self.issue.addItem(code, code)
        completer = QCompleter(self.codes, self.issue)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "sover" finds "territorial dispute/sovereignty"
        self.issue.setCompleter(completer)
        self.issue_edit = self._issue_line_edit()
        self.issue_edit.setPlaceholderText("type to search the codebook")
        self.stance = QComboBox()
        self.stance.addItem("(none)", None)
        for item in schema.get("stances", []):
            self.stance.addItem(f"{item['value']:+d}  {item['name']}", item["value"])
        self.note = QLineEdit()
        self.note.setPlaceholderText("note (Enter to save)")
        # Opaque, so Qt does not repaint the splitter and window behind the editor each time it changes.
        self.setAutoFillBackground(True)
        form = QFormLayout(self)
        form.setContentsMargins(6, 4, 6, 4)
        form.setVerticalSpacing(4)
        form.addRow("Source", self.source)
        form.addRow("Cue", self.cue)
        form.addRow("Content", self.content)
        form.addRow("Kind", self.kind)
        form.addRow("Form", self.form)
        form.addRow("Issue", self.issue)
        form.addRow("Stance", self.stance)
        form.addRow("Note", self.note)
        self.kind.activated.connect(lambda _i: self._emit("kind", self.kind.currentData()))
        self.form.activated.connect(lambda _i: self._emit("form", self.form.currentData()))
        self.stance.activated.connect(lambda _i: self._emit("stance", self.stance.currentData()))
        self.issue.activated.connect(lambda _i: self._commit_issue())
        self.issue_edit.editingFinished.connect(self._commit_issue)
        self.note.editingFinished.connect(lambda: self._emit("note", self.note.text()))
        self.set_claim(None)

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
                return
            source = _role_text(claim.source, "(no source)")
            if claim.source_actor_name:
                source += f"   [{claim.source_actor_name}]"
            self.source.setText(source)
            self.cue.setText(_role_text(claim.cue))
            content = _role_text(claim.content)
            self.content.setText(content if len(content) <= CONTENT_CHARS else content[: CONTENT_CHARS - 1] + "…")
            self.content.setToolTip(content)
            self.kind.setCurrentIndex(max(0, self.kind.findData(claim.kind)))
            self.form.setCurrentIndex(max(0, self.form.findData(claim.form)))
            issue_index = self.issue.findData(claim.issue) if claim.issue else 0
            if issue_index < 0:
                self.issue.setEditText(claim.issue or "")
            else:
                self.issue.setCurrentIndex(issue_index)
            self.stance.setCurrentIndex(max(0, self.stance.findData(claim.stance)))
            self.note.setText(claim.note)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
            self.issue_edit.blockSignals(False)

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

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ClaimModel(self)
        self.title = panel_title("Claims")
        columns = ((1, "statement", 0), (2, "territorial d…", 0), (3, "+", 0), (4, "", 24))
        self.table = panel_table(self.model, self.model.HEADERS, columns, self)
        self.editor = ClaimEditor(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.editor)
        self._quiet = False
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)

    def set_claims(self, claims: Sequence[ClaimView]) -> None:
        self._quiet = True
        try:
            self.model.set_rows(claims)
        finally:
            self._quiet = False
        open_count = sum(1 for c in claims if c.status == Status.SUGGESTED)
        self.title.setText(f"Claims  ·  {len(claims)}, {open_count} to decide")
        current = self.editor.claim
        if current is not None:
            row = self.model.row_of(current.id)
            self.editor.set_claim(claims[row] if row is not None else None)

    def select_claim(self, claim_id: int | None) -> None:
        """Select a row and load the editor without emitting ``claimSelected``."""
        row = self.model.row_of(claim_id) if claim_id is not None else None
        self._quiet = True
        try:
            select_row(self.table, row)
            self.editor.set_claim(self.model.rows()[row] if row is not None else None)
        finally:
            self._quiet = False

    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._quiet or not current.isValid():
            return
        claim_id = self.model.data(current, ID_ROLE)
        if claim_id is not None:
            self.claimSelected.emit(int(claim_id))
