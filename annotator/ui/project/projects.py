"""Projects in the app: the name a window shows, the recent projects, and the New project… dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from annotator.core.errors import AnnotatorError
from annotator.ui.shared.layouts import fill, ok_cancel
from annotator.ui.shared.line_edits import line_edit

#: QSettings key of the recent projects (newest first).
RECENT_KEY = "recent_projects"
MAX_RECENT = 8
DB_FILTER = "annotator projects (*.db *.sqlite *.sqlite3);;All files (*)"

SAMPLE, EMPTY, FROM_FILE = "sample", "empty", "file"


def project_name(location: str) -> str:
    """What a window calls a project: the file name without ``.db`` (a URL: its database name)."""
    scheme, sep, rest = location.partition("://")
    if sep and len(scheme) > 1:
        name = rest.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
        return name or location
    return Path(location).stem or location


def recent_projects(settings: QSettings) -> list[str]:
    """The recent projects, newest first (files that no longer exist are left out)."""
    value = settings.value(RECENT_KEY, [])
    paths = [str(v) for v in (value if isinstance(value, list) else [value]) if v]
    return [p for p in paths if "://" in p or Path(p).exists()][:MAX_RECENT]


def remember_project(settings: QSettings, location: str) -> list[str]:
    """Put ``location`` first in the recent projects; returns the new list."""
    key = location if "://" in location else str(Path(location).expanduser().resolve())
    paths = [key, *[p for p in recent_projects(settings) if p != key]][:MAX_RECENT]
    settings.setValue(RECENT_KEY, paths)
    settings.sync()
    return paths


class NewProjectDialog(QDialog):
    """Where the new project goes and which codebook it starts with (sample, empty, or a codebook file).

    On OK the project is created (``annotator.jobs.projects.create_project``); a refusal (the file exists, the
    codebook file is invalid) is shown in the dialog, which stays open, and nothing is created.

    Signals:
        created(str): the new project's path.
    """

    created = Signal(str)

    def __init__(self, parent: QWidget | None = None, folder: str = "") -> None:
        super().__init__(parent)
        self.setObjectName("newProjectDialog")
        self.setWindowTitle("New project")
        self.path = line_edit("/path/to/study.db", name="path", text=str(Path(folder) / "study.db") if folder else "")
        browse = QPushButton("Browse…")
        browse.setAutoDefault(False)
        browse.clicked.connect(self._browse_path)
        self.start = QComboBox()
        self.start.setObjectName("start")
        self.start.addItem("The sample codebook (Japan–Russia relations)", SAMPLE)
        self.start.addItem("An empty codebook", EMPTY)
        self.start.addItem("A codebook file…", FROM_FILE)
        self.codebook_file = line_edit("codebook.json, or an export that carries one", name="codebookFile")
        self.codebook_file.setEnabled(False)
        self.start.currentIndexChanged.connect(
            lambda _i: self.codebook_file.setEnabled(self.start.currentData() == FROM_FILE)
        )
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        form = QFormLayout()
        form.addRow("&Database file", fill(QHBoxLayout(), (self.path, 1), browse))
        form.addRow("&Codebook", self.start)
        form.addRow("Codebook &file", self.codebook_file)
        fill(QVBoxLayout(self), form, self.error, ok_cancel(self, self._create))
        self.resize(560, 0)

    def _browse_path(self) -> None:
        dialog = QFileDialog(self, "New project", self.path.text(), DB_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("db")
        dialog.fileSelected.connect(self.path.setText)
        dialog.open()

    def _create(self) -> None:
        from annotator.jobs.projects import create_project

        path = self.path.text().strip()
        if not path:
            self.error.setText("Choose where the project's database file goes.")
            return
        mode = self.start.currentData()
        codebook_file = self.codebook_file.text().strip() if mode == FROM_FILE else None
        if mode == FROM_FILE and not codebook_file:
            self.error.setText("Name the codebook file to start with.")
            return
        try:
            create_project(path, codebook_file=codebook_file, empty=mode == EMPTY)
        except AnnotatorError as exc:
            self.error.setText(str(exc))
            return
        self.created.emit(path)
        self.accept()
