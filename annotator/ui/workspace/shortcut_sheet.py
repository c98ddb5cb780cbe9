"""The keyboard shortcut sheet (F1 or ?): every key of the workspace, grouped and searchable."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.shared import icons
from annotator.ui.shared.line_edits import line_edit

#: Pixels between the longest key and its description.
KEY_GAP = 28


class ShortcutSheet(QDialog):
    """A grouped, filterable list of ``(group, key text, description)`` rows.

    Typing in the search field keeps the rows whose key, description or group contains the text (case
    insensitive); groups without a visible row are hidden.
    """

    def __init__(self, parent: QWidget | None, shortcuts: list[tuple[str, str, str]]) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutSheet")
        self.setWindowTitle("Keyboard shortcuts")
        self.setWindowIcon(icons.icon("mdi6.keyboard-outline"))

        self.search = line_edit(
            "Search shortcuts (e.g. “accept”, “Ctrl”, “claim”)", name="shortcutSearch", clearable=True, parent=self
        )
        self.search.addAction(icons.icon("mdi6.magnify"), QLineEdit.ActionPosition.LeadingPosition)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("shortcutTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels(["Key", "Action"])
        self.tree.setRootIsDecorated(False)
        self.tree.setWordWrap(True)  # long descriptions wrap instead of being cut off
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QTreeWidget.SelectionMode.NoSelection)
        self.tree.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.empty = QLabel("No shortcut matches the search.", self)
        self.empty.setObjectName("shortcutEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.resize(720, 640)

        self._populate(shortcuts)
        self.search.textChanged.connect(self._filter)
        self.search.setFocus()

    def _populate(self, shortcuts: list[tuple[str, str, str]]) -> None:
        key_font = QFont(self.font())
        key_font.setFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        key_font.setBold(True)
        group_font = QFont(self.font())
        group_font.setBold(True)
        # Kept here rather than walked from the tree: filtering is a loop over these lists.
        self._groups: dict[str, tuple[QTreeWidgetItem, list[QTreeWidgetItem]]] = {}
        for group, key, description in shortcuts:
            if group not in self._groups:
                parent = QTreeWidgetItem(self.tree, [group, ""])
                parent.setFirstColumnSpanned(True)
                parent.setFont(0, group_font)
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self._groups[group] = (parent, [])
            parent, items = self._groups[group]
            item = QTreeWidgetItem(parent, [key, description])
            item.setFont(0, key_font)
            item.setToolTip(1, description)
            items.append(item)
        self.tree.expandAll()
        # Wide enough for the longest key in its bold monospaced font, plus the indentation and a gap: measured
        # from the contents, Qt left "Ctrl+Shift+Z / Ctrl+Y" running into its description (issue 15, point 28).
        metrics = QFontMetrics(key_font)
        widest = max((metrics.horizontalAdvance(key) for _group, key, _d in shortcuts), default=0)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        self.tree.setColumnWidth(0, widest + self.tree.indentation() + KEY_GAP)

    def key_items(self) -> list[QTreeWidgetItem]:
        """The rows of the sheet (a key and what it does), group by group."""
        return [item for _group, items in self._groups.values() for item in items]

    def visible_rows(self) -> list[tuple[str, str, str]]:
        """The rows the filter currently shows, as ``(group, key, description)``."""
        return [
            (group, item.text(0), item.text(1))
            for group, (_, items) in self._groups.items()
            for item in items
            if not item.isHidden()
        ]

    @Slot(str)
    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        any_visible = False
        for name, (group, items) in self._groups.items():
            group_match = needle in name.lower()
            shown = 0
            for item in items:
                match = not needle or group_match or needle in item.text(0).lower() or needle in item.text(1).lower()
                item.setHidden(not match)
                shown += match
            group.setHidden(shown == 0)
            any_visible = any_visible or shown > 0
        self.tree.setVisible(any_visible)
        self.empty.setVisible(not any_visible)
