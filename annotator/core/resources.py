"""Locate the project's resource files (label set, cue lexicon, schema...) and the sample corpus.

Resources live in ``resources/`` at the top of the repository (installed in editable mode) or inside the package as
``annotator/resources`` (a wheel). Both are looked up so that either install works.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from annotator.core.codebook import Codebook

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _candidates(folder: str) -> list[Path]:
    return [_PACKAGE_DIR / folder, _PACKAGE_DIR.parent / folder]


def resource_dir() -> Path:
    """The folder holding the bundled resources."""
    for path in _candidates("resources"):
        if path.is_dir():
            return path
    raise FileNotFoundError("annotator resources folder not found next to the package")


def resource_path(name: str) -> Path:
    return resource_dir() / name


@cache
def load_json_resource(name: str) -> Any:
    """Read a JSON resource once (the returned object must not be mutated)."""
    return json.loads(resource_path(name).read_text(encoding="utf-8"))


def seeds_dir() -> Path | None:
    """The bundled sample corpus, or None when the install has none."""
    for path in _candidates("seeds"):
        if path.is_dir():
            return path
    return None


#: The sample codebook a new project starts with, in the codebook file format.
SAMPLE_CODEBOOK = "codebook.json"


def sample_codebook() -> Codebook:
    """The codebook of the sample corpus (Japan–Russia relations), which seeds a new project.

    Only seeding reads it: a project's own codebook lives in its database.
    """
    return Codebook.from_dict(load_json_resource(SAMPLE_CODEBOOK))
