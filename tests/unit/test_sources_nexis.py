"""Nexis Uni exports (Word, RTF, PDF) split into articles; bad Word and PDF files refused with their reason."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.io import read_file
from bench import exports as ex


def articles_of(path: Path) -> list[ArticleIn]:
    items = list(read_file(path))
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return [i for i in items if isinstance(i, ArticleIn)]


def errors_of(path: Path) -> list[InputError]:
    return [i for i in read_file(path) if isinstance(i, InputError)]


@pytest.fixture
def fake() -> list[ex.FakeArticle]:
    return ex.fake_articles(3)


def check_nexis(found: list[ArticleIn], fake: list[ex.FakeArticle], joiner: str, name: str) -> None:
    assert [a.title for a in found] == [f.title for f in fake]
    assert [a.date for a in found] == ["2010-01-11", "2019-07-01", "2021-03-05"]
    first = found[0]
    assert first.source == fake[0].outlet
    assert first.file == name
    assert first.meta["service"] == "nexis"
    assert first.meta["outlet"] == fake[0].outlet
    assert first.meta["byline"] == fake[0].byline
    assert first.meta["section"] == "NEWS; Pg. 3"
    assert first.meta["length"] == f"{fake[0].words} words"
    assert first.meta["language"] == "ENGLISH"
    assert first.meta["load_date"] == "January 12, 2010"
    assert [a.meta["article_number"] for a in found] == [1, 2, 3]
    for article, source in zip(found, fake, strict=True):
        # The body only: no cover page, no field labels, no load date, no copyright line.
        for absent in ("User Name", "Job Number", "Section:", "Length:", "Byline:", "Body", "Load-Date",
                       "Copyright", "End of Document", "Classification", "Language:"):
            assert absent not in article.text, (absent, article.text[:200])
        assert " ".join(article.text.split()) == " ".join(" ".join(source.paragraphs).split())
    if joiner == "\n\n":
        assert found[0].text == "\n\n".join(fake[0].paragraphs)


def test_nexis_docx(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    path = ex.write_nexis_docx(tmp_path / "Files (3).DOCX", fake)
    check_nexis(articles_of(path), fake, "\n\n", "Files (3).DOCX")


def test_nexis_rtf(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    path = ex.write_nexis_rtf(tmp_path / "nexis.rtf", fake)
    check_nexis(articles_of(path), fake, "\n\n", "nexis.rtf")


def test_nexis_pdf_with_wrapped_lines(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    path = ex.write_nexis_pdf(tmp_path / "nexis.pdf", fake)
    check_nexis(articles_of(path), fake, "\n", "nexis.pdf")


def test_an_article_without_text_is_refused_with_its_number(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    fake[1].paragraphs = []
    path = ex.write_nexis_docx(tmp_path / "n.docx", fake)
    items = list(read_file(path))
    assert [type(i).__name__ for i in items] == ["ArticleIn", "InputError", "ArticleIn"]
    error = items[1]
    assert isinstance(error, InputError)
    assert error.path == str(path)
    assert error.reason.startswith("article 2 of 3: no article text")


def test_corrupt_and_protected_word_files(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    whole = ex.write_nexis_docx(tmp_path / "whole.docx", fake).read_bytes()
    (tmp_path / "cut.docx").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "locked.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (cut,) = errors_of(tmp_path / "cut.docx")
    assert "damaged" in cut.reason and cut.path.endswith("cut.docx")
    (locked,) = errors_of(tmp_path / "locked.docx")
    assert "password-protected" in locked.reason


def test_scanned_pdf_has_no_text_layer(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(ex.pdf_bytes([["x" * 40] * 30, ["y" * 40] * 30], with_text=False))
    (error,) = errors_of(path)
    assert error.reason.startswith("no text layer: scanned?")


def test_password_protected_and_damaged_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    plain = ex.pdf_bytes([["A page of text with enough letters to count as text."]])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="secret", owner_password="owner")
    locked = io.BytesIO()
    writer.write(locked)
    (tmp_path / "locked.pdf").write_bytes(locked.getvalue())
    (error,) = errors_of(tmp_path / "locked.pdf")
    assert "password-protected" in error.reason
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nthis is not a pdf body")
    (error,) = errors_of(tmp_path / "broken.pdf")
    assert "PDF" in error.reason


def test_owner_only_encryption_is_read(tmp_path: Path) -> None:
    """Exports "encrypted" with an empty user password (only editing forbidden) open without asking."""
    from pypdf import PdfReader, PdfWriter

    plain = ex.pdf_bytes([["Tokyo officials said the harbour would reopen in May after the repairs."]])
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain)))
    writer.encrypt(user_password="", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    (tmp_path / "owner.pdf").write_bytes(out.getvalue())
    (article,) = articles_of(tmp_path / "owner.pdf")
    assert "harbour would reopen" in article.text
