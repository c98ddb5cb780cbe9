"""The window's actions: one per row of the shortcut table, in the menus and the toolbar, each run in order.

Every action comes from :data:`annotator.ui.workspace.shortcuts.ACTIONS`; what it does is the window's table of
handlers. A key pressed while a decision is on its way acts once that decision is drawn (``when_idle``); moving on
and accepting or rejecting another suggestion need only the decisions that were not drawn ahead
(``when_settled``, :data:`SETTLED_KEYS`). The keys 1-9 label the current entity with the codebook's first nine
labels and are rebuilt when the codebook changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar, QToolButton

from annotator.ui.shared import icons
from annotator.ui.workspace import shortcuts
from annotator.ui.workspace.decisions import DecisionStack

TOOLBAR = (
    "accept",
    "reject",
    "accept_all",
    None,
    "new_entity",
    "link_actor",
    "new_claim",
    None,
    "undo",
    "redo",
    None,
    "done_next",
    None,
    "import",
    "export",
    "suggest",
    None,
    "review_mode",
    "shortcuts",
)
MENUS = (
    ("&File", shortcuts.FILE),
    ("&Project", shortcuts.PROJECT),
    ("&Navigate", shortcuts.NAV),
    ("&Entities", shortcuts.ENTITY),
    ("&Claims", shortcuts.CLAIM),
    ("&Article", shortcuts.ARTICLE),
    ("&View", shortcuts.VIEW),
)
#: Toolbar actions shown as an icon only: the familiar ones; keeps the toolbar within 1400 px.
ICON_ONLY = ("undo", "redo", "import", "export", "suggest", "shortcuts", "link_actor", "review_mode")
#: Keys that need only the decisions that were not drawn ahead (see ``DecisionStack.when_settled``): they move on,
#: or accept / reject a suggestion (a key on a row still drawn ahead waits for its answer itself).
SETTLED_KEYS = frozenset({"next_suggestion", "prev_suggestion", "next_claim", "prev_claim", "accept", "reject"})


class WindowActions:
    """Builds the menus, the toolbar and the label keys of ``window``.

    Args:
        window: the main window (the actions are window-wide: they work whichever pane has focus).
        handlers: what each action of the shortcut table does, by name.
        decisions: the decision stack the actions wait for.
        relabel: what key ``n`` (1-9) does with the ``n - 1``-th label.

    Attributes:
        by_name: every action by its name (``label_1`` .. ``label_9`` for the label keys).
        recent_menu: File › Open recent.
        toolbar: the decisions toolbar.
    """

    def __init__(
        self,
        window: QMainWindow,
        handlers: dict[str, Callable[[], object]],
        decisions: DecisionStack,
        relabel: Callable[[int], None],
    ) -> None:
        self.window = window
        self.decisions = decisions
        self.relabel = relabel
        self.by_name: dict[str, QAction] = {}
        menus = {group: window.menuBar().addMenu(title) for title, group in MENUS}
        self.label_menu: QMenu | None = None
        self.recent_menu: QMenu | None = None
        for spec in shortcuts.ACTIONS:
            if spec.name == "relabel":
                self.label_menu = menus[shortcuts.ENTITY].addMenu("&Label")
                continue
            action = QAction(spec.text, window)
            if spec.icon:
                # Set once the window is painted (qtawesome's import is a third of the start: see icons).
                icons.set_icon_after_first_paint(window, action.setIcon, spec.icon, "#37474f")
            action.setShortcuts([QKeySequence(key) for key in spec.keys])
            # Window-wide: the keys work whichever pane has focus (line edits still get their typing first).
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(spec.description)
            action.setToolTip(
                f"{spec.text.replace('&', '').rstrip('…')} ({spec.keys[0]})" if spec.keys else spec.description
            )
            when = decisions.when_settled if spec.name in SETTLED_KEYS else decisions.when_idle
            action.triggered.connect(lambda _checked=False, handler=handlers[spec.name], when=when: when(handler))
            if spec.name == "toggle_rejected":
                action.setCheckable(True)
                action.setChecked(True)
            if spec.name == "review_mode":
                action.setCheckable(True)
            menus[spec.group].addAction(action)
            window.addAction(action)
            self.by_name[spec.name] = action
            if spec.name == "open_project":
                self.recent_menu = menus[spec.group].addMenu("Open &recent")
        self.toolbar = self._build_toolbar()

    def _build_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Decisions", self.window)
        toolbar.setObjectName("decisionsToolbar")
        toolbar.setIconSize(QSize(18, 18))
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for entry in TOOLBAR:
            if entry is None:
                toolbar.addSeparator()
            else:
                toolbar.addAction(self.by_name[entry])
        for name in ICON_ONLY:
            widget = toolbar.widgetForAction(self.by_name[name])
            if isinstance(widget, QToolButton):
                widget.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self.window.addToolBar(toolbar)
        #: The toolbar buttons with a text, which a narrow window shows as icons only.
        self._texts = [
            name for name in TOOLBAR if name is not None and isinstance(button := toolbar.widgetForAction(
                self.by_name[name]), QToolButton) and button.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonIconOnly
        ]
        self._full_width = toolbar.sizeHint().width() + 40
        return toolbar

    def fit_toolbar(self, width: int) -> None:
        """Icons only on a window narrower than ``width`` needs, so that no action is cut off (1000 px)."""
        narrow = width < self._full_width
        style = Qt.ToolButtonStyle.ToolButtonIconOnly if narrow else Qt.ToolButtonStyle.ToolButtonTextBesideIcon
        for name in self._texts:
            widget = self.toolbar.widgetForAction(self.by_name[name])
            if isinstance(widget, QToolButton) and widget.toolButtonStyle() != style:
                widget.setToolButtonStyle(style)

    def fill_label_actions(self, labels: list[str], swatch: Callable[[str], QIcon]) -> None:
        """The keys 1-9 for the codebook's first nine labels (again after the codebook changed)."""
        submenu = self.label_menu
        assert submenu is not None
        for index in range(9):
            old = self.by_name.pop(f"label_{index + 1}", None)
            if old is not None:
                self.window.removeAction(old)
                submenu.removeAction(old)
                old.deleteLater()
        for index, label in enumerate(labels[:9]):
            action = QAction(f"{label}", self.window)
            action.setIcon(swatch(label))
            action.setShortcut(QKeySequence(str(index + 1)))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.setStatusTip(f"Label the current entity (or the selection) {label}")
            action.triggered.connect(
                lambda _checked=False, i=index: self.decisions.when_idle(lambda: self.relabel(i))
            )
            submenu.addAction(action)
            self.window.addAction(action)
            self.by_name[f"label_{index + 1}"] = action
