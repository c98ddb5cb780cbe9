"""``import``, ``suggest``, ``export`` and ``stats``: articles in, suggestions on them, annotations out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    Handler,
    SubParsers,
    add_db_option,
    open_repository,
    split_list,
    terminal_progress,
)


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add the article commands to the ``annotator`` command; returns their handlers by name."""
    p = sub.add_parser("import", help="import .txt files, folders, JSON/JSONL records or our own export")
    add_db_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--annotator", help="layer for pre-existing annotations that name no annotator")

    p = sub.add_parser("suggest", help="suggest entities, claims and actor links with spaCy")
    add_db_option(p)
    p.add_argument("--pipeline", help="spaCy pipeline name or path")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="spaCy worker processes (default 1)")
    p.add_argument("--force", action="store_true",
                   help="re-run articles already suggested by this pipeline version (never duplicates, "
                        "never changes a human decision)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N")

    p = sub.add_parser("export", help="export articles with their annotations")
    add_db_option(p)
    p.add_argument("--format", dest="fmt", default="json", help="json (default), jsonl, csv (the claims: DNA's "
                   "event list), prodigy, spacy, comention-graphml (actors named together; discourse networks are "
                   "`annotator network`)")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--layer", default="all", help="suggestions, gold, an annotator's name, or all (default)")
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="only these statuses (repeatable or comma-separated): suggested, accepted, "
                        "corrected, rejected, manual")

    p = sub.add_parser("stats", help="articles by status; suggestions and decisions per layer, label, status")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")
    return {"import": _cmd_import, "suggest": _cmd_suggest, "export": _cmd_export, "stats": _cmd_stats}


def _cmd_import(args: argparse.Namespace) -> int:
    from annotator.jobs.importing import import_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"annotator import: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    repo = open_repository(args)
    try:
        with terminal_progress("import", "file") as report:
            summary = import_paths(repo, args.paths, annotator=args.annotator, progress=report)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    nothing = summary.imported == 0 and summary.duplicates == 0
    return EXIT_ERROR if nothing else EXIT_OK


def _cmd_suggest(args: argparse.Namespace) -> int:
    from annotator.jobs.suggesting import suggest

    if args.processes < 1:
        print("annotator suggest: --processes must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    repo = open_repository(args)
    try:
        with terminal_progress("suggest", "article") as report:
            summary = suggest(repo, pipeline=args.pipeline, force=args.force, processes=args.processes,
                              progress=report, batch_size=args.batch_size)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.jobs.exporting import FORMATS, export

    if args.fmt == "graphml":
        print("annotator export: discourse networks are written by `annotator network` (see docs/networks.md); "
              "the graph of actors mentioned together is --format comention-graphml", file=sys.stderr)
        return EXIT_USAGE
    if args.fmt not in FORMATS:
        print(f"annotator export: unknown format {args.fmt!r}; choose one of {', '.join(FORMATS)}",
              file=sys.stderr)
        return EXIT_USAGE
    repo = open_repository(args)
    try:
        with terminal_progress("export", "article") as report:
            summary = export(repo, args.output, fmt=args.fmt, layer=args.layer,
                             statuses=split_list(args.status), progress=report)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from annotator.jobs.stats import format_stats

    repo = open_repository(args)
    try:
        stats = repo.stats()
    finally:
        repo.close()
    print(json.dumps(stats, indent=2, sort_keys=True) if args.json else format_stats(stats))
    return EXIT_OK
