"""Use cases of the analysis views and ``annotator network``: read a layer's claims, build and write networks.

The GUI's claims view and network view and the command line run this same code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.actor_levels import ActorHierarchy, ActorInfo, ActorLevel
from annotator.core.claim_table import ClaimRow, ClaimTable, ClaimVocabulary
from annotator.core.errors import ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, Status
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback, no_progress
from annotator.networks import (
    NETWORK_FORMATS,
    Network,
    NetworkOptions,
    StatementSet,
    WindowOptions,
    build_network,
    build_windows,
    statements_from_claims,
    write_network,
)
from annotator.store.repository import Repository

#: The "layer" that holds every decided claim of every human layer and gold.
DECIDED_LAYERS = "decided"
#: Statuses of a claim someone stands by (a suggestion no one rejected counts in the suggestions layer).
LIVE_STATUSES = (Status.ACCEPTED.value, Status.CORRECTED.value, Status.MANUAL.value, Status.SUGGESTED.value)
DECIDED_STATUSES = (Status.ACCEPTED.value, Status.CORRECTED.value, Status.MANUAL.value)


def claim_layers(repo: Repository) -> list[str]:
    """The layers a user can analyse: gold, everything decided, each annotator, the suggestions."""
    people = sorted(name for name, _role in repo.annotators())
    return [GOLD_LAYER, DECIDED_LAYERS, *people, SUGGESTIONS_LAYER]


def load_claim_rows(repo: Repository, layer: str) -> list[ClaimRow]:
    """The claims of ``layer`` (gold, decided, suggestions or an annotator's name); rejected ones are left out."""
    if layer == DECIDED_LAYERS:
        return repo.claim_rows(None, DECIDED_STATUSES)
    known = set(claim_layers(repo))
    if layer not in known:
        raise ValidationError(f"unknown layer {layer!r}: use {', '.join(sorted(known))}")
    return repo.claim_rows(layer, LIVE_STATUSES)


def claim_vocabulary(repo: Repository) -> ClaimVocabulary:
    """The issue tree, stance scale, forms and variables of the project's codebook."""
    codebook = repo.codebook()
    return ClaimVocabulary.from_schema(codebook.to_dict(), [v.name for v in codebook.variables])


def actor_hierarchy(repo: Repository) -> ActorHierarchy:
    return ActorHierarchy(ActorInfo(a.id, a.name, a.kind, a.parent_id) for a in repo.actors())


def load_claim_table(repo: Repository, layer: str, level: ActorLevel | str = ActorLevel.ACTOR) -> ClaimTable:
    """The claims view's table of ``layer`` with claimants at ``level``."""
    return ClaimTable(load_claim_rows(repo, layer), actor_hierarchy(repo), ActorLevel.parse(str(level)),
                      claim_vocabulary(repo))


def load_statements(repo: Repository, layer: str, level: ActorLevel | str = ActorLevel.ACTOR,
                    rows: Sequence[ClaimRow] | None = None) -> StatementSet:
    """The statements of ``layer``: claims with a claimant at ``level`` and an issue."""
    if rows is None:
        rows = load_claim_rows(repo, layer)
    return statements_from_claims(rows, actor_hierarchy(repo), ActorLevel.parse(str(level)), claim_vocabulary(repo))


@dataclass
class NetworkSummary:
    """What ``annotator network`` wrote."""

    paths: list[str] = field(default_factory=list)
    format: str = ""
    layer: str = ""
    claims: int = 0
    statements: int = 0
    nodes: int = 0
    edges: int = 0
    skipped: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        where = self.paths[0] if len(self.paths) == 1 else f"{len(self.paths)} files ({self.paths[0]} …)"
        out = [f"wrote {where} ({self.format}): {_count(self.nodes, 'node')}, {_count(self.edges, 'edge')} from "
               f"{_count(self.statements, 'statement')} of {_count(self.claims, 'claim')} in layer {self.layer}"]
        left_out = ", ".join(f"{n} {why}" for why, n in self.skipped.items() if n)
        if left_out:
            out.append(f"left out: {left_out} (link the claimant to an actor and set the issue to count them)")
        if self.statements == 0:
            out.append("no statements: code claims with a claimant actor and an issue first")
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def window_paths(path: str | Path, count: int) -> list[Path]:
    """``net.graphml`` -> ``net-001.graphml``, ``net-002.graphml``… one per time window."""
    path = Path(path)
    return [path.with_name(f"{path.stem}-{i + 1:03d}{path.suffix}") for i in range(count)]


def export_network(
    repo: Repository,
    path: str | Path,
    *,
    fmt: str,
    options: NetworkOptions,
    layer: str = GOLD_LAYER,
    window: WindowOptions | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> NetworkSummary:
    """Build the network of ``layer`` and write it (with ``window``: one file per time window).

    Raises:
        ValidationError: unknown layer or format, or an invalid combination of settings.
    """
    if fmt not in NETWORK_FORMATS:
        raise ValidationError(f"unknown network format {fmt!r}; expected one of {', '.join(NETWORK_FORMATS)}")
    progress(Progress(0, 3, "reading claims"))
    rows = load_claim_rows(repo, layer)
    data = load_statements(repo, layer, options.level, rows)
    if cancel is not None:
        cancel.check()
    progress(Progress(1, 3, "building the network"))
    networks: list[Network] = build_windows(data, options, window) if window else [build_network(data, options)]
    if window and not networks:
        raise ValidationError("no dated statements to make time windows of")
    if cancel is not None:
        cancel.check()
    progress(Progress(2, 3, "writing"))
    paths = window_paths(path, len(networks)) if window else [Path(path)]
    for network, target in zip(networks, paths, strict=True):
        write_network(network, target, fmt)
    summary = NetworkSummary([str(p) for p in paths], fmt, layer, len(rows), len(data.statements),
                             skipped=dict(data.skipped))
    summary.nodes = max(len(n.nodes) for n in networks)
    summary.edges = max(n.edge_count() for n in networks)
    if window:
        summary.statements = sum(len(n.statements) for n in networks)
    else:
        summary.statements = len(networks[0].statements)
    progress(Progress(3, 3, "done"))
    return summary


def describe(network: Network) -> dict[str, Any]:
    """Figures of a network for a status line: nodes, edges, statements, period."""
    return {"nodes": len(network.nodes), "edges": network.edge_count(),
            "statements": len(network.statements), "start": network.start, "end": network.end}
