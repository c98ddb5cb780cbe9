"""Claims driven through the real window: new claim, its three roles, attributes, accept; undo and redo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from annotator.core.records import ClaimView, RoleView, Span, Status
from tests.gui.helpers import drag_select, find, own_claims, press, settle

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def _text(role: RoleView | None) -> str | None:
    return role.text if role is not None else None


def _roles(claim: ClaimView) -> tuple[str | None, str | None, str | None]:
    return _text(claim.source), _text(claim.cue), _text(claim.content)


def test_new_claim_with_its_three_roles_undo_redo(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    article = articles["abe"]
    text = window.workspace.text.text
    content = find(text, "the Kuril islands belong to Russia")
    drag_select(qtbot, window, content[0] + 1, content[1])  # sloppy start: snapped to "the"
    press(qtbot, window, "c")
    claims = own_claims(repo, article)
    assert len(claims) == 1
    assert _roles(claims[0]) == (None, None, "the Kuril islands belong to Russia")
    assert claims[0].status == Status.MANUAL
    claim_id = claims[0].id
    assert window.workspace.current == ("claim", claim_id)

    drag_select(qtbot, window, *find(text, "Putin", 1))
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    drag_select(qtbot, window, *find(text, "insisted"))
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    claims = own_claims(repo, article)
    assert [c.id for c in claims] == [claim_id]
    assert _roles(claims[0]) == ("Putin", "insisted", "the Kuril islands belong to Russia")
    assert claims[0].cue is not None and claims[0].cue.spans == (Span(*find(text, "insisted")),)
    # The panel shows it as source → cue → content.
    summary = window.workspace.claim_panel.model.data(window.workspace.claim_panel.model.index(1, 0))
    assert summary is not None and summary.startswith("Putin → insisted → the Kuril")

    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo the cue
    assert _roles(own_claims(repo, article)[0]) == ("Putin", None, "the Kuril islands belong to Russia")
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo the source
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo the claim itself
    assert own_claims(repo, article) == []
    assert len(window.workspace.claims) == 1  # only the suggestion is left
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    press(qtbot, window, Qt.Key.Key_Z, CTRL | SHIFT)
    claims = own_claims(repo, article)
    assert [_roles(c) for c in claims] == [("Putin", "insisted", "the Kuril islands belong to Russia")]
    assert [c.id for c in claims] == [claim_id]


def test_role_without_a_claim_starts_one(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    window.workspace.claim_panel.select_claim(None)
    window.workspace.set_current(None)
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "insisted"))
    press(qtbot, window, Qt.Key.Key_2, CTRL)
    assert [_roles(c) for c in own_claims(repo, articles["abe"])] == [(None, "insisted", None)]


def test_accept_a_claim_suggestion_and_set_attributes(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    article = articles["abe"]
    press(qtbot, window, "]")  # the first claim
    suggestion = window.workspace.current_claim()
    assert suggestion is not None and suggestion.status == Status.SUGGESTED
    press(qtbot, window, "a")
    claims = own_claims(repo, article)
    assert [(c.status, c.derived_from) for c in claims] == [(Status.ACCEPTED, suggestion.id)]
    own_id = claims[0].id

    press(qtbot, window, "]")
    assert window.workspace.current == ("claim", own_id)
    press(qtbot, window, "=")  # stance: for
    assert own_claims(repo, article)[0].stance == 1
    press(qtbot, window, "-")  # stance: against
    assert own_claims(repo, article)[0].stance == -1

    editor = window.workspace.claim_panel.editor
    press(qtbot, window, "i")  # focus the issue box and type part of a code
    assert editor.issue_edit.hasFocus()
    qtbot.keyClicks(editor.issue_edit, "sovereign")
    qtbot.keyClick(editor.issue_edit, Qt.Key.Key_Return)
    settle(qtbot, window)
    assert own_claims(repo, article)[0].issue == "territorial dispute/sovereignty"

    form_index = editor.form.findData("demand")
    editor.form.setFocus()
    editor.form.setCurrentIndex(form_index - 1)
    qtbot.keyClick(editor.form, Qt.Key.Key_Down)
    settle(qtbot, window)
    assert own_claims(repo, article)[0].form == "demand"

    editor.kind.setFocus()
    editor.kind.setCurrentIndex(editor.kind.findData("direct") - 1)
    qtbot.keyClick(editor.kind, Qt.Key.Key_Down)
    settle(qtbot, window)
    assert own_claims(repo, article)[0].kind == "direct"

    editor.note.setFocus()
    qtbot.keyClicks(editor.note, "check the Russian original")
    qtbot.keyClick(editor.note, Qt.Key.Key_Return)
    settle(qtbot, window)
    claim = own_claims(repo, article)[0]
    assert (claim.note, claim.form, claim.issue, claim.stance, claim.kind) == (
        "check the Russian original",
        "demand",
        "territorial dispute/sovereignty",
        -1,
        "direct",
    )
    assert len(own_claims(repo, article)) == 1  # every edit updated the same row

    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # undo the note
    assert own_claims(repo, article)[0].note == ""
    assert editor.note.text() == ""


def test_reject_a_claim_suggestion(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    press(qtbot, window, "]")
    press(qtbot, window, "x")
    assert [c.status for c in own_claims(repo, articles["abe"])] == [Status.REJECTED]


def test_discontinuous_content_and_delete_claim(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    article = articles["abe"]
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "Japan wants"))
    press(qtbot, window, "c")
    drag_select(qtbot, window, *find(text, "peace treaty"))
    press(qtbot, window, Qt.Key.Key_4, CTRL)
    claim = own_claims(repo, article)[0]
    assert claim.content is not None
    assert claim.content.spans == (Span(*find(text, "Japan wants")), Span(*find(text, "peace treaty")))
    press(qtbot, window, Qt.Key.Key_Delete, CTRL)
    assert own_claims(repo, article) == []
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert len(own_claims(repo, article)) == 1


def test_source_on_a_linked_mention_sets_the_claimant(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    article = articles["abe"]
    abe_actor = repo.add_actor("Shinzo Abe", "PERSON", "alice").created_actor_id
    abe = next(e for e in window.workspace.entities if e.text == "Shinzo Abe")
    repo.link_entity_actor(abe.id, abe_actor, "alice")
    window.open_article(article, reload=True)
    text = window.workspace.text.text
    drag_select(qtbot, window, *find(text, "Japan wants a peace treaty"))
    press(qtbot, window, "c")
    drag_select(qtbot, window, *find(text, "Shinzo Abe"))
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    claim = own_claims(repo, article)[0]
    assert (_roles(claim)[0], claim.source_actor_id) == ("Shinzo Abe", abe_actor)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)  # one step: the source and the claimant go together
    claim = own_claims(repo, article)[0]
    assert (claim.source, claim.source_actor_id) == (None, None)


def test_a_note_being_typed_is_saved_when_moving_on(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
    press(qtbot, window, "]")
    press(qtbot, window, "o")  # focus the note
    editor = window.workspace.claim_panel.editor
    qtbot.keyClicks(editor.note, "ask the desk")
    qtbot.keyClick(editor.note, Qt.Key.Key_Return, CTRL)  # done, next article: without pressing Enter first
    settle(qtbot, window)
    assert window.current_article_id != articles["abe"]
    assert [c.note for c in own_claims(repo, articles["abe"])] == ["ask the desk"]


def test_a_group_word_before_the_source_modifies_it_by_the_codebooks_actor_type(
    qtbot: QtBot, window: MainWindow, repo: Repository
) -> None:
    """"Japanese officials": a mention of a *group* label (the codebook's actor type, whatever the label is
    called) names the claimant only when it is the selection's last word."""
    from annotator.core.records import ArticleIn, ArticleSuggestions, EntitySuggestion

    text = "Japanese officials said the talks would resume. The Japanese said so too."
    article = repo.add_article(ArticleIn(text=text, title="Officials")).article_id
    starts = [i for i in range(len(text)) if text.startswith("Japanese", i)]
    repo.store_suggestions(ArticleSuggestions(article, "spacy:test@1", entities=[
        EntitySuggestion(s, s + len("Japanese"), "NORP") for s in starts]))
    japan = repo.add_actor("Japan", "NORP", "alice").created_actor_id
    for mention in repo.entities_for(article, annotator="alice"):
        repo.link_entity_actor(mention.id, japan, "alice")
    window.open_article(article, reload=True)
    drag_select(qtbot, window, *find(text, "the talks would resume"))
    press(qtbot, window, "c")
    drag_select(qtbot, window, *find(text, "Japanese officials"))
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    claim = own_claims(repo, article)[0]
    assert (_roles(claim)[0], claim.source_actor_id) == ("Japanese officials", None)
    drag_select(qtbot, window, *find(text, "The Japanese"))
    press(qtbot, window, Qt.Key.Key_1, CTRL)
    claim = own_claims(repo, article)[0]
    assert (_roles(claim)[0], claim.source_actor_id) == ("The Japanese", japan)
