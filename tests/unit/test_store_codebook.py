"""The codebook in the database: migration of a version-1 database, rename / merge / delete over many rows, undo,
replacing and merging a codebook, custom claim variables, and imports that bring codes the project lacks."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.core.codebook import Code, Codebook, Issue, Label, Section, StanceLevel, Variable, VariableType
from annotator.core.errors import ValidationError
from annotator.core.records import ArticleIn, ClaimIn, EntityIn, Span
from annotator.core.resources import sample_codebook
from annotator.jobs.importing import import_paths
from annotator.store import open_repository
from annotator.store.repository import Repository
from tests.fixtures.codebook_codes import label_of
from tests.unit.conftest import TEXT, span_of

SCHEMA_V1 = Path(__file__).resolve().parent.parent / "fixtures" / "schema_v1.sql"
NOW = "2026-01-01T00:00:00.000+00:00"


def test_a_new_project_gets_the_sample_codebook(repo: Repository) -> None:
    assert repo.codebook() == sample_codebook()
    assert repo.labels() == list(sample_codebook().label_names)


# --------------------------------------------------------------------------- migration of version 1


def _v1_database(path: Path) -> None:
    """A database as annotator 0.1.0 wrote it: its schema, label and issue overrides, coded rows."""
    con = sqlite3.connect(path)
    con.executescript(SCHEMA_V1.read_text(encoding="utf-8"))
    settings = {
        "labels": ["PERSON", {"name": "ACTOR", "color": "#123456", "description": "Any actor"}],
        "claim_issues": [{"code": "peace treaty", "children": ["peace treaty/talks"]}],
    }
    for key, value in settings.items():
        con.execute("INSERT INTO setting VALUES (?, ?)", (f"setting:{key}", json.dumps(value)))
    con.execute(
        "INSERT INTO article VALUES ('a1', 'T', NULL, '', '', '', ?, 'sha', '{}', ?, 1)", (TEXT, NOW)
    )
    con.execute("INSERT INTO layer VALUES (1, 'suggestions', 'model', NULL)")
    con.execute("INSERT INTO annotator VALUES (1, 'alice', 'annotator')")
    con.execute("INSERT INTO layer VALUES (2, 'alice', 'annotator', 1)")
    rows = [(1, *span_of(TEXT, "Shinzo Abe"), "PERSON"), (2, *span_of(TEXT, "Japan"), "ACTOR"),
            (3, *span_of(TEXT, "Vladimir Putin"), "OLDLABEL")]
    for row_id, start, end, label in rows:
        con.execute(
            "INSERT INTO entity VALUES (?, 'a1', 2, ?, ?, ?, NULL, 'accepted', 'manual', NULL, 'alice', ?, ?, 0)",
            (row_id, start, end, label, NOW, NOW),
        )
    con.execute(
        "INSERT INTO claim VALUES (1, 'a1', 2, 'indirect', 'statement', NULL, NULL, 'peace treaty/talks', 1, "
        "'kept', 'manual', 'manual', NULL, 'alice', ?, ?, 0, 'cue:13-17')",
        (NOW, NOW),
    )
    con.execute("INSERT INTO claim_span VALUES (1, 1, 'cue', 13, 17, 0)")
    con.commit()
    con.close()


def test_a_version_1_database_is_migrated_with_the_codebook_it_was_coded_with(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    _v1_database(path)
    repo = open_repository(str(path))
    try:
        book = repo.codebook()
        # The override's labels, in its order, then the one label rows used that no list had.
        assert book.label_names == ("PERSON", "ACTOR", "OLDLABEL")
        assert book.label("PERSON") == sample_codebook().label("PERSON")  # the sample's colour and actor type
        assert label_of(book, "ACTOR").color == "#123456"
        assert book.issue_codes == ("peace treaty", "peace treaty/talks")
        assert book.names(Section.KIND) == sample_codebook().names(Section.KIND)  # no override: the release's own kinds
        assert repo.get_setting("labels") is None  # the overrides now live in the codebook
        # Every row kept its code; claims gained (empty) variables.
        assert [e.label for e in repo.entities_for("a1", layer="alice")] == ["PERSON", "ACTOR", "OLDLABEL"]
        (claim,) = repo.claims_for("a1", layer="alice")
        assert (claim.issue, claim.stance, claim.note, claim.variables) == ("peace treaty/talks", 1, "kept", {})
        # And the migrated database takes decisions under its codebook.
        repo.relabel_entity(3, "ACTOR", "alice")
        repo.update_claim(claim.id, "alice", variables={})
    finally:
        repo.close()
    again = open_repository(str(path))  # opening it again migrates nothing twice
    try:
        assert again.codebook().label_names == ("PERSON", "ACTOR", "OLDLABEL")
    finally:
        again.close()


# --------------------------------------------------------------------------- rename, merge, delete, undo


def _many(repo: Repository, n_articles: int = 20, per_article: int = 60) -> list[str]:
    """Articles with many ORG and GPE mentions in alice's layer, and a claim each on an issue."""
    ids = []
    for a in range(n_articles):
        words = [f"Org{a}x{i}" for i in range(per_article)]
        text = " ".join(words) + " said it."
        pos, entities = 0, []
        for i, word in enumerate(words):
            start = text.index(word, pos)
            pos = start + len(word)
            entities.append(EntityIn(start, pos, "ORG" if i % 2 else "GPE", annotator="alice"))
        said = text.index("said")
        claim = ClaimIn(cue=[Span(said, said + 4)], content=[], issue="sanctions", stance=-1, annotator="alice")
        ids.append(repo.add_article(ArticleIn(text=text, entities=entities, claims=[claim])).article_id)
    return ids


