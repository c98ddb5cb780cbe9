"""Review: the overlap setting, the annotators' and reviewers' queues, and adjudication into the gold layer.

An article needs ``overlap`` annotators (project setting, default 1). While fewer than ``overlap`` *other*
annotators have started or finished it, it is offered to an annotator; once ``overlap`` annotators have marked
it done it is ready for review, and it leaves the review queue when a reviewer marks it reviewed (a reviewer's
``ArticleState`` with status ``reviewed``: the gold layer is shared, so one reviewer's verdict closes it for all).

Adjudication copies an annotator's row into the gold layer (``derived_from`` = that row, status accepted). It is
idempotent on the item's key (entity: span + label; claim: its span key), so adopting alice's and then bob's
identical mention leaves one gold row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from peewee import fn

from annotator.core.changes import Action
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import (
    GOLD_LAYER,
    AnnotatorRole,
    ArticleStatus,
    Change,
    ClaimView,
    EntityView,
    LayerKind,
    Status,
    role_reviews,
)
from annotator.store._claims import copy_spans
from annotator.store._context import StoreContext, now
from annotator.store._snapshots import EventBuilder, snapshot, write_article_state
from annotator.store._views import claim_query, claim_views, entity_query, entity_views
from annotator.store.models import Annotator, Article, ArticleState, Claim, Entity

OVERLAP_KEY = "overlap"
#: Statuses by which an annotator holds an article (it counts towards the overlap).
_HOLDING = (ArticleStatus.IN_PROGRESS.value, ArticleStatus.DONE.value)


# ---------------------------------------------------------------------------------------------- overlap


def overlap(st: StoreContext) -> int:
    """The project's overlap (annotators per article), 1 when unset or invalid in the database."""
    value = st.setting(OVERLAP_KEY, 1)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else 1


def check_overlap(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"overlap must be a whole number of annotators >= 1, got {value!r}")
    return value


def _annotator_ids() -> Any:
    """Subquery: ids of people with the annotator role (reviewers' own states never count as coding)."""
    return Annotator.select(Annotator.id).where(Annotator.role == AnnotatorRole.ANNOTATOR.value)


def _full(statuses: Sequence[str], need: int, exclude: int | None = None) -> Any:
    """Subquery: articles held (state in ``statuses``) by at least ``need`` annotators, ``exclude`` not counted."""
    query = ArticleState.select(ArticleState.article).where(
        ArticleState.status.in_(list(statuses)), ArticleState.annotator.in_(_annotator_ids())
    )
    if exclude is not None:
        query = query.where(ArticleState.annotator != exclude)
    return query.group_by(ArticleState.article).having(fn.COUNT(ArticleState.id) >= need)


def reviewed_ids_query() -> Any:
    """Subquery: articles a reviewer has marked reviewed."""
    return ArticleState.select(ArticleState.article).where(ArticleState.status == ArticleStatus.REVIEWED.value)


def ready_query(st: StoreContext) -> Any:
    """Subquery: articles whose required annotators are done (reviewed ones included)."""
    return _full([ArticleStatus.DONE.value], overlap(st))


def _held_by(ann_id: int) -> Any:
    """Subquery: articles this annotator holds (started or done)."""
    return ArticleState.select(ArticleState.article).where(
        ArticleState.annotator == ann_id, ArticleState.status.in_(list(_HOLDING))
    )


def annotator_open(st: StoreContext, ann_id: int) -> Any:
    """Condition on Article: still open to this annotator under the overlap rule (or already theirs)."""
    taken = _full(list(_HOLDING), overlap(st), exclude=ann_id)
    return Article.id.in_(_held_by(ann_id)) | Article.id.not_in(taken)


def taken_by_others(st: StoreContext, ann_id: int) -> Any:
    """Subquery: articles closed to this annotator (held by ``overlap`` others, not by them): the complement
    of :func:`annotator_open`."""
    taken = _full(list(_HOLDING), overlap(st), exclude=ann_id)
    return taken.where(ArticleState.article.not_in(_held_by(ann_id)))


