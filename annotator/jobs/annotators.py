"""Annotators and their roles (``annotator annotators add/list`` and the app's annotator settings).

A role is ``annotator`` (codes articles in their own layer) or ``reviewer`` (also adjudicates into the gold
layer). Adding an existing name changes its role: the CLI and the app use the one call for both.
"""

from __future__ import annotations

import unicodedata

from annotator.core.errors import ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, AnnotatorRole
from annotator.store.repository import Repository

#: The roles a user may give here (``AnnotatorRole`` values). ``admin`` is a team server's role, given with
#: ``annotator server add-user NAME --role admin`` together with the login it belongs to.
ROLES: tuple[str, ...] = (AnnotatorRole.ANNOTATOR.value, AnnotatorRole.REVIEWER.value)
#: Longest name the store keeps.
MAX_NAME_LENGTH = 200

ADDED = "added"
ROLE_CHANGED = "role changed"
UNCHANGED = "unchanged"


def validate_annotator_name(name: str) -> str:
    """The name, stripped; a ``ValidationError`` saying why when it cannot be an annotator's name.

    Refused: empty, control characters, longer than the store keeps, the names of the model and gold layers
    (an annotator's layer carries their name), and commas (``--annotators A,B`` splits on them).
    """
    cleaned = name.strip() if isinstance(name, str) else ""
    if not cleaned:
        raise ValidationError("an annotator needs a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(f"annotator name is longer than {MAX_NAME_LENGTH} characters")
    if any(unicodedata.category(ch).startswith("C") for ch in cleaned):
        raise ValidationError(f"annotator name {cleaned!r} contains control characters")
    if "," in cleaned:
        raise ValidationError(f"annotator name {cleaned!r} contains a comma")
    if cleaned.casefold() in {SUGGESTIONS_LAYER, GOLD_LAYER}:
        raise ValidationError(f"{cleaned!r} is the name of a layer, not available for an annotator")
    return cleaned


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