def _labels(repo: Repository, ids: list[str]) -> list[str]:
    return [e.label for aid in ids for e in repo.entities_for(aid, layer="alice")]


def test_rename_a_label_over_many_rows_is_one_undoable_event(repo: Repository) -> None:
    ids = _many(repo)
    repo.ensure_annotator("alice")
    actor = repo.add_actor("Acme", "ORG", "alice").created_actor_id
    change = repo.rename_code(Section.LABEL, "ORG", "COMPANY", "alice")
    labels = _labels(repo, ids)
    assert labels.count("COMPANY") == 600 and "ORG" not in labels
    assert repo.actor(actor or -1).kind == "COMPANY"  # actor kinds are labels too
    assert len(change.entity_ids) == 600 and repo.codebook().label_names[1] == "COMPANY"
    assert label_of(repo.codebook(), "COMPANY").actor is not None
    assert repo.events(limit=1)[0]["action"] == "rename_code"
    undo = repo.revert(change.event_id, "alice")
    assert _labels(repo, ids).count("ORG") == 600 and repo.codebook() == sample_codebook()
    assert repo.actor(actor or -1).kind == "ORG"
    repo.revert(undo.event_id, "alice")  # redo
    assert _labels(repo, ids).count("COMPANY") == 600 and "COMPANY" in repo.labels()


def test_undo_of_a_rename_keeps_a_row_recoded_by_hand_since(repo: Repository) -> None:
    (aid,) = _many(repo, 1, 4)
    change = repo.rename_code(Section.LABEL, "ORG", "COMPANY", "alice")
    first = next(e for e in repo.entities_for(aid, layer="alice") if e.label == "COMPANY")
    repo.relabel_entity(first.id, "PERSON", "alice")
    repo.revert(change.event_id, "alice")
    assert repo.entity(first.id).label == "PERSON"


def test_merge_two_labels_moves_every_row(repo: Repository) -> None:
    ids = _many(repo)
    change = repo.merge_codes(Section.LABEL, "GPE", "ORG", "alice")
    assert set(_labels(repo, ids)) == {"ORG"} and "GPE" not in repo.labels()
    assert repo.codebook().label_map.get("GPE") is None  # the pipeline's GPE is no label any more: kept as is
    repo.revert(change.event_id, "alice")
    assert _labels(repo, ids).count("GPE") == 600


def test_rename_and_merge_issues_recode_claims(repo: Repository) -> None:
    ids = _many(repo, 3, 2)
    repo.rename_code(Section.ISSUE, "sanctions", "economic sanctions", "alice")
    claims = [c for aid in ids for c in repo.claims_for(aid, layer="alice")]
    assert {c.issue for c in claims} == {"economic sanctions"}
    # The child "sanctions/Ukraine and Crimea" followed its parent.
    assert "economic sanctions/Ukraine and Crimea" in repo.codebook().issue_codes
    repo.merge_codes(Section.ISSUE, "economic sanctions", "peace treaty", "alice")
    assert {c.issue for aid in ids for c in repo.claims_for(aid, layer="alice")} == {"peace treaty"}
    assert repo.codebook().issue_parent("economic sanctions/Ukraine and Crimea") == "peace treaty"


def test_stances_rename_by_name_and_merge_by_value(repo: Repository) -> None:
    (aid,) = _many(repo, 1, 2)
    repo.rename_code(Section.STANCE, "against", "opposes", "alice")
    assert repo.claims_for(aid, layer="alice")[0].stance == -1
    repo.merge_codes(Section.STANCE, "opposes", "neutral / ambivalent", "alice")
    assert repo.claims_for(aid, layer="alice")[0].stance == 0 and -1 not in repo.codebook().stance_values


