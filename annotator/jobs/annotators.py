"""Annotators and their roles (``annotator annotators add/list`` and the app's annotator settings).

A role is ``annotator`` (codes articles in their own layer) or ``reviewer`` (also adjudicates into the gold
layer). Adding an existing name changes its role: the CLI and the app use the one call for both.
"""

from __future__ import annotations

from annotator.core.errors import ValidationError
from annotator.core.names import MAX_NAME_LENGTH, validate_annotator_name
from annotator.core.records import AnnotatorRole
from annotator.store.repository import Repository

#: The roles a user may give here (``AnnotatorRole`` values). ``admin`` is a team server's role, given with
#: ``annotator server add-user NAME --role admin`` together with the login it belongs to.
ROLES: tuple[str, ...] = (AnnotatorRole.ANNOTATOR.value, AnnotatorRole.REVIEWER.value)
__all__ = ["MAX_NAME_LENGTH", "ROLES", "add_annotator", "list_annotators", "validate_annotator_name", "validate_role"]

ADDED = "added"
ROLE_CHANGED = "role changed"
UNCHANGED = "unchanged"


def validate_role(role: str) -> str:
    """The role in canonical form (``annotator`` / ``reviewer``), else a ``ValidationError``."""
    cleaned = role.strip().lower() if isinstance(role, str) else ""
    if cleaned not in ROLES:
        raise ValidationError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return cleaned


def list_annotators(repo: Repository) -> list[tuple[str, str]]:
    """Every annotator as ``(name, role)``, sorted by name."""
    return sorted(repo.annotators())


def add_annotator(repo: Repository, name: str, role: str = AnnotatorRole.ANNOTATOR) -> str:
    """Register an annotator, or change the role of an existing one.

    Returns:
        :data:`ADDED`, :data:`ROLE_CHANGED` or :data:`UNCHANGED`.

    Raises:
        ValidationError: invalid name or role, or the store did not take the new role.
    """
    name = validate_annotator_name(name)
    role = validate_role(role)
    before = dict(repo.annotators()).get(name)
    repo.ensure_annotator(name, role)
    after = dict(repo.annotators()).get(name)
    if after != role:
        # The contract says ensure_annotator(name, role) sets the role; refuse loudly rather than report a
        # role the database does not hold.
        raise ValidationError(f"the role of {name!r} is still {after!r}, not {role!r}")
    if before is None:
        return ADDED
    return UNCHANGED if before == role else ROLE_CHANGED
