"""One import of a folder of bad and awkward inputs: each file gets its outcome, nothing else is lost."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.core.codebook import Codebook, Label
from annotator.core.errors import InputError
from annotator.core.records import ArticleIn
from annotator.io import ExportArticle, ExportContext, read_file, read_inputs, validate_export, write_export
from tests.fixtures.io_views import article_record, entity, find

CP1252_TEXT = "Caf\u00e9 diplomacy\n\n\u201cWe will talk,\u201d said the minister in Paris.\n"
EMOJI_TEXT = "\U0001f600\U0001f1ef\U0001f1f5 Tokyo \u2014 \U0001d54f Shinzo Abe met Vladimir Putin.\n"


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The folder of bad inputs an import must survive (built at test time: no 20 MB file is committed)."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "01_empty.txt").write_bytes(b"")
    (folder / "02_binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "03_cp1252.txt").write_bytes(CP1252_TEXT.encode("cp1252"))
    (folder / "04_utf16.txt").write_bytes(codecs.BOM_UTF16_LE + CP1252_TEXT.encode("utf-16-le"))
    (folder / "05_crlf.txt").write_bytes(b"11/17/2015\r\n\r\nCRLF title\r\n\r\nBody line.\r\n")
    with (folder / "06_huge.txt").open("wb") as handle:
        chunk = b"news " * 200_000  # 1 MB
        for _ in range(20):
            handle.write(chunk)
    lines = [json.dumps({"id": f"r{i}", "text": f"Record {i}: Abe met Putin."}) for i in range(1, 10)]
    lines[6] = '{"id": "r7", "text": "cut short'
    (folder / "07_records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "08_dup_a.txt").write_text("Same title\n\nSame text.\n", encoding="utf-8")
    (folder / "08_dup_b.txt").write_text("Same title\n\nSame text.\n", encoding="utf-8")
    abe = find(EMOJI_TEXT, "Shinzo Abe")
    record = {
        "id": "emoji",
        "text": EMOJI_TEXT,
        "entities": [{"start": abe.start, "end": abe.end, "label": "PERSON"}],
    }
    (folder / "09_emoji.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # a broken Word file: refused, never skipped silently
    (folder / "notes.md").write_text("# notes\n", encoding="utf-8")  # another type: refused with its reason
    return folder


def by_file(items: list[ArticleIn | InputError]) -> dict[str, list[ArticleIn | InputError]]:
    result: dict[str, list[ArticleIn | InputError]] = {}
    for item in items:
        name = Path(item.path).name if isinstance(item, InputError) else item.file
        result.setdefault(name, []).append(item)
    return result


def test_folder_of_bad_inputs(inbox: Path) -> None:
    files = by_file(list(read_inputs([inbox])))
    assert sorted(files) == [
        "01_empty.txt",
        "02_binary.txt",
        "03_cp1252.txt",
        "04_utf16.txt",
        "05_crlf.txt",
        "06_huge.txt",
        "07_records.jsonl",
        "08_dup_a.txt",
        "08_dup_b.txt",
        "09_emoji.jsonl",
        "notes.docx",
        "notes.md",
    ]

    def error(name: str) -> InputError:
        (item,) = files[name]
        assert isinstance(item, InputError), item
        assert name in str(item)
        return item

    def article(name: str) -> ArticleIn:
        (item,) = files[name]
        assert isinstance(item, ArticleIn), item
        return item

    assert error("01_empty.txt").reason == "empty file"
    assert "damaged" in error("notes.docx").reason
    assert error("notes.md").reason.startswith("unsupported file type '.md'")
    assert "binary" in error("02_binary.txt").reason
    assert "too large" in error("06_huge.txt").reason and "limit is 10 MB" in error("06_huge.txt").reason
    assert article("03_cp1252.txt").text == CP1252_TEXT
    assert article("04_utf16.txt").text == CP1252_TEXT
    crlf = article("05_crlf.txt")
    assert "\r" not in crlf.text and (crlf.title, crlf.date) == ("CRLF title", "2015-11-17")
    records = files["07_records.jsonl"]
    bad = [i for i in records if isinstance(i, InputError)]
    assert [(e.line, e.reason.split(":")[0]) for e in bad] == [(7, "malformed JSON")]
    assert [i.ext_id for i in records if isinstance(i, ArticleIn)] == [
        "r1",
        "r2",
        "r3",
        "r4",
        "r5",
        "r6",
        "r8",
        "r9",
    ]
    assert article("08_dup_a.txt").text == article("08_dup_b.txt").text  # both read; dedup is the store's job
    emoji = article("09_emoji.jsonl")
    (span,) = emoji.entities
    assert emoji.text[span.start : span.end] == "Shinzo Abe"


def test_emoji_offsets_survive_read_write_read(inbox: Path, tmp_path: Path) -> None:
    (first,) = read_file(inbox / "09_emoji.jsonl")
    assert isinstance(first, ArticleIn)
    (span,) = first.entities
    view = article_record(first.text, "emoji")
    item = ExportArticle(
        view, "done", [entity(1, find(first.text, "Shinzo Abe"), span.label, text=first.text)]
    )
    out = tmp_path / "emoji.json"
    write_export(out, "json", [item], ExportContext(codebook=Codebook(labels=(Label("PERSON"),)), layer="alice"))
    data = json.loads(out.read_text(encoding="utf-8"))
    validate_export(data)
    (again,) = read_file(out)
    assert isinstance(again, ArticleIn)
    assert again.text == EMOJI_TEXT
    assert [(e.start, e.end) for e in again.entities] == [(span.start, span.end)]
    assert again.text[span.start : span.end] == "Shinzo Abe"
    # Code points, not UTF-16 units: the same span in UTF-16 would start 4 units later (4 astral characters).
    assert span.start == EMOJI_TEXT.index("Shinzo Abe")
    assert len(EMOJI_TEXT[: span.start].encode("utf-16-le")) // 2 == span.start + 4
