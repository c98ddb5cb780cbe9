"""Errors that reach the user: each one says what went wrong and, where it applies, in which file and line."""

from __future__ import annotations

from annotator.core.text_checks import printable_name


class AnnotatorError(Exception):
    """Base of every error the tool reports to a user (the CLI prints it without a traceback)."""


class ValidationError(AnnotatorError):
    """A decision or record is not valid (offsets outside the text, unknown label, unknown article...)."""


class NotFoundError(ValidationError):
    """A referenced article, entity, claim, actor or annotator does not exist."""


class ConfigError(AnnotatorError):
    """A setting cannot be honoured (e.g. no spaCy pipeline loads); the message names the setting."""


class StorageError(AnnotatorError):
    """The database cannot be opened, read or written (missing driver, damaged file, read-only folder...).

    The message names the database and says what is wrong in one line.
    """


class CancelledError(AnnotatorError):
    """A long job was cancelled by the user; what was done before the cancel is kept."""


class InputError(AnnotatorError):
    """One input (a file, or one line of it) is refused.

    Attributes:
        path: the file, as the user named it.
        line: 1-based line number where it applies, else None.
        reason: short human reason ("empty file", "binary file", "malformed JSON: ...").
    """

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        # A file name that is not UTF-8 is kept printable (``bad\xff.txt``): the message must reach the user.
        self.path = printable_name(str(path))
        self.reason = reason
        self.line = line
        where = f"{self.path}:{line}" if line is not None else self.path
        super().__init__(f"{where}: {reason}")


class PermissionDeniedError(AnnotatorError):
    """The team server refused a change the connected person's role does not allow ("bob may not change
    alice's layer"); nothing was written."""


class ConflictError(AnnotatorError):
    """Another person changed the same rows at the same moment and retrying did not resolve it; nothing was
    written, and doing it again is safe."""


class ConnectionLostError(AnnotatorError):
    """The connection to the database server broke (a restart, the network); the next action reconnects."""
