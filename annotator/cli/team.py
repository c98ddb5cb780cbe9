"""``agreement`` and ``annotators``: who codes, who reviews, and how far they agree."""

from __future__ import annotations

import argparse
import json
import sys

from annotator.cli.common import EXIT_OK, EXIT_USAGE, Handler, SubParsers, db_command, open_repository


def _names(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _cmd_agreement(args: argparse.Namespace) -> int:
    from annotator.jobs.agreement import compute_agreement, format_agreement

    names = _names(args.annotators)
    if names is not None and len(names) < 2:
        print("annotator agreement: --annotators needs at least two names, e.g. --annotators alice,bob",
              file=sys.stderr)
        return EXIT_USAGE
    repo = open_repository(args)
    try:
        report = compute_agreement(repo, names)
    finally:
        repo.close()
    print(json.dumps(report.to_json(), indent=2) if args.json else format_agreement(report))
    return EXIT_OK


def _cmd_annotators(args: argparse.Namespace) -> int:
    from annotator.jobs.annotators import add_annotator, list_annotators

    repo = open_repository(args)
    try:
        if args.action == "add":
            outcome = add_annotator(repo, args.name, args.role)
            name = args.name.strip()
            print(f"{name}: {outcome} ({args.role})")
            return EXIT_OK
        if args.action == "overlap":
            if args.count is not None:
                repo.set_setting("overlap", args.count)  # validated: a whole number >= 1
            count = repo.overlap()
            print(f"overlap: each article goes to {count} annotator{'s' if count != 1 else ''}")
            return EXIT_OK
        rows = list_annotators(repo)
    finally:
        repo.close()
    if getattr(args, "json", False):
        print(json.dumps([{"name": name, "role": role} for name, role in rows], indent=2))
    elif not rows:
        print("No annotators yet; add one with: annotator annotators add NAME [--role reviewer]")
    else:
        width = max(len(name) for name, _ in rows)
        for name, role in rows:
            print(f"{name:<{width}}  {role}")
    return EXIT_OK


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``agreement`` and ``annotators`` to the ``annotator`` command; returns their handlers by name."""
    p = db_command(sub, "agreement", help="inter-annotator agreement: entity F1, claim F1, kappa per pair")
    p.add_argument("--annotators", metavar="A,B[,...]",
                   help="comma-separated annotators to compare (default: everyone who has coded articles)")
    p.add_argument("--json", action="store_true", help="print JSON")

    p = db_command(sub, "annotators", help="list annotators or add one / change a role")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    a = db_command(actions, "add", help="add an annotator, or change the role of an existing one")
    a.add_argument("name", metavar="NAME")
    a.add_argument("--role", choices=("annotator", "reviewer"), default="annotator",
                   help="annotator (default) or reviewer")
    a = db_command(actions, "overlap", help="show or set how many annotators code each article")
    a.add_argument("count", metavar="N", nargs="?", type=int,
                   help="annotators per article (1 or more); without it, print the current overlap")
    a = db_command(actions, "list", help="list annotators with their roles")
    a.add_argument("--json", action="store_true", help="print JSON")
    return {"agreement": _cmd_agreement, "annotators": _cmd_annotators}
