"""The ``annotator`` command line: one module per command group (see :mod:`annotator.cli.main`)."""

from annotator.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
