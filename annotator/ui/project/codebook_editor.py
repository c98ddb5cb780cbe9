"""Project › Codebook…: the editor of the project's codebook, one tab per section, usable from the keyboard.

Every edit is saved at once as one undoable decision on the workspace's undo stack (Ctrl+Z in the main window
undoes it too), so the open article, the panels, the filters and the label keys show it immediately. Renaming
recodes every row that uses the code; merging moves them; deleting a code in use asks where its rows go (an
inline question, not a modal box: the keys keep working). "Where used" lists the rows coded with a code and opens
one in the main window.

Keys (also on the buttons): Insert adds, F2 edits the name, Delete deletes, Ctrl+M merges, Ctrl+U lists where a
code is used, Alt+Up / Alt+Down reorder, Ctrl+Tab / Ctrl+Shift+Tab change section, Ctrl+Z / Ctrl+Shift+Z undo and
redo; Enter in a field saves it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Change
from annotator.core.codebook import (
    DEFAULT_COLOR,
    ActorType,
    Code,
    Codebook,
    Issue,
    Label,
    Section,
    StanceLevel,
    Variable,
    VariableType,
)
from annotator.core.codebook_edit import MergeReport, add, free_name, items, move, update
from annotator.core.errors import AnnotatorError
from annotator.store.repository import Repository

#: The tabs, in order, with their titles.
SECTIONS: tuple[tuple[Section, str], ...] = (
    (Section.LABEL, "Labels"),
    (Section.KIND, "Claim kinds"),
    (Section.FORM, "Claim forms"),
    (Section.STANCE, "Stances"),
    (Section.ISSUE, "Issues"),
    (Section.VARIABLE, "Variables"),
)
#: How many rows "Where used" lists (the count says how many there are).
WHERE_USED_LIMIT = 200
NAME_ROLE = Qt.ItemDataRole.UserRole + 1

#: ``apply(text, mutation)``: run one repository mutation as an undoable decision (``DecisionStack.decide``).
Apply = Callable[[str, Callable[[], Change]], Change | None]


def _swatch(color: str) -> QIcon:
    pixmap = QPixmap(14, 14)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


def _keywords(text: str) -> tuple[str, ...]:
    """Keywords typed as ``net zero; emission target`` (semicolons or commas)."""
    parts = text.replace(";", ",").split(",")
    return tuple(dict.fromkeys(p.strip() for p in parts if p.strip()))


class SectionPage(QWidget):
    """One section of the codebook: the list (a tree for issues), the fields of the selected code, the actions."""

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

        self.name = QLineEdit()
        self.name.setObjectName("name")
        self.description = QLineEdit()
        self.description.setObjectName("description")
        self.color = QLineEdit()
        self.color.setObjectName("color")
        self.color.setPlaceholderText("#1f77b4")
        self.color_button = QPushButton("Choose…")
        self.color_button.setAutoDefault(False)  # Enter in a field saves it; it must not open the colour dialog
        self.actor = QComboBox()
        self.actor.setObjectName("actor")
        self.actor.addItem("(not an actor)", None)
        for kind in ActorType:
            self.actor.addItem(kind.value, kind)
        self.keywords = QLineEdit()
        self.keywords.setObjectName("keywords")
        self.keywords.setPlaceholderText("net zero; emission target")
        self.value = QLabel()
        self.var_type = QComboBox()
        self.var_type.setObjectName("type")
        for var_type in VariableType:
            self.var_type.addItem(var_type.value, var_type)
        self.choices = QLineEdit()
        self.choices.setObjectName("choices")
        self.choices.setPlaceholderText("low; medium; high")

        form = QFormLayout()
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

        self.buttons: dict[str, QPushButton] = {}
        actions = [("add", "Add (Ins)"), ("up", "Up (Alt+↑)"), ("down", "Down (Alt+↓)"), ("merge", "Merge… (Ctrl+M)"),
                   ("delete", "Delete… (Del)"), ("where", "Where used (Ctrl+U)")]
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

        self.question = QFrame()
        self.question.setObjectName("question")
        self.question.setFrameShape(QFrame.Shape.StyledPanel)
        self.question_text = QLabel()
        self.question_text.setWordWrap(True)
        self.target = QComboBox()
        self.target.setObjectName("target")
        self.confirm = QPushButton()
        self.confirm.setObjectName("confirm")
        self.clear_rows = QPushButton("Delete and clear it from the claims")
        self.clear_rows.setObjectName("clear")
        self.cancel = QPushButton("Cancel (Esc)")
        for button in (self.confirm, self.clear_rows, self.cancel):
            button.setAutoDefault(False)
        q_layout = QVBoxLayout(self.question)
        q_layout.addWidget(self.question_text)
        q_row = QHBoxLayout()
        q_row.addWidget(self.target, 1)
        q_row.addWidget(self.confirm)
        q_row.addWidget(self.clear_rows)
        q_row.addWidget(self.cancel)
        q_layout.addLayout(q_row)
        self.question.hide()
        self._pending: tuple[str, str] | None = None  # ("merge" | "delete", code)

        self.uses_title = QLabel()
        self.uses = QListWidget()
        self.uses.setObjectName("whereUsed")
        self.uses_title.hide()
        self.uses.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 3)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.question)
        layout.addWidget(self.uses_title)
        layout.addWidget(self.uses, 2)

        self.name.editingFinished.connect(self._rename)
        for edit in (self.description, self.color, self.keywords, self.choices):
            edit.editingFinished.connect(self._save_fields)
        self.actor.activated.connect(lambda _i: self._save_fields())
        self.var_type.activated.connect(lambda _i: self._save_fields())
        self.color_button.clicked.connect(self._choose_color)
        self.buttons["add"].clicked.connect(lambda: self.add_code(child=False))
        if "add_child" in self.buttons:
            self.buttons["add_child"].clicked.connect(lambda: self.add_code(child=True))
        self.buttons["up"].clicked.connect(lambda: self.move_current(-1))
        self.buttons["down"].clicked.connect(lambda: self.move_current(1))
        self.buttons["merge"].clicked.connect(lambda: self.ask("merge"))
        self.buttons["delete"].clicked.connect(lambda: self.ask("delete"))
        self.buttons["where"].clicked.connect(self.show_where_used)
        self.confirm.clicked.connect(self._answer)
        self.clear_rows.clicked.connect(lambda: self._answer(clear=True))
        self.cancel.clicked.connect(self.close_question)
        self.uses.itemActivated.connect(self._open_use)
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
                name = item.name
                description = getattr(item, "description", "")
                if isinstance(item, StanceLevel):
                    description = f"value {item.value:+d}"
                node = self._row(self.tree, name, description)
                if isinstance(item, Label):
                    node.setIcon(0, _swatch(item.color))
                chosen = node if name == wanted else chosen
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
        node.setText(1, str(used) if used else "")
        node.setText(2, description)
        return node

    def _item(self, name: str | None) -> Any:
        if name is None:
            return None
        if self.section == Section.ISSUE:
            return self.book.issue(name)
        return next((x for x in items(self.book, self.section) if x.name == name), None)

    def _show_current(self) -> None:
        item = self._item(self.current_name())
        edits = (self.name, self.description, self.color, self.keywords, self.choices)
        for edit in edits:
            edit.blockSignals(True)
        try:
            editable = item is not None
            for widget in (*edits, self.actor, self.var_type, self.color_button):
                widget.setEnabled(editable)
            for key in ("up", "down", "merge", "delete", "where"):
                self.buttons[key].setEnabled(editable)
            if item is None:
                for edit in (self.name, self.description, self.color, self.keywords, self.choices):
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
                # A type change would leave the stored values of the other type behind.
                self.var_type.setEnabled(self._counts.get(item.name, 0) == 0)
        finally:
            for edit in edits:
                edit.blockSignals(False)

    # ------------------------------------------------------------------ edits
    def add_code(self, child: bool = False) -> None:
        """A new code with a placeholder name, selected, its name field focused for typing the real one."""
        book = self.book
        parent = self.current_name() if child else None
        section = self.section
        if section == Section.LABEL:
            item: Any = Label(free_name(book, section, "NEW"), DEFAULT_COLOR)
        elif section in (Section.KIND, Section.FORM):
            item = Code(free_name(book, section, "new"))
        elif section == Section.STANCE:
            value = max(book.stance_values, default=-1) + 1
            item = StanceLevel(value, free_name(book, section, f"stance {value:+d}"))
        elif section == Section.ISSUE:
            base = f"{parent}/new issue" if parent else "new issue"
            item = Issue(free_name(book, section, base))
        else:
            item = Variable(free_name(book, section, "new variable"), VariableType.TEXT)
        name = item.code if isinstance(item, Issue) else item.name
        if self.editor.save(f"Add {section.value} {name}", add(book, section, item, parent), select=(section, name)):
            self.name.setFocus()
            self.name.selectAll()

    def _rename(self) -> None:
        old = self.current_name()
        new = self.name.text().strip()
        if old is None or not new or new == old:
            return
        self.editor.apply(
            f"Rename {self.section.value} {old} to {new}",
            lambda: self.editor.repo.rename_code(self.section, old, new, self.editor.annotator),
            select=(self.section, new),
        )

    def _current_fields(self, item: Any) -> Any:
        description = self.description.text().strip()
        if isinstance(item, Label):
            color = self.color.text().strip() or item.color
            return replace(item, color=color, description=description, actor=self.actor.currentData())
        if isinstance(item, Code):
            return replace(item, description=description)
        if isinstance(item, Issue):
            return replace(item, description=description, keywords=_keywords(self.keywords.text()))
        if isinstance(item, Variable):
            kind = self.var_type.currentData()
            choices = _keywords(self.choices.text()) if kind == VariableType.CHOICE else ()
            if kind == VariableType.CHOICE and not choices:
                choices = item.choices or ("yes",)
            return replace(item, type=kind, choices=choices, description=description)
        return item

    def _save_fields(self) -> None:
        name = self.current_name()
        item = self._item(name)
        if item is None or name is None:
            return
        changed = self._current_fields(item)
        if changed == item:
            return
        self.editor.save(f"Edit {self.section.value} {name}", update(self.book, self.section, name, changed),
                         select=(self.section, name))

    def _choose_color(self) -> None:
        # A non-modal colour dialog, so the window and its keys stay alive while it is open.
        dialog = QColorDialog(QColor(self.color.text() or DEFAULT_COLOR), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.colorSelected.connect(self._color_chosen)
        dialog.open()

    def _color_chosen(self, color: QColor) -> None:
        self.color.setText(color.name())
        self._save_fields()

    def move_current(self, delta: int) -> None:
        name = self.current_name()
        if name is not None:
            self.editor.save(f"Move {self.section.value} {name}", move(self.book, self.section, name, delta),
                             select=(self.section, name))

    # ------------------------------------------------------------------ merge and delete: the inline question
    def ask(self, what: str) -> None:
        name = self.current_name()
        if name is None:
            return
        others = [n for n in self.book.names(self.section) if n != name]
        used = self._counts.get(name, 0)
        rows = "mention" if self.section == Section.LABEL else "claim"
        uses = f"{used} {rows}{'s' if used != 1 else ''}"
        if what == "delete" and used == 0:
            self.editor.apply(
                f"Delete {self.section.value} {name}",
                lambda: self.editor.repo.delete_code(self.section, name, self.editor.annotator),
            )
            return
        if what == "merge" and self.section == Section.VARIABLE:
            self.editor.message("Variables cannot be merged; rename or delete one instead.")
            return
        self._pending = (what, name)
        self.target.clear()
        for other in others:
            self.target.addItem(other, other)
        if what == "merge":
            self.question_text.setText(f"Merge the {self.section.value} “{name}” ({uses}) into:")
            self.confirm.setText("Merge (Enter)")
        else:
            self.question_text.setText(f"The {self.section.value} “{name}” is used by {uses}. Move them to:")
            self.confirm.setText("Move and delete (Enter)")
        self.confirm.setEnabled(bool(others))
        self.clear_rows.setVisible(what == "delete" and self.section != Section.LABEL)
        self.question.show()
        self.confirm.setDefault(True)
        self.target.setFocus()

    def close_question(self) -> None:
        self._pending = None
        self.confirm.setDefault(False)
        self.question.hide()
        self.tree.setFocus()

    def _answer(self, clear: bool = False) -> None:
        if self._pending is None:
            return
        what, name = self._pending
        target = self.target.currentData()
        repo, annotator, section = self.editor.repo, self.editor.annotator, self.section
        self.close_question()
        if what == "merge":
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
        if name is None:
            return
        repo = self.editor.repo
        total = repo.code_usage(self.section, name)
        uses = repo.where_used(self.section, name, limit=WHERE_USED_LIMIT)
        self.uses.clear()
        for use in uses:
            title = repo.article(use.article_id).title or use.article_id
            if use.table == "entity":
                row = repo.entity(use.row_id)
                what = f"mention “{row.text}”"
            else:
                claim = repo.claim(use.row_id)
                what = f"claim “{(claim.content.text if claim.content else claim.cue.text if claim.cue else '')[:80]}”"
            entry = QListWidgetItem(f"{title} — {what} · {row.layer if use.table == 'entity' else claim.layer}")
            entry.setData(NAME_ROLE, (use.article_id, use.table, use.row_id))
            self.uses.addItem(entry)
        more = f" (the first {WHERE_USED_LIMIT} listed)" if total > WHERE_USED_LIMIT else ""
        self.uses_title.setText(f"“{name}” is used by {total} rows{more}. Enter opens one.")
        self.uses_title.show()
        self.uses.show()
        if self.uses.count():
            self.uses.setCurrentRow(0)
            self.uses.setFocus()

    def _open_use(self, entry: QListWidgetItem) -> None:
        article_id, table, row_id = entry.data(NAME_ROLE)
        self.editor.openRequested.emit(str(article_id), str(table), int(row_id))


class CodebookEditor(QDialog):
    """The codebook editor of one project (non-modal: the article stays usable beside it).

    Args:
        repo: the open project.
        annotator: who edits (the audit log names them).
        apply: runs a mutation as an undoable decision (the workspace's ``DecisionStack.decide``).
        undo / redo: the window's undo and redo (Ctrl+Z / Ctrl+Shift+Z work in the editor too).
        parent: the main window.

    Signals:
        openRequested(str, str, int): "Where used" asks to open an article at an entity or claim row.
    """

    openRequested = Signal(str, str, int)

    def __init__(
        self,
        repo: Repository,
        annotator: str,
        apply: Apply,
        parent: QWidget | None = None,
        *,
        undo: Callable[[], None] | None = None,
        redo: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self._undo, self._redo = undo, redo
        self.setObjectName("codebookEditor")
        self.setWindowTitle("Codebook")
        self.repo = repo
        self.annotator = annotator
        self._apply = apply
        self.codebook = repo.codebook()
        self.tabs = QTabWidget(self)
        self.pages: dict[Section, SectionPage] = {}
        for section, title in SECTIONS:
            page = SectionPage(self, section)
            self.pages[section] = page
            self.tabs.addTab(page, title)
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        import_button = close.addButton("Import file…", QDialogButtonBox.ButtonRole.ActionRole)
        export_button = close.addButton("Export file…", QDialogButtonBox.ButtonRole.ActionRole)
        import_button.setToolTip("Merge a codebook file by name: new codes are added, existing ones updated")
        import_button.clicked.connect(lambda: self._choose_file(save=False))
        export_button.clicked.connect(lambda: self._choose_file(save=True))
        for button in close.buttons():
            # Enter saves the field it is typed in; only Esc or the button close the editor.
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.resize(820, 680)
        self._shortcuts()
        self.reload()

    def _shortcuts(self) -> None:
        bindings: list[tuple[str, Callable[[], None]]] = [
            ("Insert", lambda: self.page().add_code()),
            ("Ctrl+N", lambda: self.page().add_code()),
            ("F2", self._focus_name),
            ("Delete", lambda: self._on_list(lambda p: p.ask("delete"))),
            ("Ctrl+M", lambda: self.page().ask("merge")),
            ("Ctrl+U", lambda: self.page().show_where_used()),
            ("Alt+Up", lambda: self.page().move_current(-1)),
            ("Alt+Down", lambda: self.page().move_current(1)),
        ]
        if self._undo is not None and self._redo is not None:
            bindings += [("Ctrl+Z", self._undo), ("Ctrl+Shift+Z", self._redo), ("Ctrl+Y", self._redo)]
        for key, slot in bindings:
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    def _on_list(self, action: Callable[[SectionPage], None]) -> None:
        # Delete in a text field deletes text; only on the list does it delete the code.
        page = self.page()
        if self.focusWidget() is page.tree:
            action(page)

    def _focus_name(self) -> None:
        page = self.page()
        page.name.setFocus()
        page.name.selectAll()

    def keyPressEvent(self, event: Any) -> None:
        if event.key() == Qt.Key.Key_Escape and self.page().question.isVisible():
            self.page().close_question()  # Esc closes the question, not the editor
            return
        super().keyPressEvent(event)

    def page(self) -> SectionPage:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, SectionPage)
        return widget

    def show_section(self, section: Section) -> None:
        self.tabs.setCurrentWidget(self.pages[section])

    def reload(self, select: tuple[Section, str] | None = None) -> None:
        """Show the stored codebook (after an edit here, an undo in the window, or another instance's edit)."""
        self.codebook = self.repo.codebook()
        for section, page in self.pages.items():
            page.reload(select[1] if select is not None and select[0] == section else None)

    def message(self, text: str) -> None:
        self.status.setText(text)

    def apply(self, text: str, mutation: Callable[[], Change], select: tuple[Section, str] | None = None) -> bool:
        """Run one mutation as an undoable decision; refusals are shown here and nothing changes."""
        errors: list[str] = []

        def guarded() -> Change:
            try:
                return mutation()
            except Exception as exc:  # shown in the editor; the decision stack reports it as well
                errors.append(str(exc))
                raise

        change = self._apply(text, guarded)
        if change is None:
            self.message(f"{text}: {errors[0] if errors else 'refused'}")
            self.reload()
            return False
        self.message(f"{text}: saved (Ctrl+Z in the main window undoes it).")
        self.reload(select)
        return True

    def _choose_file(self, save: bool) -> None:
        dialog = QFileDialog(self, "Export the codebook" if save else "Import a codebook", "",
                             "Codebook files (*.json);;All files (*)")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave if save else QFileDialog.AcceptMode.AcceptOpen)
        if save:
            dialog.setDefaultSuffix("json")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.export_file if save else self.import_file)
        dialog.open()

    def import_file(self, path: str) -> bool:
        """Merge a codebook file into the project's by name (one undoable step); a bad file changes nothing."""
        from annotator.jobs.projects import load_codebook

        try:
            incoming = load_codebook(path)
        except AnnotatorError as exc:
            self.message(str(exc))
            return False
        reports: list[MergeReport] = []

        def merge() -> Change:
            change, report = self.repo.merge_codebook(incoming, self.annotator)
            reports.append(report)
            return change

        if not self.apply(f"Import the codebook {path}", merge):
            return False
        lines = reports[0].lines() if reports else []
        self.message(f"Imported {path}: " + ("; ".join(lines) if lines else "nothing new") + ". Ctrl+Z undoes it.")
        return True

    def export_file(self, path: str) -> bool:
        from annotator.jobs.projects import export_codebook

        try:
            export_codebook(self.repo, path)
        except AnnotatorError as exc:
            self.message(str(exc))
            return False
        self.message(f"Exported the codebook to {path}.")
        return True

    def save(self, text: str, book: Codebook, select: tuple[Section, str] | None = None) -> bool:
        """Store an edited codebook (nothing recoded: additions, colours, descriptions, keywords, order)."""
        return self.apply(text, lambda: self.repo.replace_codebook(book, self.annotator), select)
