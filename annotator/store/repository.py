"""The one API through which the CLI, the jobs and the GUI read and change the database.

CONTRACT (implemented by the store helper; the signatures below are fixed, other modules code against them).

Rules:
- Every method returns ``annotator.core.records`` dataclasses, never peewee objects.
- Every mutation runs in ONE transaction, writes one ``Event`` row (audit: who, action, object, before -> after
  JSON snapshots of each touched row) and returns a ``Change``.
- Deletes are soft (a ``deleted`` flag); nothing is ever lost.
- Decisions are layered: model suggestions live in the ``suggestions`` layer with status ``suggested`` and are
  never modified by a human decision. When annotator A decides on a suggestion (accept / reject / relabel /
  resize / link actor), a row is created in A's layer with ``derived_from`` = the suggestion id and the new status
  (accepted, rejected, corrected). Deciding again on A's own row updates it in place. ``entities_for`` /
  ``claims_for`` with ``annotator=A`` return A's rows plus the suggestions A has not yet decided on (status
  suggested) — the "working view".
- Validation: offsets inside the text, start < end, a label from the label set, known article / annotator / row;
  a ``ValidationError`` / ``NotFoundError`` with a clear message otherwise; nothing is written then.
- ``revert(event_id)`` restores every row touched by that event to its ``before`` snapshot (rows the event created
  become deleted) in one transaction, writes a new event (action "revert") and returns its Change. Undo is
  ``revert(change.event_id)``; redo is ``revert(undo_change.event_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from annotator.core.records import (
    ActorView,
    ArticleIn,
    ArticleStatus,
    ArticleSuggestions,
    ArticleSummary,
    ArticleView,
    Change,
    ClaimView,
    EntityView,
    ImportResult,
    Span,
)


class Repository:
    """Facade over one open database. Build it with ``annotator.store.open_repository(url_or_path)``."""

    # ---------------------------------------------------------------- setup / annotators / settings
    def close(self) -> None: ...
    @property
    def location(self) -> str: ...  # the path or URL opened
    def labels(self) -> list[str]: ...  # the project's label set (defaults from resources/labels.json)
    def get_setting(self, key: str, default: Any = None) -> Any: ...
    def set_setting(self, key: str, value: Any) -> None: ...
    def ensure_annotator(self, name: str, role: str = "annotator") -> None: ...
    def annotators(self) -> list[tuple[str, str]]: ...  # (name, role)

    # ---------------------------------------------------------------- articles
    def add_article(self, article: ArticleIn, *, annotator: str | None = None) -> ImportResult:
        """Store one imported article (dedup by text_sha256: an existing text returns created=False).

        Pre-existing entities/claims/actors in ``article`` are stored in the layer named by each item's
        ``annotator`` (None -> the ``annotator`` argument's layer if given, else the suggestions layer), so a
        round trip of our export keeps layers. On a duplicate, items of layers that the stored article does not yet
        have are added (merging another machine's work); nothing else changes.
        """
        ...

    def count_articles(self) -> int: ...
    def article(self, article_id: str) -> ArticleView: ...
    def article_ids(self) -> list[str]: ...  # import order
    def article_summaries(
        self, *, annotator: str | None = None, text: str = "", status: str | None = None,
        label: str | None = None, offset: int = 0, limit: int | None = None,
    ) -> list[ArticleSummary]:
        """Rows for the article list, filtered (title/text substring, annotator status, has a mention of label)."""
        ...

    def iter_articles(self, ids: Sequence[str] | None = None, batch: int = 500) -> Iterator[ArticleView]: ...

    # ---------------------------------------------------------------- suggestions
    def articles_needing_suggestions(self, origin: str, force: bool = False) -> list[str]: ...
    def store_suggestions(self, suggestions: ArticleSuggestions) -> Change:
        """Upsert one article's model suggestions (layer ``suggestions``), idempotently.

        Re-running never duplicates rows (key: article, start, end, label for entities; article, cue and content
        spans for claims) and never changes a human row. Older-origin suggestions of the article that nobody
        decided on and that the new run no longer proposes are soft-deleted. Actor suggestions are matched to
        project actors by name/alias (kind-compatible) or created. Marks the article as suggested by ``origin``.
        """
        ...

    # ---------------------------------------------------------------- reads for one article
    def entities_for(self, article_id: str, *, annotator: str | None = None, layer: str | None = None,
                     include_deleted: bool = False) -> list[EntityView]: ...
    def claims_for(self, article_id: str, *, annotator: str | None = None, layer: str | None = None,
                   include_deleted: bool = False) -> list[ClaimView]: ...
    def entity(self, entity_id: int) -> EntityView: ...
    def claim(self, claim_id: int) -> ClaimView: ...

    # ---------------------------------------------------------------- entity decisions (annotator = who decides)
    def accept_entity(self, entity_id: int, annotator: str) -> Change: ...
    def reject_entity(self, entity_id: int, annotator: str) -> Change: ...
    def relabel_entity(self, entity_id: int, label: str, annotator: str) -> Change: ...
    def resize_entity(self, entity_id: int, start: int, end: int, annotator: str) -> Change: ...
    def add_entity(self, article_id: str, start: int, end: int, label: str, annotator: str,
                   actor_id: int | None = None) -> Change: ...  # status manual
    def delete_entity(self, entity_id: int, annotator: str) -> Change: ...
    def link_entity_actor(self, entity_id: int, actor_id: int | None, annotator: str) -> Change: ...
    def accept_all_suggestions(self, article_id: str, annotator: str) -> Change:
        """Accept every entity and claim suggestion of the article the annotator has not decided on yet."""
        ...

    # ---------------------------------------------------------------- claims
    def add_claim(self, article_id: str, annotator: str, *, cue: Sequence[Span] = (),
                  content: Sequence[Span] = (), source: Sequence[Span] = (), kind: str = "other",
                  form: str = "statement", source_actor_id: int | None = None, addressee_id: int | None = None,
                  issue: str | None = None, stance: int | None = None, note: str = "") -> Change: ...
    def set_claim_role(self, claim_id: int, role: str, spans: Sequence[Span], annotator: str) -> Change:
        """Replace the spans of one role (source / cue / content); empty spans clear it (source may be empty)."""
        ...

    def update_claim(self, claim_id: int, annotator: str, **attributes: Any) -> Change:
        """Set any of kind, form, issue, stance, note, source_actor_id, addressee_id (validated)."""
        ...

    def accept_claim(self, claim_id: int, annotator: str) -> Change: ...
    def reject_claim(self, claim_id: int, annotator: str) -> Change: ...
    def delete_claim(self, claim_id: int, annotator: str) -> Change: ...

    # ---------------------------------------------------------------- actors
    def actors(self, query: str = "", limit: int | None = None) -> list[ActorView]: ...
    def actor(self, actor_id: int) -> ActorView: ...
    def add_actor(self, name: str, kind: str, annotator: str, aliases: Iterable[str] = (),
                  parent_id: int | None = None, notes: str = "") -> Change: ...
    def update_actor(self, actor_id: int, annotator: str, **attributes: Any) -> Change: ...
    def merge_actors(self, keep_id: int, merge_id: int, annotator: str) -> Change:
        """Move every mention/claim link and alias of ``merge_id`` to ``keep_id``; ``merge_id`` is soft-deleted."""
        ...

    # ---------------------------------------------------------------- article state, sessions
    def article_status(self, article_id: str, annotator: str) -> ArticleStatus: ...
    def set_article_status(self, article_id: str, annotator: str, status: ArticleStatus) -> Change: ...
    def add_time(self, article_id: str, annotator: str, seconds: float) -> None: ...  # not audited, not undoable
    def next_in_queue(self, annotator: str, after: str | None = None) -> str | None:
        """The next article (import order, after ``after`` if given, wrapping) this annotator has not done."""
        ...

    def progress(self, annotator: str) -> tuple[int, int]: ...  # (done, total)
    def start_session(self, annotator: str) -> int: ...
    def end_session(self, session_id: int, counts: dict[str, int] | None = None) -> None: ...

    # ---------------------------------------------------------------- audit / undo
    def revert(self, event_id: int, annotator: str) -> Change: ...
    def events(self, article_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]: ...

    # ---------------------------------------------------------------- export / stats
    def layers(self) -> list[tuple[str, str]]: ...  # (name, kind)
    def export_rows(self, article_id: str, layer: str | None, statuses: Sequence[str] | None = None
                    ) -> tuple[list[EntityView], list[ClaimView]]:
        """Rows for export. layer: 'suggestions', 'gold', an annotator name, or None for all layers."""
        ...

    def article_export_status(self, article_id: str) -> str: ...  # done if any annotator is done, etc.
    def stats(self) -> dict[str, Any]:
        """{'articles': {status: n}, 'layers': {layer: {label: {status: n}}}, 'claims': {layer: {status: n}}}."""
        ...
