"""Writing what comes from outside: imported articles (with their layers) and model suggestions, in bulk."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from peewee import fn

from annotator.core.changes import Action
from annotator.core.errors import AnnotatorError, ValidationError
from annotator.core.records import (
    GOLD_LAYER,
    SUGGESTIONS_LAYER,
    ArticleIn,
    ArticleStatus,
    ArticleSuggestions,
    Change,
    ClaimIn,
    ClaimSuggestion,
    ImportResult,
    Span,
    Status,
)
from annotator.store._actors import makes_cycle, resolve_actors
from annotator.store._claims import span_key, span_rows, variables_text
from annotator.store._codebook import import_codes
from annotator.store._compiled import rows_for
from annotator.store._context import StoreContext, dumps, now
from annotator.store._ingest_bulk import add_articles_bulk, text_sha256
from annotator.store._rows import claim_row, entity_row
from annotator.store._snapshots import EventBuilder
from annotator.store.models import (
    Actor,
    Annotator,
    Article,
    ArticleState,
    Claim,
    ClaimSpan,
    Entity,
    SuggestionRun,
    bulk_insert,
)

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,79}")


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    # Bounded IN lists: every backend accepts 500 parameters in one statement.
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _choose_id(ext_id: str | None, sha: str) -> str:
    """The input's id when it is free and safe (letters, digits, ``._:-``), else a short hash of the text."""
    candidates = []
    if ext_id is not None and _SAFE_ID.fullmatch(str(ext_id)):
        candidates.append(str(ext_id))
    candidates += [sha[:12], sha[:16], sha[:24], sha]
    taken = {i for (i,) in Article.select(Article.id).where(Article.id.in_(candidates)).tuples()}
    return next(c for c in candidates if c not in taken)


def _status(value: Any, what: str, layer: str) -> str:
    """A valid status; rows of the suggestions layer are always "suggested" (humans decide in their layer)."""
    try:
        status = Status(value).value
    except ValueError:
        raise ValidationError(f"{what}: unknown status {value!r}") from None
    return Status.SUGGESTED.value if layer == SUGGESTIONS_LAYER else status


# ---------------------------------------------------------------------------------------------- import


def add_articles(
    st: StoreContext, articles: Sequence[ArticleIn], annotator: str | None
) -> list[ImportResult | AnnotatorError]:
    """Plain articles in bulk (``_ingest_bulk``); the others one by one, each in a savepoint, so a refused
    article leaves nothing behind. Results in the order of ``articles``."""
    results, later = add_articles_bulk(st, articles, annotator, _SAFE_ID)
    for i in later:
        try:
            with st.db.atomic():
                results[i] = add_article(st, articles[i], annotator)
        except AnnotatorError as error:
            results[i] = error
    return [r if r is not None else ValidationError("article not stored") for r in results]


def add_article(st: StoreContext, article: ArticleIn, annotator: str | None) -> ImportResult:
    if not isinstance(article.text, str) or not article.text.strip():
        raise ValidationError(f"article {article.title or article.file or article.ext_id!r} has an empty text")
    text = article.text
    sha = text_sha256(text)
    existing = Article.select(Article.id).where(Article.text_sha256 == sha).scalar()
    created = existing is None
    if created:
        article_id = _choose_id(article.ext_id, sha)
        meta = dict(article.meta)
        if article.ext_id is not None:
            meta.setdefault("ext_id", article.ext_id)
        position = (Article.select(fn.MAX(Article.position)).scalar() or 0) + 1
        Article.insert(
            id=article_id,
            title=article.title or "",
            date=article.date,
            source=article.source or "",
            url=article.url or "",
            file=article.file or "",
            text=text,
            text_sha256=sha,
            meta=dumps(meta),
            imported_at=now(),
            position=position,
        ).execute()
    else:
        article_id = str(existing)
    ev = EventBuilder(Action.IMPORT, annotator, article_id)
    ev.extra["created_article"] = created
    added = import_codes(st, ev, article) if article.entities or article.claims or article.codebook else ()
    n_entities, n_claims = _store_items(st, ev, article_id, text, article, annotator, created)
    if created or n_entities or n_claims or added:
        ev.write()
    return ImportResult(
        article_id=article_id, created=created, entities=n_entities, claims=n_claims, codebook_added=added
    )


