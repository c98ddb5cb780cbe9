"""The project's trained models: one row per pipeline folder, at most one active (issue 11)."""

from __future__ import annotations

import json
from typing import Any

from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.trained_models import TrainedModel, check_model_name
from annotator.store._context import dumps, now
from annotator.store.models import Event, TrainedModelRow

_FIELDS = (
    TrainedModelRow.name,
    TrainedModelRow.path,
    TrainedModelRow.created,
    TrainedModelRow.base,
    TrainedModelRow.origin,
    TrainedModelRow.layers,
    TrainedModelRow.what,
    TrainedModelRow.counts,
    TrainedModelRow.scores,
    TrainedModelRow.active,
)


def _record(row: tuple[Any, ...]) -> TrainedModel:
    name, path, created, base, origin, layers, what, counts, scores, active = row
    return TrainedModel(
        name=name,
        path=path,
        created=created,
        base=base,
        origin=origin,
        layers=tuple(json.loads(layers)),
        what=tuple(json.loads(what)),
        counts=json.loads(counts),
        scores=json.loads(scores),
        active=bool(active),
    )


def models() -> list[TrainedModel]:
    query = TrainedModelRow.select(*_FIELDS).order_by(TrainedModelRow.created, TrainedModelRow.id)
    return [_record(r) for r in query.tuples()]


def model(name: str) -> TrainedModel:
    row = TrainedModelRow.select(*_FIELDS).where(TrainedModelRow.name == name).tuples().first()
    if row is None:
        known = ", ".join(m.name for m in models()) or "none yet; train one with `annotator train`"
        raise NotFoundError(f"no trained model {name!r} in this project (models: {known})")
    return _record(row)


def active_model() -> TrainedModel | None:
    row = TrainedModelRow.select(*_FIELDS).where(TrainedModelRow.active == True).tuples().first()  # noqa: E712
    return _record(row) if row is not None else None


def _event(action: str, annotator: str | None, payload: dict[str, Any]) -> None:
    Event.insert(at=now(), annotator=annotator, action=action, article=None, payload=dumps(payload)).execute()


def add_model(record: TrainedModel, annotator: str | None) -> None:
    check_model_name(record.name)
    if TrainedModelRow.select().where(TrainedModelRow.name == record.name).exists():
        raise ValidationError(f"a model named {record.name!r} exists already in this project")
    if record.active:
        TrainedModelRow.update(active=False).execute()
    TrainedModelRow.insert(
        name=record.name,
        path=record.path,
        created=record.created or now(),
        base=record.base,
        origin=record.origin,
        layers=dumps(list(record.layers)),
        what=dumps(list(record.what)),
        counts=dumps(record.counts),
        scores=dumps(record.scores),
        active=record.active,
    ).execute()
    _event("add_model", annotator, {"model": record.name, "path": record.path, "active": record.active})


def use_model(name: str | None, annotator: str | None) -> None:
    """Make ``name`` the active model; None makes none active (suggestions use the base pipeline)."""
    before = active_model()
    if name is not None:
        model(name)  # NotFoundError naming the known models
    TrainedModelRow.update(active=False).execute()
    if name is not None:
        TrainedModelRow.update(active=True).where(TrainedModelRow.name == name).execute()
    _event("use_model", annotator, {"model": name, "before": before.name if before else None})


def remove_model(name: str, annotator: str | None) -> TrainedModel:
    record = model(name)
    TrainedModelRow.delete().where(TrainedModelRow.name == name).execute()
    _event("remove_model", annotator, {"model": name, "path": record.path, "was_active": record.active})
    return record
