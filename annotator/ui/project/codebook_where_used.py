""""Where used" in the codebook editor: the mentions and claims coded with a code, a page at a time.

Each entry names the article, what the row says and its layer; Enter (or a double click) asks the main window to
open the article at that row. A code used by many rows is listed a page at a time in article order ("Show more"),
so a label of 50,000 mentions opens as fast as one of five.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from annotator.core.codebook import Section
from annotator.core.codebook_edit import rows_text
from annotator.store.repository import Repository

#: Rows listed per page (the title says how many there are in all).
PAGE = 200
_ROW_ROLE = Qt.ItemDataRole.UserRole + 1


class WhereUsed(QWidget):
    """The list of rows coded with one code; hidden until :meth:`show_code`.

    Signals:
        openRequested(str, str, int): article id, "entity" or "claim", row id — open the article at this row.
    """

    openRequested = Signal(str, str, int)

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.repo = repo
        self.title = QLabel()
        self.title.setObjectName("whereUsedTitle")
        self.title.setWordWrap(True)
        self.more = QPushButton(f"Show {PAGE} more")
        self.more.setObjectName("whereUsedMore")
        self.more.setAutoDefault(False)
        self.list = QListWidget()
        self.list.setObjectName("whereUsed")
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.more)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.list, 1)
        self.hide()
        self._code: tuple[Section, str] | None = None
        self._total = 0
        self.more.clicked.connect(self.show_more)
        self.list.itemActivated.connect(self._open)

    def show_code(self, section: Section, name: str) -> None:
        """List the first page of the rows coded with ``name`` and give the list the focus."""
        self._code = (section, name)
        self._total = self.repo.code_usage(section, name)
        self.list.clear()
        self._add_page()
        self.show()
        if self.list.count():
            self.list.setCurrentRow(0)
            self.list.setFocus()

    def show_more(self) -> None:
        """The next page, after the rows already listed (the current row stays)."""
        if self._code is not None:
            first_new = self.list.count()
            self._add_page()
            if self.list.count() > first_new:
                self.list.setCurrentRow(first_new)
                self.list.setFocus()

    def clear_code(self) -> None:
        """Forget the listed code (the codebook changed: its rows may have moved)."""
        self._code = None
        self.list.clear()
        self.hide()

    def _add_page(self) -> None:
        assert self._code is not None
        section, name = self._code
        repo = self.repo
        for use in repo.where_used(section, name, limit=PAGE, offset=self.list.count()):
            title = repo.article(use.article_id).title or use.article_id
            if use.table == "entity":
                entity = repo.entity(use.row_id)
                what, layer = f"mention “{entity.text}”", entity.layer
            else:
                claim = repo.claim(use.row_id)
                role = claim.content or claim.cue
                what, layer = f"claim “{(role.text if role else '')[:80]}”", claim.layer
            entry = QListWidgetItem(f"{title} — {what} · {layer}")
            entry.setData(_ROW_ROLE, (use.article_id, use.table, use.row_id))
            self.list.addItem(entry)
        listed = self.list.count()
        shown = f" ({listed:,} listed)" if listed < self._total else ""
        self.title.setText(f"“{name}” is used by {rows_text(section, self._total)}{shown}. Enter opens one.")
        self.more.setVisible(listed < self._total)

    def _open(self, entry: QListWidgetItem) -> None:
        article_id, table, row_id = entry.data(_ROW_ROLE)
        self.openRequested.emit(str(article_id), str(table), int(row_id))
