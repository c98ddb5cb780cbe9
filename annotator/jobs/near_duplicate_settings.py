"""The near-duplicate check's threshold and its project setting, apart from the check itself.

The check (``near_duplicates``) loads numpy and datasketch, and datasketch loads scipy: about 0.6 s of a fresh
process. The import job and the CLI need only these settings to decide whether the check runs at all, so an
import without it (``annotator import --no-near-duplicates``, a new process each time) pays none of that.
"""

from __future__ import annotations

from typing import Any, Protocol

#: Default similarity (estimated Jaccard of word 3-grams) from which an article repeats another.
DEFAULT_THRESHOLD = 0.9

#: The project setting that holds the threshold (the CLI's --near-duplicate-threshold overrides it).
THRESHOLD_SETTING = "near_duplicate_threshold"


class _Settings(Protocol):
    def get_setting(self, key: str, default: Any = None) -> Any: ...


def project_threshold(repo: _Settings) -> float:
    """The project's near-duplicate threshold (setting ``near_duplicate_threshold``), else the default 0.9;
    a setting outside (0, 1] falls back to the default."""
    value = repo.get_setting(THRESHOLD_SETTING, DEFAULT_THRESHOLD)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        return DEFAULT_THRESHOLD
    return float(value)
