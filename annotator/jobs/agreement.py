"""Inter-annotator agreement over a project (``annotator agreement`` and the app's agreement view).

For each pair of annotators the articles compared are those BOTH marked done; when a pair has no such article,
the articles both have decisions on (a row in their layer, or status done; skipped articles never count), and
the report says so. Each annotator's layer is read with ``Repository.export_rows(article_id, layer=name)``;
rejected rows are dropped (a rejection says "not an entity / not a claim"). The metrics are those of
:mod:`annotator.core.agreement`, summed over the articles before the ratios are taken.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from annotator.core.agreement import (
    CLAIM_ATTRIBUTES,
    ClaimAgreement,
    ClaimItem,
    Counts,
    EntityAgreement,
    Kappa,
    Mention,
    claim_agreement,
    claim_from_view,
    entity_agreement,
    mention_from_view,
)
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import ArticleStatus, Status
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.store.repository import Repository

#: Basis of a pair's figures: articles both annotators marked done.
BASIS_DONE = "done"
#: Fallback basis: no article done by both, so the articles both have decisions on.
BASIS_DECIDED = "decided"
#: No article coded by both: every figure is undefined.
BASIS_NONE = "none"


@dataclass(frozen=True)
class PairAgreement:
    """Agreement of one pair of annotators; ``first`` is the reference (precision and recall are its view)."""

    first: str
    second: str
    basis: str
    article_ids: tuple[str, ...] = ()
    entities: EntityAgreement = field(default_factory=EntityAgreement)
    claims: ClaimAgreement = field(default_factory=ClaimAgreement)

    @property
    def articles(self) -> int:
        """How many articles the figures are computed over."""
        return len(self.article_ids)

    def kappa(self, attribute: str) -> Kappa:
        """Cohen's kappa for ``kind``, ``form`` or ``stance`` over the matched claims."""
        return self.claims.kappa(attribute)

    def label_f1(self) -> dict[str, float | None]:
        """Entity F1 per label (the data of the agreement view's chart), labels sorted."""
        return {label: counts.f1 for label, counts in sorted(self.entities.per_label.items())}

    def to_json(self) -> dict[str, Any]:
        return {
            "annotators": [self.first, self.second],
            "reference": self.first,
            "basis": self.basis,
            "articles": self.articles,
            "article_ids": list(self.article_ids),
            "entities": self.entities.to_json(),
            "claims": self.claims.counts.to_json(),
            "kappa": {name: self.kappa(name).to_json() for name in CLAIM_ATTRIBUTES},
        }


@dataclass(frozen=True)
class AgreementReport:
    """Agreement of every pair of the compared annotators, with notes on what was compared."""

    annotators: tuple[str, ...]
    pairs: tuple[PairAgreement, ...]
    notes: tuple[str, ...] = ()

    def pair(self, a: str, b: str) -> PairAgreement:
        """The figures of one pair, in either order (F1 and kappa are symmetric)."""
        for p in self.pairs:
            if {p.first, p.second} == {a, b}:
                return p
        raise NotFoundError(f"no agreement computed between {a!r} and {b!r}")

    @property
    def labels(self) -> list[str]:
        """Every entity label seen in any pair, sorted (the rows of a per-label table or chart)."""
        return sorted({label for p in self.pairs for label in p.entities.per_label})

    def to_json(self) -> dict[str, Any]:
        return {"annotators": list(self.annotators), "notes": list(self.notes),
                "pairs": [p.to_json() for p in self.pairs]}


@dataclass
class _Accumulator:
    """Running sums of one pair on one basis."""

    article_ids: list[str] = field(default_factory=list)
    entities: EntityAgreement = field(default_factory=EntityAgreement)
    claim_counts: Counts = field(default_factory=Counts)
    # Lists, extended in place: summing ClaimAgreement tuples article by article would be quadratic.
    claim_pairs: dict[str, list[tuple[Hashable, Hashable]]] = field(
        default_factory=lambda: {name: [] for name in CLAIM_ATTRIBUTES})

    def add(self, article_id: str, a: _Layer, b: _Layer) -> None:
        self.article_ids.append(article_id)
        self.entities = self.entities + entity_agreement(a.mentions, b.mentions)
        claims = claim_agreement(a.claims, b.claims)
        self.claim_counts = self.claim_counts + claims.counts
        for name in CLAIM_ATTRIBUTES:
            self.claim_pairs[name].extend(claims.pairs[name])

    @property
    def claims(self) -> ClaimAgreement:
        return ClaimAgreement(self.claim_counts, {name: tuple(v) for name, v in self.claim_pairs.items()})


@dataclass
class _Layer:
    """One annotator's state on one article."""

    status: ArticleStatus
    has_rows: bool
    mentions: list[Mention]
    claims: list[ClaimItem]

    @property
    def done(self) -> bool:
        return self.status == ArticleStatus.DONE

    @property
    def decided(self) -> bool:
        return self.status != ArticleStatus.SKIPPED and (self.has_rows or self.done)


def _choose_annotators(repo: Repository, annotators: Sequence[str] | None) -> tuple[list[str], bool]:
    """The annotators to compare, and whether they were chosen by default."""
    known = [name for name, _ in repo.annotators()]
    if annotators is None:
        return sorted(known), True
    chosen = list(dict.fromkeys(a.strip() for a in annotators if a.strip()))
    unknown = [a for a in chosen if a not in known]
    if unknown:
        raise NotFoundError(f"unknown annotator(s): {', '.join(unknown)}; "
                            f"known: {', '.join(sorted(known)) or 'none'}")
    if len(chosen) < 2:
        raise ValidationError("agreement needs at least two annotators")
    return chosen, False


