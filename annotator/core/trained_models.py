"""Trained models of a project: what each was trained from, its scores, and which one suggests (standard library).

A model is a spaCy pipeline folder outside the project database (the database keeps its path); the record says
what it was trained from (layers and counts), when, on which base pipeline, and how it scored on the evaluation
share. One model at most is active: ``annotator suggest`` uses it unless told otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from annotator.core.errors import ValidationError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$")


def check_model_name(name: str) -> str:
    """``name`` if it is a valid model name (letters, digits, ``_ . -``; at most 80), else ``ValidationError``."""
    if not isinstance(name, str) or not _NAME.match(name):
        raise ValidationError(
            f"model name {name!r}: use 1-80 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    return name


@dataclass(frozen=True)
class TrainedModel:
    """One trained pipeline of a project.

    Attributes:
        name: unique within the project; also the pipeline's ``meta.name``.
        path: the pipeline folder.
        created: ISO 8601 UTC time training finished.
        base: the pipeline it was trained on (package name or folder).
        origin: what suggestions made with it record (``spacy:<lang>_<name>@<version>``).
        layers: the layers it was trained from.
        what: what it learnt: some of ``entities``, ``claims``, ``codes``.
        counts: how many articles, entities, claims... it was trained and evaluated on.
        scores: the evaluation report (see ``annotator.jobs.training``).
        active: whether suggestions use it.
    """

    name: str
    path: str
    created: str
    base: str
    origin: str
    layers: tuple[str, ...] = ()
    what: tuple[str, ...] = ()
    counts: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)
    active: bool = False
