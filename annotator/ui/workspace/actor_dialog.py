"""Link a mention to a canonical actor, create one, unlink, or merge two actors.

The dialogs only *describe* the decision (an :class:`ActorChoice` or a pair of ids): the window executes it
through its undo stack, so every change stays undoable and audited in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, cast

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QCompleter,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from annotator.core.codebook import ActorType, Codebook
from annotator.core.errors import NotFoundError
from annotator.core.records import ActorView, EntityView
from annotator.ui.shared import icons, plain_text
from annotator.ui.shared.answer_dialog import AnswerDialog
from annotator.ui.shared.layouts import fill, ok_cancel
from annotator.ui.shared.line_edits import line_edit

#: How many matching actors the completer lists.
MAX_MATCHES = 50

_ID_ROLE = Qt.ItemDataRole.UserRole + 1
_NAME_ROLE = Qt.ItemDataRole.UserRole + 2


class ActorSource(Protocol):
    """The part of the Repository the actor dialogs read."""

    def actors(self, query: str = "", limit: int | None = None) -> list[ActorView]: ...
    def actor(self, actor_id: int) -> ActorView: ...
    def codebook(self) -> Codebook: ...


@dataclass
class ActorChoice:
    """What the user decided for one mention.

    Exactly one of: link to ``actor_id``; create ``new_name`` of kind ``new_kind`` and link it; ``unlink``.
    """

    actor_id: int | None = None
    new_name: str | None = None
    new_kind: str | None = None
    unlink: bool = False


def describe_actor(actor: ActorView) -> str:
    """One line for lists: name, kind and aliases."""
    aliases = f" — also: {', '.join(actor.aliases)}" if actor.aliases else ""
    return f"{actor.name} ({actor.kind}){aliases}"


def _matches_exactly(actor: ActorView, text: str) -> bool:
    needle = text.strip().casefold()
    names = (actor.name, *actor.aliases)
    return bool(needle) and any(name.casefold() == needle for name in names)


class ActorPicker(QWidget):
    """A line edit completing over the project's actors (by name and alias) and resolving to one actor.

    The actor is resolved when the user picks a completion, or when the text equals exactly one actor's name
    or alias (case-insensitive).
    """

    changed = Signal()

    def __init__(self, repo: ActorSource, parent: QWidget | None = None, placeholder: str = "") -> None:
        super().__init__(parent)
        self._repo = repo
        self._actor: ActorView | None = None
        self._matches: list[ActorView] = []

        self.edit = line_edit(placeholder or "Type a name or alias", name="actorEdit", clearable=True, parent=self)
        self.model = QStandardItemModel(self)
        self.completer = QCompleter(self.model, self)
        # The repository already filters by name *and* alias; the completer must not filter again by prefix,
        # or "Abe" would hide "Shinzo Abe".
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCompletionRole(_NAME_ROLE)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.status = plain_text.plain_label(QLabel(self))
        self.status.setObjectName("actorStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.status.hide()  # shown once there is something to say

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.status)

        self.edit.textEdited.connect(self._on_edited)
        # activated is overloaded (str and QModelIndex): the index carries the actor id.
        cast(Any, self.completer.activated)[QModelIndex].connect(self._on_picked)

    # ------------------------------------------------------------------ API
    def actor(self) -> ActorView | None:
        """The resolved actor, or None."""
        return self._actor

    def text(self) -> str:
        return " ".join(self.edit.text().split())

    def set_text(self, text: str) -> None:
        """Fill the field (without opening the popup) and resolve the actor if the text names one exactly."""
        self.edit.setText(text)
        self._search(text, popup=False)

    def set_actor(self, actor: ActorView) -> None:
        self.edit.setText(actor.name)
        self._search(actor.name, popup=False)
        self._set_actor(actor)

    def matches(self) -> list[ActorView]:
        """The actors currently offered by the completer."""
        return list(self._matches)

    # ------------------------------------------------------------------ internals
    def _search(self, text: str, popup: bool) -> None:
        query = text.strip()
        self._matches = self._repo.actors(query, limit=MAX_MATCHES) if query else []
        self.model.clear()
        types = self._repo.codebook().actor_labels() if self._matches else {}
        for actor in self._matches:
            person = types.get(actor.kind) == ActorType.PERSON
            item = QStandardItem(icons.icon("mdi6.account" if person else "mdi6.domain"), describe_actor(actor))
            item.setData(actor.id, _ID_ROLE)
            item.setData(actor.name, _NAME_ROLE)
            item.setEditable(False)
            self.model.appendRow(item)
        exact = [a for a in self._matches if _matches_exactly(a, query)]
        self._set_actor(exact[0] if len(exact) == 1 else None)
        if popup and self._matches and self.edit.hasFocus():
            self.completer.complete()

    def _set_actor(self, actor: ActorView | None) -> None:
        self._actor = actor
        if actor is not None:
            self.status.setText(f"Actor: {describe_actor(actor)}")
        elif self.text():
            n = len(self._matches)
            self.status.setText(
                f"No actor is named exactly “{self.text()}”"
                + (f"; {n} similar — pick one from the list." if n else ".")
            )
        else:
            self.status.setText("")
        self.status.setVisible(bool(self.status.text()))
        self.changed.emit()

    @Slot(str)
    def _on_edited(self, text: str) -> None:
        self._search(text, popup=True)

    @Slot(QModelIndex)
    def _on_picked(self, index: QModelIndex) -> None:
        actor_id = index.data(_ID_ROLE)
        picked = next((a for a in self._matches if a.id == actor_id), None)
        if picked is not None:
            self._set_actor(picked)


def _kinds(repo: ActorSource) -> list[str]:
    """Kinds a new actor can have: the codebook's actor labels, else every label."""
    book = repo.codebook()
    return list(book.actor_labels()) or list(book.label_names)


