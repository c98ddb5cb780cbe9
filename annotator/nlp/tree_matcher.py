"""Match dependency patterns of the claim rules over a Doc's arrays instead of its Token objects.

spaCy's ``DependencyMatcher`` runs a token ``Matcher`` over every token for every node of every pattern (each
``IN`` list is a Python predicate called per token), then walks each match up to its tree's root and tries the
cartesian product of the candidates per root. On a 400-word article that took 12 ms, more than half of the time
of all our rules, which the workers of ``suggest --processes 2`` spend on top of the parse (issue 15, point 33).

The claim patterns only use the attributes LEMMA, LOWER, ORTH, TAG, DEP and POS (a value or an ``IN`` list) and
the relations ``>`` (a child) and ``<`` (the head). For those, :class:`TreeMatcher` tests each node's attributes
on ``Doc.to_array`` columns with numpy, follows heads by index and returns what ``DependencyMatcher`` returns, in
its order: per key in the order of adding, per tree in the order in which the tree's first token matching any
node occurs, the node tuples in lexicographic order (``itertools.product`` over ascending candidates). A pattern
with anything else (another operator or attribute, a predicate other than ``IN``) makes the whole matcher use
spaCy's ``DependencyMatcher``, so every pattern file keeps working.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from spacy.attrs import DEP, HEAD, LEMMA, LOWER, ORTH, POS, TAG
from spacy.matcher import DependencyMatcher
from spacy.parts_of_speech import IDS as POS_IDS
from spacy.tokens import Doc
from spacy.vocab import Vocab

#: Pattern attribute -> column of the array read from the Doc (the order of ``_COLUMNS``).
_COLUMNS = ("LEMMA", "LOWER", "ORTH", "TAG", "DEP", "POS")
_ATTR_IDS = (LEMMA, LOWER, ORTH, TAG, DEP, POS)
_ALIASES = {"TEXT": "ORTH"}
_RELATIONS = frozenset({">", "<"})

#: One node: the index of its left node (None for the anchor), the relation, and its tests (column, values).
_Node = tuple[int | None, str, list[int]]


class UnsupportedPattern(ValueError):
    """A pattern uses what :class:`TreeMatcher` does not evaluate itself."""


class TreeMatcher:
    """``DependencyMatcher``'s ``add`` and ``__call__`` for the relations ``>`` and ``<``; see the module."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self._spacy = DependencyMatcher(vocab)
        self._patterns: dict[int, list[list[_Node]]] = {}
        #: The distinct attribute tests of all nodes: (column, accepted values); nodes refer to them by index.
        self._tests: list[tuple[int, frozenset[int]]] = []
        #: Built from ``_tests`` on the first match: per column, its tests' values sorted and their bits.
        self._lookups: dict[int, tuple[np.ndarray, np.ndarray]] | None = None
        self._test_bits: list[tuple[int, int, int]] = []  # per test: its column, word and bit in ``_lookups``
        self._native = True

    def __len__(self) -> int:
        return len(self._patterns)

    @property
    def native(self) -> bool:
        """False once a pattern needed spaCy's ``DependencyMatcher`` (then it matches every pattern)."""
        return self._native

    def add(self, name: str, patterns: Sequence[list[dict[str, Any]]]) -> None:
        """Add patterns under ``name`` (``DependencyMatcher`` pattern syntax)."""
        self._spacy.add(name, [list(p) for p in patterns])  # validates them, and is the fallback
        key = self.vocab.strings.add(name)
        self._lookups = None
        for pattern in patterns:
            try:
                compiled = self._compile(pattern)
            except UnsupportedPattern:
                self._native = False
                compiled = []
            self._patterns.setdefault(key, []).append(compiled)

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        """``(key, token indices in node order)`` per match, as ``DependencyMatcher(doc)`` gives them."""
        if not self._native:
            return [(key, list(ids)) for key, ids in self._spacy(doc)]
        n = len(doc)
        if n == 0:
            return []
        columns = doc.to_array(list(_ATTR_IDS)).T
        heads = np.arange(n, dtype=np.int64) + doc.to_array(HEAD).astype(np.int64)
        test_masks = self._test_masks(columns)
        all_tokens = np.ones(n, dtype=bool)
        masks = [[[_all(test_masks, tests, all_tokens) for _, _, tests in nodes] for nodes in compiled]
                 for compiled in self._patterns.values()]
        any_node = np.zeros(n, dtype=bool)
        for per_key in masks:
            for per_pattern in per_key:
                for mask in per_pattern:
                    any_node |= mask
        head_list: list[int] = heads.tolist()
        children = _Children(heads)
        roots = _roots(heads).tolist()
        # A tree's place: where its first token matching any node is (the token Matcher's order in spaCy).
        tree_rank: dict[int, int] = {}
        for i in np.flatnonzero(any_node).tolist():
            tree_rank.setdefault(roots[i], len(tree_rank))
        out: list[tuple[int, list[int]]] = []
        for (key, compiled), per_key in zip(self._patterns.items(), masks, strict=True):
            for nodes, node_masks in zip(compiled, per_key, strict=True):
                found = _match(nodes, node_masks, head_list, children)
                found.sort(key=lambda ids: (tree_rank[roots[ids[0]]], ids))
                out.extend((key, ids) for ids in found)
        return out

    def _test_masks(self, columns: np.ndarray) -> list[np.ndarray]:
        """Each test's mask over the tokens: one sorted look-up per column for all its tests at once.

        Every value any test of a column accepts is kept sorted, with a bit per test that accepts it; a token's
        bits come from one ``searchsorted`` of its column, and a test's mask is its bit.
        """
        if self._lookups is None:
            self._lookups, self._test_bits = self._build_lookups()
        bits_of: dict[int, np.ndarray] = {}
        for column, (values, bits) in self._lookups.items():
            col = columns[column]
            if not len(values):  # the column's tests accept nothing ({"IN": []}): no token passes them
                bits_of[column] = np.zeros((len(col), bits.shape[1]), dtype=np.uint64)
                continue
            at = np.minimum(np.searchsorted(values, col), len(values) - 1)
            bits_of[column] = np.where((values[at] == col)[:, None], bits[at], np.uint64(0))
        return [(bits_of[column][:, word] & np.uint64(1 << bit)) != 0 for column, word, bit in self._test_bits]

    def _build_lookups(self) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], list[tuple[int, int, int]]]:
        """Per column, the values its tests accept (sorted) and their bits; per test, its column, word and bit."""
        by_column: dict[int, list[int]] = {}
        test_bits: list[tuple[int, int, int]] = []
        for test, (column, _) in enumerate(self._tests):
            place = len(by_column.setdefault(column, []))
            by_column[column].append(test)
            test_bits.append((column, place // 64, place % 64))
        lookups: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for column, tests in by_column.items():
            values = np.array(sorted({v for t in tests for v in self._tests[t][1]}), dtype=np.uint64)
            bits = np.zeros((len(values), (len(tests) + 63) // 64), dtype=np.uint64)
            row = {v: k for k, v in enumerate(values.tolist())}
            for place, test in enumerate(tests):
                for value in self._tests[test][1]:
                    bits[row[value], place // 64] |= np.uint64(1 << (place % 64))
            lookups[column] = (values, bits)
        return lookups, test_bits

    def _compile(self, pattern: list[dict[str, Any]]) -> list[_Node]:
        if len(pattern) > 8:
            raise UnsupportedPattern("more than 8 nodes")
        names: dict[str, int] = {}
        nodes: list[_Node] = []
        for index, node in enumerate(pattern):
            if index == 0:
                if set(node) - {"RIGHT_ID", "RIGHT_ATTRS"}:
                    raise UnsupportedPattern("anchor with a relation")
                left, relation = None, ""
            else:
                if set(node) - {"LEFT_ID", "REL_OP", "RIGHT_ID", "RIGHT_ATTRS"} or node.get("REL_OP") not in _RELATIONS:
                    raise UnsupportedPattern(f"relation {node.get('REL_OP')!r}")
                left, relation = names[node["LEFT_ID"]], str(node["REL_OP"])
            names[node["RIGHT_ID"]] = index
            nodes.append((left, relation, self._node_tests(node.get("RIGHT_ATTRS", {}))))
        return nodes

    def _node_tests(self, attrs: dict[str, Any]) -> list[int]:
        tests: list[int] = []
        for raw_name, spec in attrs.items():
            name = _ALIASES.get(str(raw_name).upper(), str(raw_name).upper())
            if name not in _COLUMNS:
                raise UnsupportedPattern(f"attribute {raw_name!r}")
            if isinstance(spec, str):
                values = [spec]
            elif isinstance(spec, dict) and set(spec) == {"IN"} and all(isinstance(v, str) for v in spec["IN"]):
                values = list(spec["IN"])
            else:
                raise UnsupportedPattern(f"predicate {spec!r}")
            test = (_COLUMNS.index(name), frozenset(self._value(name, v) for v in values))
            if test not in self._tests:
                self._tests.append(test)
            tests.append(self._tests.index(test))
        return tests

    def _value(self, column: str, value: str) -> int:
        if column == "POS":
            if value not in POS_IDS:
                raise UnsupportedPattern(f"POS {value!r}")
            return int(POS_IDS[value])
        return int(self.vocab.strings[value])


def _all(test_masks: list[np.ndarray], tests: list[int], all_tokens: np.ndarray) -> np.ndarray:
    """The tokens passing every one of a node's tests."""
    if not tests:
        return all_tokens
    mask = test_masks[tests[0]]
    for test in tests[1:]:
        mask = mask & test_masks[test]
    return mask


def _roots(heads: np.ndarray) -> np.ndarray:
    """The root of each token's tree: heads followed until a token is its own head (pointer doubling)."""
    roots = heads.copy()
    for _ in range(64):  # 2**64 steps: any tree
        nxt = roots[roots]
        if np.array_equal(nxt, roots):
            break
        roots = nxt
    return roots


class _Children:
    """Each token's children in text order, found when asked: most tokens are never asked."""

    def __init__(self, heads: np.ndarray) -> None:
        self._order = np.argsort(heads, kind="stable")  # tokens by head, each head's in text order
        self._starts: list[int] = np.searchsorted(heads[self._order], np.arange(len(heads) + 1)).tolist()
        self._found: dict[int, list[int]] = {}

    def __getitem__(self, at: int) -> list[int]:
        found = self._found.get(at)
        if found is None:
            span = self._order[self._starts[at] : self._starts[at + 1]].tolist()
            found = self._found[at] = [i for i in span if i != at]  # a root is its own head
        return found


def _match(nodes: list[_Node], masks: list[np.ndarray], heads: list[int],
           children: _Children) -> list[list[int]]:
    """Every tuple of token indices (one per node) whose tokens pass their node's tests and relations."""
    found: list[list[int]] = []
    anchors = np.flatnonzero(masks[0]).tolist()
    if not anchors:
        return found

    def extend(prefix: list[int]) -> None:
        index = len(prefix)
        if index == len(nodes):
            found.append(prefix)
            return
        left, relation, _ = nodes[index]
        assert left is not None
        at = prefix[left]
        if relation == ">":
            candidates = children[at]
        else:
            candidates = [heads[at]] if heads[at] != at else []
        mask = masks[index]
        for j in candidates:
            if mask[j]:
                extend([*prefix, j])

    for anchor in anchors:
        extend([anchor])
    return found