def _store_items(
    st: StoreContext,
    ev: EventBuilder,
    article_id: str,
    text: str,
    article: ArticleIn,
    annotator: str | None,
    created: bool,
) -> tuple[int, int]:
    """Store the article's pre-existing entities/claims, by layer; on a duplicate only layers it lacks."""
    default_layer = annotator or SUGGESTIONS_LAYER
    layer_names = {e.annotator or default_layer for e in article.entities}
    layer_names |= {c.annotator or default_layer for c in article.claims}
    if not layer_names:
        return 0, 0
    layers = {name: st.item_layer(name) for name in layer_names}
    if not created:
        have = {i for (i,) in Entity.select(Entity.layer).where(Entity.article == article_id).distinct().tuples()}
        have |= {i for (i,) in Claim.select(Claim.layer).where(Claim.article == article_id).distinct().tuples()}
        layers = {name: lid for name, lid in layers.items() if lid not in have}
        if not layers:
            return 0, 0
    actors = {a.key: a for a in article.actors}
    proposals = [(a.key, a.name, a.kind, tuple(a.aliases)) for a in article.actors]
    actor_ids, created_actors = resolve_actors(st, proposals) if proposals else ({}, [])
    for key, actor_id in actor_ids.items():
        parent = actors[key].parent
        # Only actors this import created get a parent: an existing actor's hierarchy is the project's.
        if actor_id in created_actors and parent in actor_ids and not makes_cycle(actor_id, actor_ids[parent]):
            # A file whose actors form a cycle (a -> b -> a) keeps the links up to the one closing it, the rule
            # update_actor enforces.
            Actor.update(parent=actor_ids[parent]).where(Actor.id == actor_id).execute()
    ev.add_bulk("actor", "created", created_actors)
    # Unknown actor keys on entities/claims are simply not linked.

    stamp = now()
    entity_rows = []
    for i, e in enumerate(article.entities):
        name = e.annotator or default_layer
        if name not in layers:
            continue
        where = f"article {article_id!r} entity {i + 1}"
        st.span(e.start, e.end, text, where)
        st.check_label(e.label)
        entity_rows.append(
            entity_row(
                article=article_id, layer=layers[name], start=e.start, end=e.end, label=e.label,
                actor=actor_ids.get(e.actor) if e.actor else None, status=_status(e.status, where, name),
                origin=e.origin or "import", created_by=None if name == SUGGESTIONS_LAYER else name, stamp=stamp,
            )
        )
    before_ids = _ids(Entity, article_id)
    bulk_insert(Entity, entity_rows, ignore_conflicts=True)  # a suggestion twice in one file is stored once
    ev.add_bulk("entity", "created", sorted(_ids(Entity, article_id) - before_ids))

    n_claims = 0
    for i, c in enumerate(article.claims):
        name = c.annotator or default_layer
        if name not in layers:
            continue
        where = f"article {article_id!r} claim {i + 1}"
        roles = checked_roles(st, c, text, where)
        st.check_claim_attributes(
            {"kind": c.kind, "form": c.form, "stance": c.stance, "issue": c.issue, "variables": c.variables}
        )
        claim_id = int(
            Claim.insert(
                **claim_row(
                    article=article_id, layer=layers[name], kind=c.kind, form=c.form,
                    source_actor=actor_ids.get(c.source_actor) if c.source_actor else None,
                    addressee=actor_ids.get(c.addressee) if c.addressee else None, issue=c.issue, stance=c.stance,
                    note=c.note or "", status=_status(c.status, where, name), origin=c.origin or "import",
                    span_key=span_key(roles), created_by=None if name == SUGGESTIONS_LAYER else name, stamp=stamp,
                    variables=variables_text(st, c.variables),
                ),
            ).execute()
        )
        bulk_insert(ClaimSpan, span_rows(claim_id, roles))
        ev.add_bulk("claim", "created", [claim_id])
        n_claims += 1
    if article.status:
        # On a duplicate too: the merged layers' annotators get their state (existing states are kept).
        _import_status(article_id, article.status, [n for n in layers if n not in (SUGGESTIONS_LAYER, GOLD_LAYER)])
    return len(entity_rows), n_claims


def _import_status(article_id: str, status: str, annotators: list[str]) -> None:
    try:
        value = ArticleStatus(status).value
    except ValueError:
        return  # an unknown status of a foreign export is not worth refusing the article
    if value == ArticleStatus.REVIEWED:
        value = ArticleStatus.DONE.value  # "reviewed" is a reviewer's verdict; the annotators had finished
    for name in annotators:
        ann_id = Annotator.select(Annotator.id).where(Annotator.name == name).scalar()
        ArticleState.insert(
            article=article_id, annotator=ann_id, status=value, seconds=0.0, updated=now()
        ).on_conflict_ignore().execute()


def _ids(model: Any, article_id: str, layer_id: int | None = None) -> set[int]:
    query = model.select(model.id).where(model.article == article_id)
    if layer_id is not None:
        query = query.where(model.layer == layer_id)
    return {i for (i,) in query.tuples()}


# ---------------------------------------------------------------------------------------------- suggestions


