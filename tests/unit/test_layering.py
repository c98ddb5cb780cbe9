"""The import rule of docs/architecture.md ("Layers"), checked on the source (napari-style import contract)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "annotator"

# third-party top-level module -> the only sub-packages allowed to import it
ALLOWED = {
    "PySide6": ("ui",),
    "qtawesome": ("ui",),
    "peewee": ("store",),
    "playhouse": ("store",),
    "spacy": ("nlp", "io"),
}
# our sub-package -> sub-packages it must not import
FORBIDDEN = {
    "core": ("store", "nlp", "io", "networks", "jobs", "ui", "cli", "app"),
    "store": ("nlp", "io", "jobs", "ui", "cli", "app"),
    "nlp": ("store", "io", "jobs", "ui", "cli", "app"),
    "io": ("store", "nlp", "jobs", "ui", "cli", "app"),
    "networks": ("store", "nlp", "io", "jobs", "ui", "cli", "app"),
    "jobs": ("ui", "cli", "app"),
    "ui": ("cli", "app"),
}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_module_respects_import_rule(path: Path) -> None:
    rel = path.relative_to(PACKAGE)
    part = rel.parts[0] if len(rel.parts) > 1 else rel.stem
    problems = []
    for name in _imports(path):
        top = name.split(".")[0]
        if top in ALLOWED and part not in ALLOWED[top]:
            problems.append(f"imports {name} (allowed only in {ALLOWED[top]})")
        if top == "annotator":
            ours = name.split(".")[1] if "." in name else ""
            if ours in FORBIDDEN.get(part, ()):
                problems.append(f"imports {name}")
    assert not problems, f"{rel}: " + "; ".join(problems)


def test_core_uses_only_the_standard_library() -> None:
    import sys

    for path in (PACKAGE / "core").rglob("*.py"):
        for name in _imports(path):
            top = name.split(".")[0]
            assert top == "annotator" or top in sys.stdlib_module_names or top == "__future__", (path, name)
