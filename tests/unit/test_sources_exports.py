"""Lexis TXT, Factiva HTML and RTF, ProQuest TXT, single-article documents and web pages, and .zip files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.io import iter_inputs, read_file
from annotator.io.sources.fields import NOTE_KEY
from bench import exports as ex


def items_of(path: Path) -> list[ArticleIn | InputError]:
    return list(read_file(path))


def articles_of(path: Path) -> list[ArticleIn]:
    items = items_of(path)
    assert not [i for i in items if isinstance(i, InputError)], items
    return [i for i in items if isinstance(i, ArticleIn)]


@pytest.fixture
def fake() -> list[ex.FakeArticle]:
    return ex.fake_articles(3)


def same_words(text: str, paragraphs: list[str]) -> bool:
    return text.split() == " ".join(paragraphs).split()


def test_lexis_txt_splits_into_articles(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    path = tmp_path / "lexis.TXT"
    path.write_text(ex.lexis_txt(fake), encoding="utf-8")
    found = articles_of(path)
    assert [a.title for a in found] == [f.title for f in fake]
    assert [a.date for a in found] == ["2010-01-11", "2019-07-01", "2021-03-05"]
    first = found[0]
    assert (first.source, first.meta["service"], first.meta["byline"]) == (fake[0].outlet, "lexis", "By Reporter 1")
    assert first.meta["length"] == f"{fake[0].words} words" and first.meta["language"] == "ENGLISH"
    assert first.meta["load_date"] == "January 12, 2010" and first.meta["edition"] == "Late Edition - Final"
    for article, source in zip(found, fake, strict=True):
        assert same_words(article.text, source.paragraphs)
        assert "DOCUMENTS" not in article.text and "LOAD-DATE" not in article.text
        assert "Copyright" not in article.text and "BYLINE" not in article.text


def test_plain_text_stays_one_article(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("A title\n\nThe 1 of 3 documents we read said little.\n", encoding="utf-8")
    (article,) = articles_of(path)
    assert article.text.startswith("A title") and NOTE_KEY not in article.meta


@pytest.mark.parametrize("kind", ["html", "rtf"])
def test_factiva(tmp_path: Path, fake: list[ex.FakeArticle], kind: str) -> None:
    path = tmp_path / f"factiva.{kind}"
    path.write_text(ex.factiva_html(fake) if kind == "html" else ex.factiva_rtf(fake), encoding="utf-8")
    found = articles_of(path)
    assert [a.title for a in found] == [f.title for f in fake]
    assert {a.date for a in found} == {"2021-03-05"}
    first = found[0]
    assert first.meta["service"] == "factiva"
    assert (first.source, first.meta["byline"], first.meta["language"]) == (fake[0].outlet, "Reporter 1", "English")
    assert first.meta["length"] == f"{fake[0].words} words"
    assert first.meta["source_code"] == "EXMPL"
    assert first.meta["accession_number"] == "EXMPL00020210305eh3500001"
    assert found[2].meta["accession_number"] == "EXMPL00020210305eh3500003"
    for article, source in zip(found, fake, strict=True):
        assert article.text == "\n\n".join(source.paragraphs)  # LP then TD, without the codes


def test_proquest_txt(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    path = tmp_path / "ProQuestDocuments-2026-11-30.txt"
    path.write_text(ex.proquest_txt(fake), encoding="utf-8")
    found = articles_of(path)
    assert [a.title for a in found] == [f.title for f in fake]
    first = found[0]
    assert (first.date, first.source, first.meta["service"]) == ("2019-07-01", fake[0].outlet, "proquest")
    assert first.meta["byline"] == "Reporter 1" and first.meta["language"] == "English"
    assert first.url == "https://example.org/docview/1001"
    for article, source in zip(found, fake, strict=True):
        assert article.text == "\n\n".join(source.paragraphs)
        assert "Full text" not in article.text and "Copyright" not in article.text


def test_proquest_citation_without_text_is_named(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    text = ex.proquest_txt(fake).replace(f"Full text: {fake[1].paragraphs[0]}", "")
    for paragraph in fake[1].paragraphs[1:]:
        text = text.replace(paragraph, "")
    path = tmp_path / "pq.txt"
    path.write_text(text, encoding="utf-8")
    items = items_of(path)
    errors = [i for i in items if isinstance(i, InputError)]
    assert len(items) == 3 and len(errors) == 1
    assert errors[0].reason.startswith("article 2 of 3: no full text")


def test_single_article_docx_says_its_layout_is_unknown(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Harbour plan"
    document.add_heading("Harbour plan approved", level=1)
    document.add_paragraph("The council approved the harbour plan on Tuesday, officials said.")
    document.add_paragraph("Work starts in May.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    (article,) = articles_of(path)
    assert article.title == "Harbour plan"
    assert article.text.endswith("officials said.\n\nWork starts in May.")
    assert article.meta["import_note"].startswith("no Nexis, Lexis, Factiva or ProQuest layout recognised")


def test_single_article_rtf(tmp_path: Path) -> None:
    path = tmp_path / "note.rtf"
    path.write_text(ex.rtf_document(["Caf\u00e9 talks", "The minister said the caf\u00e9 would stay open."]),
                    encoding="ascii")
    (article,) = articles_of(path)
    assert article.title == "Caf\u00e9 talks" and "caf\u00e9 would stay open" in article.text


WEB_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour plan approved | Example News</title>
<meta property="og:site_name" content="Example News">
<meta name="author" content="Jane Doe"><meta property="article:published_time" content="2021-03-05T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a> Subscribe now</nav>
<article><h1>Harbour plan approved</h1>
<p>The council approved the harbour plan on Tuesday after a long debate, officials said in a statement.</p>
<p>Work on the northern pier starts in May and should take two years, the mayor told reporters.</p>
<p>Opponents said the plan ignored the fishermen, who had asked for a second hearing in April.</p>
</article>
<footer>Cookie settings. Terms of use. Follow us on social media. Copyright Example News.</footer>
</body></html>"""


