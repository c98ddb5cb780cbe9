"""Every claim of a layer as one flat row, and the filter and sort behind the corpus-wide claims view.

The repository reads the rows (``Repository.claim_rows``) in a few queries; :class:`ClaimTable` keeps them in
columns so that filtering 100,000 claims by actor, issue (a code includes its children), stance, form, date range
and text is a few list scans, well under the 100 ms the view allows per filter. Sorting is done once per sort
column; a filter keeps the current order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.core.actor_levels import ActorHierarchy, ActorLevel, ActorNode
from annotator.core.records import ClaimCoding

#: Stance filter value for claims whose stance is not set.
NO_STANCE = "none"


@dataclass(frozen=True, slots=True)
class ClaimRow(ClaimCoding):
    """One claim with its article's metadata and its role texts (discontinuous pieces joined with `` … ``), and
    its coding (:class:`~annotator.core.records.ClaimCoding`)."""

    id: int
    article_id: str
    title: str
    date: str | None
    outlet: str
    layer: str
    annotator: str | None  # who made the row (None for model suggestions)
    status: str
    kind: str
    form: str
    source_text: str
    cue_text: str
    content_text: str
    start: int  # first offset of the claim's spans (to open the article at the claim)
    variables: Mapping[str, Any] = field(default_factory=dict)  # custom claim variables of the codebook


@dataclass(frozen=True)
class ClaimVocabulary:
    """What the claims view and the networks need of the codebook: the issue tree, stances and forms.

    Built from the claim schema (``from_schema``); issue codes are unique, children listed under their parent.
    """

    issues: tuple[str, ...] = ()
    parents: Mapping[str, str] = field(default_factory=dict)  # child code -> parent code
    stances: tuple[tuple[int, str], ...] = ((-1, "against"), (0, "neutral"), (1, "for"))
    forms: tuple[str, ...] = ()
    variables: tuple[str, ...] = ()  # names of custom claim variables

    @classmethod
    def from_schema(cls, schema: Mapping[str, Any], variables: Sequence[str] = ()) -> ClaimVocabulary:
        """From a codebook dict (``Codebook.to_dict()``: issues with children, stances, forms...)."""
        codes: list[str] = []
        parents: dict[str, str] = {}

        def walk(nodes: Iterable[Any], parent: str | None) -> None:
            for node in nodes:
                code = str(node["code"]) if isinstance(node, Mapping) else str(node)
                codes.append(code)
                if parent is not None:
                    parents[code] = parent
                if isinstance(node, Mapping):
                    walk(node.get("children", ()), code)

        walk(schema.get("issues", ()), None)
        stances = tuple(
            (int(s["value"]), str(s.get("name", s["value"]))) for s in schema.get("stances", ()) if "value" in s
        )
        forms = tuple(str(f["name"]) if isinstance(f, Mapping) else str(f) for f in schema.get("forms", ()))
        return cls(tuple(codes), parents, stances or cls.stances, forms, tuple(variables))

    def stance_values(self) -> tuple[int, ...]:
        return tuple(sorted(value for value, _ in self.stances))

    def stance_name(self, value: int | None) -> str:
        for known, name in self.stances:
            if known == value:
                return name
        return "" if value is None else str(value)

    def top(self, code: str) -> str:
        """The top-level issue a code belongs to (itself for a top-level code; cycle-safe)."""
        seen = {code}
        while code in self.parents and self.parents[code] not in seen:
            code = self.parents[code]
            seen.add(code)
        return code

    def with_descendants(self, code: str) -> frozenset[str]:
        """The code and every code below it (a filter on an issue includes its children)."""
        children: dict[str, list[str]] = {}
        for child, parent in self.parents.items():
            children.setdefault(parent, []).append(child)
        found = {code}
        stack = [code]
        while stack:
            for child in children.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return frozenset(found)


@dataclass(frozen=True)
class ClaimQuery:
    """A filter of the claims view; every field left empty matches everything.

    Attributes:
        actor: a claimant node key at the table's level (``a12``, or ``m:abe`` at the mention level).
        issue: an issue code; matches it and every code below it.
        stance: -1 / 0 / 1, or ``NO_STANCE`` for claims without a stance.
        form: a claim form.
        date_from / date_to: ISO dates, inclusive; a claim of an undated article is left out when either is set.
        text: a case-insensitive substring of the content, cue, source, claimant, issue, note, article title or a
            custom variable's value.
        claim_ids: only these claims (the claims behind a network node or edge).
    """

    actor: str | None = None
    issue: str | None = None
    stance: int | str | None = None
    form: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    text: str = ""
    claim_ids: frozenset[int] | None = None


def _claimants(rows: Sequence[ClaimRow], hierarchy: ActorHierarchy, level: ActorLevel) -> list[ActorNode | None]:
    """Each row's claimant at ``level``; at the actor and parent levels once per actor, not once per claim."""
    if level == ActorLevel.MENTION:
        return [hierarchy.node(level, r.source_actor_id, r.source_text) for r in rows]
    nodes: dict[int | None, ActorNode | None] = {None: None}
    out = []
    for r in rows:
        actor = r.source_actor_id
        if actor not in nodes:
            nodes[actor] = hierarchy.node(level, actor)
        out.append(nodes[actor])
    return out


