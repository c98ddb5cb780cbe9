"""Service exports built in code, for the tests and the benchmarks: Nexis Uni DOCX / RTF / PDF, Lexis TXT,
Factiva HTML / RTF, ProQuest TXT, and small PDFs with and without a text layer.

The layouts follow what the services document of their exports; the article texts are invented sentences
(``invented_paragraphs``), so no third-party article text is in the repository.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field
from pathlib import Path

_SUBJECTS = ["The minister", "A spokesperson", "The committee", "Local officials", "The ambassador",
             "Opposition leaders", "The central bank", "Fishermen on the coast", "The council", "Analysts"]
_VERBS = ["said", "argued", "warned", "insisted", "announced", "suggested", "claimed", "noted"]
_OBJECTS = ["the talks would resume in spring", "the budget needed a second reading",
            "the new harbour rules were unfair", "trade across the strait had doubled",
            "the treaty text was still under review", "the survey showed rising support",
            "the railway link would open next year", "the fishing quota was too low",
            "the island visits should continue", "sanctions had not changed the outcome"]


def invented_paragraphs(rng: random.Random, n: int = 4, sentences: int = 4) -> list[str]:
    """``n`` paragraphs of invented news sentences (distinct for distinct random states)."""
    out = []
    for _ in range(n):
        parts = []
        for _ in range(sentences):
            number = rng.randrange(2, 999)
            parts.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} that {rng.choice(_OBJECTS)}, "
                         f"citing {number} cases from {rng.choice(['May', 'June', 'the last year', 'April'])}.")
        out.append(" ".join(parts))
    return out


@dataclass
class FakeArticle:
    """One invented article with the fields the services print."""

    title: str
    outlet: str
    date_line: str
    paragraphs: list[str]
    byline: str = "Jane Doe"
    section: str = "NEWS; Pg. 3"
    language: str = "ENGLISH"
    load_date: str = "January 12, 2010"
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def words(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)


def fake_articles(n: int, seed: int = 3, paragraphs: int = 4) -> list[FakeArticle]:
    rng = random.Random(seed)
    dates = ["January 11, 2010 Monday", "July 1, 2019 Monday 9:20 AM GMT", "March 5, 2021 Friday"]
    return [
        FakeArticle(
            title=f"Harbour talks resume, round {i + 1}",
            outlet=rng.choice(["The Daily Example", "Example Post", "Sample Herald"]),
            date_line=dates[i % len(dates)],
            paragraphs=invented_paragraphs(rng, paragraphs),
            byline=f"Reporter {i + 1}",
        )
        for i in range(n)
    ]


# ----------------------------------------------------------------------------------------------- Nexis Uni


def nexis_cover(articles: list[FakeArticle]) -> list[str]:
    lines = ["User Name: = Analyst", "Date and Time: = 2026-11-30", "Job Number: = 123456789",
             f"Documents ({len(articles)})"]
    lines += [f"{i}. {a.title}" for i, a in enumerate(articles, start=1)]
    return [*lines, "Client/Matter: -None-", "Search Terms: harbour talks", "Search Type: Terms and Connectors",
            "Narrowed by", "Content Type Narrowed by", "News Sources: The Daily Example"]


def nexis_article_lines(a: FakeArticle) -> list[str]:
    return [a.title, a.outlet, a.date_line, f"Copyright 2010 {a.outlet}", f"Section: {a.section}",
            f"Length: {a.words} words", f"Byline: {a.byline}", "Body", *a.paragraphs, "Classification",
            f"Language: {a.language}", "Publication-Type: Newspaper", "Subject: HARBOURS (90%)",
            f"Load-Date: {a.load_date}", "End of Document"]


def nexis_lines(articles: list[FakeArticle]) -> list[str]:
    return nexis_cover(articles) + [line for a in articles for line in nexis_article_lines(a)]


def write_nexis_docx(path: Path, articles: list[FakeArticle]) -> Path:
    """A Nexis Uni Word export (python-docx): the cover, then each article on a page of its own."""
    import docx
    from docx.enum.text import WD_BREAK

    document = docx.Document()
    last = None
    for line in nexis_cover(articles):
        last = document.add_paragraph(line)
    for a in articles:
        if last is not None:
            last.add_run().add_break(WD_BREAK.PAGE)  # (document.paragraphs is rebuilt on each access: keep the last)
        for line in nexis_article_lines(a):
            last = document.add_heading(line, level=1) if line == a.title else document.add_paragraph(line)
    document.save(str(path))
    return path


def rtf_escape(text: str) -> str:
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ord(ch) > 127:
            out.append(f"\\u{ord(ch) if ord(ch) < 32768 else ord(ch) - 65536}?")
        else:
            out.append(ch)
    return "".join(out)


def rtf_document(lines: list[str]) -> str:
    """An RTF document with one paragraph per line (a tab inside a line stays a tab)."""
    body = "".join(rtf_escape(line).replace("\t", "\\tab ") + "\\par\n" for line in lines)
    return "{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Times New Roman;}}\n\\f0\\fs24\n" + body + "}"


def write_nexis_rtf(path: Path, articles: list[FakeArticle]) -> Path:
    path.write_text(rtf_document(nexis_lines(articles)), encoding="ascii")
    return path


# ----------------------------------------------------------------------------------------------- PDF


def _pdf_string(text: str) -> str:
    return "(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"


def pdf_bytes(pages: list[list[str]], *, with_text: bool = True) -> bytes:
    """A small PDF, one page per list of lines, in Helvetica; ``with_text=False`` draws boxes instead of text
    (what a scan without text recognition looks like to a reader)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    font_id = 3 + 2 * len(pages)
    for i, lines in enumerate(pages):
        if with_text:
            ops = ["BT", "/F1 10 Tf", "12 TL", "50 800 Td"]
            for line in lines:
                ops.append(f"{_pdf_string(line.encode('latin-1', 'replace').decode('latin-1'))} Tj T*")
            ops.append("ET")
        else:
            ops = [f"{50 + 5 * j} {780 - 14 * j} 400 8 re f" for j in range(len(lines))]
        stream = zlib.compress("\n".join(ops).encode("latin-1"))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {page_ids[i] + 1} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream
                       + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def write_nexis_pdf(path: Path, articles: list[FakeArticle], lines_per_page: int = 60) -> Path:
    """A Nexis layout PDF with a text layer; long paragraphs are wrapped as a PDF prints them."""
    import textwrap

    lines: list[str] = []
    for line in nexis_lines(articles):
        lines.extend(textwrap.wrap(line, 95) or [line])
    pages = [lines[i : i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    path.write_bytes(pdf_bytes(pages))
    return path


# ----------------------------------------------------------------------------------------------- Lexis TXT


def lexis_txt(articles: list[FakeArticle]) -> str:
    out = []
    for i, a in enumerate(articles, start=1):
        out += [f"                              {i} of {len(articles)} DOCUMENTS", "",
                f"                              {a.outlet}", "", f"                    {a.date_line}",
                "                          Late Edition - Final", "", f"{a.title}", "",
                f"BYLINE: By {a.byline}", "", f"SECTION: {a.section}", "", f"LENGTH: {a.words} words", ""]
        for p in a.paragraphs:
            out += [p, ""]
        out += [f"LOAD-DATE: {a.load_date}", "", f"LANGUAGE: {a.language}", "", "PUBLICATION-TYPE: Newspaper",
                "", f"Copyright 2010 {a.outlet} Company", "", ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------- Factiva


def _factiva_fields(a: FakeArticle, index: int) -> list[tuple[str, list[str]]]:
    return [("HD", [a.title]), ("BY", [a.byline]), ("WC", [f"{a.words} words"]), ("PD", ["5 March 2021"]),
            ("SN", [a.outlet]), ("SC", ["EXMPL"]), ("LA", ["English"]), ("CY", [f"(c) 2021 {a.outlet}"]),
            ("LP", a.paragraphs[:1]), ("TD", a.paragraphs[1:]), ("NS", ["gpol : Domestic Politics"]),
            ("AN", [f"Document EXMPL00020210305eh35000{index:02d}"])]


def factiva_html(articles: list[FakeArticle]) -> str:
    from html import escape

    parts = ["<html><head><meta charset='utf-8'><title>Factiva</title></head><body>"]
    for i, a in enumerate(articles, start=1):
        parts.append("<div class='article'><table border='0'>")
        for code, values in _factiva_fields(a, i):
            if code == "AN":
                continue
            cell = "".join(f"<p class='articleParagraph'>{escape(v)}</p>" for v in values)
            parts.append(f"<tr><td class='index'><b>{code}</b></td><td>{cell}</td></tr>")
        parts.append(f"</table><p>Document EXMPL00020210305eh35000{i:02d}</p></div>")
    parts.append("</body></html>")
    return "\n".join(parts)


def factiva_rtf(articles: list[FakeArticle]) -> str:
    lines: list[str] = []
    for i, a in enumerate(articles, start=1):
        for code, values in _factiva_fields(a, i):
            if code == "AN":
                lines.append(values[0])
                continue
            lines.append(f"{code}\t{values[0]}" if values else code)
            lines.extend(values[1:])
        lines.append("")
    return rtf_document(lines)


# ----------------------------------------------------------------------------------------------- ProQuest


def proquest_txt(articles: list[FakeArticle]) -> str:
    rule = "_" * 60
    out = ["Report Information from ProQuest", "30 November 2026 12:00", rule, "", "Table of contents",
           *[f"{i}. {a.title}" for i, a in enumerate(articles, start=1)], rule]
    for i, a in enumerate(articles, start=1):
        out += ["", f"Document {i} of {len(articles)}", "", f"Title: {a.title}", "", f"Author: {a.byline}", "",
                f"Publication info: {a.outlet} ; London [London]. 01 July 2019: A.1.", "",
                "ProQuest document link", "", "Full text:"]
        out[-1] = f"Full text: {a.paragraphs[0]}"
        for p in a.paragraphs[1:]:
            out += ["", p]
        out += ["", "Subject: Harbours; Trade", "", f"Publication title: {a.outlet}", "", "Pages: A.1", "",
                "Publication date: Jul 1, 2019", "", "Section: A", "", "Language of publication: English", "",
                f"Document URL: https://example.org/docview/{1000 + i}", "", "Copyright: Copyright Example Ltd",
                "", "Last updated: 2019-07-02", "", "Database: Example Newsstream", "", rule]
    out += ["", "Bibliography", "Citation style: APA 6th - American Psychological Association, 6th Edition"]
    return "\n".join(out)
