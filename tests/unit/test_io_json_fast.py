"""JSON lines are decoded by orjson where it reads them as ``json`` does, else by ``json`` (issue 16, point 8).

orjson turns an integer past 64 bits into a float, and refuses ``NaN``, a lone surrogate escape, a byte order
mark and bad UTF-8; each of those must come out exactly as the ``json`` module's reading gave it before.
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.io import read_file_located
from annotator.io.jsontext import fast_loads, loads


def read(path: Path) -> list[ArticleIn | InputError]:
    return [item for item, _line in read_file_located(path)]


@pytest.mark.parametrize("raw", [
    b'{"id": 123456789012345678901234567890, "n": 1}',   # an integer past 64 bits stays an integer
    b'{"x": 0.12345678901234567890123}',                    # a long fraction: json's float, to the bit
    b'{"score": NaN, "hi": Infinity}',                      # read as null
    b'{"a": 1e400}',                                         # json reads it as inf
    codecs.BOM_UTF8 + b'{"a": 1}',
    b'{"a": "\\ud800"}',                                     # a lone surrogate: json keeps it, to be refused
    b'{"a": "\xff"}',                                        # not UTF-8
])
def test_what_orjson_would_read_otherwise_goes_to_json(raw: bytes) -> None:
    fast, _value = fast_loads(raw)
    assert not fast


@pytest.mark.parametrize("raw", [
    b'{"id": "b1", "text": "Abe met Putin.", "entities": [{"start": 0, "end": 3, "label": "PERSON"}]}',
    b'{"a": 123456789012345678, "b": -0.0, "c": "\\ud83d\\ude00 \xc3\xa9", "d": [true, false, null]}',
    b'{"a": 1, "a": 2}',
])
def test_fast_reading_equals_json(raw: bytes) -> None:
    fast, value = fast_loads(raw)
    assert fast and value == loads(raw.decode("utf-8"))
    assert json.dumps(value) == json.dumps(loads(raw.decode("utf-8")))


def test_a_big_integer_id_is_kept_exactly(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    path.write_text('{"id": 123456789012345678901234567890, "text": "Abe met Putin.", '
                    '"meta": {"n": 98765432109876543210}}\n{"id": 7, "text": "Lavrov spoke."}\n', encoding="utf-8")
    first, second = read(path)
    assert isinstance(first, ArticleIn) and isinstance(second, ArticleIn)
    assert first.ext_id == "123456789012345678901234567890"
    assert first.meta["n"] == 98765432109876543210
    assert second.ext_id == "7"


def test_errors_still_name_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "fine"}\n{"text": "cut\n{"text": "\xff"}\n')
    located = list(read_file_located(path))
    errors = [(line, item.reason) for item, line in located if isinstance(item, InputError)]
    assert errors == [(2, "malformed JSON: Invalid control character at (column 14)"),
                      (3, "not UTF-8 (invalid byte at position 10)")]


@pytest.mark.parametrize("raw", [
    b'{"meta": {"deep": [1, {"n": 123456789012345678901234567890}]}, "text": "x"}',  # deep inside
    b'[{"a": [[-98765432109876543210]]}]',
    b'{"x": [0.12345678901234567890123]}',
])
def test_a_long_literal_anywhere_in_the_value_goes_to_json(raw: bytes) -> None:
    # Only a value holding a float is searched for a long literal: a big integer orjson made a float of, at any
    # depth, must still be found.
    fast, _value = fast_loads(raw)
    assert not fast
    assert loads(raw.decode("utf-8")) is not None


def test_a_long_digit_run_in_a_string_or_an_exact_integer_is_read_by_orjson() -> None:
    # No float in the value: orjson read it as json does, whatever digits the line holds.
    raw = b'{"id": "12345678901234567890123", "n": 18446744073709551615, "m": -9223372036854775808}'
    fast, value = fast_loads(raw)
    assert fast and value == loads(raw.decode("utf-8"))