#: Sortable columns of the table and how each row sorts in it.
SORT_KEYS = ("date", "outlet", "article", "claimant", "cue", "content", "issue", "stance", "form", "status",
             "annotator", "id")


class ClaimTable:
    """Claims of one layer in columns, with the claimant resolved at one level of the actor hierarchy.

    Args:
        rows: the claims (any order; the table starts in date order).
        hierarchy: the project's actors, to resolve claimants at ``level``.
        level: mention, actor or parent.
        vocabulary: the codebook's issue tree (for "an issue includes its children").
    """

    def __init__(
        self,
        rows: Sequence[ClaimRow],
        hierarchy: ActorHierarchy,
        level: ActorLevel = ActorLevel.ACTOR,
        vocabulary: ClaimVocabulary | None = None,
    ) -> None:
        self.rows = list(rows)
        self.level = level
        self.vocabulary = vocabulary or ClaimVocabulary()
        self.claimants: list[ActorNode | None] = _claimants(self.rows, hierarchy, level)
        self._actor_keys = [n.key if n is not None else None for n in self.claimants]
        self._issues = [r.issue for r in self.rows]
        self._stances = [r.stance for r in self.rows]
        self._forms = [r.form for r in self.rows]
        self._dates = [r.date[:10] if r.date else None for r in self.rows]
        self._ids = [r.id for r in self.rows]
        self._position = {claim_id: i for i, claim_id in enumerate(self._ids)}
        # One lower-cased haystack per row: a text filter is one substring test per claim.
        self._haystacks = [
            "\n".join((r.content_text, r.cue_text, r.source_text, (n.label if n else ""), r.issue or "", r.note,
                       r.title, *(str(v) for v in r.variables.values() if v is not None))).casefold()
            for r, n in zip(self.rows, self.claimants, strict=True)
        ]
        self._orders: dict[tuple[str, bool], list[int]] = {}
        self.sort_column = "date"
        self.descending = False

    def __len__(self) -> int:
        return len(self.rows)

    def position(self, claim_id: int) -> int | None:
        return self._position.get(claim_id)

    def claimant_nodes(self) -> list[ActorNode]:
        """Every distinct claimant at the table's level, by label (for the actor filter)."""
        nodes = {n.key: n for n in self.claimants if n is not None}
        return sorted(nodes.values(), key=lambda n: n.label.casefold())

    # ------------------------------------------------------------------ sorting
    def _sort_key(self, column: str) -> Any:
        rows = self.rows
        if column == "date":
            return lambda i: (self._dates[i] or "", rows[i].article_id, rows[i].start)
        if column == "outlet":
            return lambda i: rows[i].outlet.casefold()
        if column == "article":
            return lambda i: (rows[i].title or rows[i].article_id).casefold()
        if column == "claimant":
            labels = [n.label.casefold() if n is not None else "" for n in self.claimants]
            return labels.__getitem__
        if column == "cue":
            return lambda i: rows[i].cue_text.casefold()
        if column == "content":
            return lambda i: rows[i].content_text.casefold()
        if column == "issue":
            return lambda i: rows[i].issue or ""
        if column == "stance":
            return lambda i: -2 if rows[i].stance is None else rows[i].stance
        if column == "form":
            return lambda i: rows[i].form
        if column == "status":
            return lambda i: rows[i].status
        if column == "annotator":
            return lambda i: rows[i].layer
        return lambda i: rows[i].id

    def order(self, column: str | None = None, descending: bool | None = None) -> list[int]:
        """Row positions sorted by ``column`` (default: the current one), computed once per column and direction."""
        column = column or self.sort_column
        descending = self.descending if descending is None else descending
        if column not in SORT_KEYS:
            column = "id"
        self.sort_column, self.descending = column, descending
        key = (column, descending)
        if key not in self._orders:
            self._orders[key] = sorted(range(len(self.rows)), key=self._sort_key(column), reverse=descending)
        return self._orders[key]

    # ------------------------------------------------------------------ filtering
    def filter(self, query: ClaimQuery) -> list[int]:
        """Positions of the rows matching ``query``, in the current sort order."""
        positions = self.order()
        if query.claim_ids is not None:
            wanted = query.claim_ids
            ids = self._ids
            positions = [i for i in positions if ids[i] in wanted]
        if query.actor:
            actors, actor = self._actor_keys, query.actor
            positions = [i for i in positions if actors[i] == actor]
        if query.issue:
            codes = self.vocabulary.with_descendants(query.issue)
            issues = self._issues
            positions = [i for i in positions if issues[i] in codes]
        if query.stance is not None and query.stance != "":
            stances = self._stances
            stance = None if query.stance == NO_STANCE else int(query.stance)
            positions = [i for i in positions if stances[i] == stance]
        if query.form:
            forms, form = self._forms, query.form
            positions = [i for i in positions if forms[i] == form]
        if query.date_from or query.date_to:
            dates = self._dates
            low = query.date_from or "0000"
            high = query.date_to or "9999"
            positions = [i for i in positions if (d := dates[i]) is not None and low <= d <= high]
        text = query.text.strip().casefold()
        if text:
            hay = self._haystacks
            positions = [i for i in positions if text in hay[i]]
        return positions