def _family(origin: str) -> str:
    """The suggester an origin belongs to ("spacy" of "spacy:en_core_web_sm@3.8.0")."""
    return origin.split(":", 1)[0]


def _stale(model: Any, rows: Iterable[tuple[int, str]], origin: str) -> list[int]:
    """Live rows of the same suggester that nobody decided on (imported rows are never stale)."""
    candidates = [i for i, o in rows if _family(o) == _family(origin)]
    if not candidates:
        return []
    decided = set()
    for chunk in _chunks(candidates, 500):
        decided |= {i for (i,) in model.select(model.derived_from).where(model.derived_from.in_(chunk)).tuples()}
    return [i for i in candidates if i not in decided]


def _retag(model: Any, rows: Iterable[tuple[int, str]], origin: str, stamp: str) -> list[int]:
    """Give live, undecided rows of the same suggester that the new run proposes again the new origin: the
    origin says which model suggests a row now (a decided-on row keeps the origin the analyst saw)."""
    ids = _stale(model, ((i, o) for i, o in rows if o != origin), origin)
    for chunk in _chunks(ids, 500):
        model.update(origin=origin, updated=stamp).where(model.id.in_(chunk)).execute()
    return ids


def _set_deleted(model: Any, ids: Sequence[int], deleted: bool, origin: str | None = None) -> None:
    values: dict[str, Any] = {"deleted": deleted, "updated": now()}
    if origin is not None:
        values["origin"] = origin
    for chunk in _chunks(list(ids), 500):
        model.update(**values).where(model.id.in_(chunk)).execute()


def checked_roles(st: StoreContext, claim: ClaimIn | ClaimSuggestion, text: str, where: str) -> dict[str, list[Span]]:
    """The claim's roles that have spans, each its distinct spans in order, checked against ``text``.

    Raises:
        ValidationError: a span outside the text (named ``where`` and the role), or a claim without any span.
    """
    roles = {
        role: sorted({st.span(s.start, s.end, text, f"{where} {role}") for s in spans})
        for role, spans in (("source", claim.source), ("cue", claim.cue), ("content", claim.content))
    }
    roles = {r: s for r, s in roles.items() if s}
    if not roles:
        raise ValidationError(f"{where} has no spans")
    return roles


