"""``evaluate``: score the suggestions against a gold file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from annotator.cli import common


def register(sub: common.SubParsers) -> dict[str, common.Handler]:
    """Add ``evaluate`` to the ``annotator`` command; returns its handler by name."""
    p = sub.add_parser("evaluate", help="score the current suggestions against a gold file")
    common.add_db_option(p)
    p.add_argument("--gold", required=True, metavar="FILE", help="gold JSONL (dev-data format) or our export")
    p.add_argument("--kind", choices=("claims", "entities"), default="claims")
    p.add_argument("--run", action="store_true",
                   help="run the suggester in memory on the gold texts instead of reading the database")
    p.add_argument("--pipeline", help="spaCy pipeline name or path (with --run)")
    p.add_argument("--label-map", metavar="MAP|FILE",
                   help="entity labels to score as one (gold and suggested alike): FROM=TO pairs such as "
                        "PER=PERSON,GPE=LOC,DATE= (empty TO leaves a label out), or a JSON object file")
    p.add_argument("--json", action="store_true", help="print JSON")
    return {"evaluate": _cmd_evaluate}


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from annotator.core.evaluation import parse_label_map
    from annotator.jobs.evaluating import evaluate, format_report

    gold = Path(args.gold)
    if not gold.is_file():
        print(f"annotator evaluate: no such gold file: {gold}", file=sys.stderr)
        return common.EXIT_USAGE
    label_map = parse_label_map(args.label_map) if args.label_map else None
    repo = None if args.run else common.open_repository(args)
    try:
        with common.terminal_progress("evaluate", "article") as report:
            result = evaluate(gold, kind=args.kind, repo=repo, run=args.run, pipeline=args.pipeline,
                              progress=report, label_map=label_map)
    finally:
        if repo is not None:
            repo.close()
    print(json.dumps(result, indent=2) if args.json else format_report(result))
    return common.EXIT_OK
