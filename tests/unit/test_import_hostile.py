"""Issue 15, points 1-11: hostile import inputs never stop the rest, and nothing is stored mangled.

Each test reproduces one point of the walk-through and failed before its fix.
"""

from __future__ import annotations

import json
import math
import os
import stat
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from annotator.core.errors import InputError, ValidationError
from annotator.core.records import ArticleIn
from annotator.io import ExportContext, read_file, read_inputs, write_export
from annotator.io.export_model import ExportArticle
from annotator.io.headers import parse_header
from annotator.jobs.exporting import export
from annotator.jobs.importing import import_paths
from annotator.jobs.progress import CancelFlag, Progress
from annotator.store.repository import Repository
from tests.fixtures.unprivileged import run_as_nobody


def refusals(items: list[ArticleIn | InputError]) -> list[InputError]:
    return [i for i in items if isinstance(i, InputError)]


def articles(items: list[ArticleIn | InputError]) -> list[ArticleIn]:
    return [i for i in items if isinstance(i, ArticleIn)]


# --------------------------------------------------------------------------- 1. lone surrogates


def test_lone_surrogate_in_text_is_refused_and_the_next_line_imports(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text('{"text":"a \\ud800 b"}\n{"text":"good"}\n{"title":"t \\udfff","text":"other"}\n')
    summary = import_paths(repo, [path])
    assert summary.imported == 1
    assert [(e.line, "lone surrogate" in e.reason) for e in summary.refused] == [(1, True), (3, True)]
    assert "title" in summary.refused[1].reason
    assert [a.text for a in repo.iter_articles(repo.article_ids())] == ["good"]


def test_escaped_surrogate_pairs_import_and_a_lone_one_deep_in_a_record_is_found(
    repo: Repository, tmp_path: Path
) -> None:
    # The reader walks a record for lone surrogates only when its JSON holds a surrogate escape: a pair (an
    # emoji written by json.dumps) is such an escape and must import; a lone one anywhere must be refused.
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"text":"smile \\ud83d\\ude00 ok"}\n'
                    '{"text":"deep","meta":{"notes":[{"who":"x \\uDC00"}]}}\n')
    summary = import_paths(repo, [path])
    assert summary.imported == 1
    assert [a.text for a in repo.iter_articles(repo.article_ids())] == ["smile \U0001f600 ok"]
    assert [(e.line, "lone surrogate" in e.reason) for e in summary.refused] == [(2, True)]


def test_surrogate_deep_in_meta_is_named(tmp_path: Path) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text('{"text":"fine","meta":{"tags":["ok","\\udc80"]}}\n')
    (error,) = refusals(list(read_file(path)))
    assert "meta.tags[1]" in error.reason


# --------------------------------------------------------------------------- 2. file names that are not UTF-8


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of arbitrary bytes needs a Linux file system")
def test_file_name_that_is_not_utf8_imports_with_a_printable_name(repo: Repository, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("First\n\nBody one.", encoding="utf-8")
    with open(os.path.join(os.fsencode(folder), b"bad\xff.txt"), "wb") as handle:
        handle.write(b"Second\n\nBody two.")
    (folder / "c.txt").write_text("Third\n\nBody three.", encoding="utf-8")
    (folder / "empty\udcfe.txt").write_bytes(b"")  # refused: its message must be printable too
    summary = import_paths(repo, [folder])
    assert summary.imported == 3
    files = sorted(a.file for a in repo.iter_articles(repo.article_ids()))
    assert files == ["a.txt", "bad\\xff.txt", "c.txt"]
    (error,) = summary.refused
    "\n".join(summary.lines()).encode("utf-8")  # printable: no lone surrogate left
    assert "empty\\xfe.txt" in str(error)


# --------------------------------------------------------------------------- 3. symbolic link loops


def test_symlink_loop_is_refused_alone(repo: Repository, tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "a.txt").symlink_to("b.txt")
    (folder / "b.txt").symlink_to("a.txt")
    (folder / "ok.txt").write_text("Fine\n\nA good article.", encoding="utf-8")
    summary = import_paths(repo, [folder])
    assert summary.imported == 1
    assert sorted(Path(e.path).name for e in summary.refused) == ["a.txt", "b.txt"]
    assert all("symbolic links" in e.reason or "cannot read" in e.reason for e in summary.refused)


# --------------------------------------------------------------------------- 4. FIFOs and devices


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_jsonl_fifo_and_dev_zero_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.jsonl"
    zero.symlink_to("/dev/zero")
    as_json = tmp_path / "zero.json"
    as_json.symlink_to("/dev/urandom")
    result: list[list[ArticleIn | InputError]] = []
    reader = threading.Thread(target=lambda: result.append(list(read_inputs([fifo, zero, as_json]))), daemon=True)
    reader.start()
    reader.join(timeout=20)
    if reader.is_alive():  # unblock the thread before failing, so the test run can end
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO or /dev/zero blocked")
    assert [(Path(e.path).name, e.reason) for e in refusals(result[0])] == [
        ("pipe.jsonl", "not a regular file"),
        ("zero.jsonl", "not a regular file"),
        ("zero.json", "not a regular file"),
    ]


def test_cancel_stops_a_long_jsonl_file_between_lines(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "many.jsonl"
    path.write_text("".join(json.dumps({"text": f"Record {i} of many."}) + "\n" for i in range(200)))
    cancel = CancelFlag()

    def progress(report: Progress) -> None:
        # The import reports every few records inside a file; the user cancels after the 50th.
        if report.message == "many.jsonl: article 50":
            cancel.cancel()

    summary = import_paths(repo, [path], cancel=cancel, progress=progress)
    assert summary.cancelled and summary.imported == 50
    assert repo.count_articles() == 50


# --------------------------------------------------------------------------- 5. / 6. encodings


def test_one_bad_byte_in_utf8_refuses_with_the_offset_never_mojibake(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_bytes(b"First line\nK\xc3\xb6ln sagte \xff.\n")
    summary = import_paths(repo, [path])
    assert summary.imported == 0
    (error,) = summary.refused
    assert error.line == 2
    assert "not valid UTF-8" in error.reason and "0xff at byte offset 23 (column 13)" in error.reason
    assert repo.count_articles() == 0  # nothing like "KÃ¶ln" was stored


def test_real_cp1252_file_is_still_decoded(tmp_path: Path) -> None:
    path = tmp_path / "w.txt"
    path.write_bytes("K\u00f6ln sagte \u201enein\u201c, und M\u00fcnchen auch.".encode("cp1252"))
    (article,) = articles(list(read_file(path)))
    assert article.text.startswith("Köln sagte „nein“")
    assert article.meta["encoding"] == "cp1252"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(tmp_path: Path, codec: str) -> None:
    text = "Tokyo talks\n\nAbe said the islands matter, and Lavrov disagreed. Caf\u00e9 \u2014 \u00e9t\u00e9.\n"
    path = tmp_path / "u.txt"
    path.write_bytes(text.encode(codec))
    (article,) = articles(list(read_file(path)))
    assert article.text == text and article.meta["encoding"] == codec


def test_binary_with_nul_bytes_is_still_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.txt"
    path.write_bytes(bytes(range(256)) * 8)
    (error,) = refusals(list(read_file(path)))
    assert "binary" in error.reason


# --------------------------------------------------------------------------- 7. nothing skipped without a reason


def test_other_file_types_in_a_folder_are_named(repo: Repository, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a.txt").write_text("Title\n\nBody.", encoding="utf-8")
    (folder / "reut2-000.sgm").write_text("<REUTERS><TEXT>x</TEXT></REUTERS>", encoding="utf-8")
    (folder / "notes.md").write_text("# notes", encoding="utf-8")
    (folder / "scan.PDFX").write_bytes(b"%PDF")
    (folder / ".DS_Store").write_bytes(b"\0")  # hidden files stay silent
    summary = import_paths(repo, [folder])
    assert summary.imported == 1
    reasons = {Path(e.path).name: e.reason for e in summary.refused}
    assert sorted(reasons) == ["notes.md", "reut2-000.sgm", "scan.PDFX"]
    assert all(r.startswith("unsupported file type") for r in reasons.values())


def test_reuters_sgm_named_alone_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "reut2-000.sgm"
    path.write_text("<REUTERS></REUTERS>", encoding="utf-8")
    (error,) = refusals(list(read_file(path)))
    assert "Reuters-21578" in error.reason and "convert" in error.reason


def _read_as_nobody(folder: Path) -> list[list[str]]:
    def read() -> list[list[str]]:
        return [[getattr(i, "path", ""), getattr(i, "reason", "article")] for i in read_inputs([folder])]

    result: list[list[str]] = run_as_nobody(read)
    return result


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork to drop privileges in a child")
def test_unreadable_folder_is_reported_as_an_unprivileged_user() -> None:
    """Root reads a mode-000 folder anyway, so the reading runs as ``nobody`` when the test runs as root (CI)."""
    base = Path(tempfile.mkdtemp(prefix="annotator-perm-"))
    try:
        base.chmod(0o755)
        (base / "ok").mkdir()
        (base / "ok" / "a.txt").write_text("Readable\n\nBody.", encoding="utf-8")
        locked = base / "locked"
        locked.mkdir()
        (locked / "hidden_article.txt").write_text("Secret\n\nBody.", encoding="utf-8")
        locked.chmod(0)
        items = _read_as_nobody(base)
        assert [reason for _path, reason in items].count("article") == 1
        (problem,) = [(p, r) for p, r in items if r != "article"]
        assert problem[0] == str(locked)
        assert problem[1].startswith("cannot read folder: permission denied")
    finally:
        (base / "locked").chmod(stat.S_IRWXU)
        for root, _dirs, files in os.walk(base, topdown=False):
            for name in files:
                os.unlink(os.path.join(root, name))
            os.rmdir(root)


# --------------------------------------------------------------------------- 8. annotator names from files


@pytest.mark.parametrize(
    "name",
    ["=HYPERLINK(\"http://x\",\"y\")", "bob,carol", "   ", "a\nb", "x" * 5000, "Gold", "SUGGESTIONS", "nu\x00l"],
)
def test_imported_annotator_names_follow_the_annotators_add_rules(
    repo: Repository, tmp_path: Path, name: str
) -> None:
    record = {"text": "Abe met Putin.", "entities": [{"start": 0, "end": 3, "label": "PERSON", "annotator": name}]}
    path = tmp_path / "n.jsonl"
    path.write_text(json.dumps(record) + "\n" + json.dumps({"text": "Another article."}) + "\n")
    summary = import_paths(repo, [path])
    assert summary.imported == 1
    (error,) = summary.refused
    assert error.line == 1 and "annotator" in error.reason
    assert [n for n, _ in repo.annotators()] == []


def test_import_option_annotator_is_checked_too(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Title\n\nBody.", encoding="utf-8")
    with pytest.raises(ValidationError, match="formula"):
        import_paths(repo, [path], annotator="=cmd|' /C calc'!A0")


def test_csv_escapes_the_annotator_column(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    text = "Abe said the islands are Japanese."
    claim = {"cue": {"start": 4, "end": 8}, "content": {"start": 9, "end": 33}, "annotator": "alice",
             "status": "accepted"}
    path.write_text(json.dumps({"text": text, "claims": [claim]}) + "\n")
    import_paths(repo, [path])
    from annotator.store.models import Annotator, Layer

    with repo._st.tx():  # an older database may hold such a name: the export must still be safe
        Layer.update(name="=EVIL()").where(Layer.name == "alice").execute()
        Annotator.update(name="=EVIL()").where(Annotator.name == "alice").execute()
    out = tmp_path / "c.csv"
    from annotator.store import open_repository

    with open_repository(repo.location) as reopened:  # layer names are cached per repository
        export(reopened, out, fmt="csv", layer="all")
    rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert ",'=EVIL()" in rows[1] and ",=EVIL()" not in rows[1]


# --------------------------------------------------------------------------- 9. actor cycles


def test_import_cannot_make_an_actor_cycle(repo: Repository, tmp_path: Path) -> None:
    text = "Abe met the Government of Japan."
    export_doc = {
        "format": "annotator-export", "version": 1,
        "actors": [{"id": "a", "name": "Abe", "kind": "PERSON", "parent": "b"},
                   {"id": "b", "name": "Government of Japan", "kind": "ORG", "parent": "a"}],
        "articles": [{"text": text, "entities": [
            {"start": 0, "end": 3, "label": "PERSON", "actor": "a", "annotator": "alice"},
            {"start": 12, "end": 31, "label": "ORG", "actor": "b", "annotator": "alice"}]}],
    }
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(export_doc))
    assert import_paths(repo, [path]).imported == 1
    parents = {a.name: a.parent_id for a in repo.actors()}
    ids = {a.name: a.id for a in repo.actors()}
    # One link is kept, the one that would close the cycle is not.
    assert sorted(parents.values(), key=str) == sorted([None, ids["Abe"]], key=str) or \
        sorted(parents.values(), key=str) == sorted([None, ids["Government of Japan"]], key=str)


# --------------------------------------------------------------------------- 10. NaN and Infinity


def test_nan_in_meta_is_read_as_null_and_never_written(repo: Repository, tmp_path: Path) -> None:
    path = tmp_path / "nan.jsonl"
    path.write_text('{"text":"Abe met Putin.","meta":{"score":NaN,"big":Infinity,"low":-Infinity}}\n')
    assert import_paths(repo, [path]).imported == 1
    out = tmp_path / "out.json"
    export(repo, out, fmt="json", layer="all")
    raw = out.read_text(encoding="utf-8")
    assert "NaN" not in raw and "Infinity" not in raw

    def strict(constant: str) -> None:
        raise AssertionError(f"bare {constant} in the export")

    data = json.loads(raw, parse_constant=strict)
    assert data["articles"][0]["meta"]["score"] is None


def test_writer_replaces_nan_left_in_a_database(tmp_path: Path) -> None:
    from tests.fixtures.io_views import article_record

    view = article_record("Abe met Putin.", meta={"score": math.nan, "nested": [math.inf]})
    out = tmp_path / "o.json"
    write_export(out, "json", [ExportArticle(article=view, status="todo", entities=[], claims=[])],
                 ExportContext(actors=[], layer="all"))
    assert json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(c))["articles"][0]["meta"] == {
        "score": None, "nested": [None]}


# --------------------------------------------------------------------------- 11. wire stories


WIRE = (
    "DU PONT CO <DD> LAUNCHES NEW PAINT LINE\n\n"
    "    WILMINGTON, Del., March 3 - Du Pont Co said it\n"
    "launched a new line of automotive paints that dry\n"
    "faster than others on the market.\n"
)


def test_wire_story_first_wrapped_line_is_not_a_subtitle() -> None:
    header = parse_header(WIRE)
    assert header.title == "DU PONT CO <DD> LAUNCHES NEW PAINT LINE"
    assert "subtitle" not in header.meta


def test_wrapped_body_without_dateline_is_not_a_subtitle() -> None:
    text = "JAPAN SEES SURPLUS\n\n    Japan's trade surplus will grow\nthis year, the ministry said.\n"
    assert "subtitle" not in parse_header(text).meta


def test_a_standfirst_on_its_own_line_is_still_a_subtitle() -> None:
    text = "Illusory Progress\nAbe's trip is unlikely to succeed\n\nThe body starts here and runs on.\n"
    assert parse_header(text).meta["subtitle"] == "Abe's trip is unlikely to succeed"
