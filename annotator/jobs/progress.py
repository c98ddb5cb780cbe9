"""Progress reporting and cancellation shared by every job, so the CLI and the GUI run the same code."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from annotator.core.errors import CancelledError


@dataclass(frozen=True)
class Progress:
    """One progress report: ``done`` of ``total`` units (total 0 when unknown) and a short message."""

    done: int
    total: int
    message: str = ""


ProgressCallback = Callable[[Progress], None]


def no_progress(_: Progress) -> None:
    """A progress callback that ignores reports."""


class CancelFlag:
    """Set from any thread to ask a job to stop at its next checkpoint."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise CancelledError when cancelled; jobs call it between units of work."""
        if self._event.is_set():
            raise CancelledError("cancelled by the user")
