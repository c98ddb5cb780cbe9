"""The network view: the settings of ``annotator network`` as controls, the drawing, a time slider, exports.

Changing a setting rebuilds the network at once (100,000 statements take well under a second); the layout is
computed for the whole date range and kept while the slider steps through the time windows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from annotator.core.actor_levels import ActorLevel
from annotator.core.errors import AnnotatorError
from annotator.networks import (
    NETWORK_FORMATS,
    Network,
    NetworkOptions,
    NetworkType,
    StatementSet,
    WindowOptions,
    build_network,
    build_windows,
    write_network,
)
from annotator.networks.build import ISSUE_PREFIX
from annotator.networks.options import (
    ONE_MODE_AGGREGATIONS,
    ONE_MODE_NORMALIZATIONS,
    TWO_MODE_AGGREGATIONS,
    TWO_MODE_NORMALIZATIONS,
    Duplicates,
    WindowUnit,
    parse_date,
)
from annotator.ui.analysis.network_canvas import NetworkCanvas, legend_html
from annotator.ui.analysis.text import layer_label, plain_tooltip
from annotator.ui.shared.layouts import fill
from annotator.ui.shared.line_edits import date_range_edits

#: Loads the statements of (layer, level) and calls back with them.
StatementLoader = Callable[[str, ActorLevel, Callable[[StatementSet], None]], None]

TYPE_NAMES = ((NetworkType.TWO_MODE, "two-mode: actor × issue"), (NetworkType.ACTOR, "actors through issues"),
              (NetworkType.ISSUE, "issues through actors"))


def _refill(combo: QComboBox, values: Sequence[str]) -> None:
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    for value in values:
        combo.addItem(value, value)
    found = combo.findData(current)
    combo.setCurrentIndex(found if found >= 0 else 0)
    combo.blockSignals(False)


class NetworkPanel(QWidget):
    """Settings, drawing and time slider of one discourse network.

    Signals:
        claimsRequested(list, str): the claim ids behind a clicked node or edge, and what was clicked.
    """

    claimsRequested = Signal(list, str)

    def __init__(self, layers: Sequence[str], loader: StatementLoader, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loader = loader
        self.data: StatementSet | None = None
        self.network: Network | None = None
        self.windows: list[Network] = []
        self._positions: dict[str, tuple[float, float]] = {}
        self.layer = QComboBox()
        for name in layers:
            self.layer.addItem(layer_label(name), name)
        self.type = QComboBox()
        for value, text in TYPE_NAMES:
            self.type.addItem(text, value.value)
        self.aggregation = QComboBox()
        self.normalization = QComboBox()
        self.duplicates = QComboBox()
        for rule in Duplicates:
            self.duplicates.addItem("count all" if rule == Duplicates.ALL else f"once per {rule.value}", rule.value)
        self.level = QComboBox()
        for level, text in ((ActorLevel.ACTOR, "actor"), (ActorLevel.PARENT, "parent actor"),
                            (ActorLevel.MENTION, "mention as written")):
            self.level.addItem(text, level.value)
        self.date_from, self.date_to = date_range_edits()
        self.isolates = QCheckBox("Isolates")
        self.isolates.setToolTip(plain_tooltip("Keep every actor and issue as a node, even without a tie"))
        self.use_windows = QCheckBox("Time windows of")
        self.window_size = QSpinBox()
        self.window_size.setRange(1, 120)
        self.window_size.setValue(3)
        self.window_unit = QComboBox()
        for unit in WindowUnit:
            self.window_unit.addItem(unit.value, unit.value)
        self.window_unit.setCurrentIndex(self.window_unit.findData(WindowUnit.MONTHS.value))
        self.window_step = QSpinBox()
        self.window_step.setRange(1, 120)
        self.window_step.setPrefix("step ")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setPageStep(1)
        self.window_label = QLabel()
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.export_picture = QPushButton("Export picture…")
        self.export_file = QPushButton("Export network…")
        self.reload_button = QPushButton("Reload claims")
        self.canvas = NetworkCanvas(self)
        self._update_choices()
        self._build_layout()
        self._rebuild_timer = QTimer(self)
        self._rebuild_timer.setSingleShot(True)
        self._rebuild_timer.setInterval(200)
        self._rebuild_timer.timeout.connect(self.rebuild)
        for combo in (self.aggregation, self.normalization, self.duplicates, self.window_unit):
            combo.currentIndexChanged.connect(lambda _i: self._rebuild_timer.start())
        self.type.currentIndexChanged.connect(self._on_type)
        for spin in (self.window_size, self.window_step):
            spin.valueChanged.connect(lambda _v: self._rebuild_timer.start())
        for box in (self.isolates, self.use_windows):
            box.toggled.connect(lambda _on: self._rebuild_timer.start())
        for edit in (self.date_from, self.date_to):
            edit.editingFinished.connect(self._rebuild_timer.start)
        self.layer.currentIndexChanged.connect(lambda _i: self.reload())
        self.level.currentIndexChanged.connect(lambda _i: self.reload())
        self.reload_button.clicked.connect(self.reload)
        self.slider.valueChanged.connect(self._show_window)
        self.canvas.nodeClicked.connect(self._node_clicked)
        self.canvas.edgeClicked.connect(self._edge_clicked)
        self.export_picture.clicked.connect(self._ask_export_picture)
        self.export_file.clicked.connect(self._ask_export_file)

    def _build_layout(self) -> None:
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        cells = (
            ("Layer", self.layer), ("Network", self.type), ("Stances", self.aggregation),
            ("Normalise", self.normalization), ("Duplicates", self.duplicates), ("Claimant", self.level),
        )
        for i, (text, widget) in enumerate(cells):
            grid.addWidget(QLabel(text), i // 3, (i % 3) * 2)
            grid.addWidget(widget, i // 3, (i % 3) * 2 + 1)
        for column in (1, 3, 5):
            grid.setColumnStretch(column, 1)
        dates = QHBoxLayout()
        for part in (QLabel("Dates"), self.date_from, self.date_to, self.isolates, self.use_windows,
                     self.window_size, self.window_unit, self.window_step):
            dates.addWidget(part)
        dates.addStretch(1)
        slider = fill(QHBoxLayout(), (self.slider, 2), (self.window_label, 1))
        buttons = fill(QHBoxLayout(), (self.info, 1), self.reload_button, self.export_file, self.export_picture)
        fill(QVBoxLayout(self), grid, dates, (self.canvas, 1), self.legend, slider, buttons, margins=(6, 6, 6, 6))

    # ------------------------------------------------------------------ settings
    def _on_type(self) -> None:
        self._update_choices()
        self._rebuild_timer.start()

    def _update_choices(self) -> None:
        two_mode = self.type.currentData() == NetworkType.TWO_MODE.value
        _refill(self.aggregation, [a.value for a in (TWO_MODE_AGGREGATIONS if two_mode else ONE_MODE_AGGREGATIONS)])
        _refill(self.normalization,
                [n.value for n in (TWO_MODE_NORMALIZATIONS if two_mode else ONE_MODE_NORMALIZATIONS)])

    def options(self) -> NetworkOptions:
        """The settings as NetworkOptions (raises ValidationError for a bad date)."""
        return NetworkOptions(
            type=self.type.currentData(), aggregation=self.aggregation.currentData(),
            normalization=self.normalization.currentData(), duplicates=self.duplicates.currentData(),
            date_from=parse_date(self.date_from.text().strip(), "from"),
            date_to=parse_date(self.date_to.text().strip(), "to"),
            isolates=self.isolates.isChecked(), level=self.level.currentData(),
        )

    def window_options(self) -> WindowOptions | None:
        if not self.use_windows.isChecked():
            return None
        return WindowOptions(self.window_unit.currentData(), self.window_size.value(), self.window_step.value())

    def select_layer(self, layer: str) -> None:
        index = self.layer.findData(layer)
        if index >= 0 and index != self.layer.currentIndex():
            self.layer.setCurrentIndex(index)

    # ------------------------------------------------------------------ building
    def reload(self) -> None:
        """Read the layer's statements again (after coding, or another layer or level) and rebuild."""
        self.info.setText("Reading claims…")
        self._loader(str(self.layer.currentData()), ActorLevel(self.level.currentData()), self._loaded)

    def _loaded(self, data: StatementSet) -> None:
        self.data = data
        self._positions = {}
        self.rebuild()

    def rebuild(self) -> None:
        """Build the network (and the time windows) with the current settings and draw it."""
        self._rebuild_timer.stop()
        if self.data is None:
            return
        try:
            options = self.options()
            window = self.window_options()
            self.network = build_network(self.data, options)
            self.windows = build_windows(self.data, options, window) if window else []
        except AnnotatorError as error:
            self.info.setText(str(error))
            return
        # Every window has the same nodes: they are laid out once, on the network of the whole range.
        whole = _union(self.network, self.windows[0]) if self.windows else self.network
        self._positions = self.canvas.layout_for(whole)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self.windows) - 1))
        self.slider.setValue(0)
        self.slider.setEnabled(bool(self.windows))
        self.slider.blockSignals(False)
        self._show_window(0)

    def shown(self) -> Network | None:
        """The network drawn: the current time window's, or the whole range's."""
        if self.windows:
            return self.windows[min(self.slider.value(), len(self.windows) - 1)]
        return self.network

    def _show_window(self, index: int) -> None:
        network = self.shown()
        empty = "No statements: code claims with a claimant linked to an actor and an issue, or pick another layer."
        self.canvas.show_network(network, self._positions if network is not None else None, empty)
        self.legend.setText(legend_html(network, self.canvas.kind_colors))
        if self.windows and network is not None:
            self.window_label.setText(f"window {index + 1} of {len(self.windows)}: {network.start} – {network.end}")
        else:
            self.window_label.setText("")
        self._describe(network)

    def _describe(self, network: Network | None) -> None:
        if network is None or self.data is None:
            return
        edges = network.edge_count()
        skipped = ", ".join(f"{n} {why}" for why, n in self.data.skipped.items() if n)
        text = f"{len(network.nodes)} nodes · {edges} ties · {len(network.statements)} statements"
        hidden_nodes, hidden_edges = self.canvas.hidden
        if hidden_nodes or hidden_edges:
            text += (f" · drawn: the {len(network.nodes) - hidden_nodes} most connected nodes and their "
                     f"{edges - hidden_edges} strongest ties (the files hold everything)")
        if skipped:
            text += f" · left out: {skipped}"
        self.info.setText(text)

    # ------------------------------------------------------------------ clicks
    def _node_clicked(self, key: str) -> None:
        network = self.shown()
        if network is None:
            return
        node = network.node(key)
        self.claimsRequested.emit(network.claims_for_node(key), node.label if node else key)

    def _edge_clicked(self, u: str, v: str) -> None:
        network = self.shown()
        if network is None:
            return
        names = [(network.node(k).label if network.node(k) else k) for k in (u, v)]  # type: ignore[union-attr]
        if not network.one_mode and u.startswith(ISSUE_PREFIX):
            names.reverse()
        self.claimsRequested.emit(network.claims_for_edge(u, v), " — ".join(names))

    # ------------------------------------------------------------------ exports
    def _ask_export_picture(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export picture", "network.png", "PNG image (*.png);;SVG (*.svg)")
        if path:
            self._try(lambda: self.canvas.export_picture(path))

    def _ask_export_file(self) -> None:
        filters = "GraphML (*.graphml);;GEXF (*.gexf);;CSV matrix (*.csv);;UCINET DL (*.dl)"
        path, _ = QFileDialog.getSaveFileName(self, "Export network", "network.graphml", filters)
        network = self.shown()
        if path and network is not None:
            fmt = path.rsplit(".", 1)[-1].lower() if "." in path else "graphml"
            self._try(lambda: write_network(network, path, fmt if fmt in NETWORK_FORMATS else "graphml"))

    def _try(self, action: Callable[[], None]) -> None:
        try:
            action()
        except (AnnotatorError, OSError) as error:
            QMessageBox.warning(self, "Export", str(error))


def _union(network: Network, window: Network) -> Network:
    """The whole-range network drawn on the windows' node set (so the layout covers every node)."""
    keys = {n.key for n in network.nodes}
    extra = [n for n in window.nodes if n.key not in keys]
    if not extra:
        return network
    rows = [*network.rows, *(n for n in extra if network.one_mode or n.type == "actor")]

    if network.one_mode:
        size = len(rows)
        matrix = np.zeros((size, size))
        matrix[: len(network.rows), : len(network.rows)] = network.matrix
        return Network(network.options, rows, rows, matrix, network.statements)
    columns = [*network.columns, *(n for n in extra if n.type == "issue")]
    matrix = np.zeros((len(rows), len(columns)))
    matrix[: len(network.rows), : len(network.columns)] = network.matrix
    return Network(network.options, rows, columns, matrix, network.statements)
