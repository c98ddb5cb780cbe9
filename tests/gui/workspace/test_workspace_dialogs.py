"""Workspace dialogs: the shortcut sheet, and linking a mention to an actor or merging two actors."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt

from annotator.ui.workspace.actor_dialog import ActorChoice, ActorLinkDialog, MergeActorsDialog
from annotator.ui.workspace.shortcut_sheet import ShortcutSheet
from tests.gui import shell_fixtures as fx
from tests.gui.shell_fixtures import ABE, JAPAN, PUTIN, FakeActors, make_entity

# Fixtures shared by the shell tests (assigned, not imported, so pytest finds them here).
fake_actors = fx.fake_actors


# ------------------------------------------------------------------------------------------- shortcuts
def test_shortcut_sheet_groups_and_filters(qtbot) -> None:
    rows = [
        ("Navigation", "J", "Next suggestion"),
        ("Navigation", "K", "Previous suggestion"),
        ("Decisions", "A", "Accept the suggestion"),
        ("Decisions", "Ctrl+Z", "Undo"),
    ]
    sheet = ShortcutSheet(None, rows)
    qtbot.addWidget(sheet)
    assert sheet.tree.topLevelItemCount() == 2
    assert sheet.visible_rows() == rows
    qtbot.keyClicks(sheet.search, "accept")
    assert sheet.visible_rows() == [("Decisions", "A", "Accept the suggestion")]
    sheet.search.clear()
    qtbot.keyClicks(sheet.search, "navigation")  # a group name shows the whole group
    assert [r[1] for r in sheet.visible_rows()] == ["J", "K"]
    sheet.search.clear()
    qtbot.keyClicks(sheet.search, "zzz")
    assert sheet.visible_rows() == [] and not sheet.empty.isHidden()


# ------------------------------------------------------------------------------------------- actors
def test_actor_link_completes_by_alias_and_links(qtbot, fake_actors: FakeActors) -> None:
    dialog = ActorLinkDialog(None, fake_actors, make_entity("Prime Minister", "PERSON"))
    qtbot.addWidget(dialog)
    dialog.show()
    edit = dialog.picker.edit
    edit.clear()
    qtbot.keyClicks(edit, "shin")
    assert [a.id for a in dialog.picker.matches()] == [ABE.id]
    assert dialog.picker.actor() is None
    popup = dialog.picker.completer.popup()
    assert popup is not None and popup.isVisible()
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.picker.actor() == ABE
    assert edit.text() == "Shinzo Abe"
    assert dialog.link_button.text() == "Link to Shinzo Abe"
    dialog.link_button.click()
    assert dialog.choice() == ActorChoice(actor_id=ABE.id)


def test_actor_link_of_a_deleted_actor_starts_from_the_mention(qtbot, fake_actors: FakeActors) -> None:
    gone = replace(JAPAN, id=999, name="Nippon")  # linked once, deleted or merged since
    dialog = ActorLinkDialog(None, fake_actors, make_entity("the Japanese state", "GPE", actor=gone))
    qtbot.addWidget(dialog)
    assert dialog.picker.edit.text() == "the Japanese state"  # no alias of any actor: nothing is picked
    assert dialog.picker.actor() is None


def test_actor_link_resolves_exact_alias(qtbot, fake_actors: FakeActors) -> None:
    dialog = ActorLinkDialog(None, fake_actors, make_entity("Putin"))
    qtbot.addWidget(dialog)
    assert dialog.picker.actor() == PUTIN, "the mention's text is an alias"
    assert not dialog.unlink_button.isEnabled()
    dialog.accept()  # Enter
    assert dialog.choice() == ActorChoice(actor_id=PUTIN.id)


def test_actor_link_new_actor_and_unlink(qtbot, fake_actors: FakeActors) -> None:
    dialog = ActorLinkDialog(None, fake_actors, make_entity("Lavrov"))
    qtbot.addWidget(dialog)
    edit = dialog.picker.edit
    edit.clear()
    qtbot.keyClicks(edit, "Sergei Lavrov")
    assert dialog.picker.actor() is None and "Create" in dialog.link_button.text()
    dialog.kind_combo.setCurrentText("ORG")
    dialog.new_button.click()
    assert dialog.choice() == ActorChoice(new_name="Sergei Lavrov", new_kind="ORG")

    linked = ActorLinkDialog(None, fake_actors, make_entity("Tokyo", "GPE", actor=JAPAN))
    qtbot.addWidget(linked)
    assert linked.picker.actor() == JAPAN and linked.unlink_button.isEnabled()
    linked.unlink_button.click()
    assert linked.choice() == ActorChoice(unlink=True)

    cancelled = ActorLinkDialog(None, fake_actors, make_entity())
    qtbot.addWidget(cancelled)
    cancelled.reject()
    assert cancelled.choice() is None


def test_merge_actors_dialog(qtbot, fake_actors: FakeActors) -> None:
    dialog = MergeActorsDialog(None, fake_actors)
    qtbot.addWidget(dialog)
    assert not dialog.merge_button.isEnabled()
    qtbot.keyClicks(dialog.keep.edit, "Shinzo Abe")
    qtbot.keyClicks(dialog.merge.edit, "prime minister abe")  # an alias of the same actor
    assert not dialog.merge_button.isEnabled() and "different" in dialog.problem.text()
    dialog.merge.edit.clear()
    qtbot.keyClicks(dialog.merge.edit, "Putin")
    assert dialog.merge_button.isEnabled()
    dialog.merge_button.click()
    assert dialog.choice() == (ABE.id, PUTIN.id)
