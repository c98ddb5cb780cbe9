"""Network files: GraphML (visone, Gephi), GEXF (Gephi), CSV weight matrix and UCINET DL (fullmatrix).

GraphML and GEXF are written by networkx from :meth:`Network.to_networkx`: node attributes ``label`` (the
name), ``type`` (actor or issue), ``kind`` and ``statements``; edge attribute ``weight``; undirected, so a
one-mode network is read as undirected by every tool. Node ids are ``n0``, ``n1``… (GraphML ids may not hold
spaces); the names are in ``label``, which Gephi and visone show. Every file is written to a temporary file
and renamed, so a failed export never leaves half a file.
"""

from __future__ import annotations

import csv
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import numpy as np

from annotator.core.errors import ValidationError
from annotator.networks.build import Network


@contextmanager
def _atomic(path: str | Path, mode: str, **kwargs: Any) -> Iterator[IO[Any]]:
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"cannot write {target}: the folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _xml_safe(value: str) -> str:
    # XML 1.0 forbids most control characters even escaped.
    return "".join(ch for ch in value if ch in "\t\n\r" or ord(ch) >= 32)


def _file_graph(network: Network) -> Any:
    import networkx as nx

    graph = network.to_networkx()
    ids = {key: f"n{i}" for i, key in enumerate(graph.nodes)}
    relabelled = nx.relabel_nodes(graph, ids, copy=True)
    for node, attrs in relabelled.nodes(data=True):
        attrs["label"] = _xml_safe(str(attrs.get("label", node)))
        attrs["kind"] = _xml_safe(str(attrs.get("kind", "")))
    return relabelled


def write_graphml(network: Network, path: str | Path) -> None:
    import networkx as nx

    with _atomic(path, "wb") as handle:
        nx.write_graphml(_file_graph(network), handle, encoding="utf-8")


def write_gexf(network: Network, path: str | Path) -> None:
    import networkx as nx

    with _atomic(path, "wb") as handle:
        nx.write_gexf(_file_graph(network), handle, encoding="utf-8")


def format_weight(value: float) -> str:
    """Whole weights as integers, others with up to 10 significant digits."""
    return str(int(value)) if float(value).is_integer() else format(float(value), ".10g")


def write_csv(network: Network, path: str | Path) -> None:
    """The weighted matrix: a header row of column names, then one row per node with its name first."""
    with _atomic(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["", *(n.label for n in network.columns)])
        for node, values in zip(network.rows, network.matrix.tolist(), strict=True):
            writer.writerow([node.label, *(format_weight(v) for v in values)])


def _dl_label(label: str) -> str:
    return '"' + " ".join(label.replace('"', "'").split()) + '"'


def write_dl(network: Network, path: str | Path) -> None:
    """UCINET DL, ``format = fullmatrix`` with embedded labels (one-mode: ``n=``; two-mode: ``nr=``, ``nc=``)."""
    with _atomic(path, "w", encoding="utf-8", newline="\n") as handle:
        if network.one_mode:
            handle.write(f"dl n={len(network.rows)}\nformat = fullmatrix\nlabels:\n")
            handle.write("\n".join(_dl_label(n.label) for n in network.rows) + "\n")
        else:
            handle.write(f"dl nr={len(network.rows)}, nc={len(network.columns)}\nformat = fullmatrix\n")
            handle.write("row labels:\n" + "\n".join(_dl_label(n.label) for n in network.rows) + "\n")
            handle.write("column labels:\n" + "\n".join(_dl_label(n.label) for n in network.columns) + "\n")
        handle.write("data:\n")
        for values in np.asarray(network.matrix).tolist():
            handle.write(" ".join(format_weight(v) for v in values) + "\n")


#: Network file formats (as ``annotator network --format`` takes them) and their writers.
NETWORK_FORMATS: dict[str, Callable[[Network, str | Path], None]] = {
    "graphml": write_graphml,
    "csv": write_csv,
    "dl": write_dl,
    "gexf": write_gexf,
}


def write_network(network: Network, path: str | Path, fmt: str) -> None:
    """Write ``network`` to ``path`` in ``fmt`` (graphml, csv, dl, gexf)."""
    writer = NETWORK_FORMATS.get(fmt.lower())
    if writer is None:
        raise ValidationError(f"unknown network format {fmt!r}; expected one of {', '.join(NETWORK_FORMATS)}")
    writer(network, path)
