"""Importers and exporters (formats): standard library, charset-normalizer, jsonschema, annotator.core.

Import::

    for path in iter_inputs(paths):
        for item in read_file(path):      # ArticleIn, or InputError for a refused file / line / record
            ...

Export::

    context = ExportContext(actors=..., codebook=..., layer=...)
    write_export("out.json", "json", articles, context, cancel=..., on_article=...)

A new format is an ``ArticleWriter`` subclass (``begin`` / ``write_article`` / ``end``) listed in
``EXPORT_FORMATS``.
"""

from __future__ import annotations

from annotator.io.export_model import ExportArticle, ExportContext
from annotator.io.formats import EXPORT_FORMATS, export_format_for, write_export
from annotator.io.readers import INPUT_EXTENSIONS, iter_inputs, read_file, read_file_located, read_inputs
from annotator.io.schema import validate_export, validate_export_line
from annotator.io.textfile import DEFAULT_MAX_BYTES
from annotator.io.writers import ArticleWriter

__all__ = [
    "DEFAULT_MAX_BYTES",
    "EXPORT_FORMATS",
    "INPUT_EXTENSIONS",
    "ArticleWriter",
    "ExportArticle",
    "ExportContext",
    "export_format_for",
    "iter_inputs",
    "read_file",
    "read_file_located",
    "read_inputs",
    "validate_export",
    "validate_export_line",
    "write_export",
]
