"""Text out of the containers the services export: Word (.docx), RTF, PDF and HTML, read by their libraries.

Each function takes the file's bytes and returns its paragraphs (or lines), in reading order, stripped, with
the empty ones dropped; a file that cannot be read raises ``DocumentError`` with a reason a user can act on
("password-protected", "no text layer: scanned?"). No file format is parsed here by hand: python-docx,
striprtf, pypdf and lxml / trafilatura do that.
"""

from __future__ import annotations

import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

#: The first bytes of an OLE compound file: an old binary .doc, or an encrypted (password-protected) Office file.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Fewer letters than this on every page of a PDF: it has no usable text layer.
MIN_PDF_LETTERS = 20
# Page furniture of PDF exports ("Page 2 of 15"), never article text.
_PAGE_LINE = re.compile(r"(?:page\s+)?\d+\s+(?:of|/|von|sur)\s+\d+", re.IGNORECASE)
# Tabs are kept: Factiva's RTF puts a tab between a field code and its value.
_SPACES = re.compile(r"[ \u00a0\u2007\u202f]+")


class DocumentError(Exception):
    """The container cannot be read; ``reason`` says why in words for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class HtmlPage:
    """What a single web page holds: its main text and the metadata trafilatura found."""

    text: str
    title: str = ""
    date: str | None = None
    author: str = ""
    sitename: str = ""
    url: str = ""
    language: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def clean_line(line: str) -> str:
    """One line with runs of spaces and non-breaking spaces made single and the ends stripped (tabs inside kept)."""
    return _SPACES.sub(" ", line).strip()


def _lines(text: str) -> list[str]:
    return [c for c in (clean_line(raw) for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")) if c]


# --------------------------------------------------------------------------------------------- Word


def docx_paragraphs(data: bytes) -> list[str]:
    """The non-empty paragraphs of a .docx body, tables included (row by row), in document order.

    Raises:
        DocumentError: an encrypted or old binary Word file, or a damaged one.
    """
    import docx  # python-docx; imported here so that reading .txt files does not pay for it
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(OLE_MAGIC):
        raise DocumentError("password-protected, or an old Word .doc file: save it as an unprotected .docx")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise DocumentError(f"damaged or not a Word .docx file ({type(exc).__name__})") from None
    except Exception as exc:  # lxml and zipfile raise many types on damaged parts; the file is what is wrong
        raise DocumentError(f"damaged Word file ({type(exc).__name__}: {exc})") from None
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            # A paragraph may hold soft line breaks: each becomes its own line.
            out.extend(_lines(block.text))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [clean_line(cell.text) for cell in row.cells]
                seen: list[str] = []
                for cell in cells:  # merged cells repeat their text in every grid cell
                    if cell and cell not in seen:
                        seen.append(cell)
                if seen:
                    out.append(" ".join(seen) if len(seen) > 2 else "\t".join(seen))
    return out


def docx_title(data: bytes) -> str:
    """The title in a .docx file's properties, or "" (never raises)."""
    try:
        import docx

        return clean_line(docx.Document(io.BytesIO(data)).core_properties.title or "")
    except Exception:
        return ""


# --------------------------------------------------------------------------------------------- RTF


def rtf_lines(text: str) -> list[str]:
    """The non-empty lines of an RTF document's text (striprtf).

    Raises:
        DocumentError: not RTF.
    """
    from striprtf.striprtf import rtf_to_text

    if not text.lstrip().startswith("{\\rtf"):
        raise DocumentError("not an RTF file (it does not start with {\\rtf)")
    try:
        plain = rtf_to_text(text, errors="replace")
    except Exception as exc:  # striprtf fails on some damaged groups
        raise DocumentError(f"damaged RTF file ({type(exc).__name__})") from None
    return _lines(plain)


# --------------------------------------------------------------------------------------------- PDF


def pdf_lines(data: bytes) -> list[str]:
    """The non-empty text lines of a PDF, page by page, without "Page 2 of 15" furniture (pypdf).

    Raises:
        DocumentError: password-protected, damaged, or without a text layer (a scan).
    """
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    # pypdf logs every recoverable oddity of a file as a warning; the user gets our one line instead.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                # Many exports are "encrypted" with an empty user password, only to forbid editing.
                if not reader.decrypt(""):
                    raise DocumentError("password-protected PDF: open it and save a copy without a password")
            except (FileNotDecryptedError, NotImplementedError):
                raise DocumentError("password-protected PDF: open it and save a copy without a password") from None
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except FileNotDecryptedError:
        raise DocumentError("password-protected PDF: open it and save a copy without a password") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentError(f"damaged or not a PDF file ({type(exc).__name__})") from None
    except Exception as exc:  # pypdf raises many types on damaged streams; the file is what is wrong
        raise DocumentError(f"damaged PDF file ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise DocumentError("PDF without pages")
    if all(sum(ch.isalpha() for ch in page) < MIN_PDF_LETTERS for page in pages):
        raise DocumentError("no text layer: scanned? (run text recognition (OCR) on it first)")
    out: list[str] = []
    for page in pages:
        out.extend(line for line in _lines(page) if not _PAGE_LINE.fullmatch(line))
    return out


# --------------------------------------------------------------------------------------------- HTML


def html_tree(data: bytes) -> Any:
    """The parsed document (lxml.html) of HTML bytes, the encoding taken from the page or detected.

    Raises:
        DocumentError: nothing parseable.
    """
    import lxml.html
    from lxml.etree import ParserError

    try:
        return lxml.html.document_fromstring(data)
    except (ParserError, ValueError) as exc:
        raise DocumentError(f"not an HTML page ({exc})") from None


def html_page(data: bytes) -> HtmlPage:
    """The main text and metadata of a single web page, boilerplate (menus, ads, footers) dropped (trafilatura).

    Raises:
        DocumentError: the page holds no article text.
    """
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    try:
        doc = trafilatura.bare_extraction(
            data, with_metadata=True, include_comments=False, include_tables=False, favor_precision=True,
            deduplicate=True,
        )
    except Exception as exc:  # trafilatura wraps lxml, which raises many types on broken markup
        raise DocumentError(f"not a readable HTML page ({type(exc).__name__})") from None
    if doc is None:
        raise DocumentError("no article found in the page")
    values = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = (values.get("text") or "").strip()
    if len(text.split()) < 5:
        raise DocumentError("no article found in the page")
    return HtmlPage(
        text=text,
        title=clean_line(values.get("title") or ""),
        date=values.get("date") or None,
        author=clean_line(values.get("author") or ""),
        sitename=clean_line(values.get("sitename") or ""),
        url=values.get("url") or "",
        language=values.get("language") or "",
    )
