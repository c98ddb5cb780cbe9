"""``project new`` and ``codebook show | export | import``: a study's own project and codebook."""

from __future__ import annotations

import argparse
import json

from annotator.cli.common import EXIT_OK, Handler, SubParsers, add_db_option, db_command, open_repository
from annotator.core.codebook import Codebook, IssueRow, Section
from annotator.core.codebook_edit import SECTION_TITLES


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``project`` and ``codebook`` to the ``annotator`` command; returns their handlers by name."""
    p = sub.add_parser("project", help="create a project (a database with its own codebook)")
    actions = p.add_subparsers(dest="project_command", metavar="ACTION", required=True)
    new = actions.add_parser("new", help="create a new project database (default codebook: the sample one)")
    new.add_argument("path", metavar="PATH", help="the database file to create")
    start = new.add_mutually_exclusive_group()
    start.add_argument("--codebook", metavar="FILE", help="start with this codebook file")
    start.add_argument("--empty", action="store_true", help="start with an empty codebook")

    p = sub.add_parser("codebook", help="show, export or import the project's codebook")
    actions = p.add_subparsers(dest="codebook_command", metavar="ACTION", required=True)
    show = db_command(actions, "show", help="print the codebook")
    show.add_argument("--json", action="store_true", help="print the codebook file instead")
    export = db_command(actions, "export", help="write the codebook to a file")
    export.add_argument("-o", "--output", required=True, metavar="FILE")
    imp = actions.add_parser(
        "import",
        help="merge a codebook file by name (new codes added, existing ones updated, the others kept)",
    )
    add_db_option(imp)
    imp.add_argument("file", metavar="FILE", help="a codebook file, or a JSON export that carries one")
    imp.add_argument(
        "--replace",
        action="store_true",
        help="replace the codebook instead (refused while a code it would remove is in use)",
    )
    return {"project": _cmd_project, "codebook": _cmd_codebook}


def _cmd_project(args: argparse.Namespace) -> int:
    from annotator.jobs.projects import create_project

    book = create_project(args.path, codebook_file=args.codebook, empty=args.empty)
    origin = args.codebook if args.codebook else ("an empty codebook" if args.empty else "the sample codebook")
    print(f"created project {args.path} with {origin}: {summary(book)}")
    return EXIT_OK


def _cmd_codebook(args: argparse.Namespace) -> int:
    from annotator.io.codebook_file import codebook_json
    from annotator.jobs.projects import export_codebook, import_codebook

    action = args.codebook_command
    repo = open_repository(args)
    try:
        if action == "show":
            book = repo.codebook()
            print(codebook_json(book) if args.json else "\n".join(describe(book)), end="" if args.json else "\n")
        elif action == "export":
            book = export_codebook(repo, args.output)
            print(f"exported the codebook ({summary(book)}) to {args.output}")
        else:
            report = import_codebook(repo, args.file, replace=args.replace)
            if report is None:
                print(f"replaced the codebook with {args.file}: {summary(repo.codebook())}")
            else:
                lines = report.lines() or ["nothing to add or update: the project has every code of the file"]
                print(f"merged {args.file} into the codebook:")
                for line in lines:
                    print(f"  {line}")
    finally:
        repo.close()
    return EXIT_OK


def summary(book: Codebook) -> str:
    """``9 labels, 4 kinds, 11 forms, 3 stances, 22 issues, 1 variable``."""
    parts = [
        (len(book.labels), "label"),
        (len(book.kinds), "kind"),
        (len(book.forms), "form"),
        (len(book.stances), "stance"),
        (len(book.issue_codes), "issue"),
        (len(book.variables), "variable"),
    ]
    return ", ".join(f"{n} {word}{'' if n == 1 else 's'}" for n, word in parts)


def describe(book: Codebook) -> list[str]:
    """The codebook as an analyst reads it: every section, the issue tree indented, keywords and choices."""
    titles = SECTION_TITLES
    lines = [summary(book), "", f"{titles[Section.LABEL]} (keys 1-9 in this order):"]
    for n, label in enumerate(book.labels, start=1):
        key = str(n) if n <= 9 else " "
        actor = f" [actor: {label.actor.value}]" if label.actor is not None else ""
        lines.append(f"  {key}  {label.name:<12} {label.color}{actor}  {label.description}".rstrip())
    if book.spacy_map:
        mapped = ", ".join(f"{k} -> {v if v is not None else '(dropped)'}" for k, v in book.spacy_map)
        lines.append(f"  pipeline labels: {mapped}")
    for title, codes in ((titles[Section.KIND], book.kinds), (titles[Section.FORM], book.forms)):
        lines += ["", f"{title}:"] + [f"  {c.name:<14} {c.description}".rstrip() for c in codes]
    lines += ["", f"{titles[Section.STANCE]}:"] + [f"  {s.value:+d}  {s.name}" for s in book.stances]
    lines += ["", f"{titles[Section.ISSUE]}:"] + [_issue_line(row) for row in book.issue_rows()]
    lines += ["", f"{titles[Section.VARIABLE]}:"]
    for var in book.variables:
        choices = f": {', '.join(var.choices)}" if var.choices else ""
        lines.append(f"  {var.name} ({var.type.value}{choices})  {var.description}".rstrip())
    if not book.variables:
        lines.append("  (none)")
    return lines


def _issue_line(row: IssueRow) -> str:
    issue = row.issue
    text = "  " + "  " * row.depth + issue.code
    if issue.description:
        text += f" — {issue.description}"
    if issue.keywords:
        text += f"  [keywords: {json.dumps(list(issue.keywords), ensure_ascii=False)[1:-1]}]"
    return text
