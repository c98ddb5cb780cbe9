"""Store a suggestion run's results from a process of its own, through a connection of its own.

The window's suggestion runs parse in a worker process and store from one more process: that process runs
``StoreSuggestions`` on each article's suggestions (``Suggester.suggest_then``), so the window's interpreter
neither unpickles the suggestions nor runs the store's Python while the analyst codes. A writer thread in the
window's process took turns at the interpreter lock with the key presses, and they waited for it.

This module is imported in that process: it imports the store and the records, never spaCy or Qt.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from annotator.core.records import ArticleSuggestions
from annotator.store import open_repository
from annotator.store.repository import Repository


@dataclass(frozen=True)
class StoredCounts:
    """What one article's stored suggestions held (the run's summary adds these up)."""

    entities: int
    claims: int


class StoreSuggestions:
    """Picklable: stores each article's suggestions, opening the database on first use in the process it runs in.

    Only the location travels to that process, never a connection: a connection belongs to the process that
    opened it.
    """

    description = "storing the suggestions"

    def __init__(self, location: str) -> None:
        self.location = location
        self._repo: Repository | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"location": self.location, "_repo": None}

    def __call__(self, suggestions: ArticleSuggestions) -> StoredCounts:
        if self._repo is None:
            self._repo = open_repository(self.location)
        self._repo.store_suggestions(suggestions)
        return StoredCounts(len(suggestions.entities), len(suggestions.claims))

    def close(self) -> None:
        if self._repo is not None:
            self._repo.close()
            self._repo = None
