"""The project's trained models in the store: one active at most, switching, removing, audited (both stores)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.trained_models import TrainedModel
from annotator.store.repository import Repository
from tests.unit.conftest import active_model_name


def test_models_are_switched_and_removed(repo: Repository, tmp_path: Path) -> None:
    repo.add_model(TrainedModel("a", str(tmp_path / "a"), "2026-01-01T00:00:00", "base", "spacy:en_a@1.0.0",
                                active=True))
    repo.add_model(TrainedModel("b", str(tmp_path / "b"), "2026-01-02T00:00:00", "base", "spacy:en_b@1.0.0"))
    assert active_model_name(repo) == "a"
    repo.use_model("b", "alice")
    assert active_model_name(repo) == "b" and [m.active for m in repo.models()] == [False, True]
    repo.use_model(None)
    assert repo.active_model() is None
    with pytest.raises(NotFoundError, match="no trained model 'c'"):
        repo.use_model("c")
    with pytest.raises(ValidationError, match="exists already"):
        repo.add_model(TrainedModel("a", "x", "", "", ""))
    assert repo.remove_model("a").name == "a"
    assert [m.name for m in repo.models()] == ["b"]
    assert any(e["action"] == "use_model" for e in repo.events())


def test_model_names_are_checked(repo: Repository) -> None:
    with pytest.raises(ValidationError, match="model name"):
        repo.add_model(TrainedModel("../escape", "x", "", "", ""))
