"""What the entity and claim panels' rows show in each role (ui/shared/row_table_model.DecisionRowsModel)."""

from __future__ import annotations

import dataclasses
import weakref

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from pytestqt.qtbot import QtBot

from annotator.core.records import ClaimView, EntityView, RoleView, Span, Status
from annotator.core.resources import sample_codebook
from annotator.ui.shared.colors import REJECTED_TEXT, Palette
from annotator.ui.shared.row_table_model import ID_ROLE
from annotator.ui.workspace.claim_panel import ClaimModel
from annotator.ui.workspace.entity_panel import EntityModel

DISPLAY, DECORATION, TOOLTIP, FOREGROUND = (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
)


def _entity(entity_id: int, text: str, status: Status) -> EntityView:
    return EntityView(id=entity_id, article_id="a1", layer="alice", start=0, end=len(text), text=text,
                      label="PERSON", status=status, origin="manual", actor_id=None, actor_name=None,
                      derived_from=None, annotator="alice")


def _role(start: int, text: str) -> RoleView:
    return RoleView(spans=(Span(start, start + len(text)),), text=text)


def _claim(claim_id: int, status: Status) -> ClaimView:
    return ClaimView(source_actor_id=None, source_actor_name=None, addressee_id=None, addressee_name=None,
                     issue="sanctions", stance=-1, note="", id=claim_id, article_id="a1", layer="alice",
                     source=_role(0, "<b>Abe</b>"), cue=_role(11, "said"), content=_role(16, "no deal"),
                     kind="indirect", form="statement", status=status, origin="manual", derived_from=None,
                     annotator="alice")


def test_entity_rows_show_cells_icons_tooltip_greying_and_id(qtbot: QtBot) -> None:
    model = EntityModel(Palette(sample_codebook()))
    model.set_rows([_entity(7, "<b>Abe</b>", Status.ACCEPTED), _entity(8, "Putin", Status.REJECTED)])
    first, second = model.index(0, 0), model.index(1, 0)
    assert [model.data(model.index(0, c), DISPLAY) for c in range(4)] == ["<b>Abe</b>", "PERSON", "", "accepted"]
    assert isinstance(model.data(model.index(0, 1), DECORATION), QIcon)  # the label's swatch
    assert isinstance(model.data(model.index(0, 3), DECORATION), QIcon)  # the status icon
    assert model.data(first, DECORATION) is None
    tooltip = model.data(first, TOOLTIP)
    assert "[0, 10) PERSON · accepted · manual" in tooltip
    assert model.data(first, FOREGROUND) is None and model.data(second, FOREGROUND) == REJECTED_TEXT
    assert (model.data(first, ID_ROLE), model.data(second, ID_ROLE)) == (7, 8)
    assert model.data(model.index(2, 0), DISPLAY) is None  # past the rows


def test_claim_rows_show_cells_status_icon_tooltip_greying_and_id(qtbot: QtBot) -> None:
    model = ClaimModel()
    model.set_rows([_claim(3, Status.SUGGESTED), _claim(4, Status.REJECTED)])
    cells = [model.data(model.index(0, c), DISPLAY) for c in range(5)]
    assert cells == ["<b>Abe</b> → said → no deal", "statement", "sanctions", "−1", None]
    assert isinstance(model.data(model.index(0, 4), DECORATION), QIcon)
    assert all(model.data(model.index(0, c), DECORATION) is None for c in range(4))
    tooltip = model.data(model.index(0, 0), TOOLTIP)
    assert "source: &lt;b&gt;Abe&lt;/b&gt;" in tooltip and "kind: indirect · suggested · manual" in tooltip
    assert model.data(model.index(1, 2), FOREGROUND) == REJECTED_TEXT
    assert model.data(model.index(0, 2), FOREGROUND) is None
    assert model.data(model.index(1, 0), ID_ROLE) == 4


def test_a_rows_cells_are_built_once_and_a_new_row_object_shows_its_own(qtbot: QtBot) -> None:
    """The cells are kept per row object (rows are immutable): repaints do not build them again, and the row
    that replaces a row (an edit's answer, another article) is shown as it is, never from the kept cells."""
    built: list[int] = []

    class CountingModel(ClaimModel):
        def cells(self, row: ClaimView) -> tuple[str | None, ...]:
            built.append(row.id)
            return super().cells(row)

    model = CountingModel()
    first = _claim(3, Status.SUGGESTED)
    model.set_rows([first])
    for _ in range(3):
        assert [model.data(model.index(0, c), DISPLAY) for c in range(4)] == [
            "<b>Abe</b> → said → no deal", "statement", "sanctions", "−1"]
    assert built.count(3) == 1
    recoded = dataclasses.replace(first, issue="energy", stance=1)
    model.set_rows([recoded])
    assert [model.data(model.index(0, c), DISPLAY) for c in (2, 3)] == ["energy", "+1"]
    # Many articles' rows: the model lets go of rows it no longer shows (it does not keep every row it showed).
    gone = weakref.ref(recoded)
    del first, recoded
    for article in range(200):
        model.set_rows([_claim(1000 + article, Status.SUGGESTED)])
        model.data(model.index(0, 0), DISPLAY)
    assert gone() is None
