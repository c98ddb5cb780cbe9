"""One section of the codebook editor: the list of its codes (a tree for issues), the selected code's fields, the
actions on it (add, reorder, merge, delete, where used) and the inline question a merge or delete asks.

Edits that recode no row (add, colour, description, keywords, order) store an edited codebook; rename, merge and
delete are the repository's own mutations, which recode the rows in the same undoable step. Both go through the
editor (:class:`~annotator.ui.project.codebook_editor.CodebookEditor`), which runs them as decisions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import Codebook, Issue, Label, Section, StanceLevel
from annotator.core.codebook_edit import add, items, move, placeholder, rows_text, update
from annotator.core.errors import AnnotatorError
from annotator.ui.project.codebook_fields import CodeFields
from annotator.ui.project.codebook_question import DELETE, MERGE, CodeQuestion
from annotator.ui.project.codebook_where_used import WhereUsed

if TYPE_CHECKING:
    from annotator.ui.project.codebook_editor import CodebookEditor

NAME_ROLE = Qt.ItemDataRole.UserRole + 1
#: The buttons of every section (key, text); issues also have "Add sub-issue".
_ACTIONS = (("add", "Add (Ins)"), ("up", "Up (Alt+↑)"), ("down", "Down (Alt+↓)"), ("merge", "Merge… (Ctrl+M)"),
            ("delete", "Delete… (Del)"), ("where", "Where used (Ctrl+U)"))


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class SectionPage(QWidget):
    """One tab of the editor (labels, kinds, forms, stances, issues or variables)."""

    def __init__(self, editor: CodebookEditor, section: Section) -> None:
        super().__init__(editor)
        self.editor = editor
        self.section = section
        self.setObjectName(f"codebookPage_{section.value}")
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("codes")
        described = "Description; keywords" if section == Section.ISSUE else "Description"
        self.tree.setHeaderLabels(["Name", "Used by", described])
        self.tree.setRootIsDecorated(section == Section.ISSUE)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        # Issue codes are paths ("territorial dispute/sovereignty"): their column is wider.
        self.tree.setColumnWidth(0, 380 if section == Section.ISSUE else 240)
        self.tree.setColumnWidth(1, 80)
        self.tree.currentItemChanged.connect(lambda _cur, _prev: self._show_current())
        self.fields = CodeFields(section, self)
        self.buttons: dict[str, QPushButton] = {}
        # Variables hold values of their own type: they are renamed or deleted, never merged.
        actions = [a for a in _ACTIONS if a[0] != "merge" or section != Section.VARIABLE]
        if section == Section.ISSUE:
            actions.insert(1, ("add_child", "Add sub-issue"))
        buttons = QHBoxLayout()
        for key, text in actions:
            button = QPushButton(text)
            button.setObjectName(f"button_{key}")
            button.setAutoDefault(False)
            buttons.addWidget(button)
            self.buttons[key] = button
        buttons.addStretch(1)
        self.question = CodeQuestion(self)
        self.uses = WhereUsed(editor.repo, self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 3)
        layout.addWidget(self.fields)
        layout.addLayout(buttons)
        layout.addWidget(self.question)
        layout.addWidget(self.uses, 2)

        self.fields.renamed.connect(self._rename)
        self.fields.edited.connect(self._save_fields)
        slots = {"add": lambda: self.add_code(child=False), "add_child": lambda: self.add_code(child=True),
                 "up": lambda: self.move_current(-1), "down": lambda: self.move_current(1),
                 "merge": lambda: self.ask(MERGE), "delete": lambda: self.ask(DELETE), "where": self.show_where_used}
        for key, button in self.buttons.items():
            button.clicked.connect(slots[key])
        self.question.answered.connect(self._answer)
        self.question.closed.connect(self.tree.setFocus)
        self.uses.openRequested.connect(self.editor.openRequested)
        self._counts: dict[str, int] = {}

    # ------------------------------------------------------------------ showing
    @property
    def book(self) -> Codebook:
        return self.editor.codebook

    def current_name(self) -> str | None:
        item = self.tree.currentItem()
        return None if item is None else str(item.data(0, NAME_ROLE))

    def reload(self, select: str | None = None) -> None:
        """Fill the list from the codebook, keeping (or moving to) a selection."""
        wanted = select if select is not None else self.current_name()
        self._counts = self.editor.repo.code_counts(self.section)
        self.tree.blockSignals(True)
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        if self.section == Section.ISSUE:
            parents: dict[str | None, Any] = {None: self.tree}
            for row in self.book.issue_rows():
                described = "; ".join(x for x in (row.issue.description, ", ".join(row.issue.keywords)) if x)
                node = self._row(parents[row.parent], row.issue.code, described)
                parents[row.issue.code] = node
                chosen = node if row.issue.code == wanted else chosen
            self.tree.expandAll()
        else:
            for item in items(self.book, self.section):
                description = getattr(item, "description", "")
                if isinstance(item, StanceLevel):
                    description = f"value {item.value:+d}"
                node = self._row(self.tree, item.name, description)
                if isinstance(item, Label):
                    node.setIcon(0, _swatch(item.color))
                chosen = node if item.name == wanted else chosen
        self.tree.blockSignals(False)
        if chosen is None and self.tree.topLevelItemCount():
            chosen = self.tree.topLevelItem(0)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._show_current()

    def _row(self, parent: Any, name: str, description: str) -> QTreeWidgetItem:
        node = QTreeWidgetItem(parent)
        node.setText(0, name)
        node.setData(0, NAME_ROLE, name)
        used = self._counts.get(name, 0)
        node.setText(1, f"{used:,}" if used else "")
        node.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        node.setText(2, description)
        return node

    def _item(self, name: str | None) -> Any:
        if name is None:
            return None
        if self.section == Section.ISSUE:
            return self.book.issue(name)
        return next((x for x in items(self.book, self.section) if x.name == name), None)

    def _show_current(self) -> None:
        name = self.current_name()
        item = self._item(name)
        self.fields.show_code(item, self._counts.get(name or "", 0))
        for key, button in self.buttons.items():
            if key != "add":
                button.setEnabled(item is not None)

    def set_read_only(self, read_only: bool) -> None:
        """Show the codebook without changing it (an annotator on a team server): "Where used" still works."""
        for key, button in self.buttons.items():
            button.setVisible(key == "where" or not read_only)
        self.fields.setEnabled(not read_only)

    # ------------------------------------------------------------------ edits
    def add_code(self, child: bool = False) -> None:
        """A new code with a placeholder name, selected, its name field focused for typing the real one."""
        book, section = self.book, self.section
        parent = self.current_name() if child else None
        item = placeholder(book, section, parent)
        name = item.code if isinstance(item, Issue) else item.name
        if self._store(f"Add {section.value} {name}", lambda: add(book, section, item, parent), (section, name)):
            self.fields.focus_name()

    def _rename(self, new: str) -> None:
        old = self.current_name()
        if old is None or not new or new == old:
            return
        editor, section = self.editor, self.section
        editor.apply(f"Rename {section.value} {old} to {new}",
                     lambda: editor.repo.rename_code(section, old, new, editor.annotator), select=(section, new))

    def _save_fields(self) -> None:
        name = self.current_name()
        item = self._item(name)
        if item is None or name is None:
            return
        changed = self.fields.edited_code(item)
        if changed != item:
            self._store(f"Edit {self.section.value} {name}", lambda: update(self.book, self.section, name, changed),
                        (self.section, name))

    def move_current(self, delta: int) -> None:
        name = self.current_name()
        if name is not None:
            self._store(f"Move {self.section.value} {name}", lambda: move(self.book, self.section, name, delta),
                        (self.section, name))

    def _store(self, text: str, edit: Callable[[], Codebook], select: tuple[Section, str]) -> bool:
        """Store the codebook ``edit`` makes; an edit the codebook refuses (a colour that is not ``#rrggbb``, a
        name taken) is shown in the editor, the fields go back to what is stored, and nothing changes."""
        try:
            book = edit()
        except AnnotatorError as exc:
            self.editor.message(f"{text}: {exc}")
            self.reload()
            return False
        return self.editor.save(text, book, select)

    # ------------------------------------------------------------------ merge and delete
    def ask(self, what: str) -> None:
        """Merge or delete the current code: an unused code is deleted at once, else the question asks where."""
        name = self.current_name()
        if name is None:
            return
        used = self._counts.get(name, 0)
        editor, section = self.editor, self.section
        if what == DELETE and used == 0:
            editor.apply(f"Delete {section.value} {name}",
                         lambda: editor.repo.delete_code(section, name, editor.annotator))
            return
        if what == MERGE and section == Section.VARIABLE:
            editor.message("Variables cannot be merged; rename or delete one instead.")
            return
        others = [n for n in self.book.names(section) if n != name]
        self.question.ask(what, section, name, rows_text(section, used), others)

    def close_question(self) -> None:
        self.question.close_question()

    def _answer(self, what: str, name: str, target: str, clear: bool) -> None:
        repo, annotator, section = self.editor.repo, self.editor.annotator, self.section
        if what == MERGE:
            self.editor.apply(f"Merge {section.value} {name} into {target}",
                              lambda: repo.merge_codes(section, name, target, annotator), select=(section, target))
        elif clear:
            self.editor.apply(f"Delete {section.value} {name}",
                              lambda: repo.delete_code(section, name, annotator, clear=True))
        else:
            self.editor.apply(f"Delete {section.value} {name}, its rows to {target}",
                              lambda: repo.delete_code(section, name, annotator, move_to=target),
                              select=(section, target))

    # ------------------------------------------------------------------ where used
    def show_where_used(self) -> None:
        name = self.current_name()
        if name is not None:
            self.uses.show_code(self.section, name)