def store_suggestions(st: StoreContext, sugg: ArticleSuggestions) -> Change:
    article_id = sugg.article_id
    text = st.article_text(article_id)
    origin = sugg.origin
    if not isinstance(origin, str) or not origin.strip():
        raise ValidationError(f"suggestions for article {article_id!r} have no origin")
    where = f"suggestion for article {article_id!r}"
    for e in sugg.entities:
        st.span(e.start, e.end, text, f"{where}: entity")
        st.check_label(e.label)
    claim_roles: list[dict[str, list[Span]]] = []
    for c in sugg.claims:
        roles = checked_roles(st, c, text, f"{where}: claim")
        st.check_claim_attributes({"kind": c.kind, "form": c.form, "issue": c.issue})
        claim_roles.append(roles)

    layer = st.suggestions_layer()
    ev = EventBuilder(Action.SUGGEST, None, article_id)
    ev.extra["origin"] = origin
    proposals = [(a.key, a.name, a.kind, tuple(a.aliases)) for a in sugg.actors]
    actor_ids, created_actors = resolve_actors(st, proposals) if proposals else ({}, [])
    ev.add_bulk("actor", "created", created_actors)
    stamp = now()

    # Entities: key (start, end, label); one read of what exists, bulk insert of what is new.
    existing = {
        (s, e, lab): (i, o, bool(d)) for i, s, e, lab, o, d in rows_for(_layer_entities, (article_id, layer))
    }
    proposed: dict[tuple[int, int, str], int | None] = {}
    for e in sugg.entities:
        proposed.setdefault((e.start, e.end, e.label), actor_ids.get(e.actor_key) if e.actor_key else None)
    new_rows = [
        entity_row(article=article_id, layer=layer, start=s, end=e, label=lab, actor=actor,
                   status=Status.SUGGESTED.value, origin=origin, stamp=stamp)
        for (s, e, lab), actor in proposed.items()
        if (s, e, lab) not in existing
    ]
    revived = [existing[k][0] for k in proposed if k in existing and existing[k][2]]
    stale = _stale(Entity, ((i, o) for k, (i, o, d) in existing.items() if not d and k not in proposed), origin)
    _set_deleted(Entity, revived, False, origin)
    _set_deleted(Entity, stale, True)
    retagged = _retag(Entity, ((i, o) for k, (i, o, d) in existing.items() if not d and k in proposed), origin, stamp)
    if retagged:  # only the origin changed: not a bulk kind that undo would have to invert
        ev.extra.setdefault("re_suggested", {})["entity"] = retagged
    if new_rows:
        before = {i for i, _, _ in existing.values()}
        # The unique suggestion key (migration 5) backs the read above when two people suggest at once.
        bulk_insert(Entity, new_rows, ignore_conflicts=True)
        ev.add_bulk("entity", "created", sorted({i for i, *_ in rows_for(_layer_entities, (article_id, layer))}
                                                - before))
    ev.add_bulk("entity", "undeleted", revived)
    ev.add_bulk("entity", "deleted", stale)

    # Claims: key = their spans; the source actor comes from its key or from the mention it refers to.
    mention_actor = {(e.start, e.end): actor_ids.get(e.actor_key) for e in sugg.entities if e.actor_key}
    existing_c = {k: (i, o, bool(d)) for i, k, o, d in rows_for(_layer_claims, (article_id, layer))}
    new_claims: dict[str, tuple[Any, dict[str, list[Span]]]] = {}
    for c, roles in zip(sugg.claims, claim_roles, strict=True):
        key = span_key(roles)
        if key not in new_claims:
            new_claims[key] = (c, roles)
    to_insert = []
    issues = set(st.codebook().issue_codes) if any(c.issue is not None for c, _ in new_claims.values()) else set()
    for key, (c, _roles) in new_claims.items():
        if key in existing_c:
            continue
        actor = actor_ids.get(c.source_actor_key) if c.source_actor_key else None
        if actor is None and c.source_ref is not None:
            actor = mention_actor.get((c.source_ref.start, c.source_ref.end))
        addressee = actor_ids.get(c.addressee_actor_key) if c.addressee_actor_key else None
        if addressee is None and c.addressee is not None:
            addressee = mention_actor.get((c.addressee.start, c.addressee.end))
        to_insert.append(
            claim_row(article=article_id, layer=layer, kind=c.kind, form=c.form, source_actor=actor,
                      addressee=addressee if addressee != actor else None,
                      # A code the codebook no longer has is left out rather than refusing the article.
                      issue=c.issue if c.issue is not None and c.issue in issues else None,
                      stance=c.stance if c.stance in (-1, 0, 1) else None,
                      status=Status.SUGGESTED.value, origin=origin, span_key=key, stamp=stamp)
        )
    revived_c = [existing_c[k][0] for k in new_claims if k in existing_c and existing_c[k][2]]
    stale_c = _stale(Claim, ((i, o) for k, (i, o, d) in existing_c.items() if not d and k not in new_claims), origin)
    _set_deleted(Claim, revived_c, False, origin)
    _set_deleted(Claim, stale_c, True)
    retagged_c = _retag(Claim, ((i, o) for k, (i, o, d) in existing_c.items() if not d and k in new_claims), origin,
                        stamp)
    if retagged_c:
        ev.extra.setdefault("re_suggested", {})["claim"] = retagged_c
    if to_insert:
        bulk_insert(Claim, to_insert, ignore_conflicts=True)
        wanted = {r["span_key"] for r in to_insert}
        inserted = {k: i for i, k, _, _ in rows_for(_layer_claims, (article_id, layer)) if k in wanted}
        spans = [row for r in to_insert for row in span_rows(inserted[r["span_key"]], new_claims[r["span_key"]][1])]
        bulk_insert(ClaimSpan, spans)
        ev.add_bulk("claim", "created", sorted(inserted.values()))
    ev.add_bulk("claim", "undeleted", revived_c)
    ev.add_bulk("claim", "deleted", stale_c)

    SuggestionRun.insert(article=article_id, origin=origin, at=stamp).on_conflict(
        conflict_target=[SuggestionRun.article, SuggestionRun.origin], update={SuggestionRun.at: stamp}
    ).execute()
    return ev.write()


def _layer_entities(article_id: Any, layer: Any) -> Any:
    """An article's entity rows of one layer, for :func:`rows_for` (composed once)."""
    return Entity.select(Entity.id, Entity.start, Entity.end, Entity.label, Entity.origin, Entity.deleted).where(
        Entity.article == article_id, Entity.layer == layer
    )


def _layer_claims(article_id: Any, layer: Any) -> Any:
    """An article's claims of one layer (id, span key, origin, deleted), for :func:`rows_for`."""
    return Claim.select(Claim.id, Claim.span_key, Claim.origin, Claim.deleted).where(
        Claim.article == article_id, Claim.layer == layer
    )


def articles_needing_suggestions(origin: str, force: bool) -> list[str]:
    query = Article.select(Article.id).order_by(Article.position)
    if not force:
        done = SuggestionRun.select(SuggestionRun.article).where(SuggestionRun.origin == origin)
        query = query.where(Article.id.not_in(done))
    return [i for (i,) in query.tuples()]
