"""The shell dialogs: annotator name, import/export, the job summary, and the session status."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox

from annotator.ui.window.annotator_dialog import AnnotatorDialog, ask_annotator_name
from annotator.ui.window.import_export_dialogs import ExportDialog, ExportOptions, SummaryDialog, choose_import_paths
from annotator.ui.window.status_widgets import SessionStatus, format_duration
from tests.gui import shell_fixtures as fx

# Fixtures shared by the shell tests (assigned, not imported, so pytest finds them here).
fake_actors = fx.fake_actors




# ------------------------------------------------------------------------------------------- annotator name
def test_annotator_dialog_trims_and_validates(qtbot) -> None:
    dialog = AnnotatorDialog(None, ["bob", "alice", "bob"], None)
    qtbot.addWidget(dialog)
    line = dialog.combo.lineEdit()
    assert line is not None
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert [dialog.combo.itemText(i) for i in range(dialog.combo.count())] == ["alice", "bob"]
    assert not ok.isEnabled(), "empty name"
    qtbot.keyClicks(line, "   ")
    assert not ok.isEnabled(), "blank name"
    qtbot.keyClicks(line, "gold")
    assert not ok.isEnabled() and "reserved" in dialog.problem.text()
    line.clear()
    qtbot.keyClicks(line, "  Carol   Lee ")
    assert ok.isEnabled()
    ok.click()
    assert dialog.result() == AnnotatorDialog.DialogCode.Accepted
    assert dialog.name() == "Carol Lee"


def _when_modal(action) -> None:
    """Run ``action(dialog)`` on the modal dialog once its event loop runs."""

    def attempt() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, attempt)
        else:
            action(widget)

    QTimer.singleShot(0, attempt)


def test_ask_annotator_name_returns_the_choice_or_none(qtbot) -> None:
    def pick_bob(dialog: AnnotatorDialog) -> None:
        dialog.combo.setCurrentIndex(dialog.combo.findText("bob"))
        dialog.accept()

    _when_modal(pick_bob)
    assert ask_annotator_name(None, ["alice", "bob"], "alice") == "bob"
    _when_modal(lambda dialog: dialog.reject())
    assert ask_annotator_name(None, ["alice"], "alice") is None


# ------------------------------------------------------------------------------------------- import / export
def test_choose_import_paths_files_folder_cancel(qtbot, monkeypatch, tmp_path: Path) -> None:
    files = [str(tmp_path / "a.txt"), str(tmp_path / "b.jsonl")]
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: (files, "")))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(tmp_path)))

    def press(label: str):
        def action(box: QMessageBox) -> None:
            button = next(b for b in box.buttons() if label in b.text())
            button.click()

        return action

    _when_modal(press("files"))
    assert choose_import_paths(None) == files
    _when_modal(press("folder"))
    assert choose_import_paths(None) == [str(tmp_path)]
    _when_modal(press("Cancel"))
    assert choose_import_paths(None) == []


def test_export_dialog_returns_options(qtbot, tmp_path: Path) -> None:
    dialog = ExportDialog(None, ["suggestions", "alice", "gold"], ["json", "csv", "graphml"], str(tmp_path))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert dialog.path_edit.text() == str(tmp_path / "annotations.json"), "a file is proposed"
    assert ok.isEnabled()
    dialog.path_edit.clear()
    assert not ok.isEnabled(), "no file"
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "out.json"))
    assert ok.isEnabled()
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    assert dialog.path_edit.text() == str(tmp_path / "out.csv"), "the extension follows the format"
    dialog.layer_combo.setCurrentIndex(dialog.layer_combo.findData("alice"))
    dialog.status_boxes["rejected"].setChecked(False)
    dialog.status_boxes["suggested"].setChecked(False)
    ok.click()
    assert dialog.options() == ExportOptions(
        path=str(tmp_path / "out.csv"), fmt="csv", layer="alice", statuses=["accepted", "corrected", "manual"]
    )


def test_export_dialog_defaults_and_validation(qtbot, tmp_path: Path) -> None:
    dialog = ExportDialog(None, ["suggestions"], ["json"])
    qtbot.addWidget(dialog)
    assert dialog.layer_combo.itemData(0) == "all"
    dialog.path_edit.clear()
    qtbot.keyClicks(dialog.path_edit, str(tmp_path / "missing" / "out.json"))
    assert "does not exist" in dialog.problem.text()
    (tmp_path / "out.json").write_text("{}")
    dialog.path_edit.setText(str(tmp_path / "out.json"))
    assert "will be replaced" in dialog.problem.text()
    for box in dialog.status_boxes.values():
        box.setChecked(False)
    assert "at least one status" in dialog.problem.text()
    dialog.status_boxes["accepted"].setChecked(True)
    dialog.accept()
    options = dialog.options()
    assert options is not None and options.layer == "all" and options.statuses == ["accepted"]
    cancelled = ExportDialog(None, [], ["json"])
    qtbot.addWidget(cancelled)
    cancelled.reject()
    assert cancelled.options() is None


def test_summary_lists_refusals_and_copies(qtbot) -> None:
    lines = [
        "3 imported, 1 duplicates skipped, 2 refused",
        "  refused /data/empty.txt: empty file",
        "  refused /data/x.bin: binary file",
    ]
    dialog = SummaryDialog(None, "Import finished", lines)
    qtbot.addWidget(dialog)
    assert dialog.headline.text() == lines[0]
    assert dialog.text.toPlainText().splitlines() == [
        "refused /data/empty.txt: empty file",
        "refused /data/x.bin: binary file",
    ]
    dialog.copy_to_clipboard()
    assert QGuiApplication.clipboard().text() == "\n".join(lines)
    short = SummaryDialog(None, "Export finished", ["exported 5 articles"])
    qtbot.addWidget(short)
    assert short.text.isHidden()


# ------------------------------------------------------------------------------------------- session status
def test_session_status(qtbot) -> None:
    status = SessionStatus(None, annotator="alice")
    qtbot.addWidget(status)
    status.set_progress(3, 12)
    assert status.annotator_label.text() == "alice"
    assert status.progress_label.text() == "3/12 done" and "25%" in status.progress_label.toolTip()
    status.set_annotator("bob")
    assert status.annotator == "bob"
    assert status.time_label.text() == "0:00"
    assert format_duration(3729) == "1:02:09" and format_duration(65) == "1:05"
