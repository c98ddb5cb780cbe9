"""The codebook model: reading the file format, validation with JSON paths, and the pure edits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from annotator.core.codebook import (
    ActorType,
    Code,
    Codebook,
    Issue,
    Label,
    Section,
    StanceLevel,
    Variable,
    VariableType,
)
from annotator.core.codebook_edit import merge, merge_by_name, remove, removed_codes, rename, rows_text, subset
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.resources import sample_codebook
from tests.fixtures.codebook_codes import issue_of, label_of

ISSUE_EXAMPLE = {
    "format": "annotator-codebook",
    "version": 1,
    "labels": [{"name": "PERSON", "color": "#1f77b4", "description": "People"}],
    "spacy_map": {"FAC": None, "CARDINAL": None},
    "kinds": [{"name": "direct", "description": "Direct quote"}],
    "forms": [{"name": "statement", "description": "Asserts something"}],
    "stances": [{"value": -1, "name": "against"}, {"value": 0, "name": "neutral"}, {"value": 1, "name": "for"}],
    "issues": [
        {
            "code": "climate",
            "description": "",
            "keywords": [],
            "children": [
                {
                    "code": "climate/targets",
                    "description": "Emission targets",
                    "keywords": ["net zero", "emission target"],
                    "children": [],
                }
            ],
        }
    ],
    "variables": [{"name": "certainty", "type": "choice", "choices": ["low", "medium", "high"]}],
}


def book() -> Codebook:
    return Codebook.from_dict(ISSUE_EXAMPLE)


def test_the_issue_example_reads_and_round_trips() -> None:
    b = book()
    assert b.label_names == ("PERSON",) and b.label("PERSON") == Label("PERSON", "#1f77b4", "People")
    assert b.issue_codes == ("climate", "climate/targets")
    assert issue_of(b, "climate/targets").keywords == ("net zero", "emission target")
    assert b.issue_parent("climate/targets") == "climate" and b.issue_parent("climate") is None
    assert [(r.issue.code, r.depth) for r in b.issue_rows()] == [("climate", 0), ("climate/targets", 1)]
    assert b.variable("certainty") == Variable("certainty", VariableType.CHOICE, ("low", "medium", "high"))
    assert b.stance_values == (-1, 0, 1) and b.stance_name(1) == "for"
    assert Codebook.from_dict(b.to_dict()) == b


def test_names_reads_every_section_in_codebook_order() -> None:
    b = book()
    assert b.names(Section.LABEL) == b.label_names == ("PERSON",)
    assert b.names(Section.KIND) == tuple(k.name for k in b.kinds) == ("direct",)
    assert b.names(Section.FORM) == tuple(f.name for f in b.forms) and b.names(Section.FORM)
    assert b.names(Section.STANCE) == tuple(s.name for s in b.stances) and b.names(Section.STANCE)[2] == "for"
    assert b.names(Section.ISSUE) == b.issue_codes == ("climate", "climate/targets")
    assert b.names(Section.VARIABLE) == tuple(v.name for v in b.variables) and "certainty" in b.names(Section.VARIABLE)


def test_the_sample_codebook_names_its_actor_labels() -> None:
    sample = sample_codebook()
    assert sample.actor_labels() == {
        "PERSON": ActorType.PERSON,
        "ORG": ActorType.ORGANISATION,
        "GPE": ActorType.PLACE,
        "NORP": ActorType.GROUP,
    }
    assert sample.label_map["FAC"] == "LOC" and sample.label_map["CARDINAL"] is None
    assert any(row.issue.keywords for row in sample.issue_rows())


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d["labels"].append({"name": "PERSON"}), "$.labels[1]: duplicate label"),
        (lambda d: d["labels"][0].update(color="blue"), "$.labels[0].color"),
        (lambda d: d["labels"][0].update(name=" PERSON"), "$.labels[0].name"),
        (lambda d: d["labels"][0].update(actor="robot"), "$.labels[0].actor"),
        (lambda d: d["spacy_map"].update(FAC="PLACE"), "$.spacy_map.FAC"),
        (lambda d: d["stances"].append({"value": 1, "name": "pro"}), "$.stances[3]: duplicate stance value"),
        (lambda d: d["stances"][0].update(value="x"), "$.stances[0].value"),
        (
            lambda d: d["issues"].append({"code": "climate/targets"}),
            "$.issues[1].code: duplicate issue code 'climate/targets' (also at $.issues[0].children[0])",
        ),
        (lambda d: d["issues"][0]["children"][0]["keywords"].append(""), "$.issues[0].children[0].keywords[2]"),
        (lambda d: d["variables"][0].update(choices=[]), "$.variables[0].choices"),
        (lambda d: d["variables"].append({"name": "n", "type": "integer", "choices": ["1"]}), "$.variables[1]"),
        (lambda d: d["variables"][0].update(type="date"), "$.variables[0].type"),
        (lambda d: d.update(version=2), "$.version"),
        (lambda d: d.update(kinds={"name": "x"}), "$.kinds: must be a list"),
    ],
)
def test_an_invalid_codebook_names_the_json_path(change: Callable[[dict[str, Any]], object], path: str) -> None:
    import copy

    data = copy.deepcopy(ISSUE_EXAMPLE)
    change(data)
    with pytest.raises(ValidationError) as caught:
        Codebook.from_dict(data)
    assert str(caught.value).startswith(path)


def test_coded_values_are_checked_against_the_codebook() -> None:
    b = book()
    b.check_label("PERSON")
    with pytest.raises(ValidationError, match="unknown label 'ORG'; the project's labels are PERSON"):
        b.check_label("ORG")
    b.check_claim({"kind": "direct", "form": "", "issue": "climate/targets", "stance": -1, "variables": {}})
    refusals: list[tuple[dict[str, Any], str]] = [
        ({"kind": "indirect"}, r"unknown claim kind 'indirect'; expected one of \['direct'\]"),
        ({"form": "rumour"}, r"unknown claim form 'rumour'; expected one of \["),
        ({"issue": "sanctions"}, "unknown issue"),
        ({"stance": 2}, "stance must be one of -1, 0, 1"),
        ({"stance": True}, "stance must be"),
        ({"variables": {"certainty": "total"}}, "must be one of low, medium, high"),
        ({"variables": {"mood": "x"}}, "unknown claim variable 'mood'"),
    ]
    for attrs, message in refusals:
        with pytest.raises(ValidationError, match=message):
            b.check_claim(attrs)
    assert b.check_variables({"certainty": None, **{}}) == {}
    counts = Variable("n", VariableType.INTEGER)
    assert counts.check_value(3) == 3
    with pytest.raises(ValidationError, match="must be a integer"):
        counts.check_value(True)


def test_rename_of_an_issue_renames_its_path_children_and_keeps_the_tree() -> None:
    b = book()
    renamed, codes = rename(b, Section.ISSUE, "climate", "environment")
    assert codes == {"climate": "environment", "climate/targets": "environment/targets"}
    assert renamed.issue_codes == ("environment", "environment/targets")
    assert issue_of(renamed, "environment/targets").description == "Emission targets"
    with pytest.raises(ValidationError, match="already has"):
        rename(b, Section.ISSUE, "climate/targets", "climate")
    with pytest.raises(NotFoundError):
        rename(b, Section.LABEL, "ORG", "X")


def test_rename_of_a_label_follows_into_the_label_map() -> None:
    b = Codebook(labels=(Label("LOC"), Label("PERSON")), spacy_map=(("FAC", "LOC"),))
    renamed, _ = rename(b, Section.LABEL, "LOC", "PLACE")
    assert renamed.label_names == ("PLACE", "PERSON") and renamed.label_map == {"FAC": "PLACE"}
    assert remove(renamed, Section.LABEL, "PLACE").label_map == {"FAC": None}


def test_merge_moves_an_issues_children_and_keywords() -> None:
    b = Codebook(
        issues=(
            Issue("a", keywords=("x",), children=(Issue("a/1"),)),
            Issue("b", keywords=("y",)),
        )
    )
    merged = merge(b, Section.ISSUE, "a", "b")
    assert merged.issue_codes == ("b", "a/1")
    assert issue_of(merged, "b").keywords == ("y", "x")
    assert merged.issue_parent("a/1") == "b"
    with pytest.raises(ValidationError, match="its own sub-issue"):
        merge(b, Section.ISSUE, "a", "a/1")
    # Removing an issue keeps its children, one level up.
    assert remove(b, Section.ISSUE, "a").issue_codes == ("a/1", "b")


def test_merge_by_name_adds_updates_and_keeps() -> None:
    mine = Codebook(
        labels=(Label("PERSON", "#000000"), Label("ORG")),
        kinds=(Code("direct"),),
        stances=(StanceLevel(-1, "against"), StanceLevel(1, "for")),
        issues=(Issue("climate"),),
    )
    file = Codebook(
        labels=(Label("PERSON", "#ffffff"), Label("PLACE")),
        stances=(StanceLevel(1, "support"), StanceLevel(2, "for")),
        issues=(Issue("climate", children=(Issue("climate/new"),)), Issue("energy")),
    )
    merged, report = merge_by_name(mine, file)
    assert merged.label_names == ("PERSON", "ORG", "PLACE")
    assert label_of(merged, "PERSON").color == "#ffffff"
    assert merged.names(Section.KIND) == ("direct",)  # kept: the file has none
    assert merged.issue_codes == ("climate", "climate/new", "energy")
    assert merged.issue_parent("climate/new") == "climate"
    assert [(s.value, s.name) for s in merged.stances] == [(-1, "against"), (1, "support"), (2, "for")]
    assert report.added == {Section.LABEL: ["PLACE"], Section.STANCE: ["for"], Section.ISSUE: ["climate/new", "energy"]}
    assert report.updated == {Section.LABEL: ["PERSON"], Section.STANCE: ["support"]}
    added_only, report = merge_by_name(mine, file, update=False)
    assert label_of(added_only, "PERSON").color == "#000000" and not report.updated
    assert removed_codes(merged, mine) == {
        Section.LABEL: ["PLACE"],
        Section.STANCE: ["2"],
        Section.ISSUE: ["climate/new", "energy"],
    }



def test_a_subset_keeps_the_used_codes_in_order_and_an_issues_place_in_the_tree() -> None:
    book = Codebook.from_dict(ISSUE_EXAMPLE)
    sample = sample_codebook()
    part = subset(sample, {Section.LABEL: {"GPE", "PERSON"}, Section.STANCE: {1},
                           Section.ISSUE: {"territorial dispute/sovereignty"}})
    assert part.label_names == ("PERSON", "GPE") and part.label("GPE") == sample.label("GPE")
    assert [s.value for s in part.stances] == [1] and part.kinds == () and part.spacy_map == ()
    # The issue keeps its parent (with the parent's keywords), not the parent's other children.
    assert part.issue_codes == ("territorial dispute", "territorial dispute/sovereignty")
    assert issue_of(part, "territorial dispute").keywords == issue_of(sample, "territorial dispute").keywords
    assert subset(book, {Section.VARIABLE: {"certainty"}}).variables == book.variables
    assert subset(book, {}).to_dict() == Codebook().to_dict()


def test_rows_are_counted_in_words() -> None:
    assert rows_text(Section.LABEL, 1) == "1 mention" and rows_text(Section.ISSUE, 1200) == "1,200 claims"


def test_each_sections_names_are_built_once_in_codebook_order() -> None:
    """The store checks every stored suggestion's codes against these names: they are built with the codebook,
    not on each call, and a label outside them is still refused naming the project's labels."""
    book = sample_codebook()
    for section in Section:
        assert book.names(section) is book.names(section)
    assert book.names(Section.LABEL) == tuple(label.name for label in book.labels)
    assert book.names(Section.STANCE) == tuple(stance.name for stance in book.stances)
    assert book.names(Section.ISSUE) == book.issue_codes and len(book.issue_codes) == len(book.issue_rows())
    book.check_label(book.labels[0].name)
    with pytest.raises(ValidationError, match=r"unknown label 'NOPE'; the project's labels are PERSON"):
        book.check_label("NOPE")
