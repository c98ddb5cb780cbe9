"""Readers of the exports analysts get articles from: Nexis Uni / Lexis, Factiva, ProQuest, Word, RTF, PDF, HTML.

``read_document`` reads one .docx / .rtf / .pdf / .html file, recognises the service layout it follows and
splits it into articles with their metadata; ``split_text_export`` does the same for the text exports (Lexis
TXT, ProQuest TXT) that ``annotator.io.readers`` has decoded; ``read_archive`` opens a .zip of any of these.
"""

from annotator.io.sources.archive import ARCHIVE_EXTENSIONS, read_archive
from annotator.io.sources.reader import (
    DOCUMENT_EXTENSIONS,
    UNREADABLE_EXTENSIONS,
    read_document,
    split_text_export,
    text_export_items,
)

__all__ = [
    "ARCHIVE_EXTENSIONS",
    "DOCUMENT_EXTENSIONS",
    "UNREADABLE_EXTENSIONS",
    "read_archive",
    "read_document",
    "split_text_export",
    "text_export_items",
]
