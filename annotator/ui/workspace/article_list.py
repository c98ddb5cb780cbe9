"""The article list: a lazy Qt model over ``Repository.article_summaries`` and its filter bar.

Like Anki's browser, the model is thin: it asks the repository for one page of rows at a time (``fetchMore``), so
100,000 articles open as fast as 100. Filtering is done by the database (text, status, label), never by a proxy that
would need every row in memory.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import StorageError
from annotator.core.records import ArticleStatus, ArticleSummary
from annotator.store.repository import Repository
from annotator.ui.shared import icons, plain_text
from annotator.ui.shared.colors import GOLD, POSITIVE
from annotator.ui.shared.db_worker import DatabaseWorker
from annotator.ui.shared.icons import static_icon
from annotator.ui.shared.panel_table import fitted_width, quiet_header
from annotator.ui.shared.row_table_model import ID_ROLE, Index, row_at

log = logging.getLogger(__name__)

#: Rows per page (about 30 show at 900 pixels). Each page also counts its rows' entities, claims and open
#: suggestions, so a page costs every filter; 100 would halve that (about 5 ms at a million articles), but the
#: window's start reads a damaged database's first 200 rows and refuses it there (tests/gui/window/test_shell_app).
PAGE = 200
MAX_PAGES_TO_FIND = 10
#: Delay before a decided article's row re-reads its counts (see ArticleListModel.schedule_refresh).
REFRESH_DELAY_MS = 100

STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    ArticleStatus.TODO: ("fa5.circle", "#9e9e9e", "to do"),
    ArticleStatus.IN_PROGRESS: ("fa5s.adjust", "#e08a00", "in progress"),
    ArticleStatus.DONE: ("fa5s.check-circle", POSITIVE.name(), "done"),
    ArticleStatus.SKIPPED: ("fa5s.forward", "#757575", "skipped"),
    ArticleStatus.REVIEWED: ("fa5s.award", GOLD.name(), "reviewed"),
}


class ArticleListModel(QAbstractTableModel):
    """Article summaries fetched page by page for one annotator and one filter.

    Args:
        worker: where a decided article's row is re-read (the window's database thread, so the GUI thread never
            waits for that read while a suggestion run writes); None: on the GUI thread.

    Signals:
        failed(str): a page a view asked for could not be read (a damaged database); the message says why.
    """

    HEADERS = ("", "Title", "Date", "Ent / Cl", "Open")
    failed = Signal(str)

    def __init__(
        self, repo: Repository, annotator: str, parent: QObject | None = None, worker: DatabaseWorker | None = None
    ) -> None:
        super().__init__(parent)
        self._repo = repo
        self._worker = worker
        self._annotator = annotator
        self._filter: dict[str, Any] = {"text": "", "status": None, "label": None}
        self._rows: list[ArticleSummary] = []
        self._row_of: dict[str, int] = {}
        self._exhausted = False
        self._icons: dict[str, QIcon] = {}
        self._pending_refresh: set[str] = set()
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self._flush_refresh)
        #: Set by the view: whether it shows the end of the loaded rows (None: always). Qt asks for more rows
        #: whenever a scroll bar is at its end, which it also is while a view is first laid out (both 0), and
        #: its header views ask too: without this, the first page was followed by a second before first paint.
        self.view_wants_more: Callable[[], bool] | None = None

    # ------------------------------------------------------------------ Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """Qt's question: more rows exist and the view shows the last loaded one (see ``view_wants_more``)."""
        return self.has_more(parent) and (self.view_wants_more is None or self.view_wants_more())

    def has_more(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        """Whether rows beyond those loaded may match the filter."""
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        """The next page, when a view asks for it (scrolling, a layout pass).

        Qt calls this from inside its own event handling, where an exception would be printed and lost: a
        damaged database is reported by ``failed`` instead (and the list stops asking for more).
        """
        if parent.isValid() or self._exhausted:
            return
        try:
            self.fetch_page()
        except StorageError as exc:
            self._exhausted = True
            log.error("reading the article list failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.failed.emit(f"The article list could not be read: {exc}")

    def fetch_page(self) -> None:
        """Read the next page now; a damaged database raises (StorageError) to the caller.

        The first page of each listing is read this way, by our own code (the panel's start, :meth:`reload`),
        never left to Qt's :meth:`fetchMore`: the window's start then fails with the explanation, whatever
        order its parts are built in.
        """
        if self._exhausted:
            return
        page = self._repo.article_summaries(
            annotator=self._annotator, offset=len(self._rows), limit=PAGE, **self._filter
        )
        if len(page) < PAGE:
            self._exhausted = True
        if not page:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
        for i, summary in enumerate(page):
            self._row_of[summary.id] = first + i
        self._rows.extend(page)
        self.endInsertRows()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return ("Your status", "Title", "Date", "Entity mentions / claims", "Suggestions to decide")[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = row_at(self._rows, index)
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return None
            return (
                None,
                row.title or row.file or row.id,
                row.date or "",
                f"{row.n_entities} / {row.n_claims}",
                row.n_suggested or "",
            )[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icon(row.status)
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and row.near_duplicate_of:
            return self._near_duplicate_icon()
        if role == Qt.ItemDataRole.ToolTipRole:
            status = STATUS_STYLE.get(row.status, ("", "", row.status))[2]
            near = f"\nnear-duplicate of article {row.near_duplicate_of}" if row.near_duplicate_of else ""
            return plain_text.tooltip(
                f"{row.title}\n{row.source} · {row.date or 'no date'} · {row.file}\nstatus: {status} · "
                f"{row.n_entities} mentions, {row.n_claims} claims, {row.n_suggested} suggestions to decide{near}"
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return row.id
        return None

    # ------------------------------------------------------------------ our API
    def set_filter(self, text: str = "", status: str | None = None, label: str | None = None) -> None:
        """Start over with a new filter; the first page is fetched at once."""
        self._filter = {**self._filter, "text": text, "status": status, "label": label}
        self.reload()

    def set_review_queue(self, on: bool) -> None:
        """Review mode: list only the articles ready for review (their required annotators are done)."""
        if bool(self._filter.get("ready_for_review", False)) == on:
            return  # the window sets the mode once as it starts: the first page is already there
        self._filter = {**self._filter, "ready_for_review": on}
        self.reload()

    def set_annotator(self, annotator: str) -> None:
        self._annotator = annotator
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._row_of = {}
        self._exhausted = False
        self.endResetModel()
        self.fetch_page()

    @property
    def refresh_pending(self) -> bool:
        """Whether rows of decided articles wait to be re-read (:meth:`schedule_refresh`)."""
        return self._refresh_timer.isActive()

    def schedule_refresh(self, article_id: str) -> None:
        """Refresh an article's row shortly, outside the key press that changed it.

        The counts in the list are secondary to the text and panels the analyst is looking at; re-reading them
        after the key press is handled keeps decisions fast, and a burst of decisions refreshes the row once.
        """
        self._pending_refresh.add(article_id)
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _flush_refresh(self) -> None:
        pending, self._pending_refresh = self._pending_refresh, set()
        for article_id in pending:
            self.refresh_article(article_id)

    def refresh_article(self, article_id: str) -> None:
        """Re-read one article's row (its counts or status changed); other rows stay as they are.

        The row is re-read at its own offset (one row, not a page): this runs after every decision. With a
        worker the read runs there and the row is updated when it comes back.
        """
        row = self._row_of.get(article_id)
        if row is None or (self._worker is not None and self._worker.closed):
            return  # not listed, or the window is closing
        repo, annotator, where = self._repo, self._annotator, dict(self._filter)

        def read() -> list[ArticleSummary]:
            return repo.article_summaries(annotator=annotator, offset=row, limit=1, **where)

        def put(fresh: list[ArticleSummary]) -> None:
            if annotator != self._annotator or where != self._filter or self._row_of.get(article_id) != row:
                return  # the list was reloaded meanwhile: it read the row afresh
            if not fresh or fresh[0].id != article_id:
                return  # it no longer matches the filter (or moved): keep the row until the filter is applied again
            self._rows[row] = fresh[0]
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

        if self._worker is None:
            put(read())
            return

        def failed(exc: BaseException) -> None:  # the counts are secondary: the row keeps its old ones
            log.error("re-reading the list row of %s failed", article_id, exc_info=(type(exc), exc, exc.__traceback__))

        self._worker.submit(read, put, failed)

    def row_of(self, article_id: str) -> int | None:
        return self._row_of.get(article_id)

    def article_id(self, row: int) -> str | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def summary(self, row: int) -> ArticleSummary | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def _icon(self, status: str) -> QIcon:
        if not icons.loaded():
            return icons.placeholder()  # the glyph is drawn once the icons are loaded (icons.repaint_when_loaded)
        icon = self._icons.get(status)
        if icon is None:
            name, color, _ = STATUS_STYLE.get(status, ("fa5.circle", "#9e9e9e", status))
            icon = self._icons[status] = static_icon(name, QColor(color))
        return icon

    def _near_duplicate_icon(self) -> QIcon:
        # Marks an article imported with --keep-near-duplicates (or "Keep near-duplicates" in File › Import).
        if not icons.loaded():
            return icons.placeholder()
        icon = self._icons.get("near-duplicate")
        if icon is None:
            icon = self._icons["near-duplicate"] = static_icon("fa5.clone", QColor("#8a5300"))
        return icon


#: Narrowest title column before other columns are hidden to make room (about 22 average characters).
MIN_TITLE_WIDTH = 170


class ArticleListPanel(QWidget):
    """Filter bar (text, status, label) above the list.

    Signals:
        articleActivated(str): the user picked an article (click or Enter).
    """

    articleActivated = Signal(str)

    def __init__(
        self,
        repo: Repository,
        annotator: str,
        labels: list[str],
        parent: QWidget | None = None,
        worker: DatabaseWorker | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = ArticleListModel(repo, annotator, self, worker)
        self.filter_text = QLineEdit()
        self.filter_text.setPlaceholderText("Filter: title or text…  (Ctrl+F)")
        self.filter_text.setClearButtonEnabled(True)
        search = self.filter_text.addAction(icons.placeholder(), QLineEdit.ActionPosition.LeadingPosition)
        icons.set_icon_after_first_paint(self.filter_text, search.setIcon, "fa5s.search", "#777")
        self.filter_status = QComboBox()
        self.filter_status.addItem("Any status", None)
        for status, (_icon, _color, name) in STATUS_STYLE.items():
            self.filter_status.addItem(name, str(status))
        self.filter_label = QComboBox()
        self.set_labels(labels)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        icons.repaint_when_loaded(self.table)
        self.model.view_wants_more = self._shows_last_row
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        quiet_header(header)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(20)
        # Widths from the font in use (the app sets a larger one than Qt's default), so nothing is cut off.
        self._widths: dict[int, int] = {}
        for column, sample, extra in ((0, "", 24), (2, "2015-11-17", 0), (3, "999 / 99", 0), (4, "999", 0)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            self._widths[column] = fitted_width(self.table, self.model.HEADERS[column], sample) + extra
            self.table.setColumnWidth(column, self._widths[column])
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        filters = QHBoxLayout()
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.filter_status, 1)
        filters.addWidget(self.filter_label, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.filter_text)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        # Typing filters after a short pause, so each key press does not run a query over 100,000 articles.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(180)
        self._debounce.timeout.connect(self.apply_filter)
        self.filter_text.textChanged.connect(lambda _text: self._debounce.start())
        self.filter_text.returnPressed.connect(self.apply_filter)
        self.filter_status.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.filter_label.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.table.clicked.connect(self._on_activated)
        self.table.activated.connect(self._on_activated)
        self.model.fetch_page()

    def _shows_last_row(self) -> bool:
        """Whether the list shows its last loaded row (scrolled to the end, or all rows fit)."""
        bar = self.table.verticalScrollBar()
        if bar.maximum() > 0:
            return bar.value() >= bar.maximum()
        rows = self.model.rowCount()
        if rows == 0:
            return True
        last = self.table.visualRect(self.model.index(rows - 1, 0))
        return not last.isValid() or self.table.viewport().rect().intersects(last)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the title room first: on a narrow list the date, then the counts step aside (issue 15, point 27).

        Their values stay in each row's tooltip, and widening the list (the splitter) brings them back.
        """
        available = self.table.viewport().width() - self._widths[0]
        for column in (2, 4, 3):  # the order in which columns step aside, the last first
            self.table.setColumnHidden(column, False)
        for column in (2, 4, 3):
            shown = sum(w for c, w in self._widths.items() if c != 0 and not self.table.isColumnHidden(c))
            if available - shown >= MIN_TITLE_WIDTH:
                break
            self.table.setColumnHidden(column, True)

    def set_labels(self, labels: list[str]) -> None:
        """Offer the codebook's labels in the label filter; a renamed label stays chosen under its new name."""
        chosen = self.filter_label.currentData()
        self.filter_label.blockSignals(True)
        self.filter_label.clear()
        self.filter_label.addItem("Any label", None)
        for label in labels:
            self.filter_label.addItem(label, label)
        index = self.filter_label.findData(chosen) if chosen is not None else 0
        self.filter_label.setCurrentIndex(max(0, index))
        self.filter_label.blockSignals(False)
        if chosen is not None and index < 0:
            self.apply_filter()  # the chosen label is gone: filter by none rather than by a missing one

    def apply_filter(self) -> None:
        """Query the database with the current filter (keeps the current article selected if it matches)."""
        self._debounce.stop()
        current = self.current_id()
        self.model.set_filter(
            self.filter_text.text().strip(), self.filter_status.currentData(), self.filter_label.currentData()
        )
        if current is not None:
            # Only among the rows just loaded: paging on to find an article that may not even match the filter
            # would run the (full-text) query again per page.
            self.select_article(current, fetch=False)

    def current_id(self) -> str | None:
        index = self.table.currentIndex()
        return self.model.article_id(index.row()) if index.isValid() else None

    def select_article(self, article_id: str, *, fetch: bool = True) -> None:
        """Highlight an article's row (fetching pages until it is loaded when ``fetch``, if it matches the filter)."""
        row = self.model.row_of(article_id)
        pages = 0 if fetch else MAX_PAGES_TO_FIND
        # A few pages at most: on 100,000 articles the one opened may be far down, and paging the whole list
        # to highlight it would cost seconds; the text pane shows it either way.
        while row is None and self.model.has_more() and pages < MAX_PAGES_TO_FIND:
            self.model.fetchMore()
            pages += 1
            row = self.model.row_of(article_id)
        if row is None:
            self.table.clearSelection()
            return
        index = self.model.index(row, 1)
        self.table.setCurrentIndex(index)
        self.table.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        article_id = self.model.article_id(index.row())
        if article_id is not None:
            self.articleActivated.emit(article_id)
