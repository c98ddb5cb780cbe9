"""One export file -> its articles: read the container, recognise the layout, split, number the articles.

Layouts are tried from the most to the least specific: Factiva field codes, Nexis Uni ("Body" ... "End of
Document"), then a single article. A document whose layout is none of the services' imports as one article
and says so (``meta["import_note"]``, which the import job moves into its summary).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.core.text_checks import printable_name
from annotator.io.headers import parse_header
from annotator.io.sources import documents
from annotator.io.sources.dates import parse_service_date
from annotator.io.sources.documents import DocumentError
from annotator.io.sources.factiva import factiva_html_lines, looks_like_factiva, split_factiva
from annotator.io.sources.fields import NOTE_KEY, Parsed, Refusal, make_article
from annotator.io.sources.lexis_txt import looks_like_lexis_txt, split_lexis_txt
from annotator.io.sources.nexis import looks_like_nexis, split_nexis
from annotator.io.sources.proquest import looks_like_proquest, split_proquest
from annotator.io.textfile import decode_text, read_limited_bytes

#: Extensions read here (a .htm is an .html).
DOCUMENT_EXTENSIONS = frozenset({".docx", ".rtf", ".pdf", ".html", ".htm", ".xhtml"})
#: Formats we recognise but cannot read, with what the user can do about it.
UNREADABLE_EXTENSIONS = {
    ".doc": "old Word .doc file: open it in Word and save it as .docx",
    ".odt": "OpenDocument text: save it as .docx",
    ".pages": "Apple Pages document: export it as .docx",
    ".xlsx": "a spreadsheet, not articles: save the column of texts as .csv or the rows as JSONL",
}
#: Size limit of one document (a Nexis export of 500 articles is a few MB; an RTF can be tens).
DEFAULT_MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
UNKNOWN_LAYOUT_NOTE = "no Nexis, Lexis, Factiva or ProQuest layout recognised: imported as one article"


def _numbered(parsed: list[Parsed], where: str, file_name: str) -> Iterator[ArticleIn | InputError]:
    """Articles with their file and number; refusals as InputErrors naming the file and the article number."""
    total = len(parsed)
    for number, item in enumerate(parsed, start=1):
        label = f"article {number} of {total}"
        if isinstance(item, Refusal):
            yield InputError(where, f"{label}: {item.reason}")
            continue
        item.file = item.file or printable_name(file_name)
        if total > 1:
            item.meta["article_number"] = number
        yield item


def _single(lines: list[str], *, service: str, joiner: str, title: str = "", note: bool = True) -> Parsed:
    """One article of a document in no service layout: header fields recognised as in a .txt file."""
    text = joiner.join(lines)
    header = parse_header(text)
    parsed = make_article(service=service, body=lines, joiner=joiner, title=title or header.title,
                          outlet=header.source, extra=dict(header.meta))
    if isinstance(parsed, ArticleIn):
        parsed.date = header.date
        if note:
            parsed.meta[NOTE_KEY] = UNKNOWN_LAYOUT_NOTE
    return parsed


def split_lines(lines: list[str], *, joiner: str, title: str = "") -> list[Parsed]:
    """Split the paragraphs (or lines) of a document by the service layout they follow."""
    if not lines:
        return [Refusal("no text in the document")]
    if looks_like_factiva(lines):
        return split_factiva(lines, joiner=joiner)
    if looks_like_nexis(lines):
        return split_nexis(lines, joiner=joiner)
    return [_single(lines, service="document", joiner=joiner, title=title)]


def split_text_export(text: str) -> list[Parsed] | None:
    """The articles of a text export (Lexis TXT, ProQuest TXT, a Nexis or Factiva layout saved as text), or
    None when the text follows none of them (it is then one plain article)."""
    if looks_like_lexis_txt(text):
        return split_lexis_txt(text)
    if looks_like_proquest(text):
        return split_proquest(text)
    lines = [documents.clean_line(line) for line in text.split("\n")]
    lines = [line for line in lines if line]
    if looks_like_factiva(lines):
        return split_factiva(lines)
    if looks_like_nexis(lines):
        return split_nexis(lines)
    return None


def _html(data: bytes) -> list[Parsed]:
    tree = documents.html_tree(data)
    factiva = factiva_html_lines(tree)
    if factiva:
        return split_factiva(factiva)
    text_lines = [documents.clean_line(t) for t in tree.text_content().split("\n")]
    text_lines = [t for t in text_lines if t]
    if looks_like_nexis(text_lines):
        return split_nexis(text_lines)
    page = documents.html_page(data)
    parsed = make_article(service="web", body=page.text.split("\n"), title=page.title, outlet=page.sitename,
                          byline=page.author, language=page.language, url=page.url)
    if isinstance(parsed, ArticleIn) and page.date:
        parsed.date = parse_service_date(page.date) or page.date[:10]
    return [parsed]


def parse_document(data: bytes, suffix: str) -> list[Parsed]:
    """The articles in a document's bytes, by its extension.

    Raises:
        DocumentError: the container cannot be read.
    """
    if suffix == ".docx":
        return split_lines(documents.docx_paragraphs(data), joiner="\n\n", title=documents.docx_title(data))
    if suffix == ".pdf":
        return split_lines(documents.pdf_lines(data), joiner="\n")
    if suffix == ".rtf":
        try:
            text, _encoding = decode_text(data, "")
        except InputError as exc:
            raise DocumentError(exc.reason) from None
        return split_lines(documents.rtf_lines(text), joiner="\n\n")
    return _html(data)


def read_document(
    path: Path, *, max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES, data: bytes | None = None, where: str = ""
) -> Iterator[ArticleIn | InputError]:
    """Read one .docx / .rtf / .pdf / .html file into its articles; never raises for bad content.

    Args:
        path: the file (its extension chooses the reader).
        max_bytes: size limit of the file.
        data: the file's bytes when they are already read (a member of a .zip).
        where: the name errors give the file (default: the path).

    Yields:
        Each article (``file`` = the file's name, ``meta["article_number"]`` in a multi-article export), and an
        ``InputError`` per refused file or article, naming the file and the article number.
    """
    where = where or str(path)
    if data is None:
        try:
            data = read_limited_bytes(path, max_bytes)
        except InputError as exc:
            yield InputError(where, exc.reason)
            return
    if not data.strip():
        yield InputError(where, "empty file")
        return
    try:
        parsed = parse_document(data, path.suffix.lower())
    except DocumentError as exc:
        yield InputError(where, exc.reason)
        return
    yield from _numbered(parsed, where, path.name)


def text_export_items(text: str, where: str, file_name: str) -> list[ArticleIn | InputError] | None:
    """``split_text_export`` with the articles numbered and refusals named; None for a plain text article."""
    parsed = split_text_export(text)
    if parsed is None:
        return None
    if not parsed:
        return [InputError(where, "an export layout without any article in it")]
    return list(_numbered(parsed, where, file_name))
