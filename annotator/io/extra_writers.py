"""Exporters for other tools: claims CSV (Excel), Prodigy-style JSONL, the co-mention GraphML, spaCy DocBin.

Each is an ``ArticleWriter`` of ``annotator.io.writers``: the template does the atomic write, cancel and progress.
Training formats (Prodigy, DocBin) and the network keep only *decided* rows (accepted, corrected, manual):
suggestions and rejected rows are not facts an analyst stands by. A training file must also not claim "no entity"
where nobody decided: Prodigy's ``accept`` answer says the spans are complete, so only finished articles (done or
reviewed) are written; in a DocBin an unfinished article's undecided tokens are marked *missing* (spaCy then leaves
them out of the loss) and an article with nothing decided is left out. Each writer reports what it wrote, so the
export summary counts exactly what the file holds. The CSV writes every claim it is given, with its status.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from annotator.core.actor_levels import ActorHierarchy, ActorInfo
from annotator.core.records import ClaimView, EntityView, RoleView, Status
from annotator.io.export_model import ExportArticle, actor_ref, article_head, spans_text
from annotator.io.writers import ArticleWriter, Written, dumps

#: Statuses of rows that count as an analyst's decision.
DECIDED = frozenset({Status.ACCEPTED, Status.CORRECTED, Status.MANUAL})
#: Article statuses meaning every row of the article is decided (what is not marked is "nothing there").
FINISHED = frozenset({"done", "reviewed"})

CSV_COLUMNS = [
    "article_id",
    "title",
    "date",
    "outlet",
    "claim_id",
    "claimant",
    "claimant_kind",
    "claimant_parent",
    "source",
    "cue",
    "content",
    "kind",
    "form",
    "addressee",
    "issue",
    "stance",
    "note",
    "status",
    "annotator",
]
# Excel evaluates a cell starting with one of these as a formula; article text must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _decided_entities(entities: Iterable[EntityView]) -> list[EntityView]:
    return sorted((e for e in entities if e.status in DECIDED), key=lambda e: (e.start, e.end, e.id))


def _non_overlapping(entities: list[EntityView]) -> list[EntityView]:
    """Longest-first choice of non-overlapping mentions (NER formats cannot hold overlaps)."""
    chosen: list[EntityView] = []
    for entity in sorted(entities, key=lambda e: (-(e.end - e.start), e.start)):
        if all(entity.end <= c.start or c.end <= entity.start for c in chosen):
            chosen.append(entity)
    return sorted(chosen, key=lambda e: e.start)


def _finished(item: ExportArticle, layer: str) -> bool:
    """Whether every row of the article's exported layer is decided: an annotator's or the gold layer of a
    done or reviewed article (the suggestions layer, or all layers mixed, never are)."""
    return item.status in FINISHED and layer not in ("suggestions", "all")


def _meta(item: ExportArticle) -> dict[str, Any]:
    return article_head(item.article, "file")


# --------------------------------------------------------------------------- claims CSV


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _variable_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return _cell(str(value))


def _role_text(role: RoleView | None, text: str) -> str:
    return spans_text(text, sorted(role.spans)) if role is not None and role.spans else ""


def _claim_row(item: ExportArticle, claim: ClaimView, names: dict[int, str],
               hierarchy: ActorHierarchy) -> list[str]:
    text = item.article.text

    def actor_name(actor_id: int | None, name: str | None) -> str:
        return name or (names.get(actor_id, "") if actor_id is not None else "")

    claimant = hierarchy.actor(claim.source_actor_id) if claim.source_actor_id is not None else None
    top = hierarchy.actor(hierarchy.top(claim.source_actor_id)) if claim.source_actor_id is not None else None
    # Every text cell is escaped, the annotator (layer) name and the codebook values too: whatever came from a
    # file or a user may start with "=".
    return [
        _cell(item.article.id),
        _cell(item.article.title),
        _cell(item.article.date),
        _cell(item.article.source),
        f"c{claim.id}",
        _cell(actor_name(claim.source_actor_id, claim.source_actor_name)),
        _cell(claimant.kind) if claimant is not None else "",
        _cell(top.name) if top is not None else "",
        _cell(_role_text(claim.source, text)),
        _cell(_role_text(claim.cue, text)),
        _cell(_role_text(claim.content, text)),
        _cell(claim.kind),
        _cell(claim.form),
        _cell(actor_name(claim.addressee_id, claim.addressee_name)),
        _cell(claim.issue),
        "" if claim.stance is None else str(claim.stance),
        _cell(claim.note),
        _cell(str(claim.status)),
        _cell(claim.layer),
    ]


class ClaimsCsvWriter(ArticleWriter):
    """One row per claim (``CSV_COLUMNS``, then ``var:<name>`` per codebook variable), UTF-8 with BOM so Excel
    reads the accents right: DNA's event list.

    ``claimant_parent`` is the top of the claimant's actor hierarchy (Abe → Government of Japan; an actor without
    a parent is its own).

    Cells that Excel would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) get a leading
    apostrophe. Role texts join discontinuous pieces with `` … ``.
    """

    encoding = "utf-8-sig"
    newline = ""

    def begin(self, handle: IO[Any]) -> None:
        self._names = {a.id: a.name for a in self.context.actors}
        # One column per custom variable of the codebook, after the fixed ones ("var:certainty").
        self._variables = [v.name for v in self.context.codebook.variables]
        self._hierarchy = ActorHierarchy(ActorInfo(a.id, a.name, a.kind, a.parent_id) for a in self.context.actors)
        self._csv = csv.writer(handle)
        self._csv.writerow(CSV_COLUMNS + [f"var:{name}" for name in self._variables])

    def write_article(self, handle: IO[Any], item: ExportArticle) -> Written:
        for claim in item.claims:
            values = [_variable_cell(claim.variables.get(name)) for name in self._variables]
            self._csv.writerow(_claim_row(item, claim, self._names, self._hierarchy) + values)
        return Written(1, 0, len(item.claims))


# --------------------------------------------------------------------------- Prodigy JSONL


class ProdigyWriter(ArticleWriter):
    """Prodigy-style NER JSONL: ``{"text", "spans": [{start, end, label}], "meta", "answer": "accept"}``.

    Only finished articles (done or reviewed) are written, with their decided, non-overlapping mentions (longest
    first where they overlap): an accepted record says its spans are all there are.
    """

    def write_article(self, handle: IO[Any], item: ExportArticle) -> Written:
        if not _finished(item, self.context.layer):
            return Written()
        spans = [
            {"start": e.start, "end": e.end, "label": e.label}
            for e in _non_overlapping(_decided_entities(item.entities))
        ]
        record = {"text": item.article.text, "spans": spans, "meta": _meta(item), "answer": "accept"}
        handle.write(dumps(record) + "\n")
        return Written(1, len(spans), 0)


# --------------------------------------------------------------------------- GraphML actor network


def _xml_text(value: str) -> str:
    # XML 1.0 forbids most control characters even escaped; drop them from names.
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)


class GraphmlWriter(ArticleWriter):
    """The co-mention graph (``comention-graphml``): actors are nodes, edges co-mentions and claims.

    Not a discourse network (that is ``annotator network``, ``annotator.networks``): it shows who appears together
    in the news. Nodes carry ``label`` (the name, which Gephi and visone show), ``kind`` and ``parent``. Edges
    (attribute ``type``): ``co-mention`` between two actors mentioned in the same article (undirected, written
    once from the lower to the higher id, ``weight`` = number of articles); ``claim`` from a claim's claimant to
    its addressee (``directed="true"``, ``weight`` = number of claims). Only decided rows count. Every actor of the
    context is a node, plus any actor referenced by a row but missing from it. The graph is written at the end.
    """

    def begin(self, handle: IO[Any]) -> None:
        self._nodes: dict[int, tuple[str, str, int | None]] = {
            a.id: (a.name, a.kind, a.parent_id) for a in self.context.actors
        }
        self._claim_edges: Counter[tuple[int, int]] = Counter()
        self._co_mentions: Counter[tuple[int, int]] = Counter()

    def _node(self, actor_id: int, name: str | None) -> None:
        self._nodes.setdefault(actor_id, (name or f"actor {actor_id}", "", None))

    def write_article(self, handle: IO[Any], item: ExportArticle) -> Written:
        mentioned: set[int] = set()
        claims = 0
        for entity in _decided_entities(item.entities):
            if entity.actor_id is not None:
                mentioned.add(entity.actor_id)
                self._node(entity.actor_id, entity.actor_name)
        for claim in item.claims:
            if claim.status not in DECIDED or claim.source_actor_id is None:
                continue
            self._node(claim.source_actor_id, claim.source_actor_name)
            if claim.addressee_id is not None:
                self._node(claim.addressee_id, claim.addressee_name)
                self._claim_edges[(claim.source_actor_id, claim.addressee_id)] += 1
            claims += 1
        for pair in combinations(sorted(mentioned), 2):
            self._co_mentions[pair] += 1
        return Written(1, len(_decided_entities(item.entities)), claims)

    def end(self, handle: IO[Any]) -> None:
        handle.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
            '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n'
            '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
            '  <key id="parent" for="node" attr.name="parent" attr.type="string"/>\n'
            '  <key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
            '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>\n'
            f'  <graph id={quoteattr(_xml_text(self.context.layer or "actors"))} edgedefault="undirected">\n'
        )
        for actor_id in sorted(self._nodes):
            name, kind, parent = self._nodes[actor_id]
            handle.write(
                f'    <node id="{actor_ref(actor_id)}">'
                f'<data key="label">{escape(_xml_text(name))}</data>'
                f'<data key="kind">{escape(_xml_text(kind))}</data>'
                f'<data key="parent">{actor_ref(parent) or ""}</data></node>\n'
            )
        number = 0
        for kind, edges in (("claim", self._claim_edges), ("co-mention", self._co_mentions)):
            for (source, target), weight in sorted(edges.items()):
                number += 1
                directed = ' directed="true"' if kind == "claim" else ""
                handle.write(
                    f'    <edge id="g{number}" source="{actor_ref(source)}" target="{actor_ref(target)}"{directed}>'
                    f'<data key="type">{kind}</data><data key="weight">{weight}</data></edge>\n'
                )
        handle.write("  </graph>\n</graphml>\n")


# --------------------------------------------------------------------------- spaCy DocBin


class DocBinWriter(ArticleWriter):
    """A spaCy ``DocBin`` (``.spacy``) for ``spacy train``: one Doc per article, ``doc.ents`` = decided mentions.

    Tokenised with ``spacy.blank(lang)`` (no model needed). A mention that does not fall on token boundaries
    is expanded to the tokens it touches; overlapping mentions keep the longest. In an unfinished article the
    tokens outside decided (and rejected) mentions are missing, not "outside"; an unfinished article with nothing
    decided is left out. The DocBin is built in memory (compact, but not streamed) and written at the end.
    """

    mode = "wb"
    encoding = None
    #: The language of the blank tokenizer.
    lang = "en"

    def begin(self, handle: IO[Any]) -> None:
        # spaCy is heavy and only this format needs it: import it here, not at module load.
        import spacy
        from spacy.tokens import DocBin

        self._spacy = spacy
        self._nlp = spacy.blank(self.lang)
        self._docbin = DocBin(store_user_data=True)

    def write_article(self, handle: IO[Any], item: ExportArticle) -> Written:
        finished = _finished(item, self.context.layer)
        decided = _decided_entities(item.entities)
        rejected = [e for e in item.entities if e.status == Status.REJECTED]
        if not finished and not decided and not rejected:
            return Written()
        doc = self._nlp.make_doc(item.article.text)
        spans = []
        for entity in decided:
            span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        ents = self._spacy.util.filter_spans(spans)
        taken = {i for span in ents for i in range(span.start, span.end)}
        # A rejected suggestion is known to be no entity: those tokens are "outside" even in an unfinished article.
        outside = [
            span
            for e in rejected
            if (span := doc.char_span(e.start, e.end, alignment_mode="expand")) is not None
            and not taken & set(range(span.start, span.end))
        ]
        doc.set_ents(ents, outside=outside, default="outside" if finished else "missing")
        doc.user_data["id"] = item.article.id
        self._docbin.add(doc)
        return Written(1, len(ents), 0)

    def end(self, handle: IO[Any]) -> None:
        handle.write(self._docbin.to_bytes())
