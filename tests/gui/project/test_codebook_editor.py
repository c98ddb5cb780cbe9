"""The codebook editor driven by keys beside the real window: every change is in the database and shows at once
in the open article, the panels, the label keys and the filter; Ctrl+Z in the window undoes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from annotator.core.codebook import Section
from annotator.ui.project.codebook_editor import CodebookEditor
from tests.gui.helpers import press, show_window

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def open_editor(qtbot: Any, window: Any) -> CodebookEditor:
    press(qtbot, window, Qt.Key.Key_B, CTRL | SHIFT)  # Project › Codebook…
    editor = window.codebook_editor
    assert isinstance(editor, CodebookEditor) and editor.isVisible()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def select_code(qtbot: Any, editor: CodebookEditor, name: str) -> None:
    """Walk the list with the arrow keys until ``name`` is current (as an analyst would)."""
    tree = editor.page().tree
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(60):
        if editor.page().current_name() == name:
            return
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    raise AssertionError(f"{name} not in the list")


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_rename_a_label_by_keys_shows_in_the_open_article(qtbot: Any, window: Any, repo: Any) -> None:
    editor = open_editor(qtbot, window)
    assert editor.page().section == Section.LABEL
    select_code(qtbot, editor, "PERSON")
    assert editor.page().tree.currentItem().text(1) == "5"  # live PERSON mentions of every layer
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_F2)
    assert editor.focusWidget() is editor.page().fields.name
    type_into(qtbot, editor.page().fields.name, "SPEAKER")
    assert repo.labels()[0] == "SPEAKER" and "PERSON" not in repo.labels()
    # The open article, its panel, the label keys and the filter show the new name at once.
    workspace = window.workspace
    assert {e.label for e in workspace.entities if e.text in ("Shinzo Abe", "Vladimir Putin")} == {"SPEAKER"}
    panel = workspace.entity_panel.model
    assert "SPEAKER" in {panel.data(panel.index(r, 1)) for r in range(panel.rowCount())}
    assert window.actions_by_name["label_1"].text() == "SPEAKER"
    assert window.articles.filter_label.findData("SPEAKER") > 0 and window.articles.filter_label.findData("PERSON") < 0
    assert workspace.palette.style("SPEAKER").color.name() == repo.codebook().label("SPEAKER").color
    assert editor.page().current_name() == "SPEAKER"
    # One Ctrl+Z in the window undoes the rename, rows and codebook alike.
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_Escape)  # closes the editor
    assert not editor.isVisible()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(qtbot, window, Qt.Key.Key_Z, CTRL)
    assert repo.labels()[0] == "PERSON"
    assert {e.label for e in workspace.entities if e.text == "Shinzo Abe"} == {"PERSON"}
    assert window.actions_by_name["label_1"].text() == "PERSON"
    assert editor.page().tree.topLevelItem(0).text(0) == "PERSON"
    # Ctrl+Shift+Z in the editor itself redoes it.
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_Z, CTRL | SHIFT)
    assert repo.labels()[0] == "SPEAKER" and editor.page().tree.topLevelItem(0).text(0) == "SPEAKER"


def test_add_recolour_describe_and_reorder_by_keys(qtbot: Any, window: Any, repo: Any) -> None:
    editor = open_editor(qtbot, window)
    page = editor.page()
    page.tree.setFocus()
    qtbot.keyClick(page.tree, Qt.Key.Key_Insert)
    assert page.current_name() == "NEW" and editor.focusWidget() is page.fields.name
    qtbot.keyClicks(page.fields.name, "PARTY")
    qtbot.keyClick(page.fields.name, Qt.Key.Key_Return)
    assert repo.labels()[-1] == "PARTY"
    type_into(qtbot, page.fields.color, "#123456")
    type_into(qtbot, page.fields.description, "Political parties")
    label = repo.codebook().label("PARTY")
    assert (label.color, label.description) == ("#123456", "Political parties")
    page.tree.setFocus()
    for _ in range(len(repo.labels()) - 1):
        qtbot.keyClick(page.tree, Qt.Key.Key_Up, ALT)
    assert repo.labels()[0] == "PARTY"
    # Key 1 now labels with PARTY, and the text draws it in its colour.
    assert window.actions_by_name["label_1"].text() == "PARTY"
    assert window.workspace.palette.style("PARTY").color.name() == "#123456"


def test_delete_of_a_label_in_use_asks_where_its_rows_go(qtbot: Any, window: Any, repo: Any) -> None:
    editor = open_editor(qtbot, window)
    page = editor.page()
    select_code(qtbot, editor, "GPE")
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert page.question.isVisible() and "used by 2 mentions" in page.question.text.text()
    assert editor.focusWidget() is page.question.target
    page.question.target.setCurrentIndex(page.question.target.findData("LOC"))
    qtbot.keyClick(page.question.target, Qt.Key.Key_Return)
    assert not page.question.isVisible()
    assert "GPE" not in repo.labels()
    assert {e.label for e in window.workspace.entities if e.text in ("Sochi", "Russia")} == {"LOC"}
    # An unused label goes at once, without a question.
    select_code(qtbot, editor, "LAW")
    qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
    assert "LAW" not in repo.labels() and not page.question.isVisible()


def test_merge_and_where_used_open_the_row(qtbot: Any, window: Any, repo: Any, articles: dict[str, str]) -> None:
    window.open_article(articles["markup"])
    editor = open_editor(qtbot, window)
    page = editor.page()
    select_code(qtbot, editor, "ORG")
    qtbot.keyClick(page.tree, Qt.Key.Key_M, CTRL)
    assert page.question.isVisible() and "Merge the label “ORG” (1 mention) into" in page.question.text.text()
    page.question.target.setCurrentIndex(page.question.target.findData("MISC"))
    qtbot.keyClick(page.question.target, Qt.Key.Key_Return)
    assert "ORG" not in repo.labels() and page.current_name() == "MISC"
    qtbot.keyClick(page.tree, Qt.Key.Key_U, CTRL)
    assert page.uses.isVisible() and page.uses.list.count() == 1 and "G7" in page.uses.list.item(0).text()
    assert editor.focusWidget() is page.uses.list
    qtbot.keyClick(page.uses.list, Qt.Key.Key_Return)
    assert window.current_article_id == articles["lavrov"]
    current = window.workspace.current
    assert current is not None and current[0] == "entity"
    assert next(e for e in window.workspace.entities if e.id == current[1]).text == "G7"


def test_issue_keywords_and_a_sub_issue(qtbot: Any, window: Any, repo: Any) -> None:
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_Tab, CTRL)  # next section ...
    while editor.page().section != Section.ISSUE:
        qtbot.keyClick(editor.focusWidget() or editor, Qt.Key.Key_Tab, CTRL)
    page = editor.page()
    select_code(qtbot, editor, "peace treaty")
    type_into(qtbot, page.fields.keywords, "peace treaty; Japan-Soviet Joint Declaration; 1956")
    assert repo.codebook().issue("peace treaty").keywords == ("peace treaty", "Japan-Soviet Joint Declaration", "1956")
    page.buttons["add_child"].click()
    assert page.current_name() == "peace treaty/new issue"
    type_into(qtbot, page.fields.name, "peace treaty/negotiations")
    assert repo.codebook().issue_parent("peace treaty/negotiations") == "peace treaty"
    # The claim editor offers the new code at once.
    assert "peace treaty/negotiations" in window.workspace.claim_panel.editor.codes


def test_a_claim_variable_is_coded_in_the_claim_editor(qtbot: Any, window: Any, repo: Any) -> None:
    workspace = window.workspace
    press(qtbot, window, Qt.Key.Key_BracketRight)  # the first claim
    claim = workspace.current_claim()
    assert claim is not None
    combo = workspace.claim_panel.editor.variable_widgets["certainty"]
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("high"))
    combo.activated.emit(combo.currentIndex())
    own = [c for c in repo.claims_for(window.current_article_id, layer=window.annotator)]
    assert [c.variables for c in own] == [{"certainty": "high"}]
    # Renaming the variable in the editor renames it on the claim and in the claim editor.
    editor = open_editor(qtbot, window)
    editor.show_section(Section.VARIABLE)
    select_code(qtbot, editor, "certainty")
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_F2)
    type_into(qtbot, editor.page().fields.name, "confidence")
    assert repo.claim(own[0].id).variables == {"confidence": "high"}
    assert list(workspace.claim_panel.editor.variable_widgets) == ["confidence"]


def test_the_editor_looks_right(qtbot: Any, window: Any, tmp_path: Path) -> None:
    editor = open_editor(qtbot, window)
    editor.show_section(Section.ISSUE)
    editor.resize(820, 680)
    shot = tmp_path / "codebook_editor.png"
    assert editor.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
    show_window(qtbot, window)


def test_import_and_export_a_codebook_file(qtbot: Any, window: Any, repo: Any, tmp_path: Path) -> None:
    import json

    from annotator.io.codebook_file import read_codebook

    editor = open_editor(qtbot, window)
    out = tmp_path / "mine.json"
    assert editor.export_file(str(out)) and read_codebook(out) == repo.codebook()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "annotator-codebook", "version": 1, "labels": [{"name": ""}]}), "utf-8")
    before = repo.codebook()
    assert not editor.import_file(str(bad))
    assert "bad.json: $.labels[0].name" in editor.status.text() and repo.codebook() == before
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"format": "annotator-codebook", "version": 1,
                                 "labels": [{"name": "PARTY", "color": "#654321"}]}), "utf-8")
    assert editor.import_file(str(extra))
    assert "added label: PARTY" in editor.status.text()
    assert repo.labels()[-1] == "PARTY" and window.workspace.labels[-1] == "PARTY"
    assert editor.page().tree.topLevelItem(editor.page().tree.topLevelItemCount() - 1).text(0) == "PARTY"


def test_codes_an_import_adds_show_after_the_job(qtbot: Any, window: Any, repo: Any) -> None:
    from annotator.core.records import ArticleIn, EntityIn

    repo.add_article(ArticleIn(text="Maria Schmidt spoke.", entities=[EntityIn(0, 13, "SPEAKER")]))
    window.reload_article()  # what the window does when a background import finishes
    assert "SPEAKER" in window.workspace.labels and window.articles.filter_label.findData("SPEAKER") > 0
