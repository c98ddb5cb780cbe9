"""Read-mostly queries over many articles: the article list, per-annotator state and queue, export, stats."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from peewee import SQL, Expression, fn

from annotator.core.changes import Action
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import (
    GOLD_LAYER,
    SUGGESTIONS_LAYER,
    ArticleStatus,
    ArticleSummary,
    Change,
    ClaimView,
    EntityView,
    Status,
    role_reviews,
)
from annotator.core.validation import check_choice
from annotator.store import _review, _search, _search_pg
from annotator.store._compiled import rows_in
from annotator.store._context import StoreContext, dumps, now
from annotator.store._snapshots import EventBuilder, write_article_state
from annotator.store._views import claim_query, claim_views, entity_query, entity_views
from annotator.store.models import Annotator, Article, ArticleState, Claim, Entity, Event, Layer, Session

#: Overall status of an article from all annotators' states: the first that any annotator has.
_PRECEDENCE = (ArticleStatus.REVIEWED, ArticleStatus.DONE, ArticleStatus.IN_PROGRESS, ArticleStatus.SKIPPED)


def overall(statuses: set[str]) -> str:
    for status in _PRECEDENCE:
        if status.value in statuses:
            return status.value
    return ArticleStatus.TODO.value


def _check_status(status: str) -> str:
    return check_choice(status, ArticleStatus, "article status").value


def _status_filter(query: Any, status: str, annotator_id: int | None) -> Any:
    """Restrict an Article query to one status (the annotator's, or the overall one)."""
    states = ArticleState.select(ArticleState.article)
    if annotator_id is not None:
        mine = states.where(ArticleState.annotator == annotator_id)
        if status == ArticleStatus.TODO:
            return query.where(Article.id.not_in(mine.where(ArticleState.status != status)))
        return query.where(Article.id.in_(mine.where(ArticleState.status == status)))
    if status == ArticleStatus.TODO:
        higher = [s.value for s in _PRECEDENCE]
        return query.where(Article.id.not_in(states.where(ArticleState.status.in_(higher))))
    rank = [s.value for s in _PRECEDENCE]
    query = query.where(Article.id.in_(states.where(ArticleState.status == status)))
    above = rank[: rank.index(status)]
    if above:
        query = query.where(Article.id.not_in(states.where(ArticleState.status.in_(above))))
    return query


_MODELS: dict[str, Any] = {"entity": Entity, "claim": Claim}
_NOT_REJECTED = (Status.REJECTED.value,)


def _own_counts_query(ids: list[str], table: str, layer_id: int, other_layers: bool) -> Any:
    """Per article: live, not rejected rows of ``layer_id`` (``other_layers``: of every layer but it)."""
    model = _MODELS[table]
    layer = model.layer != layer_id if other_layers else model.layer == layer_id
    return (
        model.select(model.article, fn.COUNT(model.id))
        .where(model.article.in_(ids), model.deleted == False, layer, model.status.not_in(_NOT_REJECTED))  # noqa: E712
        .group_by(model.article)
    )


def _undecided_query(ids: list[str], table: str, suggestions: int, layer_id: int | None) -> Any:
    """Per article: live suggestions that ``layer_id`` (or, for None, any layer) has not decided on."""
    model = _MODELS[table]
    deciders = model.select(model.derived_from).where(
        model.article.in_(ids),
        model.derived_from.is_null(False),
        model.deleted == False,  # noqa: E712
    )
    if layer_id is not None:
        deciders = deciders.where(model.layer == layer_id)
    return (
        model.select(model.article, fn.COUNT(model.id))
        .where(model.article.in_(ids), model.deleted == False, model.layer == suggestions,  # noqa: E712
               model.id.not_in(deciders))
        .group_by(model.article)
    )


def _states_query(ids: list[str], ann_id: int | None) -> Any:
    query = ArticleState.select(ArticleState.article, ArticleState.status).where(ArticleState.article.in_(ids))
    return query if ann_id is None else query.where(ArticleState.annotator == ann_id)


def _near_duplicates_query(ids: list[str]) -> Any:
    return Article.select(Article.id, Article.meta).where(
        Article.id.in_(ids), Article.meta.contains('"near_duplicate_of"')
    )


def in_human_layer(layer_id: int, suggestions: int) -> Expression:
    """``Entity.layer == layer_id`` for a layer other than the suggestions, said so the planner can use the
    entity table's partial layer index (``migrations.LAYER_INDEX``: ``layer_id <>`` the suggestions layer).

    The planner matches a partial index's condition only against terms of the query written the same way, with
    the same literal, so the suggestions layer's id is written into the SQL (an integer of ours, never input).
    """
    if layer_id == suggestions:
        return Entity.layer == layer_id
    return (Entity.layer == layer_id) & (Entity.layer != SQL(str(int(suggestions))))


def article_summaries(
    st: StoreContext,
    annotator: str | None,
    text: str,
    status: str | None,
    label: str | None,
    offset: int,
    limit: int | None,
    ready_for_review: bool = False,
) -> list[ArticleSummary]:
    query = Article.select(Article.id, Article.title, Article.date, Article.source, Article.file)
    if ready_for_review:
        query = query.where(Article.id.in_(_review.ready_query(st)))
    ann_id = st.annotator(annotator)[0] if annotator is not None else None
    layer_id = st.read_layer(annotator) if annotator is not None else None
    suggestions = st.suggestions_layer()
    order = Article.position
    paged_on_postgres = False  # a page of PostgreSQL's text filter is read in stages (_search_pg)
    if text:
        indexed = st.has_search_index()
        if indexed and not st.is_postgres and _search.backlog_size(st.db):
            with st.tx():  # articles a bulk import left to be indexed: the filter must not miss them
                _search.index_backlog(st.db)
        paged_on_postgres = (indexed and st.is_postgres and limit is not None and "\x00" not in text
                             and _search_pg.pg_tsquery(text) is not None)
        if not paged_on_postgres:
            query, order = _search.filter_articles(query, text, indexed=indexed)
    if status:
        query = _status_filter(query, _check_status(status), ann_id)
    if label:
        with_label = Entity.select(Entity.article).where(
            Entity.label == label,
            Entity.deleted == False,  # noqa: E712
            Entity.status != Status.REJECTED.value,
        )
        if layer_id is None:
            query = query.where(Article.id.in_(with_label))
        else:
            # The annotator's working view: their rows, and the suggestions they have not decided on.
            decided = Entity.select(Entity.derived_from).where(
                in_human_layer(layer_id, suggestions),
                Entity.derived_from.is_null(False),
                Entity.deleted == False,  # noqa: E712
            )
            own = with_label.where(in_human_layer(layer_id, suggestions))
            pending = with_label.where(Entity.layer == suggestions, Entity.id.not_in(decided))
            query = query.where(Article.id.in_(own) | Article.id.in_(pending))
    if paged_on_postgres and limit is not None:
        rows = _search_pg.page_in_list_order(query, text, offset, limit)
    else:
        query = query.order_by(order).offset(offset or None)
        if limit is not None:
            query = query.limit(limit)
        rows = list(query.tuples())
    summaries: list[ArticleSummary] = []
    # Counts are computed for at most _PAGE ids per query: a bounded IN list works on every backend.
    for i in range(0, len(rows), _PAGE):
        summaries += _summaries_page(rows[i : i + _PAGE], ann_id, layer_id, suggestions)
    return summaries


_PAGE = 500


def _summaries_page(
    rows: list[tuple[Any, ...]], ann_id: int | None, layer_id: int | None, suggestions: int
) -> list[ArticleSummary]:
    # Six queries per page, their SQL composed once per page size (``rows_in``): composing an IN list of 200 ids
    # costs peewee more than SQLite needs to answer it.
    ids = [r[0] for r in rows]
    states: dict[str, set[str]] = defaultdict(set)
    for aid, st_value in rows_in(_states_query, ids, ann_id):
        states[aid].add(st_value)
    own_layer, others = (layer_id, False) if layer_id is not None else (suggestions, True)
    own_e = dict(rows_in(_own_counts_query, ids, "entity", own_layer, others))
    own_c = dict(rows_in(_own_counts_query, ids, "claim", own_layer, others))
    open_e = dict(rows_in(_undecided_query, ids, "entity", suggestions, layer_id))
    open_c = dict(rows_in(_undecided_query, ids, "claim", suggestions, layer_id))
    near = _near_duplicates(ids)
    return [
        ArticleSummary(
            id=aid,
            title=title,
            date=date,
            source=source,
            file=file,
            status=overall(states.get(aid, set())),
            n_entities=own_e.get(aid, 0) + open_e.get(aid, 0),
            n_claims=own_c.get(aid, 0) + open_c.get(aid, 0),
            n_suggested=open_e.get(aid, 0) + open_c.get(aid, 0),
            near_duplicate_of=near.get(aid),
        )
        for aid, title, date, source, file in rows
    ]


def _near_duplicates(ids: list[str]) -> dict[str, str]:
    """The article each of ``ids`` repeats, for those imported as marked near-duplicates (``meta``)."""
    out: dict[str, str] = {}
    for aid, meta in rows_in(_near_duplicates_query, ids):
        of = json.loads(meta or "{}").get("near_duplicate_of")
        if isinstance(of, str):
            out[aid] = of
    return out


# ---------------------------------------------------------------------------------------------- state


def _check_article(article_id: str) -> None:
    if not Article.select().where(Article.id == article_id).exists():
        raise NotFoundError(f"unknown article {article_id!r}")


def article_status(st: StoreContext, article_id: str, annotator: str) -> ArticleStatus:
    _check_article(article_id)
    ann_id, _ = st.annotator(annotator)
    value = (
        ArticleState.select(ArticleState.status)
        .where(ArticleState.article == article_id, ArticleState.annotator == ann_id)
        .scalar()
    )
    return ArticleStatus(value) if value else ArticleStatus.TODO


def set_article_status(st: StoreContext, article_id: str, annotator: str, status: ArticleStatus | str) -> Change:
    value = _check_status(str(status.value if isinstance(status, ArticleStatus) else status))
    _check_article(article_id)
    ann_id, _ = st.annotator(annotator)
    return write_article_state(EventBuilder(Action.SET_ARTICLE_STATUS, annotator, article_id), ann_id, value)


def add_time(st: StoreContext, article_id: str, annotator: str, seconds: float) -> None:
    if not isinstance(seconds, int | float) or seconds < 0:
        raise ValidationError(f"time spent must be a non-negative number of seconds, got {seconds!r}")
    _check_article(article_id)
    ann_id, _ = st.annotator(annotator)
    updated = (
        ArticleState.update(seconds=ArticleState.seconds + float(seconds), updated=now())
        .where(ArticleState.article == article_id, ArticleState.annotator == ann_id)
        .execute()
    )
    if not updated:
        ArticleState.insert(
            article=article_id,
            annotator=ann_id,
            status=ArticleStatus.TODO.value,
            seconds=float(seconds),
            updated=now(),
        ).execute()


def time_spent(st: StoreContext, article_id: str, annotator: str) -> float:
    ann_id, _ = st.annotator(annotator)
    value = (
        ArticleState.select(ArticleState.seconds)
        .where(ArticleState.article == article_id, ArticleState.annotator == ann_id)
        .scalar()
    )
    return float(value or 0.0)


def _queue(st: StoreContext, annotator: str) -> Any:
    """Articles this annotator still has to do (overlap honoured); for a reviewer, the review queue."""
    ann_id, role = st.annotator(annotator)
    if role_reviews(role):
        return Article.select(Article.id).where(_review.review_queue_condition(st, ann_id))
    finished = ArticleState.select(ArticleState.article).where(
        ArticleState.annotator == ann_id,
        ArticleState.status.in_([ArticleStatus.DONE.value, ArticleStatus.SKIPPED.value]),
    )
    return Article.select(Article.id).where(Article.id.not_in(finished), _review.annotator_open(st, ann_id))


def next_in_queue(st: StoreContext, annotator: str, after: str | None) -> str | None:
    query = _queue(st, annotator).order_by(Article.position)
    if after is not None:
        position = Article.select(Article.position).where(Article.id == after).scalar()
        if position is None:
            raise NotFoundError(f"unknown article {after!r}")
        found = query.where(Article.position > position).scalar()
        if found is not None:
            return str(found)
        found = query.where(Article.position < position).scalar()
        if found is not None:
            return str(found)
    found = query.scalar()
    return None if found is None else str(found)


def progress(st: StoreContext, annotator: str) -> tuple[int, int]:
    ann_id, role = st.annotator(annotator)
    if role_reviews(role):
        # Reviewed (or, as before review mode existed, marked done by the reviewer) out of those ready.
        finished = [ArticleStatus.DONE.value, ArticleStatus.REVIEWED.value]
        done = (
            ArticleState.select()
            .where(ArticleState.annotator == ann_id, ArticleState.status.in_(finished))
            .count()
        )
        total = Article.select().where(Article.id.in_(_review.ready_query(st))).count()
        return done, max(total, done)
    done = (
        ArticleState.select()
        .where(ArticleState.annotator == ann_id, ArticleState.status == ArticleStatus.DONE.value)
        .count()
    )
    # The articles that are (or can still become) this annotator's under the overlap setting: all of them but
    # those others already hold. Counted that way round, a million articles cost one pass over the smallest
    # index instead of two subquery probes per article.
    return done, article_count() - _review.taken_by_others(st, ann_id).count()


def article_count() -> int:
    """How many articles the project holds, as a bare ``count(*)``.

    Not peewee's ``Article.select().count()``: that wraps the select in a subquery (``SELECT COUNT(1) FROM
    (SELECT 1 FROM article)``), which SQLite answers by stepping through every row of the index, where a bare
    ``count(*)`` is its b-tree count (the ``Count`` opcode): 21-22 ms -> 4 ms of CPU at a million articles. The
    window reads it for the status bar's progress at start and after each article marked done.
    """
    return int(Article.select(fn.COUNT(SQL("*"))).scalar() or 0)


def start_session(st: StoreContext, annotator: str) -> int:
    ann_id, _ = st.annotator(annotator)
    return int(Session.insert(annotator=ann_id, started=now(), ended=None, counts="{}").execute())


def end_session(session_id: int, counts: dict[str, int] | None) -> None:
    updated = Session.update(ended=now(), counts=dumps(counts or {})).where(Session.id == session_id).execute()
    if not updated:
        raise NotFoundError(f"unknown session {session_id!r}")


def article_export_status(article_id: str) -> str:
    _check_article(article_id)
    statuses = {
        s for (s,) in ArticleState.select(ArticleState.status).where(ArticleState.article == article_id).tuples()
    }
    return overall(statuses)


# ---------------------------------------------------------------------------------------------- audit, export


def events(article_id: str | None, limit: int) -> list[dict[str, Any]]:
    query = Event.select().order_by(Event.id.desc()).limit(limit)
    if article_id is not None:
        query = query.where(Event.article == article_id)
    return [
        {
            "id": r.id,
            "at": r.at,
            "annotator": r.annotator,
            "action": r.action,
            "article_id": r.article,
            "payload": json.loads(r.payload),
        }
        for r in query
    ]


def layers() -> list[tuple[str, str]]:
    return [(n, k) for n, k in Layer.select(Layer.name, Layer.kind).order_by(Layer.id).tuples()]


def export_rows(
    st: StoreContext, article_id: str, layer: str | None, statuses: Sequence[str] | None
) -> tuple[list[EntityView], list[ClaimView]]:
    text = st.article_text(article_id)
    e_query = entity_query().where(Entity.article == article_id, Entity.deleted == False)  # noqa: E712
    c_query = claim_query().where(Claim.article == article_id, Claim.deleted == False)  # noqa: E712
    if layer is not None:
        layer_id = st.find_layer_id(layer)
        if layer_id is None:
            if layer in (SUGGESTIONS_LAYER, GOLD_LAYER) or Annotator.select().where(Annotator.name == layer).exists():
                return [], []
            raise NotFoundError(f"unknown layer {layer!r}; expected suggestions, gold or an annotator's name")
        e_query = e_query.where(Entity.layer == layer_id)
        c_query = c_query.where(Claim.layer == layer_id)
    if statuses is not None:
        e_query = e_query.where(Entity.status.in_(list(statuses)))
        c_query = c_query.where(Claim.status.in_(list(statuses)))
    texts = {article_id: text}
    return entity_views(st, list(e_query.dicts()), texts), claim_views(st, list(c_query.dicts()), texts)


def stats(st: StoreContext) -> dict[str, Any]:
    per_article: dict[str, set[str]] = defaultdict(set)
    for aid, value in ArticleState.select(ArticleState.article, ArticleState.status).tuples():
        per_article[aid].add(value)
    articles: dict[str, int] = defaultdict(int)
    for values in per_article.values():
        articles[overall(values)] += 1
    total = article_count()
    todo = total - sum(articles.values())
    articles[ArticleStatus.TODO.value] += todo
    layer_stats: dict[str, dict[str, dict[str, int]]] = {}
    query = (
        Entity.select(Entity.layer, Entity.label, Entity.status, fn.COUNT(Entity.id))
        .where(Entity.deleted == False)  # noqa: E712
        .group_by(Entity.layer, Entity.label, Entity.status)
        .tuples()
    )
    for layer_id, label, status, n in query:
        layer_stats.setdefault(st.layer_name(layer_id), {}).setdefault(label, {})[status] = n
    claim_stats: dict[str, dict[str, int]] = {}
    query = (
        Claim.select(Claim.layer, Claim.status, fn.COUNT(Claim.id))
        .where(Claim.deleted == False)  # noqa: E712
        .group_by(Claim.layer, Claim.status)
        .tuples()
    )
    for layer_id, status, n in query:
        claim_stats.setdefault(st.layer_name(layer_id), {})[status] = n
    return {"articles": dict(articles), "layers": layer_stats, "claims": claim_stats}
