"""Discourse networks (Leifeld's Discourse Network Analysis) from coded claims: pure computation, networkx and numpy.

Claims become statements (claimant at a chosen actor level, issue, stance, date, document); statements become
two-mode actor × issue or one-mode actor × actor / issue × issue networks with the aggregations, normalisations,
duplicate rules and time windows of Discourse Network Analyzer's export. ``docs/networks.md`` gives the formulas.
Imports only ``annotator.core``: no Qt, no database, no spaCy.
"""

from annotator.networks.build import Network, Node, build_network
from annotator.networks.formats import NETWORK_FORMATS, write_network
from annotator.networks.options import (
    Aggregation,
    Duplicates,
    NetworkOptions,
    NetworkType,
    Normalization,
    WindowOptions,
    WindowUnit,
)
from annotator.networks.statements import Statement, StatementSet, statements_from_claims
from annotator.networks.windows import build_windows

__all__ = [
    "NETWORK_FORMATS",
    "Aggregation",
    "Duplicates",
    "Network",
    "NetworkOptions",
    "NetworkType",
    "Node",
    "Normalization",
    "Statement",
    "StatementSet",
    "WindowOptions",
    "WindowUnit",
    "build_network",
    "build_windows",
    "statements_from_claims",
    "write_network",
]
