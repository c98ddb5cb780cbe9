"""Projects and their codebooks: create a project, export, import or replace its codebook.

The CLI (``project new``, ``codebook export | import``) and the app (File › New project…, the codebook editor)
run these same functions.
"""

from __future__ import annotations

from pathlib import Path

from annotator.core.codebook import EMPTY_CODEBOOK, Codebook
from annotator.core.codebook_edit import MergeReport
from annotator.core.errors import ValidationError
from annotator.io.codebook_file import read_codebook, write_codebook
from annotator.store import open_repository
from annotator.store.database import is_url
from annotator.store.repository import Repository


def create_project(location: str | Path, *, codebook_file: str | Path | None = None, empty: bool = False) -> Codebook:
    """Create a new project database at ``location`` and return its codebook.

    Args:
        location: a file path that does not exist yet (or a database URL).
        codebook_file: start with this codebook file instead of the sample codebook.
        empty: start with an empty codebook.

    Raises:
        ValidationError: the file exists already, or both a codebook file and ``empty`` were asked for.
        InputError: the codebook file is missing or invalid (nothing was created).
    """
    if codebook_file is not None and empty:
        raise ValidationError("choose either a codebook file or an empty codebook, not both")
    location = str(location)
    if not is_url(location) and Path(location).exists():
        raise ValidationError(f"{location} already exists; choose a new file name")
    # Read and check the codebook before anything is created: an invalid file leaves no database behind.
    codebook = read_codebook(codebook_file) if codebook_file is not None else (EMPTY_CODEBOOK if empty else None)
    repo = open_repository(location)
    try:
        if codebook is not None:
            repo.replace_codebook(codebook)
        return repo.codebook()
    finally:
        repo.close()


def load_codebook(path: str | Path) -> Codebook:
    """Read and check a codebook file (or the codebook of a JSON export); ``InputError`` names the JSON path."""
    return read_codebook(path)


def export_codebook(repo: Repository, path: str | Path) -> Codebook:
    """Write the project's codebook to a codebook file (whole or not at all); returns what was written."""
    book = repo.codebook()
    write_codebook(path, book)
    return book


def import_codebook(
    repo: Repository, path: str | Path, *, replace: bool = False, annotator: str | None = None
) -> MergeReport | None:
    """Merge a codebook file into the project's by name, or replace the project's with it.

    Returns:
        What the merge added and updated; None after a replacement.

    Raises:
        InputError: the file is missing or invalid (nothing changed).
        ValidationError: a replacement would drop a code in use (the message names it and its rows).
    """
    incoming = read_codebook(path)
    if replace:
        repo.replace_codebook(incoming, annotator)
        return None
    _change, report = repo.merge_codebook(incoming, annotator)
    return report