class ActorLinkDialog(AnswerDialog):
    """Choose the actor of one entity mention: link an existing one, create a new one, or unlink."""

    def __init__(self, parent: QWidget | None, repo: ActorSource, entity: EntityView) -> None:
        super().__init__(parent)
        self.setObjectName("actorLinkDialog")
        self.setWindowTitle("Link actor")
        self.setWindowIcon(icons.icon("mdi6.link-variant"))
        self._entity = entity
        self._choice: ActorChoice | None = None

        intro = QLabel(f"Which actor is “{entity.text}” ({entity.label})?", self)
        intro.setObjectName("actorIntro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        current = QLabel(
            f"Currently linked to: {entity.actor_name}"
            if entity.actor_id is not None
            else "Not linked to an actor yet.",
            self,
        )
        current.setTextFormat(Qt.TextFormat.PlainText)

        self.picker = ActorPicker(repo, self, "Actor name or alias, e.g. Shinzo Abe")
        self.kind_combo = QComboBox(self)
        self.kind_combo.setObjectName("actorKind")
        kinds = _kinds(repo)
        self.kind_combo.addItems(kinds)
        if entity.label in kinds:
            self.kind_combo.setCurrentText(entity.label)
        self.kind_combo.setToolTip("Kind of the actor, used only when a new actor is created")

        form = QFormLayout()
        form.addRow("Actor:", self.picker)
        form.addRow("Kind (new actor):", self.kind_combo)

        self.buttons = QDialogButtonBox(self)
        self.link_button = self.buttons.addButton("Link", QDialogButtonBox.ButtonRole.AcceptRole)
        self.link_button.setObjectName("actorLink")
        self.link_button.setIcon(icons.icon("mdi6.link-variant"))
        self.new_button = self.buttons.addButton("New actor", QDialogButtonBox.ButtonRole.ActionRole)
        self.new_button.setObjectName("actorNew")
        self.new_button.setIcon(icons.icon("mdi6.account-plus-outline"))
        self.new_button.setToolTip("Create a new actor with this name even if a similar one exists")
        self.unlink_button = self.buttons.addButton("Unlink", QDialogButtonBox.ButtonRole.ActionRole)
        self.unlink_button.setObjectName("actorUnlink")
        self.unlink_button.setIcon(icons.icon("mdi6.link-variant-off"))
        self.unlink_button.setEnabled(entity.actor_id is not None)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.clicked.connect(self._clicked)
        self.link_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(current)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)

        self.picker.changed.connect(self._update_buttons)
        if entity.actor_id is not None:
            try:
                self.picker.set_actor(repo.actor(entity.actor_id))
            except NotFoundError:  # a deleted or merged actor: start from the mention's text instead
                self.picker.set_text(entity.text)
        else:
            self.picker.set_text(entity.text)
        self._update_buttons()
        self.picker.edit.selectAll()
        self.picker.edit.setFocus()

    @Slot()
    def _update_buttons(self) -> None:
        actor = self.picker.actor()
        text = self.picker.text()
        if actor is not None:
            self.link_button.setText(f"Link to {actor.name}")
        elif text:
            self.link_button.setText(f"Create “{text}” and link")
        else:
            self.link_button.setText("Link")
        self.link_button.setEnabled(actor is not None or bool(text))
        self.new_button.setEnabled(bool(text))

    def _new_choice(self) -> ActorChoice:
        return ActorChoice(new_name=self.picker.text(), new_kind=self.kind_combo.currentText())

    @Slot(QAbstractButton)
    def _clicked(self, button: QAbstractButton) -> None:
        if button is self.link_button:
            actor = self.picker.actor()
            if actor is not None:
                self._choice = ActorChoice(actor_id=actor.id)
            elif self.picker.text():
                self._choice = self._new_choice()
            else:
                return
            self.accept()
        elif button is self.new_button and self.picker.text():
            self._choice = self._new_choice()
            self.accept()
        elif button is self.unlink_button:
            self._choice = ActorChoice(unlink=True)
            self.accept()
        else:
            self.reject()

    def accept(self) -> None:
        if self._choice is None:  # Enter in the line edit: behave like the default button
            self._clicked(self.link_button)
            return
        super().accept()

    def choice(self) -> ActorChoice | None:
        """The decision, or None when cancelled; shows the dialog modally if it was not shown yet."""
        return self._choice if self.was_accepted() else None


