"""The project's people and settings: annotators with their roles and layers, and JSON project settings.

The :class:`~annotator.store.repository.Repository` opens the transaction or read; these functions run inside it.
"""

from __future__ import annotations

from typing import Any

from annotator.core.errors import ValidationError
from annotator.core.names import validate_annotator_name
from annotator.core.records import AnnotatorRole
from annotator.store import _review
from annotator.store._context import StoreContext, dumps
from annotator.store.models import Annotator, Setting, upsert


def setting_text(key: str, value: Any) -> str:
    """The stored text of a setting, checked before any transaction opens (``overlap`` must be an int >= 1)."""
    if key == _review.OVERLAP_KEY:
        value = _review.check_overlap(value)
    try:
        return dumps(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"setting {key!r} is not JSON-serialisable: {exc}") from None


def set_setting(st: StoreContext, key: str, text: str) -> None:
    upsert(Setting, {"key": f"setting:{key}"}, {"value": text})
    st.forget_setting(key)


def checked_annotator(name: str, role: str | None) -> tuple[str, str]:
    """The validated name and role value (a missing role means "annotator" for a new person)."""
    name = validate_annotator_name(name)
    try:
        value = AnnotatorRole(role if role is not None else AnnotatorRole.ANNOTATOR).value
    except ValueError:
        raise ValidationError(f"unknown role {role!r}; expected annotator or reviewer") from None
    return name, value


def ensure_annotator(st: StoreContext, name: str, value: str, role_given: bool) -> None:
    """Create the annotator and their layer if new; set the role of an existing one only when it was given."""
    if not role_given and st.team_identity() is not None:
        # On a team server people are added by an admin (server add-user); look, do not insert.
        st.annotator(name)
    elif not role_given:
        Annotator.insert(name=name, role=value).on_conflict_ignore().execute()
    else:
        upsert(Annotator, {"name": name}, {"role": value})
    st.decision_layer(name)


def annotators() -> list[tuple[str, str]]:
    """(name, role) of every annotator, by name."""
    return list(Annotator.select(Annotator.name, Annotator.role).order_by(Annotator.name).tuples())
