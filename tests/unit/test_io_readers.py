"""Readers: bad inputs refused with a reason (file and line named), good ones imported, nothing else lost."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.core.errors import InputError
from annotator.core.records import ArticleIn, Status
from annotator.io import iter_inputs, read_file, read_file_located, read_inputs
from annotator.io.textfile import DEFAULT_MAX_BYTES

FRENCH = "Le café de l\u2019ambassade\n\n\u201cNous négocions\u201d, a dit le ministre à Paris.\n"


def only(items: list[ArticleIn | InputError]) -> ArticleIn | InputError:
    assert len(items) == 1, items
    return items[0]


def read_one(path: Path, **kwargs: int) -> ArticleIn:
    item = only(list(read_file(path, **kwargs)))
    assert isinstance(item, ArticleIn), item
    return item


def refused(path: Path, **kwargs: int) -> InputError:
    item = only(list(read_file(path, **kwargs)))
    assert isinstance(item, InputError), item
    assert item.path == str(path)
    assert str(path) in str(item)  # the message names the file
    return item


# --------------------------------------------------------------------------- text files: refused


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert refused(path).reason == "empty file"


def test_whitespace_only_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_bytes(b" \r\n\t\n \xc2\xa0\n")
    assert "empty" in refused(path).reason


def test_binary_file_with_nul_bytes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert "binary" in refused(path).reason


def test_file_of_control_characters_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 50 + b"some text")
    assert "binary" in refused(path).reason


def test_oversized_file_is_refused_naming_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    line = b"A perfectly ordinary line of news text that repeats and repeats.\n"
    with path.open("wb") as handle:
        for _ in range(20 * 1024 * 1024 // len(line) + 1):
            handle.write(line)
    assert path.stat().st_size > 20 * 1024 * 1024
    error = refused(path)
    assert "too large" in error.reason
    assert "10 MB" in error.reason  # the default limit is named
    assert DEFAULT_MAX_BYTES == 10 * 1024 * 1024


def test_size_limit_is_a_keyword_argument(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text("Title\n\n" + "x" * 3000, encoding="utf-8")
    assert "the limit is 2 KB" in refused(path, max_bytes=2048).reason
    assert read_one(path, max_bytes=4096).title == "Title"


def test_permission_error_while_opening_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Works as root too (where chmod 0 does not stop reading): the open itself fails.
    path = tmp_path / "locked.txt"
    path.write_text("Title\n\nBody.", encoding="utf-8")
    real_open = Path.open

    def deny(self: Path, *args: object, **kwargs: object) -> object:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", deny)
    assert "permission denied" in refused(path).reason
    jsonl = tmp_path / "locked.jsonl"
    jsonl.write_text('{"text": "x"}', encoding="utf-8")
    path = jsonl
    assert "permission denied" in refused(jsonl).reason


def test_missing_and_unsupported_files_are_refused(tmp_path: Path) -> None:
    assert refused(tmp_path / "nowhere.txt").reason == "file not found"
    sheet = tmp_path / "report.ods"
    sheet.write_bytes(b"PK")
    reason = refused(sheet).reason
    assert "unsupported file type '.ods'" in reason
    assert ".txt" in reason and ".docx" in reason
    old = tmp_path / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "save it as .docx" in refused(old).reason


# --------------------------------------------------------------------------- text files: encodings and
# newlines


def test_cp1252_file_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "cp1252.txt"
    path.write_bytes(FRENCH.encode("cp1252"))
    article = read_one(path)
    assert article.text == FRENCH
    assert "é" in article.text and "\u201c" in article.text
    assert article.meta["encoding"] == "cp1252"
    assert article.title == "Le café de l\u2019ambassade"


def test_utf16_with_bom_is_decoded_and_bom_stripped(tmp_path: Path) -> None:
    path = tmp_path / "utf16.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + FRENCH.replace("\n", "\r\n").encode("utf-16-le"))
    article = read_one(path)
    assert article.text == FRENCH
    big_endian = tmp_path / "utf16be.txt"
    big_endian.write_bytes(codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"))
    assert read_one(big_endian).text == FRENCH


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + FRENCH.encode("utf-8"))
    article = read_one(path)
    assert article.text == FRENCH
    assert "encoding" not in article.meta


def test_crlf_and_cr_become_lf(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"Title\r\n\r\nOne.\rTwo.\r\nThree.\n")
    assert read_one(path).text == "Title\n\nOne.\nTwo.\nThree.\n"


def test_text_is_not_nfc_normalised(tmp_path: Path) -> None:
    decomposed = "Cafe\u0301 talks\n\nBody."  # e + combining acute: NFC would shorten the text by one
    path = tmp_path / "nfd.txt"
    path.write_text(decomposed, encoding="utf-8")
    assert read_one(path).text == decomposed


def test_duplicate_texts_are_both_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "b.txt").write_text(FRENCH, encoding="utf-8")
    items = list(read_inputs([tmp_path]))
    assert [type(i) for i in items] == [ArticleIn, ArticleIn]
    first, second = items
    assert isinstance(first, ArticleIn) and isinstance(second, ArticleIn)
    assert first.text == second.text
    assert (first.file, second.file) == ("a.txt", "b.txt")


# --------------------------------------------------------------------------- iter_inputs


def test_iter_inputs_walks_sorted_skips_hidden_and_yields_other_types_for_a_reason(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    (tmp_path / "a.JSONL").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x", encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "d.ndjson").write_text("{}", encoding="utf-8")
    (sub / "c.text").write_text("c", encoding="utf-8")
    (sub / "e.json").write_text("[]", encoding="utf-8")
    (sub / "f.png").write_bytes(b"\x89PNG")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_inputs([tmp_path])]
    # Other types are yielded too, so that read_file says why each is not imported (issues 15 and 16).
    assert found == ["a.JSONL", "b.txt", "notes.md", "sub/c.text", "sub/d.ndjson", "sub/e.json", "sub/f.png"]
    assert "unsupported file type '.png'" in refused(sub / "f.png").reason


def test_iter_inputs_keeps_explicit_files_and_yields_each_once(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    other = tmp_path / "notes.docx"
    other.write_text("x", encoding="utf-8")
    found = list(iter_inputs([tmp_path / "a.txt", tmp_path, str(other)]))
    assert found == [tmp_path / "a.txt", other]


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "1.txt").write_text("First\n\nBody.", encoding="utf-8")
    (tmp_path / "2.txt").write_bytes(b"")
    (tmp_path / "3.txt").write_text("Third\n\nBody.", encoding="utf-8")
    items = list(read_inputs([tmp_path]))
    assert [type(i).__name__ for i in items] == ["ArticleIn", "InputError", "ArticleIn"]


# --------------------------------------------------------------------------- JSONL and JSON records


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_jsonl_malformed_line_7_is_reported_and_the_rest_import(tmp_path: Path) -> None:
    path = tmp_path / "corpus.jsonl"
    lines = [json.dumps({"id": f"n{i}", "text": f"Article number {i}."}) for i in range(1, 11)]
    lines[6] = '{"id": "n7", "text": "broken'
    write_lines(path, lines)
    items = list(read_file(path))
    errors = [i for i in items if isinstance(i, InputError)]
    articles = [i for i in items if isinstance(i, ArticleIn)]
    assert len(errors) == 1
    assert errors[0].line == 7
    assert errors[0].reason.startswith("malformed JSON: ")
    assert f"{path}:7" in str(errors[0])
    assert [a.ext_id for a in articles] == [f"n{i}" for i in range(1, 11) if i != 7]
    assert articles[0].file == "corpus.jsonl"


def test_jsonl_blank_lines_skipped_and_line_numbers_stay_true(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write_lines(path, ['{"text": "one"}', "", "  ", '["not", "an", "object"]', '{"title": "no text"}'])
    items = list(read_file(path))
    assert isinstance(items[0], ArticleIn)
    assert [(e.line, e.reason) for e in items[1:] if isinstance(e, InputError)] == [
        (4, "a JSONL line must hold one JSON object, not a list"),
        (5, "record has no 'text' string"),
    ]


def test_jsonl_overlong_line_is_refused_alone(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    write_lines(path, ['{"text": "short"}', json.dumps({"text": "x" * 5000}), '{"text": "after"}'])
    items = list(read_file(path, max_bytes=1000))
    assert isinstance(items[0], ArticleIn) and isinstance(items[2], ArticleIn)
    assert isinstance(items[1], InputError) and items[1].line == 2 and "too long" in items[1].reason


def test_jsonl_non_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"text": "ok"}\n{"text": "caf\xe9"}\n')
    items = list(read_file(path))
    assert isinstance(items[1], InputError) and items[1].line == 2 and "UTF-8" in items[1].reason


def test_record_fields_and_meta(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    record = {
        "id": 17,
        "text": "Abe met Putin.",
        "title": "T",
        "date": "May 16, 2015",
        "outlet": "Yomiuri",
        "url": "https://x.example/1",
        "meta": {"lang": "en"},
        "section": "World",
        "spans": [{"start": 0, "end": 3, "label": "PERSON"}, {"start": 8, "end": 13, "label": "PERSON"}],
    }
    write_lines(path, [json.dumps(record)])
    article = read_one(path)
    assert (article.ext_id, article.title, article.date, article.source, article.url) == (
        "17",
        "T",
        "2015-05-16",
        "Yomiuri",
        "https://x.example/1",
    )
    assert article.meta == {"lang": "en", "section": "World"}
    assert [(e.start, e.end, e.label, e.status) for e in article.entities] == [
        (0, 3, "PERSON", Status.ACCEPTED),
        (8, 13, "PERSON", Status.ACCEPTED),
    ]
    assert article.entities[0].annotator is None


def test_unrecognised_date_is_kept_in_meta(tmp_path: Path) -> None:
    path = tmp_path / "d.jsonl"
    write_lines(path, [json.dumps({"text": "x", "date": "sometime in spring"})])
    article = read_one(path)
    assert article.date is None
    assert article.meta["date_raw"] == "sometime in spring"


@pytest.mark.parametrize(
    ("span", "reason_part"),
    [
        ({"start": 0, "end": 99, "label": "PERSON"}, "ends after the text"),
        ({"start": 5, "end": 5, "label": "PERSON"}, "0 <= start < end"),
        ({"start": -1, "end": 2, "label": "PERSON"}, "0 <= start < end"),
        ({"start": "0", "end": 2, "label": "PERSON"}, "must be an integer"),
        ({"start": 0, "end": 3}, "no label"),
        ({"start": 0, "end": 3, "label": "PERSON", "text": "Put"}, "does not match"),
        ({"start": 0, "end": 3, "label": "PERSON", "status": "maybe"}, "status 'maybe'"),
    ],
)
def test_bad_span_refuses_its_record_with_line(
    tmp_path: Path, span: dict[str, object], reason_part: str
) -> None:
    path = tmp_path / "spans.jsonl"
    write_lines(path, ['{"text": "fine"}', json.dumps({"text": "Abe met Putin.", "entities": [span]})])
    items = list(read_file(path))
    assert isinstance(items[0], ArticleIn)
    error = items[1]
    assert isinstance(error, InputError)
    assert error.line == 2
    assert reason_part in error.reason


def test_polnear_like_records_import_as_plain_articles(tmp_path: Path) -> None:
    path = tmp_path / "eval.jsonl"
    text = "Clinton said the plan works. It was reported."
    record = {
        "id": "nyt-1",
        "publisher": "nyt",
        "text": text,
        "claims": [
            {
                "source": [0, 7],
                "cue": [8, 12],
                "content": [13, 27],
                "source_spans": [[0, 7]],
                "cue_spans": [[8, 12]],
                "content_spans": [[13, 27]],
                "no_source": False,
            }
        ],
    }
    write_lines(path, [json.dumps(record)])
    article = read_one(path)
    assert (article.ext_id, article.source, article.text) == ("nyt-1", "nyt", text)
    assert article.claims == [] and article.entities == []
    assert "claims" not in article.meta


def test_json_list_and_single_record(tmp_path: Path) -> None:
    many = tmp_path / "many.json"
    many.write_text(json.dumps([{"text": "one"}, {"nope": 1}, {"text": "three"}]), encoding="utf-8")
    items = list(read_file(many))
    assert [type(i).__name__ for i in items] == ["ArticleIn", "InputError", "ArticleIn"]
    error = items[1]
    assert isinstance(error, InputError) and error.reason.startswith("record 2: ")
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"text": "alone", "title": "A"}), encoding="utf-8")
    assert read_one(single).title == "A"


def test_malformed_json_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('[\n{"text": "a"},\n{"text": }\n]', encoding="utf-8")
    error = refused(path)
    assert error.line == 3 and error.reason.startswith("malformed JSON")


def test_json_file_holding_jsonl_is_read_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "lines.json"
    write_lines(path, ['{"text": "a"}', '{"text": "b"}'])
    assert [a.text for a in read_file(path) if isinstance(a, ArticleIn)] == ["a", "b"]


def test_foreign_or_future_export_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"format": "something-else", "articles": []}), encoding="utf-8")
    assert "unknown JSON format" in refused(other).reason
    future = tmp_path / "future.json"
    future.write_text(
        json.dumps({"format": "annotator-export", "version": 3, "articles": []}), encoding="utf-8"
    )
    assert "version 3" in refused(future).reason


def test_jsonl_reading_streams(tmp_path: Path) -> None:
    path = tmp_path / "stream.jsonl"
    write_lines(path, ['{"text": "a"}', "{broken", '{"text": "c"}'])
    stream = read_file(path)
    first = next(stream)
    assert isinstance(first, ArticleIn) and first.text == "a"
    # Appending after the first item was read is seen: the file is read lazily, line by line.
    with path.open("a", encoding="utf-8") as handle:
        handle.write('{"text": "d"}\n')
    assert [getattr(i, "text", None) for i in stream] == [None, "c", "d"]


def test_record_without_title_gets_header_fields(tmp_path: Path) -> None:
    path = tmp_path / "untitled.jsonl"
    records = [
        {"text": "3/22/2017\n\nRusso-Japanese Different Dreams\n\nThe governments met."},
        {"text": "3/22/2017\n\nBody.", "title": "", "date": "2020-01-02"},  # given fields win
    ]
    write_lines(path, [json.dumps(r) for r in records])
    first, second = (read_one_of(item) for item in read_file(path))
    assert (first.title, first.date) == ("Russo-Japanese Different Dreams", "2017-03-22")
    assert (second.title, second.date) == ("", "2020-01-02")


def read_one_of(item: ArticleIn | InputError) -> ArticleIn:
    assert isinstance(item, ArticleIn), item
    return item


def test_utf16_json_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "utf16.json"
    path.write_bytes(json.dumps([{"text": FRENCH}], ensure_ascii=False).encode("utf-16"))
    assert read_one(path).text == FRENCH


def test_read_file_located_gives_each_items_line(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    write_lines(path, ['{"text": "a"}', "", "{bad", '{"text": "d"}'])
    located = list(read_file_located(path))
    assert [(type(item).__name__, line) for item, line in located] == [
        ("ArticleIn", 1),
        ("InputError", 3),
        ("ArticleIn", 4),
    ]
    text = tmp_path / "t.txt"
    text.write_text("T\n\nBody.", encoding="utf-8")
    assert [line for _, line in read_file_located(text)] == [None]
