"""Codebook files and the codebook in exports: validation with file and JSON path, export version 2, version 1."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.core.codebook import Codebook, Variable, VariableType
from annotator.core.errors import InputError, ValidationError
from annotator.core.records import ArticleIn
from annotator.core.resources import resource_path, sample_codebook
from annotator.io import ExportContext, read_file, validate_export, write_export
from annotator.io.codebook_file import codebook_schema, read_codebook, write_codebook
from tests.fixtures.io_views import actors, sample_article

SAMPLE = sample_codebook()


def test_the_default_codebook_matches_its_schema_and_round_trips(tmp_path: Path) -> None:
    assert read_codebook(resource_path("codebook.json")) == SAMPLE
    assert codebook_schema()["properties"]["format"] == {"const": "annotator-codebook"}
    out = tmp_path / "copy.json"
    write_codebook(out, SAMPLE)
    assert read_codebook(out) == SAMPLE


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ('{"format": "annotator-codebook", "version": 1, "labels": [{"name": "A", "color": "#12"}]}',
         "$.labels[0].color: '#12' does not match"),
        ('{"format": "annotator-codebook", "version": 1, "issues": [{"code": "a"}, {"code": "b", "kwds": []}]}',
         "$.issues[1]: Additional properties are not allowed ('kwds' was unexpected)"),
        ('{"format": "annotator-codebook", "version": 1, "variables": [{"name": "v", "type": "choice"}]}',
         "$.variables[0]: 'choices' is a required property"),
        ('{"format": "annotator-codebook", "version": 1, "issues": [{"code": "a", "children": [{"code": "a"}]}]}',
         "$.issues[0].children[0].code: duplicate issue code 'a' (also at $.issues[0])"),
        ('{"format": "annotator-codebook", "version": 1, "spacy_map": {"FAC": "LOC"}}',
         "$.spacy_map.FAC: 'LOC' is not one of the codebook's labels"),
        ('{"version": 1}', "$: 'format' is a required property"),
        ('{"format": "annotator-codebook",\n "version": 1,,}', "malformed JSON"),
    ],
)
def test_an_invalid_file_is_refused_with_its_name_and_the_json_path(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "mine.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as refused:
        read_codebook(path)
    assert refused.value.path == str(path)
    assert refused.value.reason.startswith(reason)
    if "malformed" in reason:
        assert refused.value.line == 2


def test_a_codebook_is_read_from_an_export_that_carries_one(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_export(path, "json", [sample_article()], ExportContext(actors=actors(), codebook=SAMPLE, layer="gold"))
    assert read_codebook(path) == SAMPLE
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["codebook"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="carries no codebook"):
        read_codebook(path)


def _with_certainty(book: Codebook) -> Codebook:
    return replace(book, variables=(Variable("certainty", VariableType.CHOICE, ("low", "high")),
                                    Variable("quoted", VariableType.BOOLEAN)))


def test_export_version_2_carries_the_codebook_and_claim_variables(tmp_path: Path) -> None:
    book = _with_certainty(SAMPLE)
    item = sample_article()
    item.claims = [replace(c, variables={"certainty": "high", "quoted": True}) for c in item.claims]
    path = tmp_path / "out.json"
    write_export(path, "json", [item], ExportContext(actors=actors(), codebook=book, layer="gold"))
    data = json.loads(path.read_text(encoding="utf-8"))
    validate_export(data)
    assert data["version"] == 2 and Codebook.from_dict(data["codebook"]) == book
    assert {json.dumps(c["variables"], sort_keys=True) for c in data["articles"][0]["claims"]} == {
        '{"certainty": "high", "quoted": true}'
    }
    (back,) = [a for a in read_file(path) if isinstance(a, ArticleIn)]
    assert back.codebook == book and back.claims[0].variables == {"certainty": "high", "quoted": True}
    # A codebook the schema accepts but the model refuses (a map to a missing label) refuses the file.
    data["codebook"]["spacy_map"] = {"FAC": "NOWHERE"}
    with pytest.raises(ValidationError, match=r"export codebook: \$\.spacy_map\.FAC"):
        validate_export(data)
    path.write_text(json.dumps(data), encoding="utf-8")
    (refused,) = list(read_file(path))
    assert isinstance(refused, InputError) and "$.spacy_map.FAC" in refused.reason


def test_a_version_1_export_still_imports(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    write_export(path, "json", [sample_article()], ExportContext(actors=actors(), codebook=SAMPLE, layer="gold"))
    data = json.loads(path.read_text(encoding="utf-8"))
    data["version"] = 1
    del data["codebook"]
    for claim in data["articles"][0]["claims"]:
        del claim["variables"]
    validate_export(data)  # the schema documents version 1 too
    path.write_text(json.dumps(data), encoding="utf-8")
    (article,) = list(read_file(path))
    assert isinstance(article, ArticleIn) and article.codebook is None and article.claims


def test_the_claims_csv_has_a_column_per_variable(tmp_path: Path) -> None:
    book = _with_certainty(SAMPLE)
    item = sample_article()
    item.claims = [replace(c, variables={"certainty": "low", "quoted": False}) for c in item.claims]
    path = tmp_path / "claims.csv"
    write_export(path, "csv", [item], ExportContext(actors=actors(), codebook=book, layer="gold"))
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows and all((r["var:certainty"], r["var:quoted"]) == ("low", "no") for r in rows)
