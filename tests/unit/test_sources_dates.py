"""Dates as the news services print them, in English, German and French."""

from __future__ import annotations

import pytest

from annotator.io.sources.dates import is_date_line, parse_service_date


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("January 11, 2010 Monday", "2010-01-11"),
        ("July 1, 2019 Monday 9:20 AM GMT", "2019-07-01"),
        ("5 March 2021", "2021-03-05"),
        ("Jul 1, 2019", "2019-07-01"),
        ("Publication date: Jul 1, 2019", "2019-07-01"),
        ("Load-Date: January 12, 2010", "2010-01-12"),
        ("Montag, 11. Januar 2010", "2010-01-11"),
        ("5. März 2021", "2021-03-05"),
        ("5. Maerz 2021", "2021-03-05"),
        ("Donnerstag 14:05 Uhr 3. Mai 2018", "2018-05-03"),
        ("lundi 11 janvier 2010", "2010-01-11"),
        ("1er mars 2021", "2021-03-01"),
        ("12 février 2020 mercredi 10h30 CET", "2020-02-12"),
        ("11 janv. 2010", "2010-01-11"),
        ("2019-07-01", "2019-07-01"),
        ("11/17/2015", "2015-11-17"),
        ("17.11.2015", "2015-11-17"),
    ],
)
def test_service_dates_parse_to_iso(printed: str, iso: str) -> None:
    assert parse_service_date(printed) == iso


@pytest.mark.parametrize("printed", ["", "no date here", "March 2021", "February 30, 2020", "Section: NEWS; Pg. 3"])
def test_what_is_not_a_date_gives_none(printed: str) -> None:
    assert parse_service_date(printed) is None


def test_a_date_line_is_short() -> None:
    assert is_date_line("January 11, 2010 Monday")
    assert not is_date_line("On January 11, 2010 the minister said that the talks would resume soon, and more")
