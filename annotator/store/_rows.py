"""Row factories: the one place that spells out every column of a new entity or claim row.

A decision, an import and a suggestion run all insert rows; each builds them here (keyword-only, so no column is
passed by position), so a new column is added once and gets one default.
"""

from __future__ import annotations

from typing import Any

from annotator.store._context import now


def _lifecycle(
    article: str, layer: int, status: str, origin: str, derived_from: int | None, created_by: str | None,
    stamp: str | None,
) -> dict[str, Any]:
    """The columns entities and claims share: where the row is, what it says of itself, and when."""
    stamp = stamp or now()
    return {"article": article, "layer": layer, "status": status, "origin": origin, "derived_from": derived_from,
            "created_by": created_by, "created": stamp, "updated": stamp, "deleted": False}


def entity_row(
    *, article: str, layer: int, start: int, end: int, label: str, status: str, origin: str,
    actor: int | None = None, derived_from: int | None = None, created_by: str | None = None,
    stamp: str | None = None,
) -> dict[str, Any]:
    """The insert values of one live entity row (``stamp``: created = updated time, default now)."""
    row = _lifecycle(article, layer, status, origin, derived_from, created_by, stamp)
    row.update(start=start, end=end, label=label, actor=actor)
    return row


def claim_row(
    *, article: str, layer: int, kind: str, form: str, status: str, origin: str, span_key: str,
    source_actor: int | None = None, addressee: int | None = None, issue: str | None = None,
    stance: int | None = None, note: str = "", variables: str = "{}", derived_from: int | None = None,
    created_by: str | None = None, stamp: str | None = None,
) -> dict[str, Any]:
    """The insert values of one live claim row (its spans go to ``ClaimSpan`` with ``span_rows``)."""
    row = _lifecycle(article, layer, status, origin, derived_from, created_by, stamp)
    row.update(kind=kind, form=form, source_actor=source_actor, addressee=addressee, issue=issue, stance=stance,
               note=note, variables=variables, span_key=span_key)
    return row
