"""What every command shares: the ``--db`` option, opening the repository, the terminal progress bar, exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from annotator.jobs.progress import Progress, ProgressCallback

if TYPE_CHECKING:
    from annotator.store import Repository

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2

Handler = Callable[[argparse.Namespace], int]
"""A command: takes the parsed arguments, returns the exit status."""

SubParsers = argparse._SubParsersAction  # argparse does not export the type of ``add_subparsers()``


def add_db_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--db`` to a parser (the top-level one and every subcommand's)."""
    # SUPPRESS lets `--db` stand before or after the subcommand without the subparser's default erasing it.
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH|URL",
                        help="database file or peewee URL (default: $ANNOTATOR_DB, else a per-user file)")


def db_command(actions: Any, name: str, **kwargs: Any) -> argparse.ArgumentParser:
    """A (sub)command of ``actions`` (what ``add_subparsers`` returned) that takes ``--db`` like every other."""
    parser: argparse.ArgumentParser = actions.add_parser(name, **kwargs)
    add_db_option(parser)
    return parser


def open_repository(args: argparse.Namespace) -> Repository:
    """Open the repository the arguments name (``--db``, else ``$ANNOTATOR_DB``, else the per-user file)."""
    from annotator.store import open_repository as open_store

    return open_store(getattr(args, "db", None))


def split_list(values: Sequence[str] | None) -> list[str] | None:
    """Values of a repeatable, comma-separated option as one list (None when not given)."""
    if not values:
        return None
    return [s.strip() for v in values for s in v.split(",") if s.strip()]


@contextmanager
def terminal_progress(description: str, unit: str) -> Iterator[ProgressCallback]:
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
