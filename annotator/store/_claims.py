"""Claims: the working view, adding a claim with its role spans, and layered decisions on claims."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.core.changes import Action
from annotator.core.codebook import Section
from annotator.core.errors import NotFoundError, ValidationError
from annotator.core.records import Change, ClaimKind, ClaimView, Role, Span, Status
from annotator.store._compiled import rows_for
from annotator.store._context import StoreContext, dumps, now
from annotator.store._entities import article_rows, check_actor, decide, decided_ids, delete_own
from annotator.store._rows import claim_row
from annotator.store._snapshots import EventBuilder, spans_snapshot
from annotator.store._views import claim_query, claim_views, view_by_id
from annotator.store.models import Claim, ClaimSpan, Entity, bulk_insert

#: Attributes ``update_claim`` accepts, mapped to columns.
ATTRIBUTES = {
    "kind": "kind",
    "form": "form",
    "issue": "issue",
    "stance": "stance",
    "note": "note",
    "source_actor_id": "source_actor",
    "addressee_id": "addressee",
    "variables": "variables",
}
#: Columns that decide between "accepted" and "corrected" (``span_key`` stands for the spans).
_COMPARED = ("kind", "form", "issue", "stance", "note", "source_actor", "addressee", "variables", "span_key")
_ROLE_ORDER = {Role.SOURCE.value: 0, Role.CUE.value: 1, Role.CONTENT.value: 2}


def span_key(roles: Mapping[str, Sequence[Span]]) -> str:
    """Canonical text of a claim's spans, e.g. ``cue:5-9;content:10-40,50-60``; equal spans = equal key."""
    parts = []
    for role in sorted(roles, key=lambda r: _ROLE_ORDER.get(r, 9)):
        spans = sorted(set(roles[role]))
        if spans:
            parts.append(f"{role}:" + ",".join(f"{s.start}-{s.end}" for s in spans))
    return ";".join(parts)


def variables_text(st: StoreContext, values: Any) -> str:
    """The stored form of a claim's variable values: checked, unset ones dropped, keys sorted (comparable)."""
    checked = st.codebook().check_variables(values)
    return dumps(dict(sorted(checked.items())))


def check_spans(st: StoreContext, spans: Sequence[Any], text: str, role: str) -> list[Span]:
    out = []
    for span in spans:
        if isinstance(span, Span):
            start, end = span.start, span.end
        else:
            try:
                start, end = span
            except (TypeError, ValueError):
                raise ValidationError(f"{role} span {span!r} is not a (start, end) pair") from None
        out.append(st.span(start, end, text, f"{role} span"))
    return sorted(set(out))


def _spans_by_ordinal(claim_id: int) -> Any:
    return (ClaimSpan.select(ClaimSpan.role, ClaimSpan.start, ClaimSpan.end)
            .where(ClaimSpan.claim == claim_id).order_by(ClaimSpan.ordinal))


def role_spans_of(claim_id: int) -> dict[str, list[Span]]:
    roles: dict[str, list[Span]] = {}
    for role, start, end in rows_for(_spans_by_ordinal, (claim_id,)):
        roles.setdefault(role, []).append(Span(start, end))
    return roles


def span_rows(claim_id: int, roles: Mapping[str, Sequence[Span]]) -> list[dict[str, Any]]:
    return [
        {"claim": claim_id, "role": role, "start": s.start, "end": s.end, "ordinal": i}
        for role, spans in roles.items()
        for i, s in enumerate(sorted(spans))
    ]