def review_queue_condition(st: StoreContext, ann_id: int) -> Any:
    """Condition on Article: ready for review and not yet reviewed (nor done/skipped by this reviewer)."""
    finished = ArticleState.select(ArticleState.article).where(
        ArticleState.annotator == ann_id,
        ArticleState.status.in_([ArticleStatus.DONE.value, ArticleStatus.SKIPPED.value]),
    )
    return (
        Article.id.in_(ready_query(st))
        & Article.id.not_in(reviewed_ids_query())
        & Article.id.not_in(finished)
    )


def reviewed_article_ids() -> list[str]:
    """Articles marked reviewed, in import order."""
    query = Article.select(Article.id).where(Article.id.in_(reviewed_ids_query())).order_by(Article.position)
    return [i for (i,) in query.tuples()]


# ---------------------------------------------------------------------------------------------- reads


def done_annotators(article_id: str) -> list[str]:
    """Names of the annotators (role annotator) who marked the article done, sorted."""
    query = (
        Annotator.select(Annotator.name)
        .join(ArticleState, on=(ArticleState.annotator == Annotator.id))
        .where(
            ArticleState.article == article_id,
            ArticleState.status == ArticleStatus.DONE.value,
            Annotator.role == AnnotatorRole.ANNOTATOR.value,
        )
        .order_by(Annotator.name)
    )
    return [n for (n,) in query.tuples()]


def review_layers(st: StoreContext, article_id: str) -> dict[str, tuple[list[EntityView], list[ClaimView]]]:
    text = st.article_text(article_id)
    out: dict[str, tuple[list[EntityView], list[ClaimView]]] = {}
    for name in done_annotators(article_id):
        layer_id = st.find_layer_id(name)
        if layer_id is None:
            out[name] = ([], [])
            continue
        live = (Entity.deleted == False) & (Entity.status != Status.REJECTED.value)  # noqa: E712
        e_rows = list(entity_query().where(Entity.article == article_id, Entity.layer == layer_id, live).dicts())
        c_live = (Claim.deleted == False) & (Claim.status != Status.REJECTED.value)  # noqa: E712
        c_rows = list(claim_query().where(Claim.article == article_id, Claim.layer == layer_id, c_live).dicts())
        texts = {article_id: text}
        out[name] = (entity_views(st, e_rows, texts), claim_views(st, c_rows, texts))
    return out


# ---------------------------------------------------------------------------------------------- adjudication


def _reviewer(st: StoreContext, reviewer: str) -> int:
    ann_id, role = st.annotator(reviewer)
    if not role_reviews(role):
        raise ValidationError(f"{reviewer!r} is not a reviewer; give them the reviewer role first")
    return ann_id


def _gold(st: StoreContext) -> int:
    return st.layer_id(GOLD_LAYER, LayerKind.GOLD)


def _source_row(model: Any, table: str, row_id: int, gold_id: int) -> dict[str, Any]:
    row = model.select().where(model.id == row_id).dicts().first()
    if row is None or row["deleted"]:
        raise NotFoundError(f"unknown {table} {row_id!r}" + (" (deleted)" if row is not None else ""))
    if row["layer"] == gold_id:
        raise ValidationError(f"{table} {row_id} is already in the gold layer")
    return dict(row)


def _same_key(model: Any, source: dict[str, Any], gold_id: int) -> dict[str, Any] | None:
    """The live gold row with the same key as ``source`` (entity: span + label; claim: its spans)."""
    query = model.select().where(
        model.article == source["article"], model.layer == gold_id, model.deleted == False  # noqa: E712
    )
    if model is Entity:
        query = query.where(
            Entity.start == source["start"], Entity.end == source["end"], Entity.label == source["label"]
        )
    else:
        query = query.where(Claim.span_key == source["span_key"])
    found = query.order_by(model.id).dicts().first()
    return dict(found) if found is not None else None


#: Columns copied from an annotator's claim onto the gold row when an equal-span gold claim is re-adopted.
_CLAIM_VALUES = ("kind", "form", "source_actor", "addressee", "issue", "stance", "note")