def test_delete_of_a_code_in_use_asks_where_its_rows_go(repo: Repository) -> None:
    ids = _many(repo, 2, 4)
    with pytest.raises(ValidationError, match="the label 'ORG' is used by 4 mentions; choose a label"):
        repo.delete_code(Section.LABEL, "ORG", "alice")
    with pytest.raises(ValidationError, match="a mention needs a label"):
        repo.delete_code(Section.LABEL, "ORG", "alice", clear=True)
    assert repo.code_usage(Section.LABEL, "ORG") == 4
    repo.delete_code(Section.LABEL, "ORG", "alice", move_to="MISC")
    assert _labels(repo, ids).count("MISC") == 4 and "ORG" not in repo.labels()
    with pytest.raises(ValidationError, match="the issue 'sanctions' is used by 2 claims"):
        repo.delete_code(Section.ISSUE, "sanctions", "alice")
    change = repo.delete_code(Section.ISSUE, "sanctions", "alice", clear=True)
    assert {c.issue for aid in ids for c in repo.claims_for(aid, layer="alice")} == {None}
    repo.revert(change.event_id, "alice")
    assert {c.issue for aid in ids for c in repo.claims_for(aid, layer="alice")} == {"sanctions"}
    repo.delete_code(Section.LABEL, "LAW", "alice")  # unused: simply gone
    assert "LAW" not in repo.labels()


def test_where_used_lists_the_rows_in_article_order(repo: Repository) -> None:
    ids = _many(repo, 3, 4)
    uses = repo.where_used(Section.LABEL, "ORG")
    assert [u.article_id for u in uses] == [ids[0]] * 2 + [ids[1]] * 2 + [ids[2]] * 2
    assert {u.table for u in uses} == {"entity"}
    assert [u.article_id for u in repo.where_used(Section.ISSUE, "sanctions")] == ids
    assert repo.where_used(Section.LABEL, "ORG", limit=1)[0].row_id == uses[0].row_id


# --------------------------------------------------------------------------- replacing and merging


def test_replace_is_refused_while_a_code_it_drops_is_in_use(repo: Repository) -> None:
    _many(repo, 1, 4)
    smaller = Codebook(labels=(Label("PERSON"), Label("GPE")), issues=(Issue("other"),))
    with pytest.raises(ValidationError) as refused:
        repo.replace_codebook(smaller)
    message = str(refused.value)
    assert "the label 'ORG' is used by 2 mentions" in message and "the issue 'sanctions' is used by 1 claim" in message
    assert "stance" in message  # -1 goes too
    assert repo.codebook() == sample_codebook()  # nothing changed


def test_merge_codebook_adds_and_updates_by_name(repo: Repository) -> None:
    incoming = Codebook(
        labels=(Label("PERSON", "#000000"), Label("PARTY")),
        issues=(Issue("climate", keywords=("net zero",)),),
        variables=(Variable("certainty", VariableType.CHOICE, ("low", "high")),),
    )
    change, report = repo.merge_codebook(incoming, "alice")
    book = repo.codebook()
    assert book.label_names[-1] == "PARTY" and label_of(book, "PERSON").color == "#000000"
    assert "climate" in book.issue_codes and "ORG" in book.label_names
    assert report.added[Section.LABEL] == ["PARTY"] and report.updated[Section.VARIABLE] == ["certainty"]
    repo.revert(change.event_id, "alice")
    assert repo.codebook() == sample_codebook()


# --------------------------------------------------------------------------- custom variables


def test_claim_variables_are_stored_checked_and_undone(repo: Repository) -> None:
    repo.ensure_annotator("alice")
    aid = repo.add_article(ArticleIn(text=TEXT)).article_id
    claim_id = repo.add_claim(
        aid, "alice", cue=[Span(*span_of(TEXT, "said"))], variables={"certainty": "high"}
    ).created_claim_id or -1
    assert repo.claim(claim_id).variables == {"certainty": "high"}
    change = repo.update_claim(claim_id, "alice", variables={"certainty": "low"})
    assert repo.claim(claim_id).variables == {"certainty": "low"}
    with pytest.raises(ValidationError, match="one of low, medium, high"):
        repo.update_claim(claim_id, "alice", variables={"certainty": "total"})
    repo.revert(change.event_id, "alice")
    assert repo.claim(claim_id).variables == {"certainty": "high"}
    repo.rename_code(Section.VARIABLE, "certainty", "confidence", "alice")
    assert repo.claim(claim_id).variables == {"confidence": "high"}
    with pytest.raises(ValidationError, match="variable 'confidence' is used by 1 claim"):
        repo.delete_code(Section.VARIABLE, "confidence", "alice")
    repo.delete_code(Section.VARIABLE, "confidence", "alice", clear=True)
    assert repo.claim(claim_id).variables == {}


