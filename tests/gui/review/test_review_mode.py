"""Review mode driven by keys: two annotators' layers, agreement drawn, adjudication into gold, the gold export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from annotator.core.records import ArticleStatus, Status
from annotator.jobs.exporting import export
from annotator.ui.review.review_panel import AGREED_TINT, DISPUTED_COLOR, SINGLE_COLOR
from tests.gui.conftest import TEXT_1
from tests.gui.helpers import find, press, show_window
from tests.gui.review_fixtures import REVIEWER, click_row, code_seeds, review_row

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def review_window(qtbot: QtBot, repo: Repository, articles: dict[str, str]) -> Iterator[Any]:
    """The main window of reviewer rita, on the seeds coded by alice and bob."""
    from annotator.ui.window.main_window import MainWindow

    code_seeds(repo, articles)
    win = MainWindow(repo, REVIEWER)
    qtbot.addWidget(win)
    show_window(qtbot, win)
    yield win
    win.close()


def _format_at(window: MainWindow, offset: int) -> QTextCharFormat:
    """The merged format the text draws at a code-point offset (later spans win, as they are painted)."""
    text = window.workspace.text
    position = text.to_qt(offset)
    merged = QTextCharFormat()
    for span in text.drawn_spans():
        if span.start <= position < span.end:
            merged.merge(span.format)
    return merged


def _gold(repo: Repository, article_id: str) -> set[tuple[int, int, str, str]]:
    return {(e.start, e.end, e.label, str(e.status)) for e in repo.entities_for(article_id, layer="gold")}


def test_review_mode_is_for_reviewers(qtbot: QtBot, repo: Repository, articles: dict[str, str]) -> None:
    from annotator.ui.window.main_window import MainWindow

    code_seeds(repo, articles)
    win = MainWindow(repo, "alice")
    qtbot.addWidget(win)
    show_window(qtbot, win)
    toggle = win.actions_by_name["review_mode"]
    # Enabled for everyone, so that Ctrl+R by a non-reviewer explains instead of doing nothing (issue 15, 25).
    assert toggle.isEnabled()
    assert win.review.set_active(True) is False and not toggle.isChecked()
    assert "reviewer" in win.statusBar().currentMessage()
    win.switch_annotator(REVIEWER)
    assert toggle.isEnabled()
    win.close()


def test_review_drawing_and_queue(qtbot: QtBot, review_window: Any, repo: Repository, articles: dict[str, str]) -> None:
    win = review_window
    press(qtbot, win, Qt.Key.Key_R, CTRL)
    assert win.review.active and win.actions_by_name["review_mode"].isChecked()
    assert win.review.panel.isVisible() and not win.workspace.entity_panel.isVisible()
    # The list is the review queue: the two articles both annotators finished, not the unfinished one.
    listed = [win.articles.model.article_id(r) for r in range(win.articles.model.rowCount())]
    assert listed == [articles["abe"], articles["lavrov"]]
    assert win.current_article_id == articles["abe"]
    assert win.review.annotators == ["alice", "bob"]

    sochi = _format_at(win, find(TEXT_1, "Sochi")[0])
    assert sochi.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert sochi.underlineColor() == DISPUTED_COLOR
    abe = _format_at(win, find(TEXT_1, "Shinzo Abe")[0])
    assert abe.background().color() == AGREED_TINT
    assert abe.underlineStyle() == QTextCharFormat.UnderlineStyle.SingleUnderline
    russia = _format_at(win, find(TEXT_1, "Russia", 1)[0])
    assert russia.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    assert russia.underlineColor() == SINGLE_COLOR
    statuses = {(r.kind, getattr(r.representative, "label", "claim"), r.status) for r in win.review.rows}
    assert ("entity", "GPE", "disputed") in statuses and ("entity", "LOC", "disputed") in statuses
    assert [r.status for r in win.review.rows if r.kind == "claim"] == ["disputed", "disputed"]
    assert ("entity", "PERSON", "agreed") in statuses

    press(qtbot, win, Qt.Key.Key_R, CTRL)  # and back to coding
    assert not win.review.active and win.workspace.entity_panel.isVisible()
    assert win.articles.model.rowCount() == 3


def test_review_by_keys_then_gold_export(
    qtbot: QtBot, review_window: Any, repo: Repository, articles: dict[str, str], tmp_path: Path
) -> None:
    win = review_window
    abe = articles["abe"]
    press(qtbot, win, Qt.Key.Key_R, CTRL)
    assert win.current_article_id == abe

    press(qtbot, win, Qt.Key.Key_A, SHIFT)  # every agreed item, one undo step
    person = {(*find(TEXT_1, "Shinzo Abe"), "PERSON", "accepted"), (*find(TEXT_1, "Vladimir Putin"), "PERSON",
                                                                    "accepted")}
    assert _gold(repo, abe) == person

    click_row(win, review_row(win, "Sochi", "LOC"))
    press(qtbot, win, Qt.Key.Key_A)  # bob's version
    sochi = find(TEXT_1, "Sochi")
    assert _gold(repo, abe) == person | {(*sochi, "LOC", "accepted")}
    click_row(win, review_row(win, "Sochi", "GPE"))
    press(qtbot, win, Qt.Key.Key_Return)  # alice's version replaces bob's
    assert _gold(repo, abe) == person | {(*sochi, "GPE", "accepted")}
    press(qtbot, win, Qt.Key.Key_Z, CTRL)  # undo: bob's again
    assert _gold(repo, abe) == person | {(*sochi, "LOC", "accepted")}
    press(qtbot, win, Qt.Key.Key_Z, CTRL | SHIFT)  # redo: alice's
    assert _gold(repo, abe) == person | {(*sochi, "GPE", "accepted")}
    assert _format_at(win, sochi[0]).fontOverline()  # in gold: drawn with a lid

    russia = find(TEXT_1, "Russia", 1)
    click_row(win, review_row(win, "Russia"))
    press(qtbot, win, Qt.Key.Key_A)
    click_row(win, review_row(win, "Russia"))
    press(qtbot, win, Qt.Key.Key_5)  # edit after adopting: relabel the gold row LOC
    assert (*russia, "LOC", "corrected") in _gold(repo, abe)

    japan = find(TEXT_1, "Japan", 1)
    click_row(win, review_row(win, "Japan"))
    press(qtbot, win, Qt.Key.Key_X)
    assert (*japan, "GPE", "rejected") in _gold(repo, abe)

    content = "Japan wants a peace treaty with Russia"
    click_row(win, review_row(win, content, who="bob"))
    press(qtbot, win, Qt.Key.Key_A)
    (claim,) = repo.claims_for(abe, layer="gold")
    assert claim.content is not None
    assert (claim.stance, claim.status, claim.content.text) == (-1, Status.ACCEPTED, content)

    press(qtbot, win, Qt.Key.Key_Return, CTRL)  # reviewed, next
    assert repo.article_status(abe, REVIEWER) == ArticleStatus.REVIEWED
    assert win.current_article_id == articles["lavrov"]
    assert repo.progress(REVIEWER) == (1, 2)

    path = tmp_path / "gold.json"
    summary = export(repo, path, layer="gold")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert summary.articles == 1 and [a["id"] for a in data["articles"]] == [abe]
    (article,) = data["articles"]
    assert article["status"] == "reviewed"
    got = {(e["start"], e["end"], e["label"], e["status"]) for e in article["entities"]}
    assert got == person | {(*sochi, "GPE", "accepted"), (*russia, "LOC", "corrected"),
                            (*japan, "GPE", "rejected")}
    said = find(TEXT_1, "said")
    (exported_claim,) = article["claims"]
    assert (exported_claim["cue"]["start"], exported_claim["cue"]["end"]) == said
    assert exported_claim["content"]["text"] == content
    assert exported_claim["source"]["text"] == "Abe" and exported_claim["stance"] == -1
    assert {e["annotator"] for e in article["entities"]} == {"gold"}


def test_review_model(qtmodeltester: Any, review_window: Any) -> None:
    review_window.review.set_active(True)
    assert review_window.review.panel.model.rowCount() > 0
    qtmodeltester.check(review_window.review.panel.model)


def test_enter_in_a_text_box_is_not_an_adoption(
    qtbot: QtBot, review_window: Any, repo: Repository, articles: dict[str, str]
) -> None:
    win = review_window
    win.review.set_active(True)
    first = win.review.panel.current_row()
    press(qtbot, win, Qt.Key.Key_N)  # N / P walk the review rows
    assert win.review.panel.current_row() == (first or 0) + 1
    box = win.articles.filter_text
    box.setFocus()
    qtbot.keyClicks(box, "Lavrov")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert repo.entities_for(articles["abe"], layer="gold") == []
    assert [win.articles.model.article_id(r) for r in range(win.articles.model.rowCount())] == [articles["lavrov"]]
