"""The codebook editor driven by keys beside the real window: every change is in the database and shows at once
in the open article, the panels, the label keys and the filter; Ctrl+Z in the window undoes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QTreeWidgetItem

from annotator.core.changes import Change
from annotator.core.codebook import ActorType, Section, VariableType
from annotator.ui.project.codebook_editor import CodebookEditor
from tests.fixtures.codebook_codes import issue_of, label_of, variable_of
from tests.gui.helpers import press, settle, show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
ALT = Qt.KeyboardModifier.AltModifier


def open_editor(qtbot: QtBot, window: MainWindow) -> CodebookEditor:
    press(qtbot, window, Qt.Key.Key_B, CTRL | SHIFT)  # Project › Codebook…
    editor = window.side_windows.codebook_editor
    assert isinstance(editor, CodebookEditor) and editor.isVisible()
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def select_code(qtbot: QtBot, editor: CodebookEditor, name: str) -> None:
    """Walk the list with the arrow keys until ``name`` is current (as an analyst would)."""
    tree = editor.page().tree
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Home)
    for _ in range(60):
        if editor.page().current_name() == name:
            return
        qtbot.keyClick(tree, Qt.Key.Key_Down)
    raise AssertionError(f"{name} not in the list")


def row_text(item: QTreeWidgetItem | None, column: int) -> str:
    """The text of a row of the code list; a missing row fails here, naming what was expected."""
    assert item is not None, "no such row in the code list"
    return item.text(column)


def type_into(qtbot: QtBot, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_rename_a_label_by_keys_shows_in_the_open_article(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    editor = open_editor(qtbot, window)
    assert editor.page().section == Section.LABEL
    select_code(qtbot, editor, "PERSON")
    assert row_text(editor.page().tree.currentItem(), 1) == "5"  # live PERSON mentions of every layer
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
    assert workspace.palette.style("SPEAKER").color.name() == label_of(repo.codebook(), "SPEAKER").color
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
    assert row_text(editor.page().tree.topLevelItem(0), 0) == "PERSON"
    # Ctrl+Shift+Z in the editor itself redoes it.
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_Z, CTRL | SHIFT)
    assert repo.labels()[0] == "SPEAKER" and row_text(editor.page().tree.topLevelItem(0), 0) == "SPEAKER"


def test_add_recolour_describe_and_reorder_by_keys(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
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
    label = label_of(repo.codebook(), "PARTY")
    assert (label.color, label.description) == ("#123456", "Political parties")
    page.tree.setFocus()
    for _ in range(len(repo.labels()) - 1):
        qtbot.keyClick(page.tree, Qt.Key.Key_Up, ALT)
    assert repo.labels()[0] == "PARTY"
    # Key 1 now labels with PARTY, and the text draws it in its colour.
    assert window.actions_by_name["label_1"].text() == "PARTY"
    assert window.workspace.palette.style("PARTY").color.name() == "#123456"


def test_delete_of_a_label_in_use_asks_where_its_rows_go(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
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


def test_merge_and_where_used_open_the_row(
    qtbot: QtBot, window: MainWindow, repo: Repository, articles: dict[str, str]
) -> None:
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


def test_issue_keywords_and_a_sub_issue(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    editor = open_editor(qtbot, window)
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_Tab, CTRL)  # next section ...
    while editor.page().section != Section.ISSUE:
        qtbot.keyClick(editor.focusWidget() or editor, Qt.Key.Key_Tab, CTRL)
    page = editor.page()
    select_code(qtbot, editor, "peace treaty")
    type_into(qtbot, page.fields.keywords, "peace treaty; Japan-Soviet Joint Declaration; 1956")
    keywords = ("peace treaty", "Japan-Soviet Joint Declaration", "1956")
    assert issue_of(repo.codebook(), "peace treaty").keywords == keywords
    page.buttons["add_child"].click()
    assert page.current_name() == "peace treaty/new issue"
    type_into(qtbot, page.fields.name, "peace treaty/negotiations")
    assert repo.codebook().issue_parent("peace treaty/negotiations") == "peace treaty"
    # The claim editor offers the new code at once.
    assert "peace treaty/negotiations" in window.workspace.claim_panel.editor.codes


def test_a_claim_variable_is_coded_in_the_claim_editor(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    workspace = window.workspace
    press(qtbot, window, Qt.Key.Key_BracketRight)  # the first claim
    claim = workspace.current_claim()
    assert claim is not None
    combo = workspace.claim_panel.editor.variable_widgets["certainty"]
    assert isinstance(combo, QComboBox)  # a variable with choices is coded by picking one
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("high"))
    combo.activated.emit(combo.currentIndex())
    settle(qtbot, window)  # the decision runs on the database thread
    article_id = window.current_article_id
    assert article_id is not None
    own = [c for c in repo.claims_for(article_id, layer=window.annotator)]
    assert [c.variables for c in own] == [{"certainty": "high"}]
    # Renaming the variable in the editor renames it on the claim and in the claim editor.
    editor = open_editor(qtbot, window)
    editor.show_section(Section.VARIABLE)
    select_code(qtbot, editor, "certainty")
    qtbot.keyClick(editor.page().tree, Qt.Key.Key_F2)
    type_into(qtbot, editor.page().fields.name, "confidence")
    assert repo.claim(own[0].id).variables == {"confidence": "high"}
    assert list(workspace.claim_panel.editor.variable_widgets) == ["confidence"]


def test_the_editor_looks_right(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    editor = open_editor(qtbot, window)
    editor.show_section(Section.ISSUE)
    editor.resize(820, 680)
    shot = tmp_path / "codebook_editor.png"
    assert editor.grab().save(str(shot))
    assert shot.stat().st_size > 10_000
    show_window(qtbot, window)


def test_import_and_export_a_codebook_file(qtbot: QtBot, window: MainWindow, repo: Repository, tmp_path: Path) -> None:
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
    assert row_text(editor.page().tree.topLevelItem(editor.page().tree.topLevelItemCount() - 1), 0) == "PARTY"


def test_codes_an_import_adds_show_after_the_job(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    from annotator.core.records import ArticleIn, EntityIn

    repo.add_article(ArticleIn(text="Maria Schmidt spoke.", entities=[EntityIn(0, 13, "SPEAKER")]))
    window.reload_article()  # what the window does when a background import finishes
    assert "SPEAKER" in window.workspace.labels and window.articles.filter_label.findData("SPEAKER") > 0


def click(qtbot: QtBot, widget: Any) -> None:
    assert widget.isVisible() and widget.isEnabled(), widget.objectName()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def click_code(qtbot: QtBot, editor: CodebookEditor, name: str) -> None:
    """Click the row of ``name`` in the current section's list, as an analyst picks a code with the mouse."""
    tree = editor.page().tree
    (item,) = tree.findItems(name, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    assert editor.page().current_name() == name


def test_add_describe_merge_and_where_used_by_clicks(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    editor = open_editor(qtbot, window)
    editor.show_section(Section.FORM)
    page = editor.page()
    click(qtbot, page.buttons["add"])
    assert page.current_name() == "new" and editor.focusWidget() is page.fields.name
    qtbot.keyClicks(page.fields.name, "appeal")
    qtbot.mouseClick(page.fields.description, Qt.MouseButton.LeftButton)  # leaving the name saves it
    assert repo.codebook().names(Section.FORM)[-1] == "appeal"
    qtbot.keyClicks(page.fields.description, "Calls on someone to act")
    click_code(qtbot, editor, "statement")  # leaving the field for the list saves it too
    assert repo.codebook().forms[-1].description == "Calls on someone to act"
    used = row_text(page.tree.currentItem(), 1)
    assert used and int(used) > 0  # the seeded claims are statements
    click(qtbot, page.buttons["merge"])
    assert page.question.isVisible() and "Merge the form “statement”" in page.question.text.text()
    page.question.target.setCurrentIndex(page.question.target.findData("appeal"))
    click(qtbot, page.question.confirm)
    assert "statement" not in repo.codebook().names(Section.FORM) and page.current_name() == "appeal"
    assert row_text(page.tree.currentItem(), 1) == used  # its claims moved with it
    click(qtbot, page.buttons["where"])
    assert page.uses.isVisible() and page.uses.list.count() == int(used)
    claims = f"{used} claim" + ("" if used == "1" else "s")
    assert f"“appeal” is used by {claims}." in page.uses.title.text() and not page.uses.more.isVisible()
    # The open article's claims show the new form at once.
    assert {c.form for c in window.workspace.claims if c.form} <= {"appeal"}


def test_where_used_lists_a_page_at_a_time(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    from annotator.core.records import ArticleIn, EntityIn
    from annotator.ui.project.codebook_where_used import PAGE

    words = " ".join(f"w{i:03d}" for i in range(PAGE + 50))
    repo.add_article(ArticleIn(text=words, title="Many dates",
                               entities=[EntityIn(5 * i, 5 * i + 4, "DATE") for i in range(PAGE + 50)]))
    editor = open_editor(qtbot, window)
    editor.reload()
    page = editor.page()
    click_code(qtbot, editor, "DATE")
    total = repo.code_usage(Section.LABEL, "DATE")
    assert row_text(page.tree.currentItem(), 1) == f"{total:,}" and total >= PAGE + 50
    qtbot.keyClick(page.tree, Qt.Key.Key_U, CTRL)
    assert page.uses.list.count() == PAGE and f"({PAGE} listed)" in page.uses.title.text()
    click(qtbot, page.uses.more)
    assert page.uses.list.count() == total and not page.uses.more.isVisible()
    assert page.uses.list.currentRow() == PAGE and editor.focusWidget() is page.uses.list
    texts = [page.uses.list.item(i).text() for i in range(page.uses.list.count())]
    assert len(set(texts)) == total  # no row twice across the pages
    assert any("Many dates — mention “w249”" in t for t in texts)


def resize(qtbot: QtBot, editor: CodebookEditor, width: int, height: int) -> None:
    """Resize the editor and wait until the window system has applied it."""
    editor.resize(width, height)
    qtbot.waitUntil(lambda: editor.width() == width)


def test_the_editor_fits_small_and_large_windows(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    editor = open_editor(qtbot, window)
    for section in (Section.LABEL, Section.ISSUE, Section.VARIABLE):
        editor.show_section(section)
        page = editor.page()
        for width, height in ((1000, 700), (1600, 1000)):
            resize(qtbot, editor, width, height)
            shot = tmp_path / f"codebook_{section.value}_{width}.png"
            assert editor.grab().save(str(shot)) and shot.stat().st_size > 10_000
            # Every field and button is on screen and at least as tall as its text.
            for widget in (page.fields.name, page.fields.description, *page.buttons.values()):
                if widget.isVisible():
                    corner = widget.mapTo(editor, widget.rect().bottomRight())
                    assert editor.rect().contains(corner), (section, width, widget.objectName())
                    assert widget.height() >= widget.fontMetrics().height()
            # The list shows several codes, not one squeezed row.
            assert page.tree.viewport().height() >= 5 * page.tree.fontMetrics().height()
    # With the question and "Where used" open, the small window still shows the list, the question and rows.
    editor.show_section(Section.LABEL)
    editor.resize(1000, 700)
    page = editor.page()
    select_code(qtbot, editor, "PERSON")
    qtbot.keyClick(page.tree, Qt.Key.Key_U, CTRL)
    select_code(qtbot, editor, "PERSON")
    qtbot.keyClick(page.tree, Qt.Key.Key_M, CTRL)
    assert page.question.isVisible() and page.uses.isVisible()
    assert editor.grab().save(str(tmp_path / "codebook_question_1000.png"))
    for widget in (page.question.confirm, page.question.cancel, page.uses.list):
        assert editor.rect().contains(widget.mapTo(editor, widget.rect().bottomRight())), widget.objectName()
    assert page.uses.list.viewport().height() >= 3 * page.uses.list.fontMetrics().height()
    assert page.tree.viewport().height() >= 4 * page.tree.fontMetrics().height()
    assert "merge" not in editor.pages[Section.VARIABLE].buttons


def test_an_annotator_on_a_team_server_sees_the_codebook_read_only(
    qtbot: QtBot, postgres: Any, pg_database: Any, monkeypatch: Any
) -> None:
    from tests.fixtures.team import init_team, open_as

    url = pg_database()
    init_team(url, {"bob": "annotator"})
    bob = open_as(postgres, url, "bob", monkeypatch)
    try:
        applied: list[str] = []

        def apply(text: str, mutation: Callable[[], Change]) -> Change:
            applied.append(text)
            return mutation()

        editor = CodebookEditor(bob, "bob", apply)
        qtbot.addWidget(editor)
        editor.show()
        qtbot.waitExposed(editor)
        editor.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
        page = editor.page()
        assert editor.read_only and "only an admin changes the codebook" in editor.status.text()
        assert page.buttons["where"].isVisible() and not page.buttons["add"].isVisible()
        assert not page.fields.isEnabled() and not editor.import_button.isVisible()
        page.tree.setFocus()
        qtbot.keyClick(page.tree, Qt.Key.Key_Insert)  # no key edits either
        qtbot.keyClick(page.tree, Qt.Key.Key_Delete)
        assert applied == [] and bob.codebook().label_names == editor.codebook.label_names
        qtbot.keyClick(page.tree, Qt.Key.Key_U, CTRL)
        assert page.uses.isVisible() and "is used by 0 mentions." in page.uses.title.text()
        editor.close()
    finally:
        bob.close()


def test_recolouring_an_actor_label_and_a_bad_colour(qtbot: QtBot, window: MainWindow, repo: Repository) -> None:
    # PERSON names actors: its actor kind survives the edit (Qt hands the kind back as a plain string).
    editor = open_editor(qtbot, window)
    page = editor.page()
    select_code(qtbot, editor, "PERSON")
    type_into(qtbot, page.fields.color, "#aa0000")
    label = repo.codebook().label("PERSON")
    assert label is not None and (label.color, label.actor) == ("#aa0000", ActorType.PERSON)
    assert window.workspace.palette.style("PERSON").color.name() == "#aa0000"
    # A colour that is not #rrggbb is refused in the status line; the field shows the stored colour again.
    type_into(qtbot, page.fields.color, "#12")
    assert "Edit label PERSON" in editor.status.text() and "color" in editor.status.text()
    assert label_of(repo.codebook(), "PERSON").color == "#aa0000" and page.fields.color.text() == "#aa0000"
    # A variable's type and choices, typed.
    editor.show_section(Section.VARIABLE)
    page = editor.page()
    select_code(qtbot, editor, "certainty")
    type_into(qtbot, page.fields.choices, "low; medium; high; certain")
    assert variable_of(repo.codebook(), "certainty").choices == ("low", "medium", "high", "certain")
    page.fields.var_type.setFocus()
    page.fields.var_type.setCurrentIndex(page.fields.var_type.findData(VariableType.INTEGER))
    page.fields.var_type.activated.emit(page.fields.var_type.currentIndex())
    variable = repo.codebook().variable("certainty")
    assert variable is not None and (variable.type, variable.choices) == (VariableType.INTEGER, ())
