"""The ``annotator`` command: the parser built from the command modules, and the dispatch.

This is a composition root: it opens the repository and passes it to the jobs. Errors the user can act on
(``AnnotatorError``) are printed as one clear line, without a traceback, and give exit status 1; wrong arguments
give exit status 2.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType, ModuleType

from annotator import __version__
from annotator.cli import app, articles, codebook, evaluate, models, network, server, team, train
from annotator.cli.common import EXIT_ERROR, Handler, add_db_option
from annotator.core.errors import AnnotatorError

COMMAND_MODULES: tuple[ModuleType, ...] = (app, codebook, articles, evaluate, team, network, server, train, models)
"""Each module adds its subcommands with ``register(sub)`` and returns their handlers; the help lists them in
this order."""


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Handler]]:
    """The ``annotator`` parser and the handler of each subcommand."""
    parser = argparse.ArgumentParser(
        prog="annotator",
        description="Code entities and claims in news articles, with spaCy suggestions. "
                    "Without a command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    add_db_option(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    handlers: dict[str, Handler] = {}
    for module in COMMAND_MODULES:
        handlers.update(module.register(sub))
    return parser, handlers


class Terminated(Exception):
    """SIGTERM arrived: unwind like Ctrl+C, so that every ``finally`` runs (spaCy workers are stopped)."""


def _on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise Terminated(signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser, handlers = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    if command != "gui" and threading.current_thread() is threading.main_thread():
        # The GUI quits on its own terms; a command's SIGTERM (a killed job, `timeout`) must not leave the
        # worker processes of `suggest --processes N` running.
        signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        status = handlers[command](args)
        sys.stdout.flush()  # a closed pipe is met here, inside the handler below, not at interpreter exit
        return status
    except AnnotatorError as error:
        print(f"annotator {command}: {error}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"annotator {command}: interrupted; every decision stored before it is kept",
              file=sys.stderr)
        return 130
    except Terminated:
        print(f"annotator {command}: terminated; every decision stored before it is kept", file=sys.stderr)
        return 143
    except BrokenPipeError:
        # `annotator stats | head`: the reader has gone, which is not an error of ours. Point stdout at
        # /dev/null so that Python's own flush at exit does not complain either.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141