def _insert_spans(rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Insert span rows (in this order, so their ids follow it) and return them as the snapshot holds them."""
    if rows:
        bulk_insert(ClaimSpan, rows)
    return [[r["role"], r["start"], r["end"], r["ordinal"]] for r in rows]


def write_spans(claim_id: int, roles: Mapping[str, Sequence[Span]], *, fresh: bool = False) -> list[list[Any]]:
    """Replace the spans of a claim (``fresh``: a row just inserted, which has none); returns its ``_spans``."""
    if not fresh:
        ClaimSpan.delete().where(ClaimSpan.claim == claim_id).execute()
    return _insert_spans(span_rows(claim_id, roles))


def copy_spans(from_id: int, to_id: int) -> list[list[Any]]:
    """Give the claim ``to_id``, a row just inserted, the spans of ``from_id``, as they are; returns its ``_spans``.

    The rows are copied as written (their roles, ordinals and order), so the copy's snapshot is the original's.
    """
    rows = [{"claim": to_id, "role": role, "start": start, "end": end, "ordinal": ordinal}
            for role, start, end, ordinal in spans_snapshot(from_id)]
    return _insert_spans(rows)


def claims_for(
    st: StoreContext, article_id: str, annotator: str | None, layer: str | None, include_deleted: bool
) -> list[ClaimView]:
    text = st.article_text(article_id)
    rows = article_rows(st, Claim, claim_query(), article_id, annotator, layer, include_deleted, lambda r: r["id"])
    return _sorted(claim_views(st, rows, {article_id: text}))


def _sorted(views: list[ClaimView]) -> list[ClaimView]:
    def key(v: ClaimView) -> tuple[int, int]:
        starts = [r.start for r in (v.source, v.cue, v.content) if r is not None]
        return (min(starts) if starts else 0, v.id)

    return sorted(views, key=key)


def _claim_by_id(claim_id: int) -> Any:
    return claim_query().where(Claim.id == claim_id)


def claim_view(st: StoreContext, claim_id: int) -> ClaimView:
    return view_by_id(st, _claim_by_id, claim_id, claim_views, "claim")


def add_claim(
    st: StoreContext,
    article_id: str,
    annotator: str,
    roles_in: dict[str, Sequence[Any]],
    attrs: dict[str, Any],
) -> Change:
    text = st.article_text(article_id)
    roles = {role: check_spans(st, spans, text, role) for role, spans in roles_in.items()}
    if not any(roles.values()):
        raise ValidationError("a claim needs at least one span (cue, content or source)")
    book = st.codebook()
    if attrs.get("kind") is None:
        attrs["kind"] = ClaimKind.OTHER.value if ClaimKind.OTHER.value in book.names(Section.KIND) else ""
    if attrs.get("form") is None:
        attrs["form"] = forms[0] if (forms := book.names(Section.FORM)) else ""
    st.check_claim_attributes(attrs)
    check_actor(attrs.get("source_actor_id"))
    check_actor(attrs.get("addressee_id"))
    row = claim_row(
        article=article_id,
        layer=st.decision_layer(annotator),
        kind=attrs["kind"],
        form=attrs["form"],
        source_actor=attrs.get("source_actor_id"),
        addressee=attrs.get("addressee_id"),
        issue=attrs.get("issue"),
        stance=attrs.get("stance"),
        note=attrs.get("note", ""),
        variables=variables_text(st, attrs.get("variables") or {}),
        status=Status.MANUAL.value,
        origin="manual",
        created_by=annotator,
        span_key=span_key(roles),
    )
    claim_id = int(Claim.insert(**row).execute())
    write_spans(claim_id, roles, fresh=True)
    ev = EventBuilder(Action.ADD_CLAIM, annotator, article_id)
    ev.touch("claim", claim_id, None, created=True)
    return ev.write()


def _decide(
    st: StoreContext,
    claim_id: int,
    annotator: str,
    action: Action,
    changes: dict[str, Any],
    roles: dict[str, list[Span]] | None = None,
    reject: bool = False,
) -> Change:
    """Write a claim decision; ``roles`` (complete, validated) replaces the spans of the decided row."""

    def mutate(values: dict[str, Any]) -> None:
        values.update(changes)
        if roles is not None:
            values["span_key"] = span_key(roles)

    def after_write(decided_id: int, target_id: int, created: bool) -> list[list[Any]] | None:
        if roles is not None:
            return write_spans(target_id, roles, fresh=created)
        if created:
            return copy_spans(decided_id, target_id)
        return None  # the spans are as they were

    return decide(
        st,
        Claim,
        claim_id,
        annotator,
        action,
        mutate,
        _COMPARED,
        reject=reject,
        after_write=after_write,
    )


def set_claim_role(st: StoreContext, claim_id: int, role: str, spans: Sequence[Any], annotator: str) -> Change:
    role = st.check_role(role)
    row = Claim.get_or_none(Claim.id == claim_id)
    if row is None or row.deleted:
        raise NotFoundError(f"unknown claim {claim_id!r}")
    text = st.article_text(row.article_id)
    roles = role_spans_of(claim_id)
    roles[role] = check_spans(st, spans, text, role)
    roles = {r: s for r, s in roles.items() if s}
    if not roles:
        raise ValidationError("a claim needs at least one span; use delete_claim to remove it")
    return _decide(st, claim_id, annotator, Action.SET_CLAIM_ROLE, {}, roles)


def update_claim(st: StoreContext, claim_id: int, annotator: str, attributes: dict[str, Any]) -> Change:
    unknown = sorted(set(attributes) - set(ATTRIBUTES))
    if unknown:
        raise ValidationError(
            f"unknown claim attribute(s) {', '.join(map(repr, unknown))}; expected {sorted(ATTRIBUTES)}"
        )
    st.check_claim_attributes(attributes)
    for key in ("source_actor_id", "addressee_id"):
        if key in attributes:
            check_actor(attributes[key])
    changes = {ATTRIBUTES[k]: v for k, v in attributes.items()}
    if "variables" in changes:
        changes["variables"] = variables_text(st, changes["variables"])
    return _decide(st, claim_id, annotator, Action.UPDATE_CLAIM, changes)


def accept_claim(st: StoreContext, claim_id: int, annotator: str) -> Change:
    return _decide(st, claim_id, annotator, Action.ACCEPT_CLAIM, {})


def reject_claim(st: StoreContext, claim_id: int, annotator: str, action: Action = Action.REJECT_CLAIM) -> Change:
    return _decide(st, claim_id, annotator, action, {}, reject=True)


def delete_claim(st: StoreContext, claim_id: int, annotator: str) -> Change:
    """Delete a manual claim of one's own; on a suggestion or a decision it becomes a rejection."""
    return delete_own(st, Claim, claim_id, annotator, Action.DELETE_CLAIM, reject_claim)


def accept_all(st: StoreContext, article_id: str, annotator: str) -> Change:
    """Accept every live suggestion (entities and claims) the annotator's layer has not decided on."""
    st.article_text(article_id)
    layer_id = st.decision_layer(annotator)
    suggestions = st.suggestions_layer()
    ev = EventBuilder(Action.ACCEPT_ALL_SUGGESTIONS, annotator, article_id)
    stamp = now()
    for model, table in ((Entity, "entity"), (Claim, "claim")):
        own = list(
            model.select(model.id, model.derived_from)
            .where(model.article == article_id, model.layer == layer_id, model.deleted == False)  # noqa: E712
            .dicts()
        )
        decided = decided_ids(model, layer_id, own)
        pending = (
            model.select()
            .where(
                model.article == article_id,
                model.layer == suggestions,
                model.deleted == False,  # noqa: E712
            )
            .order_by(model.id)
        )
        for r in list(pending.dicts()):
            if r["id"] in decided:
                continue
            values = {k: v for k, v in r.items() if k != "id"}
            values.update(
                layer=layer_id,
                derived_from=r["id"],
                created_by=annotator,
                created=stamp,
                updated=stamp,
                status=Status.ACCEPTED.value,
            )
            new_id = int(model.insert(**values).execute())
            if table == "claim":
                copy_spans(r["id"], new_id)
            ev.touch(table, new_id, None, created=True)
    return ev.write()
