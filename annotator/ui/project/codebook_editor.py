"""Project › Codebook…: the editor of the project's codebook, one tab per section, usable from the keyboard.

Every edit is saved at once as one undoable decision on the workspace's undo stack (Ctrl+Z in the main window
undoes it too), so the open article, the panels, the filters and the label keys show it immediately. Renaming
recodes every row that uses the code; merging moves them; deleting a code in use asks where its rows go (an
inline question, not a modal box: the keys keep working). "Where used" lists the rows coded with a code and opens
one in the main window. A codebook file can be imported (merged by name) and exported.

The editor is this dialog (tabs, keys, running edits, files); each tab is a
:class:`~annotator.ui.project.codebook_page.SectionPage` with its list, its fields
(:mod:`~annotator.ui.project.codebook_fields`), its question (:mod:`~annotator.ui.project.codebook_question`)
and its "Where used" list (:mod:`~annotator.ui.project.codebook_where_used`).

Keys (also on the buttons): Insert adds, F2 edits the name, Delete deletes, Ctrl+M merges, Ctrl+U lists where a
code is used, Alt+Up / Alt+Down reorder, Ctrl+Tab / Ctrl+Shift+Tab change section, Ctrl+Z / Ctrl+Shift+Z undo and
redo; Enter in a field saves it. On a team server only admins change the codebook: for the others the editor
shows it read only (with "Where used").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from annotator.core.changes import Change
from annotator.core.codebook import Codebook, Section
from annotator.core.codebook_edit import SECTION_TITLES, MergeReport
from annotator.core.errors import AnnotatorError
from annotator.core.records import AnnotatorRole
from annotator.store.repository import Repository
from annotator.ui.project.codebook_page import SectionPage

#: ``apply(text, mutation)``: run one repository mutation as an undoable decision (``DecisionStack.decide``).
Apply = Callable[[str, Callable[[], Change]], Change | None]


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
        for section in Section:
            page = SectionPage(self, section)
            self.pages[section] = page
            self.tabs.addTab(page, SECTION_TITLES[section])
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.close)
        self.import_button = self.buttons.addButton("Import file…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button = self.buttons.addButton("Export file…", QDialogButtonBox.ButtonRole.ActionRole)
        self.import_button.setObjectName("importFile")
        self.export_button.setObjectName("exportFile")
        self.import_button.setToolTip("Merge a codebook file by name: new codes are added, existing ones updated")
        self.import_button.clicked.connect(lambda: self._choose_file(save=False))
        self.export_button.clicked.connect(lambda: self._choose_file(save=True))
        for button in self.buttons.buttons():
            # Enter saves the field it is typed in; only Esc or the button close the editor.
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(820, 680)
        self.read_only = self._is_read_only()
        self._shortcuts()
        self.reload()
        if self.read_only:
            for page in self.pages.values():
                page.set_read_only(True)
            self.import_button.setVisible(False)
            self.message("Read only: on the team server only an admin changes the codebook. "
                         "Where used (Ctrl+U) still lists the rows of a code.")

    def _is_read_only(self) -> bool:
        identity = self.repo.team_identity()
        return identity is not None and identity[1] != AnnotatorRole.ADMIN.value

    def _shortcuts(self) -> None:
        bindings: list[tuple[str, Callable[[], None]]] = [("Ctrl+U", lambda: self.page().show_where_used())]
        if not self.read_only:
            bindings += [
                ("Insert", lambda: self.page().add_code()),
                ("Ctrl+N", lambda: self.page().add_code()),
                ("F2", lambda: self.page().fields.focus_name()),
                ("Delete", lambda: self._on_list(lambda p: p.ask("delete"))),
                ("Ctrl+M", lambda: self.page().ask("merge")),
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

    def save(self, text: str, book: Codebook, select: tuple[Section, str] | None = None) -> bool:
        """Store an edited codebook (nothing recoded: additions, colours, descriptions, keywords, order)."""
        return self.apply(text, lambda: self.repo.replace_codebook(book, self.annotator), select)

    # ------------------------------------------------------------------ codebook files
    def _choose_file(self, save: bool) -> None:
        dialog = QFileDialog(self, "Export the codebook" if save else "Import a codebook", "",
                             "Codebook files (*.json);;All files (*)")
        dialog.setObjectName("codebookFileDialog")
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