class MergeActorsDialog(AnswerDialog):
    """Pick two actors: the one to keep and the duplicate merged into it."""

    def __init__(self, parent: QWidget | None, repo: ActorSource) -> None:
        super().__init__(parent)
        self.setObjectName("mergeActorsDialog")
        self.setWindowTitle("Merge actors")
        self.setWindowIcon(icons.icon("mdi6.merge"))

        intro = QLabel(
            "Every mention and claim linked to the duplicate moves to the actor you keep; the duplicate's "
            "name and aliases become aliases of the kept actor. The duplicate is removed (the change can be "
            "undone).",
            self,
        )
        intro.setWordWrap(True)
        self.keep = ActorPicker(repo, self, "Actor to keep, e.g. Shinzo Abe")
        self.keep.edit.setObjectName("mergeKeep")
        self.merge = ActorPicker(repo, self, "Duplicate to merge into it, e.g. Abe")
        self.merge.edit.setObjectName("mergeDuplicate")
        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #a33;")

        form = QFormLayout()
        form.addRow("Keep:", self.keep)
        form.addRow("Merge (duplicate):", self.merge)

        self.buttons = ok_cancel(self)
        self.merge_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.merge_button.setText("Merge")
        self.merge_button.setIcon(icons.icon("mdi6.merge"))
        fill(QVBoxLayout(self), intro, form, self.problem, self.buttons)
        self.setMinimumWidth(560)

        self.keep.changed.connect(self._validate)
        self.merge.changed.connect(self._validate)
        self._validate()
        self.adjustSize()
        self.keep.edit.setFocus()

    def _pair(self) -> tuple[int, int] | None:
        keep, merge = self.keep.actor(), self.merge.actor()
        if keep is None or merge is None or keep.id == merge.id:
            return None
        return keep.id, merge.id

    @Slot()
    def _validate(self) -> None:
        keep, merge = self.keep.actor(), self.merge.actor()
        same = keep is not None and merge is not None and keep.id == merge.id
        self.problem.setText("Choose two different actors." if same else "")
        self.problem.setVisible(same)
        self.merge_button.setEnabled(self._pair() is not None)

    def accept(self) -> None:
        if self._pair() is not None:
            super().accept()

    def choice(self) -> tuple[int, int] | None:
        """``(keep_id, merge_id)``, or None when cancelled; shows the dialog modally if not shown yet."""
        return self._pair() if self.was_accepted() else None
