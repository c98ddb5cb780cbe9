"""Exporters for other tools: claims CSV (Excel), Prodigy-style JSONL, GraphML actor network, spaCy DocBin.

They share the ``ExportWriter`` signature of ``annotator.io.writers`` (atomic write, cancel, progress).
Training formats (Prodigy, DocBin) and the network keep only *decided* rows (accepted, corrected, manual):
suggestions and rejected rows are not facts an analyst stands by. The CSV writes every claim it is given, with
its status.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from annotator.core.records import ActorView, ClaimView, EntityView, RoleView, Status
from annotator.io import jsontext
from annotator.io.atomic import Cancel, Checkpoint, OnArticle, atomic_open
from annotator.io.export_model import ExportArticle, actor_ref, spans_text

#: Statuses of rows that count as an analyst's decision.
DECIDED = frozenset({Status.ACCEPTED, Status.CORRECTED, Status.MANUAL})

CSV_COLUMNS = [
    "article_id",
    "title",
    "date",
    "outlet",
    "claim_id",
    "claimant",
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


def _meta(item: ExportArticle) -> dict[str, Any]:
    article = item.article
    return {
        "id": article.id,
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "file": article.file,
    }


# --------------------------------------------------------------------------- claims CSV


def _cell(value: str | None) -> str:
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _role_text(role: RoleView | None, text: str) -> str:
    return spans_text(text, sorted(role.spans)) if role is not None and role.spans else ""


def _claim_row(item: ExportArticle, claim: ClaimView, names: dict[int, str]) -> list[str]:
    text = item.article.text

    def actor_name(actor_id: int | None, name: str | None) -> str:
        return name or (names.get(actor_id, "") if actor_id is not None else "")

    # Every text cell is escaped, the annotator (layer) name and the codebook values too: whatever came from a
    # file or a user may start with "=".
    return [
        _cell(item.article.id),
        _cell(item.article.title),
        _cell(item.article.date),
        _cell(item.article.source),
        f"c{claim.id}",
        _cell(actor_name(claim.source_actor_id, claim.source_actor_name)),
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


def write_claims_csv(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
) -> int:
    """One row per claim (``CSV_COLUMNS``), UTF-8 with BOM so Excel reads the accents right.

    Cells that Excel would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) get a leading
    apostrophe. Role texts join discontinuous pieces with `` … ``.

    Returns:
        The number of articles processed.
    """
    del labels, layer
    names = {a.id: a.name for a in actors}
    checkpoint = Checkpoint(cancel, on_article)
    with atomic_open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for item in articles:
            checkpoint.check()
            for claim in item.claims:
                writer.writerow(_claim_row(item, claim, names))
            checkpoint.done_one()
        checkpoint.check()
    return checkpoint.count


# --------------------------------------------------------------------------- Prodigy JSONL


def write_prodigy(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
) -> int:
    """Prodigy-style NER JSONL: ``{"text", "spans": [{start, end, label}], "meta", "answer": "accept"}``.

    Only decided, non-overlapping mentions are written (longest first where they overlap).

    Returns:
        The number of articles written.
    """
    del actors, labels, layer
    checkpoint = Checkpoint(cancel, on_article)
    with atomic_open(path, "w") as handle:
        for item in articles:
            checkpoint.check()
            spans = [
                {"start": e.start, "end": e.end, "label": e.label}
                for e in _non_overlapping(_decided_entities(item.entities))
            ]
            record = {"text": item.article.text, "spans": spans, "meta": _meta(item), "answer": "accept"}
            handle.write(jsontext.dumps(record, ensure_ascii=False) + "\n")
            checkpoint.done_one()
        checkpoint.check()
    return checkpoint.count


# --------------------------------------------------------------------------- GraphML actor network


def _xml_text(value: str) -> str:
    # XML 1.0 forbids most control characters even escaped; drop them from names.
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)


def write_graphml(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
) -> int:
    """Actor network as GraphML: actors are nodes; edges are claims and co-mentions.

    Edges (attribute ``type``): ``claim`` from a claim's claimant to its addressee (directed, ``weight`` =
    number of claims); ``co-mention`` between two actors mentioned in the same article (written once from the
    lower to the higher id, ``weight`` = number of articles). Only decided rows count. Every actor passed is a
    node, plus any actor referenced by a row but missing from ``actors``.

    Returns:
        The number of articles processed.
    """
    del labels
    checkpoint = Checkpoint(cancel, on_article)
    nodes: dict[int, tuple[str, str, int | None]] = {a.id: (a.name, a.kind, a.parent_id) for a in actors}
    claim_edges: Counter[tuple[int, int]] = Counter()
    co_mentions: Counter[tuple[int, int]] = Counter()
    for item in articles:
        checkpoint.check()
        mentioned: set[int] = set()
        for entity in _decided_entities(item.entities):
            if entity.actor_id is not None:
                mentioned.add(entity.actor_id)
                nodes.setdefault(entity.actor_id, (entity.actor_name or f"actor {entity.actor_id}", "", None))
        for claim in item.claims:
            if claim.status not in DECIDED or claim.source_actor_id is None:
                continue
            nodes.setdefault(
                claim.source_actor_id, (claim.source_actor_name or f"actor {claim.source_actor_id}", "", None)
            )
            if claim.addressee_id is not None:
                nodes.setdefault(
                    claim.addressee_id, (claim.addressee_name or f"actor {claim.addressee_id}", "", None)
                )
                claim_edges[(claim.source_actor_id, claim.addressee_id)] += 1
        for pair in combinations(sorted(mentioned), 2):
            co_mentions[pair] += 1
        checkpoint.done_one()
    checkpoint.check()
    with atomic_open(path, "w") as handle:
        handle.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
            '  <key id="name" for="node" attr.name="name" attr.type="string"/>\n'
            '  <key id="kind" for="node" attr.name="kind" attr.type="string"/>\n'
            '  <key id="parent" for="node" attr.name="parent" attr.type="string"/>\n'
            '  <key id="type" for="edge" attr.name="type" attr.type="string"/>\n'
            '  <key id="weight" for="edge" attr.name="weight" attr.type="int"/>\n'
            f'  <graph id={quoteattr(_xml_text(layer or "actors"))} edgedefault="directed">\n'
        )
        for actor_id in sorted(nodes):
            name, kind, parent = nodes[actor_id]
            handle.write(
                f'    <node id="{actor_ref(actor_id)}">'
                f'<data key="name">{escape(_xml_text(name))}</data>'
                f'<data key="kind">{escape(_xml_text(kind))}</data>'
                f'<data key="parent">{actor_ref(parent) or ""}</data></node>\n'
            )
        number = 0
        for kind, edges in (("claim", claim_edges), ("co-mention", co_mentions)):
            for (source, target), weight in sorted(edges.items()):
                number += 1
                handle.write(
                    f'    <edge id="g{number}" source="{actor_ref(source)}" target="{actor_ref(target)}">'
                    f'<data key="type">{kind}</data><data key="weight">{weight}</data></edge>\n'
                )
        handle.write("  </graph>\n</graphml>\n")
    return checkpoint.count


# --------------------------------------------------------------------------- spaCy DocBin


def write_docbin(
    path: str | Path,
    articles: Iterable[ExportArticle],
    *,
    actors: Sequence[ActorView] = (),
    labels: Sequence[str] = (),
    layer: str = "",
    cancel: Cancel | None = None,
    on_article: OnArticle | None = None,
    lang: str = "en",
) -> int:
    """A spaCy ``DocBin`` (``.spacy``) for ``spacy train``: one Doc per article, ``doc.ents`` = decided
    mentions.

    Tokenised with ``spacy.blank(lang)`` (no model needed). A mention that does not fall on token boundaries
    is expanded to the tokens it touches; overlapping mentions keep the longest. The DocBin is built in memory
    (compact, but not streamed) and written atomically at the end.

    Returns:
        The number of articles written.
    """
    # spaCy is heavy and only this format needs it: import it here, not at module load.
    import spacy
    from spacy.tokens import DocBin

    del actors, labels, layer
    nlp = spacy.blank(lang)
    docbin = DocBin(store_user_data=True)
    checkpoint = Checkpoint(cancel, on_article)
    for item in articles:
        checkpoint.check()
        doc = nlp.make_doc(item.article.text)
        spans = []
        for entity in _decided_entities(item.entities):
            span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.ents = spacy.util.filter_spans(spans)
        doc.user_data["id"] = item.article.id
        docbin.add(doc)
        checkpoint.done_one()
    checkpoint.check()
    with atomic_open(path, "wb") as handle:
        handle.write(docbin.to_bytes())
    return checkpoint.count
