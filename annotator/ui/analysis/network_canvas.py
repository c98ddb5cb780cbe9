"""The drawing of a discourse network: a QGraphicsView of node and edge items placed by networkx's spring layout.

Node colour shows the kind (actors by PERSON / ORG / GPE…, issues as magenta squares), node size the degree,
edge width the weight and edge colour congruence (green) or conflict (red). Hovering shows an item's figures;
clicking emits the node's key or the edge's two keys, and the view lists the claims behind them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsScene,
    QGraphicsSceneHoverEvent,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from annotator.networks import Aggregation, Network, Node
from annotator.networks.formats import format_weight
from annotator.ui.analysis.text import plain_tooltip
from annotator.ui.shared.colors import NEGATIVE, POSITIVE

#: Actor node colours by kind: the codebook's label colours (``NetworkCanvas.kind_colors``); an actor of another
#: kind, or a claimant known only by its mention, is drawn in this grey.
OTHER_ACTOR = QColor("#78909c")
ISSUE_COLOR = QColor("#c2185b")
CONGRUENCE = POSITIVE
CONFLICT = NEGATIVE
MIXED = QColor("#8e6c00")
NEUTRAL = QColor("#8d99a6")
#: Labels are drawn for the most connected nodes only past this many, so a large network stays readable.
LABEL_LIMIT = 60
#: The drawing shows at most this many nodes (the most connected) and ties (the strongest among them): more is a
#: hairball no analyst can read, and networkx lays out up to this many nodes with its fast (dense) algorithm.
#: The figures, the claims behind a click and the exported files always cover the whole network.
DRAW_NODES = 400
DRAW_EDGES = 3000


def node_color(node: Node, kind_colors: Mapping[str, QColor]) -> QColor:
    return ISSUE_COLOR if node.type == "issue" else kind_colors.get(node.kind, OTHER_ACTOR)


def legend_html(network: Network | None, kind_colors: Mapping[str, QColor]) -> str:
    """A one-line key of the colours in use: node kinds, issues, and what edge colours mean."""
    if network is None or not network.nodes:
        return ""
    import html

    kinds = sorted({n.kind or "other" for n in network.nodes if n.type == "actor"})
    parts = [f"<span style='color:{kind_colors.get(k, OTHER_ACTOR).name()}'>●</span> {html.escape(k)}" for k in kinds]
    if any(n.type == "issue" for n in network.nodes):
        parts.append(f"<span style='color:{ISSUE_COLOR.name()}'>■</span> issue")
    aggregation = network.options.aggregation
    if not network.one_mode and aggregation == Aggregation.COMBINE:
        parts += [f"<span style='color:{CONGRUENCE.name()}'>━</span> supports",
                  f"<span style='color:{CONFLICT.name()}'>━</span> rejects",
                  f"<span style='color:{MIXED.name()}'>━</span> both"]
    elif aggregation != Aggregation.IGNORE:
        parts += [f"<span style='color:{CONGRUENCE.name()}'>━</span> congruence / support",
                  f"<span style='color:{CONFLICT.name()}'>━</span> conflict / rejection"]
    parts.append("size: ties · width: weight")
    return "&nbsp;&nbsp; ".join(parts)


def edge_color(network: Network, weight: float) -> QColor:
    aggregation = network.options.aggregation
    if not network.one_mode and aggregation == Aggregation.COMBINE:
        return {1: CONGRUENCE, 2: CONFLICT, 3: MIXED}.get(int(weight), NEUTRAL)
    if aggregation == Aggregation.CONFLICT or weight < 0:
        return CONFLICT
    if aggregation in (Aggregation.CONGRUENCE, Aggregation.SUBTRACT):
        return CONGRUENCE
    return NEUTRAL


class _Clickable:
    """Mixin: hover highlight and a click that reports to the canvas."""

    canvas: NetworkCanvas

    def hoverEnterEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.canvas.hovered(self, True)  # type: ignore[arg-type]

    def hoverLeaveEvent(self, event: QGraphicsSceneHoverEvent) -> None:
        self.canvas.hovered(self, False)  # type: ignore[arg-type]

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.canvas.clicked(self)  # type: ignore[arg-type]
            event.accept()


class NodeItem(_Clickable, QGraphicsEllipseItem):
    def __init__(self, canvas: NetworkCanvas, node: Node, radius: float) -> None:
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.canvas, self.node, self.radius = canvas, node, radius
        self.setAcceptHoverEvents(True)
        self.setZValue(2)
        self.setBrush(QBrush(node_color(node, canvas.kind_colors)))
        self.setPen(QPen(QColor("#ffffff"), 1.5))
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.node.type == "issue":  # issues are squares: the two modes differ by shape, not only colour
            painter.setPen(self.pen())
            painter.setBrush(self.brush())
            painter.drawRoundedRect(self.rect(), 3, 3)
            return
        super().paint(painter, option, widget)


class EdgeItem(_Clickable, QGraphicsLineItem):
    def __init__(self, canvas: NetworkCanvas, u: Node, v: Node, weight: float, width: float, color: QColor) -> None:
        super().__init__()
        self.canvas, self.u, self.v, self.weight = canvas, u, v, weight
        self.base_pen = QPen(color, width)
        self.base_pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        self.setPen(self.base_pen)
        self.setAcceptHoverEvents(True)
        self.setZValue(1)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def shape(self) -> QPainterPath:
        # A thin edge is hard to hit: the clickable band is at least 8 px wide.
        path = QPainterPath(self.line().p1())
        path.lineTo(self.line().p2())
        stroker = QPainterPathStroker()
        stroker.setWidth(max(8.0, self.pen().widthF()))
        return stroker.createStroke(path)


class NetworkCanvas(QGraphicsView):
    """Draws one network; positions are kept by node key so time windows do not move the nodes.

    Signals:
        nodeClicked(str): a node's key.
        edgeClicked(str, str): the keys of an edge's two nodes.
    """

    nodeClicked = Signal(str)
    edgeClicked = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setScene(QGraphicsScene(self))
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setBackgroundBrush(QBrush(QColor("#fbfbfb")))
        self.network: Network | None = None
        self.kind_colors: dict[str, QColor] = {}  # actor kind (a codebook label) -> its colour
        self.positions: dict[str, tuple[float, float]] = {}
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: list[EdgeItem] = []
        self._figures: dict[str, tuple[int, float]] = {}
        self.hidden = (0, 0)  # nodes and ties of the network left out of the drawing
        self._labels: dict[str, QGraphicsSimpleTextItem] = {}
        self._empty = ""

    def sizeHint(self) -> QSize:
        return QSize(700, 520)

    # ------------------------------------------------------------------ layout
    @staticmethod
    def drawn(network: Network) -> tuple[list[Node], list[tuple[Node, Node, float]]]:
        """The nodes and ties drawn: the ``DRAW_NODES`` most connected nodes and the ``DRAW_EDGES`` strongest ties
        among them (everything for a network that small)."""
        edges = list(network.edges())
        nodes = network.nodes
        if len(nodes) > DRAW_NODES:
            degree: dict[str, int] = {}
            for u, v, _w in edges:
                degree[u.key] = degree.get(u.key, 0) + 1
                degree[v.key] = degree.get(v.key, 0) + 1
            nodes = sorted(nodes, key=lambda n: (-degree.get(n.key, 0), n.label))[:DRAW_NODES]
            keep = {n.key for n in nodes}
            edges = [e for e in edges if e[0].key in keep and e[1].key in keep]
        if len(edges) > DRAW_EDGES:
            edges = sorted(edges, key=lambda e: -abs(e[2]))[:DRAW_EDGES]
        return nodes, edges

    def layout_for(self, network: Network, seed: int = 7) -> dict[str, tuple[float, float]]:
        """Spring-layout positions of the drawn nodes (networkx), ties weighted by their absolute value."""
        import networkx as nx

        nodes, edges = self.drawn(network)
        graph = nx.Graph()
        graph.add_nodes_from(n.key for n in nodes)
        largest = max((abs(w) for _, _, w in edges), default=1.0) or 1.0
        graph.add_weighted_edges_from((u.key, v.key, 0.2 + abs(w) / largest) for u, v, w in edges)
        if graph.number_of_nodes() == 0:
            return {}
        iterations = 50 if graph.number_of_nodes() <= 400 else 25
        k = 1.6 / math.sqrt(max(1, graph.number_of_nodes()))
        placed = nx.spring_layout(graph, k=k, iterations=iterations, seed=seed, weight="weight")
        return {key: (float(x), float(y)) for key, (x, y) in placed.items()}

    # ------------------------------------------------------------------ drawing
    def show_network(self, network: Network | None, positions: dict[str, tuple[float, float]] | None = None,
                     empty_text: str = "") -> None:
        """Draw ``network`` at ``positions`` (default: a new layout of it); None draws ``empty_text``."""
        scene = self.scene()
        scene.clear()
        self.node_items, self.edge_items, self._labels = {}, [], {}
        self.network = network
        if network is None or not network.nodes:
            self._empty = empty_text or "No network: nothing to draw."
            text = scene.addSimpleText(self._empty)
            text.setBrush(QBrush(QColor("#555")))
            scene.setSceneRect(text.boundingRect().adjusted(-20, -20, 20, 20))
            return
        self.positions = positions if positions is not None else self.layout_for(network)
        degree: dict[str, int] = {}
        strength: dict[str, float] = {}
        for u, v, w in network.edges():  # the figures count every tie, drawn or not
            for key in (u.key, v.key):
                degree[key] = degree.get(key, 0) + 1
                strength[key] = strength.get(key, 0.0) + w
        self._figures = {n.key: (degree.get(n.key, 0), strength.get(n.key, 0.0)) for n in network.nodes}
        nodes, edges = self.drawn(network)
        nodes = [n for n in nodes if n.key in self.positions]
        placed = {n.key for n in nodes}
        edges = [e for e in edges if e[0].key in placed and e[1].key in placed]
        self.hidden = (len(network.nodes) - len(nodes), network.edge_count() - len(edges))
        top_degree = max(degree.values(), default=1)
        largest = max((abs(w) for _, _, w in edges), default=1.0) or 1.0
        for u, v, w in edges:
            edge = EdgeItem(self, u, v, w, 0.6 + 5.4 * abs(w) / largest, edge_color(network, w))
            scene.addItem(edge)
            self.edge_items.append(edge)
        ranked = sorted(nodes, key=lambda n: -degree.get(n.key, 0))
        labelled = {n.key for n in ranked[:LABEL_LIMIT]}
        font = QFont(self.font())
        font.setPointSizeF(max(8.0, font.pointSizeF() * 0.9))
        for node in nodes:
            radius = 6.0 + 14.0 * math.sqrt(degree.get(node.key, 0) / top_degree)
            item = NodeItem(self, node, radius)
            item.setToolTip(self._node_tip(node))
            scene.addItem(item)
            self.node_items[node.key] = item
            label = QGraphicsSimpleTextItem(node.label, item)
            label.setFont(font)
            label.setBrush(QBrush(QColor("#222")))
            label.setPos(radius + 3, -label.boundingRect().height() / 2)
            label.setVisible(node.key in labelled)
            label.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)  # readable when zoomed
            self._labels[node.key] = label
        self._place()

    def _place(self) -> None:
        """Put every node and edge where the layout says, mapped onto the visible area, so node sizes and labels
        stay in screen pixels."""
        xs = [self.positions[k][0] for k in self.node_items] or [0.0]
        ys = [self.positions[k][1] for k in self.node_items] or [0.0]
        size = self.viewport().size()
        left, top, right, bottom = 40.0, 30.0, 170.0, 30.0  # room for the labels right of the nodes
        width = max(200.0, size.width() - left - right)
        height = max(150.0, size.height() - top - bottom)
        low_x, low_y = min(xs), min(ys)
        scale_x, scale_y = width / ((max(xs) - low_x) or 1.0), height / ((max(ys) - low_y) or 1.0)
        points = {}
        for key, node_item in self.node_items.items():
            x, y = self.positions[key]
            points[key] = QPointF(left + (x - low_x) * scale_x, top + (y - low_y) * scale_y)
            node_item.setPos(points[key])
        for edge in self.edge_items:
            a, b = points[edge.u.key], points[edge.v.key]
            edge.setLine(a.x(), a.y(), b.x(), b.y())
        self.resetTransform()
        size = self.viewport().size()
        self.scene().setSceneRect(QRectF(0, 0, size.width(), size.height()).united(
            self.scene().itemsBoundingRect().adjusted(-10, -10, 10, 10)))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self.node_items:
            self._place()

    def fit(self) -> None:
        """Back to the whole drawing at the view's size (after zooming)."""
        self._place()

    # ------------------------------------------------------------------ figures
    def _node_tip(self, node: Node) -> str:
        assert self.network is not None
        ties, strength = self._figures.get(node.key, (0, 0.0))
        statements = len(self.network.node_statements(node.key))
        kind = f" · {node.kind}" if node.kind else ""
        return plain_tooltip(f"{node.label}\n{node.type}{kind}\n{statements} statements · {ties} ties · "
                             f"total weight {format_weight(strength)}\nClick to list its claims")

    def _edge_tip(self, item: EdgeItem) -> str:
        assert self.network is not None
        claims = len(self.network.claims_for_edge(item.u.key, item.v.key))
        options = self.network.options
        return plain_tooltip(f"{item.u.label} — {item.v.label}\nweight {format_weight(item.weight)} "
                             f"({options.aggregation.value}, normalisation {options.normalization.value})\n"
                             f"{claims} claims behind it · click to list them")

    # ------------------------------------------------------------------ interaction
    def hovered(self, item: QGraphicsItem, on: bool) -> None:
        if isinstance(item, NodeItem):
            item.setPen(QPen(QColor("#111111"), 2.5) if on else QPen(QColor("#ffffff"), 1.5))
            label = self._labels.get(item.node.key)
            if label is not None and on:
                label.setVisible(True)
        elif isinstance(item, EdgeItem):
            if on and not item.toolTip():
                item.setToolTip(self._edge_tip(item))  # on first hover: thousands of ties need no text up front
            pen = QPen(item.base_pen)
            if on:
                pen.setWidthF(item.base_pen.widthF() + 2.5)
            item.setPen(pen)

    def clicked(self, item: QGraphicsItem) -> None:
        if isinstance(item, NodeItem):
            self.nodeClicked.emit(item.node.key)
        elif isinstance(item, EdgeItem):
            self.edgeClicked.emit(item.u.key, item.v.key)

    def wheelEvent(self, event: QWheelEvent) -> None:
        factor = 1.15 if event.angleDelta().y() > 0 else 1 / 1.15
        self.scale(factor, factor)

    # ------------------------------------------------------------------ pictures
    def export_picture(self, path: str | Path) -> None:
        """Save the whole drawing: ``.svg`` as SVG, anything else as PNG (twice the screen resolution)."""
        path = Path(path)
        scene = self.scene()
        rect: QRectF = scene.sceneRect()
        if path.suffix.lower() == ".svg":
            from PySide6.QtSvg import QSvgGenerator

            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(int(rect.width()), int(rect.height())))
            generator.setViewBox(QRectF(0, 0, rect.width(), rect.height()))
            generator.setTitle("annotator discourse network")
            painter = QPainter(generator)
            scene.render(painter, QRectF(0, 0, rect.width(), rect.height()), rect)
            painter.end()
            return
        scale = 2.0
        image = QImage(int(rect.width() * scale), int(rect.height() * scale), QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        painter = QPainter(image)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        scene.render(painter, QRectF(0, 0, image.width(), image.height()), rect)
        painter.end()
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; str works
            from annotator.core.errors import ValidationError

            raise ValidationError(f"cannot write the picture {path}")

    def item_count(self) -> dict[str, Any]:
        return {"nodes": len(self.node_items), "edges": len(self.edge_items)}