def _read_layer(repo: Repository, article_id: str, name: str, has_layer: bool) -> _Layer:
    status = ArticleStatus(repo.article_status(article_id, name))
    if not has_layer:
        return _Layer(status, False, [], [])
    entities, claims = repo.export_rows(article_id, layer=name)
    kept_entities = [e for e in entities if e.status != Status.REJECTED]
    kept_claims = [c for c in claims if c.status != Status.REJECTED]
    return _Layer(status, bool(entities or claims), [mention_from_view(e) for e in kept_entities],
                  [claim_from_view(c) for c in kept_claims])


def compute_agreement(repo: Repository, annotators: Sequence[str] | None = None,
                      progress: ProgressCallback = no_progress, cancel: CancelFlag | None = None
                      ) -> AgreementReport:
    """Agreement of every pair of annotators over the articles both coded.

    Args:
        repo: the open project.
        annotators: names to compare, in the order pairs are formed (the first of a pair is the reference).
            Default: every registered annotator (either role) who has marked an article done or has a decision
            on one; the others are named in the notes.
        progress: called after each article.
        cancel: checked before each article; raises ``CancelledError`` when set.

    Raises:
        NotFoundError: a named annotator does not exist.
        ValidationError: fewer than two annotators were named.
    """
    names, by_default = _choose_annotators(repo, annotators)
    layer_names = {name for name, _ in repo.layers()}
    article_ids = repo.article_ids()
    pairs = list(combinations(names, 2))
    done = {pair: _Accumulator() for pair in pairs}
    decided = {pair: _Accumulator() for pair in pairs}
    active: set[str] = set()
    for index, article_id in enumerate(article_ids):
        if cancel is not None:
            cancel.check()
        layers = {name: _read_layer(repo, article_id, name, name in layer_names) for name in names}
        active.update(name for name, layer in layers.items() if layer.decided)
        for a, b in pairs:
            la, lb = layers[a], layers[b]
            if la.done and lb.done:
                done[(a, b)].add(article_id, la, lb)
            if la.decided and lb.decided:
                decided[(a, b)].add(article_id, la, lb)
        progress(Progress(index + 1, len(article_ids), "agreement"))

    notes: list[str] = []
    if by_default:
        idle = [name for name in names if name not in active]
        if idle:
            notes.append(f"left out (no decision on any article): {', '.join(idle)}")
        names = [name for name in names if name in active]
        pairs = [(a, b) for a, b in pairs if a in active and b in active]
    if len(names) < 2:
        notes.append("fewer than two annotators have coded articles: nothing to compare")
    results: list[PairAgreement] = []
    for a, b in pairs:
        if done[(a, b)].article_ids:
            basis, acc = BASIS_DONE, done[(a, b)]
        else:
            basis, acc = BASIS_DECIDED, decided[(a, b)]
            if acc.article_ids:
                notes.append(f"{a} / {b}: no article marked done by both; figures over the "
                             f"{len(acc.article_ids)} article(s) both have decisions on")
            else:
                basis = BASIS_NONE
                notes.append(f"{a} / {b}: no article coded by both")
        results.append(PairAgreement(a, b, basis, tuple(acc.article_ids), acc.entities, acc.claims))
    return AgreementReport(tuple(names), tuple(results), tuple(notes))


# --------------------------------------------------------------------------- text rendering


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Columns aligned: the first left, the others right (they hold numbers)."""
    widths = [max(len(str(r[i])) for r in (header, *rows)) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        rest = [f"{c:>{w}}" for c, w in zip(cells[1:], widths[1:], strict=True)]
        parts = [f"{cells[0]:<{widths[0]}}", *rest]
        return (indent + "  ".join(parts)).rstrip()

    return [line(header), *(line(r) for r in rows)]


def _counts_row(name: str, counts: Counts) -> list[str]:
    return [name, _num(counts.f1), _num(counts.precision), _num(counts.recall), str(counts.n_reference),
            str(counts.n_other), str(counts.tp)]


def format_agreement(report: AgreementReport) -> str:
    """Render a report as aligned text tables: a summary per pair, then each pair's details."""
    lines: list[str] = []
    if report.pairs:
        lines.append("Agreement by pair of annotators")
        header = ["Pair", "Articles", "Basis", "Entity F1", "Claim F1", "kappa kind", "kappa form",
                  "kappa stance"]
        rows = [[f"{p.first} / {p.second}", str(p.articles), p.basis, _num(p.entities.overall.f1),
                 _num(p.claims.counts.f1), *(_num(p.kappa(name).value) for name in CLAIM_ATTRIBUTES)]
                for p in report.pairs]
        lines.extend(_table(header, rows))
    for p in report.pairs:
        if not p.articles:
            continue
        lines.append("")
        lines.append(f"{p.first} / {p.second} over {p.articles} article(s) ({p.basis}); "
                     f"reference {p.first}")
        header = ["", "F1", "P", "R", p.first, p.second, "both"]
        rows = [_counts_row("Entities", p.entities.overall)]
        rows += [_counts_row(f"  {label}", counts) for label, counts in sorted(p.entities.per_label.items())]
        rows.append(_counts_row("Claims", p.claims.counts))
        lines.extend(_table(header, rows))
        header = ["Kappa (matched claims)", "kappa", "observed", "expected", "n"]
        rows = [[name, _num(k.value), _num(k.observed), _num(k.expected), str(k.n)]
                for name in CLAIM_ATTRIBUTES for k in [p.kappa(name)]]
        lines.extend(_table(header, rows))
    if report.notes:
        lines.append("")
        lines.extend(f"Note: {note}" for note in report.notes)
    if not lines:
        lines.append("No agreement to report.")
    return "\n".join(lines)
