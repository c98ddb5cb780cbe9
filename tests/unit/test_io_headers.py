"""Header recognition: the seed articles' fields, date formats, and texts without a header."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.records import ArticleIn
from annotator.core.resources import seeds_dir
from annotator.io import read_file
from annotator.io.headers import find_first_date, parse_date, parse_header

SEEDS = seeds_dir()


def read_seed(name: str) -> ArticleIn:
    assert SEEDS is not None
    items = list(read_file(SEEDS / name))
    assert len(items) == 1
    article = items[0]
    assert isinstance(article, ArticleIn), article
    return article


def test_seed_000_date_line_and_title() -> None:
    article = read_seed("000_e21e4596d0e345b0.txt")
    assert article.title == "Going Backward with Russia"
    assert article.date == "2015-11-17"
    assert article.source == ""
    assert article.file == "000_e21e4596d0e345b0.txt"
    assert article.meta == {}


def test_seed_001_print_junk_title_and_outlet_line() -> None:
    article = read_seed("001_0ad484827421e4c7.txt")
    assert (
        article.title
        == "Abe tells Obama he intends to continue dialogue with Russia to resolve territorial issue"
    )
    assert article.source == "Yomiuri"
    assert article.date == "2015-05-16"
    assert article.meta == {"page": "2"}


def test_seed_002_date_line_and_title() -> None:
    article = read_seed("002_2a6272635f2b44f6.txt")
    assert article.title == "Russo-Japanese Different Dreams"
    assert article.date == "2017-03-22"
    assert article.source == ""


def test_seed_003_title_subtitle_and_byline() -> None:
    article = read_seed("003_dc7d6833da5fb33f.txt")
    assert article.title == "Illusory Progress"
    assert article.date == "2016-05-13"  # the byline's date, not the issue date "MAY 19, 2016"
    assert article.meta["author"] == "Yu Lintao"
    assert article.meta["subtitle"] == "Abe's Moscow trip is unlikely to achieve its intended objective"
    assert article.source == ""  # "Source: |" names no outlet


def test_seed_004_date_with_time_and_zone() -> None:
    article = read_seed("004_9ae864bd19407430.txt")
    assert article.title == "Abe-Putin relationship of trust can help advance territorial talks"
    assert article.date == "2014-02-19"


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")) if SEEDS else [])
def test_seed_text_is_the_whole_file(name: str) -> None:
    assert SEEDS is not None
    article = read_seed(name)
    # The header is never cut out of the text: offsets and hashes are those of the file.
    assert article.text == (SEEDS / name).read_text(encoding="utf-8").replace("\r\n", "\n")
    assert article.title in article.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("11/17/2015", "2015-11-17"),
        ("3/22/2017", "2017-03-22"),
        ("17/11/2015", "2015-11-17"),  # day first when the first number cannot be a month
        ("February 19, 2014 1:00 pm JST", "2014-02-19"),
        ("Feb. 8, 2014", "2014-02-08"),
        ("May 16, 2015", "2015-05-16"),
        ("2016-05-13", "2016-05-13"),
        ("2016-05-13T08:00:00Z", "2016-05-13"),
        ("6 May 2016", "2016-05-06"),
        ("2016/05/13", "2016-05-13"),
        ("17.11.2015", "2015-11-17"),
        ("Tuesday, May 3, 2016", "2016-05-03"),
        ("2/30/2016", None),  # no such day
        ("Going Backward with Russia", None),
        ("May the force be with you", None),
    ],
)
def test_parse_date(value: str, expected: str | None) -> None:
    assert parse_date(value) == expected


def test_find_first_date_takes_the_earliest() -> None:
    assert find_first_date("Source: | NO. 20 MAY 19, 2016 and 2016-05-13") == "2016-05-19"
    assert find_first_date("no date here") is None


def test_text_without_header_gets_a_short_title() -> None:
    body = "This is a long first paragraph " * 10 + "that ends here.\n\nAnother paragraph."
    header = parse_header(body)
    assert header.date is None
    assert header.title.endswith("…")
    assert len(header.title) <= 80
    assert body.startswith(header.title[:-1])


def test_a_sentence_starting_with_by_is_not_a_byline() -> None:
    header = parse_header("Title Here\n\nBy contrast, the ministers said nothing at all.\n")
    assert header.title == "Title Here"
    assert "author" not in header.meta


def test_header_fields_are_extracted_not_removed(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("3/22/2017\r\n\r\nA Title\r\n\r\nBody text.\r\n", encoding="utf-8")
    (article,) = read_file(path)
    assert isinstance(article, ArticleIn)
    assert article.text == "3/22/2017\n\nA Title\n\nBody text.\n"
    assert (article.title, article.date) == ("A Title", "2017-03-22")
