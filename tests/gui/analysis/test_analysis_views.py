"""The claims view and the network view, driven as an analyst does: menus, typing, clicks, Enter."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from annotator.core.records import Span
from annotator.core.resources import seeds_dir
from annotator.jobs.importing import import_paths
from annotator.store import open_repository
from tests.fixtures.coded_claims import write_jsonl
from tests.gui.helpers import settle, show_window

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from annotator.store.repository import Repository
    from annotator.ui.window.main_window import MainWindow

ISSUES = ("territorial dispute/sovereignty", "peace treaty", "sanctions")


def _code_seeds(repo: Repository) -> int:
    """Alice codes a claim for each "Abe …" / "Putin …" sentence of the seeds: actor, issue and stance."""
    repo.ensure_annotator("alice")
    abe = repo.add_actor("Shinzo Abe", "PERSON", "alice").created_actor_id
    putin = repo.add_actor("Vladimir Putin", "PERSON", "alice").created_actor_id
    made = 0
    for n, article_id in enumerate(repo.article_ids()):
        text = repo.article(article_id).text
        for name, actor, stance in (("Abe", abe, 1), ("Putin", putin, -1)):
            for match in list(re.finditer(rf"\b{name}\b (\w+) ([^.]{{10,80}})", text))[:2]:
                repo.add_claim(article_id, "alice", source=[Span(match.start(), match.start() + len(name))],
                               cue=[Span(*match.span(1))], content=[Span(*match.span(2))], source_actor_id=actor,
                               issue=ISSUES[(n + made) % len(ISSUES)], stance=stance)
                made += 1
    return made


@pytest.fixture
def seeded_window(qtbot: QtBot, tmp_path: Path) -> Any:
    from annotator.ui.window.main_window import MainWindow

    seeds = seeds_dir()
    assert seeds is not None
    repo = open_repository(str(tmp_path / "seeds.db"))
    import_paths(repo, [str(seeds)])
    assert _code_seeds(repo) >= 6
    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    yield window
    window.close()
    repo.close()


def _open(qtbot: QtBot, window: MainWindow, key: str) -> Any:
    window.activateWindow()
    qtbot.keyClick(window.workspace.text, key, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: window.side_windows.analysis is not None and window.side_windows.analysis.isVisible())
    return window.side_windows.analysis


def test_network_view_opens_on_the_seeds_and_a_click_lists_a_nodes_claims(
    qtbot: QtBot, seeded_window: Any, tmp_path: Path
) -> None:
    analysis = _open(qtbot, seeded_window, "N")
    panel = analysis.network
    assert analysis.tabs.currentWidget() is panel
    panel.select_layer("alice")
    canvas = panel.canvas
    qtbot.waitUntil(lambda: len(canvas.node_items) > 0)
    labels = {item.node.label for item in canvas.node_items.values()}
    assert {"Shinzo Abe", "Vladimir Putin"} <= labels
    assert set(ISSUES) & labels  # two-mode: the issues are nodes too
    assert "statements" in panel.info.text()
    analysis.resize(1000, 700)
    analysis.grab().save(str(tmp_path / "network.png"))
    # Hovering shows the figures; a click on Putin lists Putin's claims in the claims tab.
    putin = next(item for item in canvas.node_items.values() if item.node.label == "Vladimir Putin")
    assert "statements" in putin.toolTip() and "ties" in putin.toolTip()
    point = canvas.mapFromScene(putin.scenePos())
    QTest.mouseClick(canvas.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    claims = analysis.claims
    qtbot.waitUntil(lambda: analysis.tabs.currentWidget() is claims and claims.model.table is not None)
    expected = len(panel.network.claims_for_node(putin.node.key))
    assert expected > 0
    assert claims.model.rowCount() == expected
    assert {claims.model.row_at(i).source_actor_name for i in range(expected)} == {"Vladimir Putin"}
    assert "Vladimir Putin" in claims.behind.text()
    claims.clear_behind.click()
    assert claims.model.rowCount() > expected


def test_edge_click_time_slider_and_pictures(qtbot: QtBot, seeded_window: Any, tmp_path: Path) -> None:
    analysis = _open(qtbot, seeded_window, "N")
    panel = analysis.network
    panel.select_layer("alice")
    qtbot.waitUntil(lambda: len(panel.canvas.edge_items) > 0)
    edge = panel.canvas.edge_items[0]
    panel.canvas.hovered(edge, True)  # what hovering the tie does
    assert "weight" in edge.toolTip() and "claims behind it" in edge.toolTip()
    panel.canvas.clicked(edge)
    qtbot.waitUntil(lambda: analysis.tabs.currentIndex() == 0)
    assert analysis.claims.model.rowCount() == len(panel.network.claims_for_edge(edge.u.key, edge.v.key))
    analysis.tabs.setCurrentIndex(1)
    # Seed dates span 2015-2016: yearly windows step through them on the same nodes.
    panel.window_unit.setCurrentIndex(panel.window_unit.findData("years"))
    panel.window_size.setValue(1)
    panel.use_windows.setChecked(True)
    qtbot.waitUntil(lambda: panel.slider.isEnabled())
    assert len(panel.windows) >= 2
    nodes = set(panel.canvas.node_items)
    panel.slider.setValue(1)
    assert set(panel.canvas.node_items) == nodes
    assert "window 2 of" in panel.window_label.text()
    panel.canvas.export_picture(tmp_path / "net.png")
    panel.canvas.export_picture(tmp_path / "net.svg")
    assert (tmp_path / "net.png").stat().st_size > 1000
    assert (tmp_path / "net.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    # A one-mode conflict network: Abe and Putin take opposite stances on the issues they share.
    panel.type.setCurrentIndex(panel.type.findData("actor"))
    panel.aggregation.setCurrentIndex(panel.aggregation.findData("conflict"))
    panel.use_windows.setChecked(False)
    panel.rebuild()
    assert {item.node.label for item in panel.canvas.node_items.values()} == {"Shinzo Abe", "Vladimir Putin"}


@pytest.fixture
def coded_window(qtbot: QtBot, tmp_path: Path) -> Any:
    from annotator.ui.window.main_window import MainWindow

    repo = open_repository(str(tmp_path / "coded.db"))
    import_paths(repo, [str(write_jsonl(tmp_path / "coded.jsonl"))])
    window = MainWindow(repo, "alice")
    qtbot.addWidget(window)
    show_window(qtbot, window)
    yield window
    window.close()
    repo.close()


def test_claims_view_filters_sorts_and_enter_opens_the_article_at_the_claim(
    qtbot: QtBot, coded_window: Any, tmp_path: Path
) -> None:
    analysis = _open(qtbot, coded_window, "L")
    claims = analysis.claims
    claims.select_layer("alice")
    qtbot.waitUntil(lambda: claims.model.table is not None and claims.model.rowCount() == 6)
    assert claims.count.text() == "6 of 6 claims"
    model = claims.model
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert headers[:9] == ["Date", "Outlet", "Article", "Claimant", "Cue", "Content", "Issue", "Stance", "Form"]
    assert headers[-2:] == ["Status", "Annotator"]
    # Type into the text filter as a user does.
    qtbot.keyClicks(claims.text, "sanctions")
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    claims.text.clear()
    claims.apply_filter()
    # A code includes its children: "territorial dispute" finds the sovereignty claims.
    claims.issue.setCurrentIndex(claims.issue.findData("territorial dispute"))
    assert model.rowCount() == 4
    claims.stance.setCurrentIndex(claims.stance.findData(-1))
    assert model.rowCount() == 1 and model.row_at(0).source_actor_name == "Vladimir Putin"
    claims.stance.setCurrentIndex(0)
    claims.issue.setCurrentIndex(0)
    # The parent level puts Abe and Kishida under the Government of Japan.
    claims.level.setCurrentIndex(claims.level.findData("parent"))
    qtbot.waitUntil(lambda: claims.actor.findText("Government of Japan") >= 0)
    claims.actor.setCurrentIndex(claims.actor.findText("Government of Japan"))
    assert model.rowCount() == 4
    claims.actor.setCurrentIndex(0)
    claims.date_from.setText("2016-07-01")
    claims.apply_filter()
    assert model.rowCount() == 2
    claims.date_from.clear()
    claims.apply_filter()
    # Sorting by content, descending, by a click on the header.
    claims.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    contents = [model.row_at(i).content_text for i in range(model.rowCount())]
    assert contents == sorted(contents, key=str.casefold, reverse=True)
    analysis.resize(1000, 700)
    analysis.grab().save(str(tmp_path / "claims.png"))
    # Enter opens the article at the claim in the main window.
    target = next(i for i in range(model.rowCount()) if model.row_at(i).content_text == "sanctions must end")
    claims.table.setCurrentIndex(model.index(target, 0))
    claims.table.setFocus()
    qtbot.keyClick(claims.table, Qt.Key.Key_Return)
    row = model.row_at(target)
    assert coded_window.current_article_id == row.article_id
    current = coded_window.workspace.current_claim()
    assert current is not None and current.id == row.id
    # Coding in the main window marks the claims as changed; opening the view again reads them again.
    coded_window.actions_by_name["stance_for"].trigger()  # "=" in the main window
    settle(qtbot, coded_window)  # the decision runs on the database thread
    assert coded_window.repo.claim(row.id).stance == 1
    assert "F5" in analysis.statusBar().currentMessage()
    coded_window.side_windows.show_analysis(0)
    qtbot.waitUntil(lambda: any(model.row_at(i).id == row.id and model.row_at(i).stance == 1
                                for i in range(model.rowCount())))


def test_large_page_is_fetched_lazily(qtbot: QtBot) -> None:
    from annotator.core.actor_levels import ActorHierarchy
    from annotator.core.claim_table import ClaimRow, ClaimTable
    from annotator.ui.analysis.claims_view import PAGE, ClaimsModel

    rows = [ClaimRow(id=i, article_id=f"a{i // 10}", title="t", date="2016-01-01", outlet="o", layer="gold",
                     annotator="r", status="accepted", kind="direct", form="statement", source_text="Abe",
                     cue_text="said", content_text=f"claim {i}", source_actor_id=None, source_actor_name=None,
                     addressee_id=None, addressee_name=None, issue="sanctions", stance=1, note="", start=0)
            for i in range(3 * PAGE + 7)]
    model = ClaimsModel()
    model.set_table(ClaimTable(rows, ActorHierarchy([])))
    assert model.rowCount() == PAGE and model.matching == len(rows)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(rows)


def test_a_large_network_draws_its_most_connected_part(qtbot: QtBot) -> None:
    import random
    from datetime import date

    from annotator.networks import StatementSet
    from annotator.networks.statements import Statement
    from annotator.ui.analysis.network_canvas import DRAW_EDGES, DRAW_NODES
    from annotator.ui.analysis.network_view import NetworkPanel

    rng = random.Random(3)
    actors = {f"a{i}": (f"Actor {i}", "PERSON") for i in range(700)}
    issues = {f"issue {j}": f"issue {j}" for j in range(20)}
    statements = [Statement(k, f"d{k}", date(2016, 1, 1 + k % 28), f"a{rng.randrange(700)}",
                            f"issue {rng.randrange(20)}", rng.choice((-1, 1))) for k in range(6000)]
    data = StatementSet(statements, actors, issues)
    panel = NetworkPanel(["gold"], lambda _layer, _level, done: done(data))
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    panel.show()
    panel.type.setCurrentIndex(panel.type.findData("actor"))
    panel.reload()
    assert panel.network is not None and len(panel.network.nodes) == 700
    assert len(panel.canvas.node_items) == DRAW_NODES
    assert len(panel.canvas.edge_items) == DRAW_EDGES
    assert "most connected" in panel.info.text()


def test_custom_variables_are_columns_of_the_claims_view(qtbot: QtBot, coded_window: Any) -> None:
    repo = coded_window.repo
    from annotator.jobs.analysis import load_claim_rows

    target = load_claim_rows(repo, "alice")[0]
    repo.update_claim(target.id, "alice", variables={"certainty": "high"})
    analysis = _open(qtbot, coded_window, "L")
    claims = analysis.claims
    claims.select_layer("alice")
    model = claims.model
    qtbot.waitUntil(lambda: model.table is not None and model.rowCount() == 6)
    headers = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    column = headers.index("certainty")
    assert headers.index("Form") < column < headers.index("Status")
    values = {model.row_at(i).id: model.data(model.index(i, column)) for i in range(model.rowCount())}
    assert values[target.id] == "high"
    assert sorted(values.values()) == ["", "", "", "", "", "high"]


def test_the_claims_view_follows_a_codebook_change_at_once(qtbot: QtBot, coded_window: Any) -> None:
    from PySide6.QtWidgets import QApplication

    from annotator.core.codebook import Section

    analysis = _open(qtbot, coded_window, "L")
    claims = analysis.claims
    claims.select_layer("alice")
    model = claims.model
    qtbot.waitUntil(lambda: model.table is not None and model.rowCount() == 6)
    assert claims.issue.findData("sanctions") >= 0
    # Rename the issue in the codebook editor, by keys, as the analyst does.
    coded_window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is coded_window)
    qtbot.keyClick(coded_window.workspace.text, Qt.Key.Key_B,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    editor = coded_window.side_windows.codebook_editor
    editor.show_section(Section.ISSUE)
    page = editor.page()
    (item,) = page.tree.findItems("sanctions", Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
    page.tree.setCurrentItem(item)
    page.fields.name.setFocus()
    page.fields.name.selectAll()
    qtbot.keyClicks(page.fields.name, "economic sanctions")
    qtbot.keyClick(page.fields.name, Qt.Key.Key_Return)
    assert coded_window.repo.codebook().issue("economic sanctions") is not None
    # No F5: the open claims view reads the renamed issue, in its rows and its filter, and says nothing is stale.
    qtbot.waitUntil(lambda: claims.issue.findData("economic sanctions") >= 0 and model.rowCount() == 6)
    assert claims.issue.findData("sanctions") < 0
    assert sorted(model.row_at(i).issue for i in range(model.rowCount())).count("economic sanctions") == 2
    assert "F5" not in analysis.statusBar().currentMessage()
    claims.issue.setCurrentIndex(claims.issue.findData("economic sanctions"))
    assert model.rowCount() == 2
    # A recoloured label recolours the network's actors too.
    editor.show_section(Section.LABEL)
    page = editor.page()
    (item,) = page.tree.findItems("PERSON", Qt.MatchFlag.MatchExactly)
    page.tree.setCurrentItem(item)
    page.fields.color.setFocus()
    page.fields.color.selectAll()
    qtbot.keyClicks(page.fields.color, "#123456")
    qtbot.keyClick(page.fields.color, Qt.Key.Key_Return)
    assert analysis.network.canvas.kind_colors["PERSON"].name() == "#123456"