def test_a_project_with_an_empty_codebook_codes_claims_without_kinds(repo: Repository) -> None:
    repo.replace_codebook(Codebook(labels=(Label("ACTOR"),)))
    repo.ensure_annotator("alice")
    aid = repo.add_article(ArticleIn(text=TEXT)).article_id
    claim = repo.claim(repo.add_claim(aid, "alice", cue=[Span(*span_of(TEXT, "said"))]).created_claim_id or -1)
    assert (claim.kind, claim.form) == ("", "")
    with pytest.raises(ValidationError, match="unknown label 'PERSON'; the project's labels are ACTOR"):
        repo.add_entity(aid, *span_of(TEXT, "Shinzo Abe"), "PERSON", "alice")


# --------------------------------------------------------------------------- imports that bring codes


def test_jsonl_with_a_label_outside_the_set_imports_and_the_next_record_too(tmp_path: Path) -> None:
    """The bug of the codebook issue: one record with a foreign label was refused, and the next one then failed
    with "FOREIGN KEY constraint failed", so nothing was imported."""
    repo = open_repository(str(tmp_path / "p.db"))
    try:
        lines = [
            {"text": "Maria Schmidt spoke.", "entities": [{"start": 0, "end": 13, "label": "SPEAKER"}]},
            {"text": "Berlin answered.", "entities": [{"start": 0, "end": 6, "label": "GPE"}]},
        ]
        file = tmp_path / "colleague.jsonl"
        file.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        summary = import_paths(repo, [file], annotator="bob")
        assert (summary.imported, summary.refused) == (2, [])
        assert summary.codebook_added == ["added label: SPEAKER"]
        assert "SPEAKER" in repo.labels()
        labels = sorted(e.label for aid in repo.article_ids() for e in repo.entities_for(aid, layer="bob"))
        assert labels == ["GPE", "SPEAKER"]
    finally:
        repo.close()


def test_a_refused_record_does_not_break_the_next_one(tmp_path: Path) -> None:
    """The cause of that FOREIGN KEY failure: a layer created by a refused record stayed in the layer cache."""
    repo = open_repository(str(tmp_path / "p.db"))
    try:
        bad = ArticleIn(text="Short.", entities=[EntityIn(0, 99, "PERSON", annotator="carol")])
        with pytest.raises(ValidationError, match="ends after the text"):
            repo.add_article(bad)
        good = ArticleIn(text="Carol's text.", entities=[EntityIn(0, 5, "PERSON", annotator="carol")])
        assert repo.add_article(good).entities == 1
    finally:
        repo.close()


def test_an_import_adds_the_codes_its_claims_use(repo: Repository) -> None:
    said = Span(*span_of(TEXT, "said"))
    claim = ClaimIn(cue=[said], content=[], kind="rumour", form="leak", issue="whaling", stance=2,
                    variables={"pages": 3})
    result = repo.add_article(ArticleIn(text=TEXT, claims=[claim]))
    book = repo.codebook()
    assert "rumour" in book.names(Section.KIND) and "leak" in book.names(Section.FORM) and "whaling" in book.issue_codes
    assert StanceLevel(2, "2") in book.stances and book.variable("pages") == Variable("pages", VariableType.INTEGER)
    assert set(result.codebook_added) == {
        "added kind: rumour", "added form: leak", "added stance: 2", "added issue: whaling", "added variable: pages"
    }
    # Undoing the import takes the codes back out as well.
    repo.revert(repo.events(limit=1)[0]["id"], "alice")
    assert "rumour" not in repo.codebook().names(Section.KIND)


def test_an_export_codebook_is_added_with_its_colours(repo: Repository) -> None:
    theirs = Codebook(labels=(Label("SPEAKER", "#abcdef", "Who speaks"),), kinds=(Code("rumour"),))
    article = ArticleIn(text=TEXT, entities=[EntityIn(2, 12, "SPEAKER")], codebook=theirs)
    repo.add_article(article)
    assert repo.codebook().label("SPEAKER") == Label("SPEAKER", "#abcdef", "Who speaks")
    assert "rumour" in repo.codebook().names(Section.KIND) and "ORG" in repo.labels()
