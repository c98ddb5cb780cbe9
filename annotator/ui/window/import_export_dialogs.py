"""File menu dialogs: choose what to import, how to export, and the summary of what a job did."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.records import Status
from annotator.ui.shared import icons
from annotator.ui.shared.answer_dialog import AnswerDialog
from annotator.ui.shared.colors import CAUTION, POSITIVE
from annotator.ui.shared.layouts import fill, ok_cancel
from annotator.ui.shared.line_edits import line_edit

#: What the importers read, for the file dialog filter (the importer refuses anything else with a reason).
IMPORT_FILTER = (
    "Articles (*.txt *.jsonl *.json *.docx *.rtf *.pdf *.html *.htm *.zip);;"
    "Nexis Uni, Factiva, ProQuest exports (*.docx *.rtf *.pdf *.html *.htm *.txt *.zip);;"
    "Text files (*.txt);;JSON / JSONL (*.json *.jsonl);;All files (*)"
)

#: File extension per export format; formats not listed use their own name.
FORMAT_EXTENSIONS = {
    "json": ".json",
    "jsonl": ".jsonl",
    "prodigy": ".jsonl",
    "spacy": ".spacy",
    "docbin": ".spacy",
    "csv": ".csv",
    "claims-csv": ".csv",
    "comention-graphml": ".graphml",
}

#: Human descriptions of the export formats (docs/architecture.md, "Export contract"); unknown formats show their name.
FORMAT_DESCRIPTIONS = {
    "json": "JSON — the full annotator export (articles, entities, claims, actors)",
    "jsonl": "JSONL — one article object per line",
    "prodigy": "Prodigy JSONL — spans for spaCy/Prodigy users",
    "spacy": "spaCy DocBin (.spacy) — for spacy train",
    "docbin": "spaCy DocBin (.spacy) — for spacy train",
    "csv": "Claims CSV — one row per claim, opens in Excel",
    "claims-csv": "Claims CSV — one row per claim, opens in Excel",
    "comention-graphml": "Co-mention graph (GraphML) — actors named together; discourse networks: View › Network",
}

ALL_LAYERS = "all"


def _documents_folder() -> Path | None:
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    for candidate in (location, str(Path.home())):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def choose_import_paths(parent: QWidget | None) -> list[str]:
    """Ask for files or one folder to import.

    A small question first (files or a folder?), because one native file dialog cannot pick both.

    Returns:
        The chosen paths; empty when the user cancelled.
    """
    box = QMessageBox(parent)
    box.setObjectName("importChooser")
    box.setWindowTitle("Import articles")
    box.setIcon(QMessageBox.Icon.Question)
    box.setText("Import articles from files or from a whole folder?")
    box.setInformativeText(
        "Readable: Nexis Uni / Lexis, Factiva and ProQuest exports (Word, RTF, PDF, HTML, text, or a .zip "
        "of them), single articles in Word, RTF, PDF or a saved web page, plain text (.txt), JSON or JSONL "
        "records with a “text” field, and annotator exports. You see every article found before anything "
        "is imported; articles already in the project are skipped and files that cannot be read are listed "
        "with the reason."
    )
    files = box.addButton("Choose files…", QMessageBox.ButtonRole.AcceptRole)
    folder = box.addButton("Choose a folder…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    files.setIcon(icons.icon("mdi6.file-document-multiple-outline"))
    folder.setIcon(icons.icon("mdi6.folder-open-outline"))
    box.setDefaultButton(files)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if clicked is files:
        paths, _ = QFileDialog.getOpenFileNames(parent, "Import articles: choose files", "", IMPORT_FILTER)
        return [str(p) for p in paths]
    if clicked is folder:
        path = QFileDialog.getExistingDirectory(parent, "Import articles: choose a folder")
        return [path] if path else []
    return []


@dataclass
class ExportOptions:
    """What the export dialog asked for.

    Attributes:
        path: the file to write.
        fmt: one of ``exporting.FORMATS``.
        layer: ``"all"``, ``"suggestions"``, ``"gold"`` or an annotator name.
        statuses: keep only rows with these statuses; None keeps every status.
    """

    path: str
    fmt: str
    layer: str
    statuses: list[str] | None = None


class ExportDialog(AnswerDialog):
    """Format, layer, statuses and target file of an export."""

    def __init__(
        self, parent: QWidget | None, layers: list[str], formats: list[str], default_folder: str | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export annotations")
        self.setWindowIcon(icons.icon("mdi6.export"))

        self.format_combo = QComboBox(self)
        self.format_combo.setObjectName("exportFormat")
        for fmt in formats:
            self.format_combo.addItem(FORMAT_DESCRIPTIONS.get(fmt, fmt), fmt)

        self.layer_combo = QComboBox(self)
        self.layer_combo.setObjectName("exportLayer")
        names = [ALL_LAYERS] + [layer for layer in layers if layer != ALL_LAYERS]
        for name in dict.fromkeys(names):
            self.layer_combo.addItem(self._layer_text(name), name)

        self.status_boxes: dict[str, QCheckBox] = {}
        statuses = QHBoxLayout()
        for status in Status:
            box = QCheckBox(status.value, self)
            box.setObjectName(f"exportStatus_{status.value}")
            box.setChecked(True)
            box.toggled.connect(self._validate)
            self.status_boxes[status.value] = box
            statuses.addWidget(box)
        statuses.addStretch(1)

        self.path_edit = line_edit("File to write, e.g. ~/Documents/annotations.json", name="exportPath", parent=self)
        browse = QPushButton(icons.icon("mdi6.folder-open-outline"), "Browse…", self)
        browse.setObjectName("exportBrowse")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.problem = QLabel(self)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # it quotes the path typed
        self.problem.setObjectName("exportProblem")
        self.problem.setStyleSheet("color: #a33;")
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("Format:", self.format_combo)
        form.addRow("Layer:", self.layer_combo)
        form.addRow("Statuses:", statuses)
        form.addRow("File:", path_row)

        self.buttons = ok_cancel(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        fill(QVBoxLayout(self), form, self.problem, self.buttons)
        self.setMinimumWidth(680)

        self.format_combo.currentIndexChanged.connect(self._format_changed)
        self.path_edit.textChanged.connect(self._validate)
        # A sensible file is proposed, so "Export" works at once; Browse… or typing changes it.
        folder = Path(default_folder) if default_folder else _documents_folder()
        if folder is not None and folder.is_dir() and self.format_combo.count():
            self.path_edit.setText(str(folder / f"annotations{self._extension()}"))
        self._validate()

    @staticmethod
    def _layer_text(name: str) -> str:
        return {ALL_LAYERS: "All layers", "suggestions": "Model suggestions", "gold": "Gold (reviewed)"}.get(
            name, f"Annotator: {name}"
        )

    def _extension(self) -> str:
        fmt = str(self.format_combo.currentData() or "")
        return FORMAT_EXTENSIONS.get(fmt, f".{fmt}" if fmt else "")

    @Slot()
    def _format_changed(self) -> None:
        # Keep the file name in step with the format so "annotations.json" becomes "annotations.csv".
        text = self.path_edit.text().strip()
        if text:
            path = Path(text)
            if path.suffix.lower() in set(FORMAT_EXTENSIONS.values()) | {""}:
                self.path_edit.setText(str(path.with_suffix(self._extension())))
        self._validate()

    @Slot()
    def _browse(self) -> None:
        ext = self._extension()
        start = self.path_edit.text().strip() or str(Path.home() / f"annotations{ext}")
        file_filter = f"*{ext} files (*{ext});;All files (*)"
        path, _ = QFileDialog.getSaveFileName(self, "Export to", start, file_filter)
        if path:
            if ext and not Path(path).suffix:
                path += ext
            self.path_edit.setText(path)

    def _problem(self) -> str | None:
        if self.format_combo.count() == 0:
            return "No export format is available."
        if not any(box.isChecked() for box in self.status_boxes.values()):
            return "Choose at least one status to export."
        text = self.path_edit.text().strip()
        if not text:
            return "Choose the file to write."
        folder = Path(text).expanduser().parent
        if not folder.is_dir():
            return f"The folder {folder} does not exist."
        if Path(text).expanduser().is_dir():
            return f"{text} is a folder; please give a file name."
        return None

    @Slot()
    def _validate(self) -> None:
        problem = self._problem()
        shown = problem if problem and self.path_edit.text().strip() else ""
        if problem is None and Path(self.path_edit.text().strip()).expanduser().is_file():
            shown = "This file exists and will be replaced."
        self.problem.setText(shown)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(problem is None)

    def current_options(self) -> ExportOptions | None:
        """The options as currently filled in, or None while they are incomplete."""
        if self._problem() is not None:
            return None
        checked = [name for name, box in self.status_boxes.items() if box.isChecked()]
        return ExportOptions(
            path=str(Path(self.path_edit.text().strip()).expanduser()),
            fmt=str(self.format_combo.currentData()),
            layer=str(self.layer_combo.currentData()),
            statuses=None if len(checked) == len(self.status_boxes) else checked,
        )

    def accept(self) -> None:
        if self._problem() is None:
            super().accept()

    def options(self) -> ExportOptions | None:
        """The chosen options, or None when cancelled; shows the dialog modally if it was not shown yet."""
        return self.current_options() if self.was_accepted() else None


class SummaryDialog(QDialog):
    """A job's result: the headline, then every detail line (e.g. refused files and why), copyable."""

    #: ``exec()`` result when the analyst chose the next step offered.
    NEXT_STEP = 2

    def __init__(
        self, parent: QWidget | None, title: str, lines: list[str], next_step: tuple[str, str] | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("summaryDialog")
        self.setWindowTitle(title)
        head, details = (lines[0], lines[1:]) if lines else ("Nothing to report.", [])
        problems = any("refused" in line or "error" in line.lower() for line in details)

        icon = QLabel(self)
        name, color = ("mdi6.alert-circle-outline", CAUTION) if problems else ("mdi6.check-circle-outline", POSITIVE)
        icon.setPixmap(icons.icon(name, color=color.name()).pixmap(32, 32))
        self.headline = QLabel(head, self)
        self.headline.setObjectName("summaryHeadline")
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.headline.setWordWrap(True)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.headline, 1)

        self.text = QPlainTextEdit(self)
        self.text.setObjectName("summaryText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setPlainText("\n".join(line.strip() for line in details))
        self.text.setVisible(bool(details))

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        copy = buttons.addButton("Copy", QDialogButtonBox.ButtonRole.ActionRole)
        copy.setObjectName("summaryCopy")
        copy.setIcon(icons.icon("mdi6.content-copy"))
        copy.setToolTip("Copy the whole summary to the clipboard")
        copy.clicked.connect(self.copy_to_clipboard)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        self.next_label: QLabel | None = None
        self.next_button = None
        if next_step is not None:
            # What to do now (after an import: suggest), with the button that does it (issue 15, point 29).
            explanation, button_text = next_step
            self.next_label = QLabel(explanation, self)
            self.next_label.setObjectName("summaryNextStep")
            self.next_label.setTextFormat(Qt.TextFormat.PlainText)
            self.next_label.setWordWrap(True)
            self.next_button = buttons.addButton(button_text, QDialogButtonBox.ButtonRole.AcceptRole)
            self.next_button.setObjectName("summaryNextButton")
            self.next_button.setDefault(True)
            self.next_button.clicked.connect(lambda: self.done(self.NEXT_STEP))

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        if self.next_label is not None:
            layout.addWidget(self.next_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        if details:
            self.resize(720, 420)
        self._lines = list(lines)

    def full_text(self) -> str:
        """The summary as plain text, as copied."""
        return "\n".join(self._lines)

    @Slot()
    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.full_text())


def show_summary(
    parent: QWidget | None, title: str, lines: list[str], next_step: tuple[str, str] | None = None
) -> bool:
    """Show a job's summary modally (``lines`` as returned by the summaries' ``lines()``).

    Returns:
        Whether the analyst chose the ``next_step`` offered (its explanation and button text).
    """
    dialog = SummaryDialog(parent, title, lines, next_step)
    try:
        return dialog.exec() == SummaryDialog.NEXT_STEP
    finally:
        dialog.deleteLater()
