"""Two-mode and one-mode discourse networks from statements, with DNA's aggregations and normalisations.

Statements are first counted into a three-way array ``A[i, j, k]``: how many statements node ``i`` of the first
mode made on node ``j`` of the second mode with the ``k``-th stance of the codebook's scale (plus one slot for
"no stance", used by ``ignore`` only). Every network is then a few array operations on ``A`` (numpy), which is
what keeps 100,000 statements under a second. The formulas are written out in ``docs/networks.md``; each one
has a hand-computed test in ``tests/unit/test_networks_formulas.py``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from annotator.networks.options import Aggregation, NetworkOptions, NetworkType, Normalization
from annotator.networks.statements import Statement, StatementSet, drop_duplicates, in_range

ISSUE_PREFIX = "i:"


@dataclass(frozen=True, slots=True)
class Node:
    """A node: ``key`` is unique in the network (actors ``a12`` / ``m:…``, issues ``i:<code>``)."""

    key: str
    label: str
    type: str  # "actor" or "issue"
    kind: str  # an actor's kind (PERSON, ORG, GPE…), an issue's top-level issue


def issue_key(code: str) -> str:
    return ISSUE_PREFIX + code


@dataclass
class Network:
    """One network: its nodes, its weight matrix, and the statements that went into it.

    Attributes:
        options: what was computed.
        rows: first-mode nodes (actors; issues for an issue network).
        columns: second-mode nodes of a two-mode network; the same list as ``rows`` for a one-mode network.
        matrix: ``len(rows) × len(columns)`` weights (symmetric with a zero diagonal for one-mode networks).
        statements: the statements counted (after the date range, stance and duplicate rules).
        start / end: the period covered (a time window's bounds, or the date range).
    """

    options: NetworkOptions
    rows: list[Node]
    columns: list[Node]
    matrix: np.ndarray
    statements: list[Statement]
    start: date | None = None
    end: date | None = None
    _by_node: dict[str, list[Statement]] | None = field(default=None, repr=False)
    _edges: list[tuple[Node, Node, float]] | None = field(default=None, repr=False)

    @property
    def one_mode(self) -> bool:
        return not self.options.two_mode

    @property
    def nodes(self) -> list[Node]:
        return list(self.rows) if self.one_mode else [*self.rows, *self.columns]

    def node(self, key: str) -> Node | None:
        for node in self.nodes:
            if node.key == key:
                return node
        return None

    def edges(self) -> Iterator[tuple[Node, Node, float]]:
        """Every non-zero tie once (one-mode: the upper triangle), as (node, node, weight)."""
        if self._edges is None:
            matrix = np.triu(self.matrix, 1) if self.one_mode else self.matrix
            rows, cols = np.nonzero(matrix)
            weights = self.matrix[rows, cols].tolist()
            self._edges = [(self.rows[i], self.columns[j], w)
                           for i, j, w in zip(rows.tolist(), cols.tolist(), weights, strict=True)]
        return iter(self._edges)

    def edge_count(self) -> int:
        self.edges()
        assert self._edges is not None
        return len(self._edges)

    def weight(self, u: str, v: str) -> float:
        rows = {n.key: i for i, n in enumerate(self.rows)}
        cols = {n.key: i for i, n in enumerate(self.columns)}
        if u in rows and v in cols:
            return float(self.matrix[rows[u], cols[v]])
        if v in rows and u in cols:
            return float(self.matrix[rows[v], cols[u]])
        return 0.0

    # ------------------------------------------------------------------ the claims behind nodes and edges
    def _index(self) -> dict[str, list[Statement]]:
        if self._by_node is None:
            index: dict[str, list[Statement]] = {}
            for s in self.statements:
                index.setdefault(s.actor, []).append(s)
                index.setdefault(issue_key(s.issue), []).append(s)
            self._by_node = index
        return self._by_node

    def node_statements(self, key: str) -> list[Statement]:
        return list(self._index().get(key, ()))

    def claims_for_node(self, key: str) -> list[int]:
        """Claim ids of the statements of an actor node or on an issue node."""
        return [s.claim_id for s in self._index().get(key, ())]

    def edge_statements(self, u: str, v: str) -> list[Statement]:
        """The statements behind a tie.

        Two-mode: the actor's statements on the issue. Actor network: both actors' statements on the issues they
        share. Issue network: the statements on both issues by the actors they share.
        """
        index = self._index()
        left, right = index.get(u, []), index.get(v, [])
        if not self.one_mode:
            actor, issue = (u, v) if v.startswith(ISSUE_PREFIX) else (v, u)
            code = issue[len(ISSUE_PREFIX):]
            return [s for s in index.get(actor, []) if s.issue == code]
        if self.options.type == NetworkType.ACTOR:
            shared = {s.issue for s in left} & {s.issue for s in right}
            return [s for s in [*left, *right] if s.issue in shared]
        shared = {s.actor for s in left} & {s.actor for s in right}
        return [s for s in [*left, *right] if s.actor in shared]

    def claims_for_edge(self, u: str, v: str) -> list[int]:
        return sorted({s.claim_id for s in self.edge_statements(u, v)})

    # ------------------------------------------------------------------ networkx
    def to_networkx(self) -> Any:
        """An undirected ``networkx.Graph``: node attributes ``label``, ``type``, ``kind``, ``statements``;
        edge attribute ``weight`` (an int when every weight is whole)."""
        import networkx as nx

        integral = bool(np.all(np.equal(np.mod(self.matrix, 1), 0)))
        graph = nx.Graph(network=self.options.type.value, aggregation=self.options.aggregation.value,
                         normalization=self.options.normalization.value)
        index = self._index()
        for node in self.nodes:
            graph.add_node(node.key, label=node.label, type=node.type, kind=node.kind,
                           statements=len(index.get(node.key, ())))
        graph.add_weighted_edges_from(
            (u.key, v.key, int(w) if integral else w) for u, v, w in self.edges()
        )
        return graph


# --------------------------------------------------------------------------- building


def _levels(data: StatementSet, statements: Sequence[Statement]) -> list[int]:
    present = {s.stance for s in statements if s.stance is not None}
    return sorted(set(data.stance_scale) | present)


def _nodes(
    data: StatementSet, statements: Sequence[Statement], options: NetworkOptions
) -> tuple[list[Node], list[Node]]:
    """Actor and issue nodes: every one of the statement set with isolates, else those of the statements."""
    if options.isolates:
        actor_keys: set[str] = set(data.actors)
        issue_codes: set[str] = set(data.issues)
    else:
        actor_keys = {s.actor for s in statements}
        issue_codes = {s.issue for s in statements}
    actors = sorted(
        (Node(k, data.actors.get(k, (k, ""))[0], "actor", data.actors.get(k, (k, ""))[1]) for k in actor_keys),
        key=lambda n: (n.label.casefold(), n.key),
    )
    issues = sorted((Node(issue_key(c), c, "issue", data.issues.get(c, c)) for c in issue_codes), key=lambda n: n.label)
    return actors, issues


def count_array(
    statements: Sequence[Statement], first: Sequence[Node], second: Sequence[Node], levels: Sequence[int],
    issue_first: bool = False,
) -> np.ndarray:
    """``A[i, j, k]``: statements of first-mode node i on second-mode node j with stance level k.

    The last level (index ``len(levels)``) counts statements without a stance.
    """
    # Issue nodes are looked up by their code, so no key is built per statement.
    def index(nodes: Sequence[Node]) -> dict[str, int]:
        return {(n.key[len(ISSUE_PREFIX):] if n.type == "issue" else n.key): i for i, n in enumerate(nodes)}

    row, col = index(first), index(second)
    n_levels = len(levels) + 1
    level: dict[int | None, int] = {value: k for k, value in enumerate(levels)}
    level[None] = len(levels)
    width = len(second) * n_levels
    flat: list[int] = []
    append = flat.append
    for s in statements:
        i, j = (row.get(s.issue), col.get(s.actor)) if issue_first else (row.get(s.actor), col.get(s.issue))
        if i is not None and j is not None:
            append(i * width + j * n_levels + level[s.stance])
    size = len(first) * len(second) * n_levels
    counts = np.bincount(np.asarray(flat, dtype=np.int64), minlength=size) if flat else np.zeros(size)
    return counts.astype(float).reshape(len(first), len(second), n_levels)


def _safe_divide(values: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    out = np.zeros_like(values, dtype=float)
    np.divide(values, denominator, out=out, where=denominator != 0)
    return out


def two_mode_matrix(array: np.ndarray, levels: Sequence[int], aggregation: Aggregation,
                    normalization: Normalization) -> np.ndarray:
    """Actor × issue weights (see docs/networks.md, "Two-mode networks")."""
    q = np.asarray(levels, dtype=float)
    stanced = array[:, :, : len(levels)]
    counts = array.sum(axis=2)
    if aggregation == Aggregation.IGNORE:
        matrix = counts
    elif aggregation == Aggregation.SUBTRACT:
        matrix = (stanced * q).sum(axis=2)
    else:  # combine: 1 support only, 2 reject only, 3 both
        support = stanced[:, :, q > 0].sum(axis=2) > 0
        reject = stanced[:, :, q < 0].sum(axis=2) > 0
        matrix = support * 1.0 + reject * 2.0
    if normalization == Normalization.NO:
        return matrix
    axis = 1 if normalization == Normalization.ACTIVITY else 0
    if aggregation == Aggregation.IGNORE:
        totals = matrix.sum(axis=axis)
    elif aggregation == Aggregation.SUBTRACT:
        totals = counts.sum(axis=axis)
    else:
        totals = (matrix > 0).sum(axis=axis).astype(float)
    denominator = totals[:, None] if axis == 1 else totals[None, :]
    return _safe_divide(matrix, np.broadcast_to(denominator, matrix.shape))


def one_mode_matrix(array: np.ndarray, levels: Sequence[int], aggregation: Aggregation,
                    normalization: Normalization) -> np.ndarray:
    """First-mode × first-mode weights through the second mode (see docs/networks.md, "One-mode networks")."""
    counts = array.sum(axis=2)  # n1 × n2
    if aggregation == Aggregation.IGNORE:
        weights = counts @ counts.T
    else:
        q = np.asarray(levels, dtype=float)
        stanced = array[:, :, : len(levels)]
        spread = float(q.max() - q.min()) if len(q) else 0.0
        distance = np.abs(q[:, None] - q[None, :]) / spread if spread else np.zeros((len(q), len(q)))
        congruence = np.zeros((array.shape[0], array.shape[0]))
        conflict = np.zeros_like(congruence)
        for k1 in range(len(q)):
            left = stanced[:, :, k1]
            if not left.any():
                continue
            # Σ_k2 A[:, :, k2] · proximity(k1, k2): the other actor's stances weighted by how close they are.
            congruence += left @ (stanced @ (1.0 - distance[k1])).T
            conflict += left @ (stanced @ distance[k1]).T
        if aggregation == Aggregation.CONGRUENCE:
            weights = congruence
        elif aggregation == Aggregation.CONFLICT:
            weights = conflict
        else:
            weights = congruence - conflict
    np.fill_diagonal(weights, 0.0)
    if normalization == Normalization.NO:
        return weights
    flat = array.reshape(array.shape[0], -1)  # every (second-mode node, stance) cell
    activity = flat.sum(axis=1)
    if normalization == Normalization.AVERAGE:
        denominator = (activity[:, None] + activity[None, :]) / 2.0
    elif normalization == Normalization.JACCARD:
        used = (flat > 0).astype(float)
        only_left = flat @ (1.0 - used).T  # m10: a's statements in cells b never used
        only_right = (1.0 - used) @ flat.T  # m01
        both = flat @ flat.T  # m11
        denominator = only_left + only_right + both
    else:  # cosine: the vectors the weight was computed from
        stanced_cells = array[:, :, : len(levels)].reshape(array.shape[0], -1)
        vectors = counts if aggregation == Aggregation.IGNORE else stanced_cells
        norms = np.sqrt((vectors * vectors).sum(axis=1))
        denominator = norms[:, None] * norms[None, :]
    result = _safe_divide(weights, denominator)
    np.fill_diagonal(result, 0.0)
    return result


def prepare(data: StatementSet, options: NetworkOptions, start: date | None = None,
            end: date | None = None) -> list[Statement]:
    """The statements a network counts: in the date range, with a stance unless ``ignore``, duplicates dropped."""
    start = start or options.date_from
    end = end or options.date_to
    statements = in_range(data.statements, start, end)
    if options.aggregation != Aggregation.IGNORE:
        statements = [s for s in statements if s.stance is not None]
    return drop_duplicates(statements, options.duplicates, compare_stance=options.aggregation != Aggregation.IGNORE)


def build_network(
    data: StatementSet,
    options: NetworkOptions,
    *,
    start: date | None = None,
    end: date | None = None,
    nodes: tuple[list[Node], list[Node]] | None = None,
) -> Network:
    """Build one network.

    Args:
        data: the statements and node names.
        options: type, aggregation, normalisation, duplicates, date range, isolates.
        start / end: a time window inside the date range (inclusive; default: the range of ``options``).
        nodes: (actors, issues) to use instead of those found (time windows share the nodes of the whole range).
    """
    statements = prepare(data, options, start, end)
    levels = _levels(data, statements)
    actors, issues = nodes if nodes is not None else _nodes(data, statements, options)
    if options.type == NetworkType.TWO_MODE:
        array = count_array(statements, actors, issues, levels)
        matrix = two_mode_matrix(array, levels, options.aggregation, options.normalization)
        rows, columns = list(actors), list(issues)
    else:
        first, second = (actors, issues) if options.type == NetworkType.ACTOR else (issues, actors)
        array = count_array(statements, first, second, levels, issue_first=options.type == NetworkType.ISSUE)
        matrix = one_mode_matrix(array, levels, options.aggregation, options.normalization)
        rows = columns = list(first)
    network = Network(options, rows, columns, matrix, statements, start or options.date_from, end or options.date_to)
    if not options.isolates and nodes is None:
        network = drop_isolates(network)
    return network


def drop_isolates(network: Network) -> Network:
    """The network without nodes that have no tie."""
    matrix = network.matrix
    if network.one_mode:
        keep = np.flatnonzero(np.any(matrix != 0, axis=1))
        rows = [network.rows[i] for i in keep]
        return Network(network.options, rows, rows, matrix[np.ix_(keep, keep)], network.statements,
                       network.start, network.end)
    keep_rows = np.flatnonzero(np.any(matrix != 0, axis=1))
    keep_cols = np.flatnonzero(np.any(matrix != 0, axis=0))
    return Network(network.options, [network.rows[i] for i in keep_rows], [network.columns[j] for j in keep_cols],
                   matrix[np.ix_(keep_rows, keep_cols)], network.statements, network.start, network.end)
