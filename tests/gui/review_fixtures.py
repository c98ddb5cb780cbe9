"""Two annotators' scripted work on the seeds, and helpers to drive the review window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.records import ArticleStatus, ClaimView
from tests.gui.conftest import TEXT_1
from tests.gui.helpers import find

if TYPE_CHECKING:
    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

REVIEWER = "rita"


def code_seeds(repo: Repository, ids: dict[str, str]) -> None:
    """alice and bob code "abe" and "lavrov" (overlap 2) and mark them done; "markup" stays unfinished.

    On "abe": both accept Shinzo Abe and Vladimir Putin and reject JST (agreed); Sochi is GPE for alice, LOC
    for bob (disputed); only alice accepts Russia and adds Japan (single); both accept the claim, bob with
    stance -1 (a disputed claim).
    """
    repo.ensure_annotator("alice")
    repo.ensure_annotator("bob")
    repo.ensure_annotator(REVIEWER, "reviewer")
    repo.set_setting("overlap", 2)
    abe = ids["abe"]
    suggestions = {e.text: e for e in repo.entities_for(abe, layer="suggestions")}
    claim = repo.claims_for(abe, layer="suggestions")[0]
    for name in ("alice", "bob"):
        repo.accept_entity(suggestions["Shinzo Abe"].id, name)
        repo.accept_entity(suggestions["Vladimir Putin"].id, name)
        repo.reject_entity(suggestions["JST"].id, name)
    repo.accept_entity(suggestions["Sochi"].id, "alice")
    repo.relabel_entity(suggestions["Sochi"].id, "LOC", "bob")
    repo.accept_entity(suggestions["Russia"].id, "alice")
    repo.add_entity(abe, *find(TEXT_1, "Japan", 1), "GPE", "alice")
    repo.accept_claim(claim.id, "alice")
    repo.update_claim(claim.id, "bob", stance=-1)
    lavrov = ids["lavrov"]
    for entity in repo.entities_for(lavrov, layer="suggestions"):
        for name in ("alice", "bob"):
            repo.accept_entity(entity.id, name)
    for article in (abe, lavrov):
        for name in ("alice", "bob"):
            repo.set_article_status(article, name, ArticleStatus.DONE)


def review_row(window: MainWindow, text: str, label: str | None = None, who: str | None = None) -> int:
    """Index of the review row of ``text`` (with ``label`` / held by ``who`` when given)."""
    for i, row in enumerate(window.review.rows):
        view = row.representative
        shown = getattr(view, "text", None)
        if row.kind == "claim":
            assert isinstance(view, ClaimView), row
            shown = view.content.text if view.content is not None else ""
        if shown != text:
            continue
        if label is not None and getattr(view, "label", None) != label:
            continue
        if who is not None and who not in row.annotators:
            continue
        return i
    raise AssertionError(f"no review row {text!r} {label!r} {who!r} in {window.review.rows}")


def click_row(window: MainWindow, index: int) -> None:
    """Select a review row with a mouse click, as the reviewer does."""
    table = window.review.panel.table
    table.scrollTo(window.review.panel.model.index(index, 0))
    rect = table.visualRect(window.review.panel.model.index(index, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rect.center())
    assert window.review.panel.current_row() == index