def _adopt_one(st: StoreContext, ev: EventBuilder, table: str, row_id: int, reviewer: str, gold_id: int) -> None:
    """Copy one row into gold (or bring the gold row with its key in line with it), recorded in ``ev``."""
    model = Entity if table == "entity" else Claim
    source = _source_row(model, table, row_id, gold_id)
    stamp = now()
    existing = _same_key(model, source, gold_id)
    if existing is not None:
        values: dict[str, Any] = {"status": Status.ACCEPTED.value}
        if table == "claim":
            values.update({c: source[c] for c in _CLAIM_VALUES})
        elif source["actor"] is not None and existing["actor"] is None:
            values["actor"] = source["actor"]
        if all(existing[k] == v for k, v in values.items()):
            return  # already adopted: nothing to write
        before = snapshot(table, existing["id"])
        model.update(**values, updated=stamp).where(model.id == existing["id"]).execute()
        ev.touch(table, existing["id"], before)
        return
    values = {k: v for k, v in source.items() if k != "id"}
    values.update(
        layer=gold_id,
        derived_from=source["id"],
        status=Status.ACCEPTED.value,
        created_by=reviewer,
        created=stamp,
        updated=stamp,
        deleted=False,
    )
    new_id = int(model.insert(**values).execute())
    if table == "claim":
        copy_spans(source["id"], new_id)
    ev.touch(table, new_id, None, created=True)


def _drop(st: StoreContext, ev: EventBuilder, table: str, ids: Iterable[int], article_id: str, gold_id: int) -> None:
    """Soft-delete gold rows another version replaces (validated: live gold rows of the article)."""
    model = Entity if table == "entity" else Claim
    for row_id in ids:
        row = model.select(model.article, model.layer, model.deleted).where(model.id == row_id).tuples().first()
        if row is None or row[1] != gold_id or row[0] != article_id:
            raise ValidationError(f"{table} {row_id} is not a gold row of article {article_id!r}")
        if row[2]:
            continue
        before = snapshot(table, row_id)
        model.update(deleted=True, updated=now()).where(model.id == row_id).execute()
        ev.touch(table, row_id, before)


def _article_of(model: Any, row_id: int, table: str) -> str:
    found = model.select(model.article).where(model.id == row_id).scalar()
    if found is None:
        raise NotFoundError(f"unknown {table} {row_id!r}")
    return str(found)


def adopt(st: StoreContext, table: str, row_id: int, reviewer: str, replace: Sequence[int]) -> Change:
    _reviewer(st, reviewer)
    gold_id = _gold(st)
    article_id = _article_of(Entity if table == "entity" else Claim, row_id, table)
    ev = EventBuilder(Action.ADOPT_ENTITY if table == "entity" else Action.ADOPT_CLAIM, reviewer, article_id)
    _drop(st, ev, table, [i for i in replace if i != row_id], article_id, gold_id)
    _adopt_one(st, ev, table, row_id, reviewer, gold_id)
    return ev.write()


def adopt_many(st: StoreContext, article_id: str, reviewer: str, items: Iterable[tuple[str, int]]) -> Change:
    _reviewer(st, reviewer)
    st.article_text(article_id)
    gold_id = _gold(st)
    ev = EventBuilder(Action.ADOPT_AGREED, reviewer, article_id)
    for table, row_id in items:
        if table not in ("entity", "claim"):
            raise ValidationError(f"unknown item kind {table!r}; expected entity or claim")
        model = Entity if table == "entity" else Claim
        if _article_of(model, row_id, table) != article_id:
            raise ValidationError(f"{table} {row_id} is not in article {article_id!r}")
        _adopt_one(st, ev, table, row_id, reviewer, gold_id)
    return ev.write()


def mark_reviewed(st: StoreContext, article_id: str, reviewer: str) -> Change:
    ann_id = _reviewer(st, reviewer)
    st.article_text(article_id)
    ev = EventBuilder(Action.MARK_REVIEWED, reviewer, article_id)
    return write_article_state(ev, ann_id, ArticleStatus.REVIEWED.value)
