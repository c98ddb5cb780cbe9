"""``network``: a discourse network of a layer's claims, written as GraphML, CSV, UCINET DL or GEXF."""

from __future__ import annotations

import argparse

from annotator.cli.common import EXIT_OK, Handler, SubParsers, add_db_option, open_repository, terminal_progress

_TYPES = ("two-mode", "actor", "issue")
_AGGREGATIONS = ("ignore", "combine", "subtract", "congruence", "conflict")
_NORMALIZATIONS = ("no", "average", "jaccard", "cosine", "activity", "prominence")
_DUPLICATES = ("all", "document", "week", "month", "year")
_FORMATS = ("graphml", "csv", "dl", "gexf")


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``network`` to the ``annotator`` command; returns its handler by name."""
    p = sub.add_parser(
        "network",
        help="discourse network of the claims (Discourse Network Analyzer's definitions; see docs/networks.md)",
        description="Build a two-mode actor × issue or a one-mode actor × actor / issue × issue network from the "
                    "claims of a layer, with Discourse Network Analyzer's aggregations and normalisations.",
    )
    add_db_option(p)
    p.add_argument("--layer", default="gold",
                   help="gold (default), decided (every decided claim), suggestions, or an annotator's name")
    p.add_argument("--type", dest="network_type", choices=_TYPES, default="two-mode",
                   help="two-mode actor × issue (default); actor: actors through shared issues; issue: issues "
                        "through shared actors")
    p.add_argument("--aggregation", choices=_AGGREGATIONS, default="ignore",
                   help="stances: ignore (default); two-mode combine or subtract; one-mode congruence, conflict "
                        "or subtract")
    p.add_argument("--normalization", choices=_NORMALIZATIONS, default="no",
                   help="no (default); one-mode average, jaccard or cosine; two-mode activity or prominence")
    p.add_argument("--duplicates", choices=_DUPLICATES, default="all",
                   help="count all statements (default) or one identical statement per document, week, month "
                        "or year")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="first date counted (YYYY-MM-DD)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="last date counted (YYYY-MM-DD)")
    p.add_argument("--level", choices=("mention", "actor", "parent"), default="actor",
                   help="the claimant as mentioned, its actor (default) or the actor's top-level parent")
    p.add_argument("--isolates", action="store_true",
                   help="keep every actor and issue of the layer as a node, even without a tie")
    p.add_argument("--window-unit", choices=("days", "weeks", "months", "years"),
                   help="write one network per moving time window of this unit (files NAME-001.EXT, ...)")
    p.add_argument("--window-size", type=int, default=1, metavar="N", help="window length in units (default 1)")
    p.add_argument("--window-step", type=int, default=1, metavar="N",
                   help="units from one window's start to the next (default 1)")
    p.add_argument("--format", dest="fmt", choices=_FORMATS, default="graphml",
                   help="graphml (default; visone, Gephi), csv (weighted matrix), dl (UCINET fullmatrix), gexf")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    return {"network": _cmd_network}


def _cmd_network(args: argparse.Namespace) -> int:
    from annotator.jobs.analysis import export_network
    from annotator.networks import NetworkOptions, WindowOptions

    # Settings first: a wrong combination is reported before the database is opened.
    options = NetworkOptions(type=args.network_type, aggregation=args.aggregation,
                             normalization=args.normalization, duplicates=args.duplicates,
                             date_from=args.date_from, date_to=args.date_to, isolates=args.isolates,
                             level=args.level)
    window = WindowOptions(args.window_unit, args.window_size, args.window_step) if args.window_unit else None
    repo = open_repository(args)
    try:
        with terminal_progress("network", "step") as report:
            summary = export_network(repo, args.output, fmt=args.fmt, options=options, layer=args.layer,
                                     window=window, progress=report)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK
