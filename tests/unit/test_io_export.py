"""JSON / JSONL export: the §7 contract and its schema, round trips through the readers, atomic writes."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator import __version__
from annotator.core.codebook import Codebook, Section
from annotator.core.errors import AnnotatorError, CancelledError, InputError, ValidationError
from annotator.core.records import ActorIn, ArticleIn, ClaimIn, EntityIn
from annotator.core.resources import sample_codebook
from annotator.io import (
    EXPORT_FORMATS,
    ExportArticle,
    ExportContext,
    export_format_for,
    read_file,
    validate_export,
    validate_export_line,
    write_export,
)
from tests.fixtures.io_views import TEXT, actors, article_record, find, sample_article

CODEBOOK = sample_codebook()


def expected_article_in(item: ExportArticle) -> ArticleIn:
    """What reading back an export of ``item`` must give (hand-derived from the views)."""
    view = item.article

    def ref(actor_id: int | None) -> str | None:
        return None if actor_id is None else f"a{actor_id}"

    entities = [
        EntityIn(e.start, e.end, e.label, e.status, e.origin, e.layer, ref(e.actor_id))
        for e in sorted(item.entities, key=lambda e: (e.start, e.end))
    ]
    claims = [
        ClaimIn(
            cue=list(c.cue.spans) if c.cue else [],
            content=list(c.content.spans) if c.content else [],
            source=list(c.source.spans) if c.source else [],
            kind=c.kind,
            form=c.form,
            source_actor=ref(c.source_actor_id),
            addressee=ref(c.addressee_id),
            issue=c.issue,
            stance=c.stance,
            note=c.note,
            status=c.status,
            origin=c.origin,
            annotator=c.layer,
        )
        for c in item.claims
    ]
    return ArticleIn(
        text=view.text,
        title=view.title,
        date=view.date,
        source=view.source,
        url=view.url,
        file=view.file,
        ext_id=view.id,
        meta=dict(view.meta),
        status=item.status,
        entities=entities,
        claims=claims,
        actors=[
            ActorIn("a1", "Shinzo Abe", "PERSON", ["Abe", "Prime Minister Abe"], "a7", "Japanese PM"),
            ActorIn("a2", "Vladimir Putin", "PERSON", ["Putin"], None, ""),
            ActorIn("a7", "Government of Japan", "ORG", [], None, ""),
        ],
    )


def sorted_actors(article: ArticleIn) -> ArticleIn:
    article.actors.sort(key=lambda a: a.key)
    return article


def read_articles(path: Path) -> list[ArticleIn]:
    items = list(read_file(path))
    errors = [i for i in items if isinstance(i, InputError)]
    assert not errors, errors
    return [sorted_actors(i) for i in items if isinstance(i, ArticleIn)]


# --------------------------------------------------------------------------- the JSON contract


def test_json_export_matches_contract_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    context = ExportContext(actors=actors(), codebook=CODEBOOK, layer="gold")
    count = write_export(path, "json", [sample_article()], context)
    assert count == 1
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_export(data)
    assert data["format"] == "annotator-export" and data["version"] == 2
    assert Codebook.from_dict(data["codebook"]) == CODEBOOK
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["exported_at"])
    assert data["tool"] == {"name": "annotator", "version": __version__}
    assert (data["layer"], data["labels"]) == ("gold", list(CODEBOOK.label_names))
    assert data["actors"][0] == {
        "id": "a1",
        "name": "Shinzo Abe",
        "kind": "PERSON",
        "aliases": ["Abe", "Prime Minister Abe"],
        "parent": "a7",
        "notes": "Japanese PM",
    }
    (article,) = data["articles"]
    assert article["id"] == "art-1" and article["status"] == "done" and article["text"] == TEXT
    abe = find(TEXT, "Shinzo Abe")
    assert article["entities"][1] == {
        "id": "e10",
        "start": abe.start,
        "end": abe.end,
        "text": "Shinzo Abe",
        "label": "PERSON",
        "actor": "a1",
        "status": "accepted",
        "origin": "spacy:en_core_web_sm@3.8.0",
        "annotator": "alice",
    }
    first, second, third = article["claims"]
    assert first["source"] == {"start": abe.start, "end": abe.end, "text": "Shinzo Abe", "actor": "a1"}
    assert first["cue"]["text"] == "said" and "spans" not in first["cue"]
    assert first["content"]["spans"] == [[first["content"]["start"], first["content"]["end"]]]
    assert (first["addressee"], first["stance"], first["issue"]) == ("a2", 1, "territorial dispute")
    # Discontinuous content and source: outer extent plus pieces; text joins the pieces.
    assert len(second["content"]["spans"]) == 2
    assert (
        second["content"]["text"]
        == "the islands were \u201cJapan's territory\u201d … negotiations would go on"
    )
    assert second["content"]["start"] == second["content"]["spans"][0][0]
    assert second["content"]["end"] == second["content"]["spans"][1][1]
    assert second["source"]["spans"] == [
        [abe.start, abe.end],
        [second["source"]["spans"][1][0], second["source"]["spans"][1][0] + 2],
    ]
    assert (second["annotator"], second["status"], second["kind"]) == ("gold", "manual", "indirect")
    assert third["source"] is None


def test_emoji_before_spans_keeps_code_point_offsets(tmp_path: Path) -> None:
    path = tmp_path / "emoji.json"
    write_export(path, "json", [sample_article()], ExportContext(actors=actors(), codebook=CODEBOOK, layer="all"))
    raw = path.read_text(encoding="utf-8")
    assert "🇯🇵" in raw  # written as UTF-8, not \\u escapes
    data = json.loads(raw)
    for entity in data["articles"][0]["entities"]:
        assert data["articles"][0]["text"][entity["start"] : entity["end"]] == entity["text"]
    (back,) = read_articles(path)
    abe = next(e for e in back.entities if e.label == "PERSON" and e.actor == "a1")
    assert back.text[abe.start : abe.end] == "Shinzo Abe"
    assert abe.start == TEXT.index("Shinzo Abe")  # the emoji (2 UTF-16 units) shifted nothing


def test_schema_rejects_broken_exports(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_export(path, "json", [sample_article()], ExportContext(actors=actors(), codebook=CODEBOOK, layer="gold"))
    good = json.loads(path.read_text(encoding="utf-8"))

    def broken(change: str) -> dict[str, object]:
        data = json.loads(json.dumps(good))
        article = data["articles"][0]
        if change == "status":
            article["entities"][0]["status"] = "approved"
        elif change == "negative":
            article["entities"][0]["start"] = -1
        elif change == "extra":
            article["entities"][0]["colour"] = "red"
        elif change == "kind":
            article["claims"][0]["kind"] = 3
        elif change == "missing":
            del article["claims"][0]["cue"]
        elif change == "offsets":
            article["entities"][0]["end"] = len(article["text"]) + 5
        elif change == "text":
            article["entities"][0]["text"] = "something else"
        elif change == "actor":
            article["entities"][1]["actor"] = "a99"
        elif change == "version":
            data["version"] = 3
        elif change == "codebook":
            data["codebook"]["labels"][0]["color"] = "red"
        elif change == "no codebook":
            del data["codebook"]
        elif change == "codebook names":
            data["codebook"]["labels"].append(data["codebook"]["labels"][0])
        return data

    changes = ("status", "negative", "extra", "kind", "missing", "offsets", "text", "actor", "version", "codebook",
               "no codebook", "codebook names")
    for change in changes:
        with pytest.raises(ValidationError):
            validate_export(broken(change))


def test_empty_export_is_valid_json(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    assert write_export(path, "json", [], ExportContext(actors=[], codebook=CODEBOOK, layer="gold")) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_export(data)
    assert data["articles"] == [] and data["actors"] == []


# --------------------------------------------------------------------------- round trips


def test_json_round_trip_keeps_layers_statuses_claims_and_actors(tmp_path: Path) -> None:
    second_text = "Second 𝕏 text, 𝕏\r\n" + TEXT  # more astral characters (and a CR kept as-is in a record)
    items = [sample_article(), sample_article(second_text, "art-2")]
    path = tmp_path / "out.json"
    write_export(path, "json", items, ExportContext(actors=actors(), codebook=CODEBOOK, layer="all"))
    validate_export(json.loads(path.read_text(encoding="utf-8")))
    back = read_articles(path)
    # Version 2 carries the codebook: every article of the file shares the one object read from it.
    assert all(article.codebook == CODEBOOK for article in back)
    for article in back:
        article.codebook = None
    assert back == [sorted_actors(expected_article_in(item)) for item in items]
    # Layers survive: each entity names the layer it was in.
    assert {e.annotator for e in back[0].entities} == {"alice", "suggestions", "gold"}


def test_jsonl_round_trip_with_inline_actors(tmp_path: Path) -> None:
    items = [sample_article(), sample_article(article_id="art-3")]
    path = tmp_path / "out.jsonl"
    assert write_export(path, "jsonl", items, ExportContext(actors=actors(), codebook=CODEBOOK, layer="all")) == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line in lines:
        obj = json.loads(line)
        validate_export_line(obj)
        assert [a["id"] for a in obj["actors"]] == ["a1", "a2", "a7"]  # referenced ones and the parent of a1
    back = read_articles(path)
    # The first line carries the project's whole codebook, the next one the codes its rows use, in codebook order.
    assert back[0].codebook == CODEBOOK
    used = back[1].codebook
    assert used is not None and used.label_names == ("PERSON", "ORG", "GPE", "NORP")
    assert used.label("PERSON") == CODEBOOK.label("PERSON") and used.spacy_map == ()  # ORG: an actor's kind
    assert used.names(Section.KIND) == ("direct", "indirect", "other") and used.names(Section.FORM) == ("statement",)
    assert used.stances == tuple(s for s in CODEBOOK.stances if s.value in (-1, 1))
    assert used.issues == (replace(CODEBOOK.issues[0], children=()),)  # its keywords kept, unused children not
    for article in back:
        article.codebook = None
    assert back == [sorted_actors(expected_article_in(item)) for item in items]


def test_a_jsonl_export_recreates_its_codebook_in_an_empty_project(tmp_path: Path) -> None:
    from annotator.core.codebook import EMPTY_CODEBOOK
    from annotator.jobs.importing import import_paths
    from annotator.store import open_repository

    path = tmp_path / "out.jsonl"
    write_export(path, "jsonl", [sample_article(), sample_article(article_id="art-3")],
                 ExportContext(actors=actors(), codebook=CODEBOOK, layer="all"))
    empty = open_repository(str(tmp_path / "empty.db"))
    try:
        empty.replace_codebook(EMPTY_CODEBOOK)
        summary = import_paths(empty, [path])
        assert summary.refused == [] and summary.imported == 1  # the second line is the same text
        assert empty.codebook() == CODEBOOK
        assert any(line.startswith("added labels: PERSON, ORG") for line in summary.codebook_added)
        # A codebook file can be read from the export too (its first line's).
        from annotator.io.codebook_file import read_codebook

        assert read_codebook(path) == CODEBOOK
    finally:
        empty.close()


def test_a_jsonl_line_with_a_broken_codebook_is_refused_alone(tmp_path: Path) -> None:
    path = tmp_path / "lines.jsonl"
    good = {"text": "Abe spoke.", "entities": [{"start": 0, "end": 3, "label": "SPEAKER"}],
            "codebook": {"format": "annotator-codebook", "version": 1, "labels": [{"name": "SPEAKER"}]}}
    bad = {"text": "Putin spoke.", "codebook": {"format": "annotator-codebook", "version": 1,
                                                "labels": [{"name": "X", "color": "red"}]}}
    path.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n", encoding="utf-8")
    first, second = list(read_file(path))
    assert isinstance(first, InputError) and first.line == 1 and "codebook: $.labels[0].color" in first.reason
    assert isinstance(second, ArticleIn) and second.codebook is not None
    assert second.codebook.label_names == ("SPEAKER",) and "codebook" not in second.meta
    # A lone surrogate in a line's codebook is refused as in any other field (the database could not store it).
    broken = ('{"text": "Abe.", "codebook": {"format": "annotator-codebook", "version": 1, '
              '"labels": [{"name": "X\\ud800"}]}}')
    path.write_text(broken + "\n", encoding="utf-8")
    (refused,) = list(read_file(path))
    assert isinstance(refused, InputError) and "codebook.labels" in refused.reason and "surrogate" in refused.reason


def test_actor_missing_from_the_actor_list_is_written_as_null(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    no_a1 = ExportContext(actors=actors()[1:], codebook=CODEBOOK, layer="gold")
    write_export(path, "json", [sample_article()], no_a1)
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_export(data)  # still consistent
    assert data["articles"][0]["claims"][0]["source"]["actor"] is None
    assert data["actors"][-1]["id"] == "a7"
    (back,) = list(read_file(path))
    assert isinstance(back, ArticleIn)
    assert all(e.actor is None for e in back.entities)
    assert {a.key for a in back.actors} == {"a2"}


def test_reader_unlinks_references_to_undefined_actors(tmp_path: Path) -> None:
    # A hand-edited or foreign file may reference an actor it does not define: the link is dropped, not the
    # work.
    path = tmp_path / "edited.jsonl"
    record = {
        "text": "Abe spoke.",
        "entities": [{"start": 0, "end": 3, "label": "PERSON", "actor": "a5"}],
        "actors": [{"id": "a6", "name": "Other", "kind": "ORG", "aliases": [], "parent": "a9"}],
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (back,) = list(read_file(path))
    assert isinstance(back, ArticleIn)
    assert back.entities[0].actor is None and back.actors == []


# --------------------------------------------------------------------------- streaming, atomicity, cancel


def test_articles_are_consumed_lazily_and_progress_reported(tmp_path: Path) -> None:
    consumed: list[int] = []
    reported: list[int] = []

    def generate() -> Iterator[ExportArticle]:
        for i in range(5):
            consumed.append(i)
            # The writer must have reported every previous article before asking for the next one.
            assert reported == list(range(1, i + 1))
            yield sample_article(article_id=f"art-{i}")

    context = ExportContext(actors=actors(), codebook=CODEBOOK, layer="gold")
    count = write_export(tmp_path / "s.json", "json", generate(), context, on_article=reported.append)
    assert count == 5 and consumed == [0, 1, 2, 3, 4] and reported == [1, 2, 3, 4, 5]


def existing_export(tmp_path: Path, name: str) -> tuple[Path, bytes]:
    path = tmp_path / name
    path.write_bytes(b"previous export\n")
    return path, path.read_bytes()


@pytest.mark.parametrize("fmt", sorted(EXPORT_FORMATS))
def test_exception_mid_export_leaves_previous_file_and_no_temp(tmp_path: Path, fmt: str) -> None:
    path, before = existing_export(tmp_path, f"out.{fmt}")

    def failing() -> Iterator[ExportArticle]:
        yield sample_article()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError, match="database went away"):
        write_export(path, fmt, failing(), ExportContext(actors=actors(), codebook=CODEBOOK, layer="gold"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


class Flag:
    """Stands in for annotator.jobs.progress.CancelFlag (io must not import jobs)."""

    def __init__(self) -> None:
        self.cancelled = False


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_cancel_leaves_previous_file_and_no_temp(tmp_path: Path, fmt: str) -> None:
    path, before = existing_export(tmp_path, f"out.{fmt}")
    flag = Flag()

    def cancel_after_two(n: int) -> None:
        if n == 2:
            flag.cancelled = True

    items = [sample_article(article_id=f"art-{i}") for i in range(4)]
    with pytest.raises(CancelledError):
        context = ExportContext(actors=actors(), layer="gold")
        write_export(path, fmt, items, context, cancel=flag, on_article=cancel_after_two)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_cancel_accepts_a_plain_callable(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    with pytest.raises(CancelledError):
        write_export(path, "json", [sample_article()], cancel=lambda: True)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_successful_export_replaces_previous_file(tmp_path: Path) -> None:
    path, before = existing_export(tmp_path, "out.json")
    path.chmod(0o640)
    write_export(path, "json", [sample_article()], ExportContext(actors=actors(), codebook=CODEBOOK, layer="gold"))
    assert path.read_bytes() != before
    assert path.stat().st_mode & 0o777 == 0o640  # the replaced file keeps its permissions
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_export_format_for() -> None:
    assert export_format_for("x.json") == "json"
    assert export_format_for("x.NDJSON") == "jsonl"
    assert export_format_for("x.out", "Prodigy") == "prodigy"
    assert export_format_for("x.out", "docbin") == "spacy"
    assert export_format_for("x.out", "claims-csv") == "csv"
    with pytest.raises(ValidationError, match="cannot tell"):
        export_format_for("x.out")
    with pytest.raises(ValidationError, match="unknown export format"):
        export_format_for("x.json", "xml")


def test_article_without_optional_fields(tmp_path: Path) -> None:
    bare = ExportArticle(
        article_record("Just text.", "bare", title="", date=None, source="", url="", meta={}), status="todo"
    )
    path = tmp_path / "bare.json"
    write_export(path, "json", [bare], ExportContext(layer="alice"))
    validate_export(json.loads(path.read_text(encoding="utf-8")))
    (back,) = read_articles(path)
    assert (back.text, back.title, back.date, back.status, back.entities, back.claims) == (
        "Just text.",
        "",
        None,
        "todo",
        [],
        [],
    )


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path (keys / indexes) inside a JSON value."""
    found: list[tuple[object, ...]] = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


def test_mutated_export_lines_never_raise(tmp_path: Path) -> None:
    # Reading must turn any broken record into an InputError, never an exception (deterministic fuzzing).
    source = tmp_path / "good.jsonl"
    write_export(source, "jsonl", [sample_article()], ExportContext(actors=actors()))
    good = json.loads(source.read_text(encoding="utf-8"))
    paths = [p for p in _paths(good) if p]
    junk: list[object] = [None, -1, 0, 10**12, True, "x", "", [], {}, [1], [[0, 99999]], {"start": 1}, 1.5]
    rng = random.Random(20261123)
    lines = []
    for _ in range(400):
        record = json.loads(json.dumps(good))
        for _ in range(rng.randint(1, 3)):
            path = rng.choice(paths)
            target = record
            try:
                for key in path[:-1]:
                    target = target[key]
                target[path[-1]] = rng.choice(junk)
            except (KeyError, IndexError, TypeError):
                continue
        lines.append(json.dumps(record))
    fuzzed = tmp_path / "fuzzed.jsonl"
    fuzzed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_file(fuzzed))
    assert len(items) == 400
    refused = 0
    for item in items:
        if isinstance(item, InputError):
            refused += 1
            assert item.line is not None and item.reason
            continue
        for entity in item.entities:
            assert 0 <= entity.start < entity.end <= len(item.text)
        for claim in item.claims:
            for span in claim.cue + claim.content + claim.source:
                assert 0 <= span.start < span.end <= len(item.text)
    assert 0 < refused < 400


def test_unwritable_target_is_explained(tmp_path: Path) -> None:
    with pytest.raises(AnnotatorError, match="does not exist"):
        write_export(tmp_path / "missing" / "out.json", "json", [sample_article()])
    with pytest.raises(AnnotatorError, match="is a folder"):
        write_export(tmp_path, "json", [sample_article()])
    assert list(tmp_path.iterdir()) == []