def test_web_page_main_text_without_boilerplate(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(WEB_PAGE, encoding="utf-8")
    (article,) = articles_of(path)
    assert "approved the harbour plan on Tuesday" in article.text and "second hearing" in article.text
    for boilerplate in ("Subscribe", "Cookie", "Sport", "Terms of use"):
        assert boilerplate not in article.text
    assert article.title.startswith("Harbour plan approved")
    assert article.date == "2021-03-05"
    assert article.meta["service"] == "web"


def test_web_page_without_article_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.htm"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav><p>Login</p></body></html>", encoding="utf-8")
    (error,) = items_of(path)
    assert isinstance(error, InputError) and error.reason == "no article found in the page"


def test_zip_of_exports(tmp_path: Path, fake: list[ex.FakeArticle]) -> None:
    docx_path = ex.write_nexis_docx(tmp_path / "nexis.docx", fake)
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(docx_path, "batch1/nexis.docx")
        zf.writestr("batch1/lexis.txt", ex.lexis_txt(ex.fake_articles(2, seed=9)))
        zf.writestr("batch1/broken.pdf", b"%PDF-1.4 nothing")
        zf.writestr("__MACOSX/._nexis.docx", b"junk")
        zf.writestr("batch1/", b"")
    assert list(iter_inputs([tmp_path])) == [archive, docx_path]
    items = items_of(archive)
    articles = [i for i in items if isinstance(i, ArticleIn)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [a.file for a in articles] == ["download.zip/batch1/lexis.txt"] * 2 + ["download.zip/batch1/nexis.docx"] * 3
    assert [a.meta["service"] for a in articles] == ["lexis"] * 2 + ["nexis"] * 3
    (error,) = errors
    assert error.path == f"{archive}/batch1/broken.pdf" and "PDF" in error.reason


def test_damaged_zip(tmp_path: Path) -> None:
    path = tmp_path / "bad.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    (error,) = items_of(path)
    assert isinstance(error, InputError) and "damaged or not a .zip" in error.reason
