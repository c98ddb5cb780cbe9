"""Annotators and roles (annotator.jobs.annotators) on a real repository."""

from __future__ import annotations

import pytest

from annotator.core.errors import ValidationError
from annotator.jobs.annotators import ADDED, ROLE_CHANGED, UNCHANGED, add_annotator, list_annotators
from annotator.store.repository import Repository


def test_add_list_and_change_role(repo: Repository) -> None:
    assert add_annotator(repo, "  bob ", "reviewer") == ADDED  # names are stripped
    assert add_annotator(repo, "alice", "annotator") == ADDED
    assert list_annotators(repo) == [("alice", "annotator"), ("bob", "reviewer")]
    assert add_annotator(repo, "bob", "annotator") == ROLE_CHANGED
    assert add_annotator(repo, "bob", "Annotator") == UNCHANGED  # role names are case-insensitive
    assert list_annotators(repo) == [("alice", "annotator"), ("bob", "annotator")]


@pytest.mark.parametrize(
    ("name", "role", "message"),
    [
        ("", "annotator", "needs a name"),
        ("   ", "annotator", "needs a name"),
        ("carol", "admin", "unknown role 'admin'"),
        ("gold", "reviewer", "name of a layer"),
        ("Suggestions", "annotator", "name of a layer"),
        ("a,b", "annotator", "comma"),
        ("tab\there", "annotator", "control characters"),
        ("x" * 201, "annotator", "longer than 200"),
    ],
)
def test_invalid_names_and_roles_are_refused(repo: Repository, name: str, role: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        add_annotator(repo, name, role)
    assert list_annotators(repo) == []
