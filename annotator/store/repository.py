"""The one API through which the CLI, the jobs and the GUI read and change the database.

Every other package reads and writes through this class (the ``_*`` helper modules do the work), so its
signatures are the store's contract; the data model and the change flow are in docs/architecture.md.

Rules:
- Every method returns ``annotator.core.records`` dataclasses, never peewee objects.
- Every mutation runs in ONE transaction, writes one ``Event`` row (audit: who, action, object, before ->
  after JSON snapshots of each touched row) and returns a ``Change``.
- Deletes are soft (a ``deleted`` flag); nothing is ever lost.
- Decisions are layered: model suggestions live in the ``suggestions`` layer with status ``suggested`` and are
  never modified by a human decision. When annotator A decides on a suggestion (accept / reject / relabel /
  resize / link actor), a row is created in A's layer with ``derived_from`` = the suggestion id and the new
  status (accepted, rejected, corrected). Deciding again on A's own row updates it in place. ``entities_for``
  / ``claims_for`` with ``annotator=A`` return A's rows plus the suggestions A has not yet decided on (status
  suggested) — the "working view".
- Validation: offsets inside the text, start < end, a label from the label set, known article / annotator /
  row; a ``ValidationError`` / ``NotFoundError`` with a clear message otherwise; nothing is written then.
- ``revert(event_id)`` restores every row touched by that event to its ``before`` snapshot (rows the event
  created become deleted) in one transaction, writes a new event (action "revert") and returns its Change.
  Undo is ``revert(change.event_id)``; redo is ``revert(undo_change.event_id)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from peewee import Database

from annotator.core.changes import Action
from annotator.core.claim_table import ClaimRow
from annotator.core.codebook import Codebook, Section
from annotator.core.codebook_edit import MergeReport
from annotator.core.errors import AnnotatorError, NotFoundError, PermissionDeniedError
from annotator.core.records import (
    ActorView,
    AnnotatorRole,
    ArticleIn,
    ArticleRecord,
    ArticleStatus,
    ArticleSuggestions,
    ArticleSummary,
    Change,
    ClaimView,
    EntityView,
    ImportResult,
    Span,
)
from annotator.core.trained_models import TrainedModel
from annotator.store import (
    _actors,
    _claim_table,
    _claims,
    _codebook,
    _entities,
    _export,
    _ingest,
    _models,
    _people,
    _queries,
    _review,
    _search,
    _search_pg,
    _snapshots,
)
from annotator.store._codebook import CodeUse
from annotator.store._context import StoreContext
from annotator.store._postgres import guard_methods
from annotator.store._views import article_record
from annotator.store.models import Article, Event

#: Defaults of the settings the code knows about.
SETTING_DEFAULTS: dict[str, Any] = {_review.OVERLAP_KEY: 1}


@guard_methods
class Repository:
    """Facade over one open database. Build it with ``annotator.store.open_repository(url_or_path)``.

    One instance may be shared by the GUI thread and a worker thread: peewee keeps one connection per thread
    and each call routes the models to this repository's database in the calling thread only. Several
    instances on several databases can live in one process.
    """

    def __init__(self, database: Database, location: str) -> None:
        """Wrap an opened, migrated database; use ``annotator.store.open_repository`` instead."""
        self._st = StoreContext(database, location)
        with self._st.tx():
            self._st.suggestions_layer()

    # ---------------------------------------------------------------- setup / annotators / settings
    def close(self) -> None:
        """Close the calling thread's connection (other threads' connections close when they end)."""
        if not self._st.db.is_closed():
            self._st.db.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Repository({self._st.location!r})"

    def prefer_current_thread(self) -> None:
        """Make the calling thread's writes interactive: in this process they go before background writes
        (a suggestion run) that have not started yet. The window's database thread calls it."""
        self._st.write_gate.prefer_current_thread()

    @property
    def location(self) -> str:
        """The path or URL opened."""
        return self._st.location

    def team_identity(self) -> tuple[str, str] | None:
        """(login, role) on an initialised PostgreSQL team server when the login is one of its people.

        The app and the CLI use the login as the annotator's name there: PostgreSQL knows who is connected.
        """
        with self._st.read():
            return self._st.team_identity()

    def labels(self) -> list[str]:
        """The project's entity labels, in codebook order (the keys 1-9 follow it)."""
        with self._st.read():
            return self._st.labels()

    # ---------------------------------------------------------------- the codebook
    def codebook(self) -> Codebook:
        """The project's codebook: the one vocabulary the UI, the suggesters and the exporters code with."""
        with self._st.read():
            return self._st.codebook()

    def replace_codebook(self, codebook: Codebook, annotator: str | None = None) -> Change:
        """Make ``codebook`` the project's (an edit in the codebook editor, ``codebook import --replace``).

        Refused while a code it would drop is used by a live mention or claim: the message names each such code
        and how many rows use it. Undoable (``revert``).
        """
        with self._st.tx():
            return _codebook.replace_codebook(self._st, codebook, annotator)

    def merge_codebook(self, codebook: Codebook, annotator: str | None = None) -> tuple[Change, MergeReport]:
        """Merge a codebook by name: new codes are added, existing ones updated, the project's others stay."""
        with self._st.tx():
            return _codebook.merge_codebook(self._st, codebook, annotator)

    def rename_code(self, section: Section, old: str, new: str, annotator: str | None = None) -> Change:
        """Rename a code and recode every row that uses it (a label's mentions and actor kinds, a claim
        attribute), in one undoable event. Renaming issue ``a`` also renames its sub-issues ``a/...``."""
        with self._st.tx():
            return _codebook.rename_code(self._st, Section(section), old, new, annotator)

    def merge_codes(self, section: Section, source: str, target: str, annotator: str | None = None) -> Change:
        """Move every row coded ``source`` to ``target`` and remove ``source``, in one undoable event."""
        with self._st.tx():
            return _codebook.merge_codes(self._st, Section(section), source, target, annotator)

    def delete_code(
        self,
        section: Section,
        name: str,
        annotator: str | None = None,
        *,
        move_to: str | None = None,
        clear: bool = False,
    ) -> Change:
        """Remove a code. Rows that use it move to ``move_to``, or with ``clear`` lose that attribute (not for
        labels: a mention needs one); a code in use without either is refused, naming how many rows use it."""
        with self._st.tx():
            return _codebook.delete_code(self._st, Section(section), name, annotator, move_to, clear)

    def code_usage(self, section: Section, name: str) -> int:
        """How many live mentions or claims use the code."""
        with self._st.read():
            return _codebook.usage_count(self._st, Section(section), name)

    def code_counts(self, section: Section) -> dict[str, int]:
        """Live mentions or claims per code of one section, in one query (unused codes are absent)."""
        with self._st.read():
            return _codebook.usage_counts(self._st, Section(section))

    def where_used(self, section: Section, name: str, limit: int | None = None, offset: int = 0) -> list[CodeUse]:
        """Every live mention or claim coded with the code, in article order (what "Where used" lists, a page of
        ``limit`` rows after the first ``offset`` at a time)."""
        with self._st.read():
            return _codebook.where_used(self._st, Section(section), name, limit, offset)

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A project setting; without ``default``, known settings fall back to theirs (``overlap``: 1)."""
        if default is None:
            default = SETTING_DEFAULTS.get(key)
        with self._st.read():
            return self._st.setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable project setting (not audited); ``overlap`` must be an int >= 1."""
        text = _people.setting_text(key, value)
        with self._st.tx():
            _people.set_setting(self._st, key, text)

    def ensure_annotator(self, name: str, role: str | None = None) -> None:
        """Create the annotator (and their layer) if new; an explicit ``role`` is set on an existing one too.

        Without ``role`` a new annotator gets role "annotator" and an existing one keeps theirs, so opening a
        session with a reviewer's name does not demote them.
        """
        name, value = _people.checked_annotator(name, role)
        with self._st.tx():
            _people.ensure_annotator(self._st, name, value, role_given=role is not None)

    def annotators(self) -> list[tuple[str, str]]:
        """(name, role) of every annotator, by name."""
        with self._st.read():
            return _people.annotators()

    # ---------------------------------------------------------------- articles
    def add_article(self, article: ArticleIn, *, annotator: str | None = None) -> ImportResult:
        """Store one imported article (dedup by text_sha256: an existing text returns created=False).

        Pre-existing entities/claims/actors in ``article`` are stored in the layer named by each item's
        ``annotator`` (None -> the ``annotator`` argument's layer if given, else the suggestions layer), so a
        round trip of our export keeps layers. On a duplicate, items of layers that the stored article does
        not yet have are added (merging another machine's work); nothing else changes.
        """
        with self._st.tx(exclusive="catalogue"):
            return _ingest.add_article(self._st, article, annotator)

    def add_articles(
        self, articles: Sequence[ArticleIn], *, annotator: str | None = None
    ) -> list[ImportResult | AnnotatorError]:
        """Store many imported articles in one transaction; ``add_article`` for each, results in order.

        An article that cannot be stored (an empty text, a span outside its text, an unknown label) gets its
        error in the result list and leaves nothing behind; the others are stored.
        """
        with self._st.tx():
            return _ingest.add_articles(self._st, articles, annotator)

    def count_articles(self) -> int:
        with self._st.read():
            return _queries.article_count()

    def has_articles(self) -> bool:
        """Whether the project holds any article: one row read, where a count reads them all (80-100 ms at a
        million articles, which the window's start paid before its first paint)."""
        with self._st.read():
            return bool(Article.select(Article.position).limit(1).exists())

    def article(self, article_id: str) -> ArticleRecord:
        with self._st.read():
            row = Article.select().where(Article.id == article_id).dicts().first()
        if row is None:
            raise NotFoundError(f"unknown article {article_id!r}")
        return article_record(row)

    def article_ids(self) -> list[str]:
        """Every article id, in import order."""
        with self._st.read():
            return [i for (i,) in Article.select(Article.id).order_by(Article.position).tuples()]

    def article_summaries(
        self,
        *,
        annotator: str | None = None,
        text: str = "",
        status: str | None = None,
        label: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        ready_for_review: bool = False,
    ) -> list[ArticleSummary]:
        """Rows for the article list, filtered (words of the title/text, annotator status, has a mention of label).

        ``text``: every word must start a word of the title or text (case and accents folded; FTS5 on SQLite,
        see ``annotator.store._search``); a query without letters or digits is a substring match.

        With ``annotator``: status is theirs and counts are of their working view (their live non-rejected
        rows plus the suggestions they have not decided on; ``n_suggested`` = those undecided entity + claim
        suggestions). Without: the overall status (done > in_progress > skipped > todo over all annotators)
        and counts over all human/gold layers plus suggestions no one decided on. Import order.
        ``ready_for_review`` keeps only articles whose required annotators (the overlap) are done, reviewed
        ones included (the reviewer's list in review mode).
        """
        with self._st.read():
            return _queries.article_summaries(
                self._st, annotator, text, status, label, offset, limit, ready_for_review
            )

    def search_backlog(self) -> int:
        """How many stored articles the text filter's index has still to take in (a bulk import leaves its
        articles to be indexed afterwards; the filter indexes them itself before it searches, if need be)."""
        with self._st.read():
            return _search.backlog_size(self._st.db)

    def settle_after_import(self) -> bool:
        """Bring the tables an import filled up to date for the planner and the text filter (PostgreSQL, when
        this login owns them: ``VACUUM (ANALYZE)``); SQLite needs nothing. True when something was done."""
        with self._st.read():
            return _search_pg.settle_imported_tables(self._st.db)

    def index_search_backlog(self, limit: int | None = 1000) -> int:
        """Index up to ``limit`` articles of the backlog (all for None) in one transaction; returns how many
        are left (``jobs.importing.catch_up_search`` runs it in steps, with progress and cancel)."""
        with self._st.tx():
            return _search.index_backlog(self._st.db, limit)

    def iter_articles(self, ids: Sequence[str] | None = None, batch: int = 500) -> Iterator[ArticleRecord]:
        """Articles in import order, or ``ids`` in the given order (unknown ids skipped), read in batches."""
        wanted = list(ids) if ids is not None else self.article_ids()
        for i in range(0, len(wanted), max(1, batch)):
            chunk = wanted[i : i + max(1, batch)]
            # Read inside the routed block, yield outside it: the consumer may use other repositories.
            with self._st.read():
                rows = {r["id"]: r for r in Article.select().where(Article.id.in_(chunk)).dicts()}
            for article_id in chunk:
                if article_id in rows:
                    yield article_record(rows[article_id])

    # ---------------------------------------------------------------- suggestions
    def articles_needing_suggestions(self, origin: str, force: bool = False) -> list[str]:
        """Ids (import order) not yet suggested by ``origin``; every id with ``force``."""
        with self._st.read():
            return _ingest.articles_needing_suggestions(origin, force)

    def store_suggestions(self, suggestions: ArticleSuggestions) -> Change:
        """Upsert one article's model suggestions (layer ``suggestions``), idempotently.

        Re-running never duplicates rows (key: article, start, end, label for entities; article, cue and
        content spans for claims) and never changes a human row. Older-origin suggestions of the article that
        nobody decided on and that the new run no longer proposes are soft-deleted. Actor suggestions are
        matched to project actors by name/alias (kind-compatible) or created. Marks the article as suggested
        by ``origin``.
        """
        with self._st.tx(exclusive="catalogue"):
            return _ingest.store_suggestions(self._st, suggestions)

    # ---------------------------------------------------------------- reads for one article
    def entities_for(
        self,
        article_id: str,
        *,
        annotator: str | None = None,
        layer: str | None = None,
        include_deleted: bool = False,
    ) -> list[EntityView]:
        """Mentions by start: the annotator's working view, or one layer's rows, or (neither) all layers."""
        with self._st.read():
            return _entities.entities_for(self._st, article_id, annotator, layer, include_deleted)

    def claims_for(
        self,
        article_id: str,
        *,
        annotator: str | None = None,
        layer: str | None = None,
        include_deleted: bool = False,
    ) -> list[ClaimView]:
        """Claims by first span: the annotator's working view, or one layer's rows, or all layers."""
        with self._st.read():
            return _claims.claims_for(self._st, article_id, annotator, layer, include_deleted)

    def claim_rows(self, layer: str | None = None, statuses: Sequence[str] | None = None) -> list[ClaimRow]:
        """Every live claim of ``layer`` (None: all layers) as a flat row with its article's date, outlet and title
        and its role texts, by id; only ``statuses`` when given. For the claims view and the networks."""
        with self._st.read():
            return _claim_table.claim_rows(self._st, layer, statuses)

    def entity(self, entity_id: int) -> EntityView:
        with self._st.read():
            return _entities.entity_view(self._st, entity_id)

    def claim(self, claim_id: int) -> ClaimView:
        with self._st.read():
            return _claims.claim_view(self._st, claim_id)

    # ---------------------------------------------------------------- entity decisions (annotator = who
    # decides)
    # A reviewer's decisions go to the gold layer; everybody else's to their own layer.
    def accept_entity(self, entity_id: int, annotator: str) -> Change:
        with self._st.tx(pipelined=True):
            return _entities.decide_entity(self._st, entity_id, annotator, Action.ACCEPT_ENTITY)

    def reject_entity(self, entity_id: int, annotator: str) -> Change:
        with self._st.tx(pipelined=True):
            return _entities.reject_entity(self._st, entity_id, annotator)

    def relabel_entity(self, entity_id: int, label: str, annotator: str) -> Change:
        with self._st.tx(pipelined=True):
            return _entities.decide_entity(self._st, entity_id, annotator, Action.RELABEL_ENTITY, label=label)

    def resize_entity(self, entity_id: int, start: int, end: int, annotator: str) -> Change:
        with self._st.tx(pipelined=True):
            return _entities.decide_entity(self._st, entity_id, annotator, Action.RESIZE_ENTITY, start=start, end=end)

    def add_entity(
        self, article_id: str, start: int, end: int, label: str, annotator: str, actor_id: int | None = None
    ) -> Change:
        """A new mention in the annotator's layer, status manual."""
        with self._st.tx():
            return _entities.add_entity(self._st, article_id, start, end, label, annotator, actor_id)

    def delete_entity(self, entity_id: int, annotator: str) -> Change:
        """Soft-delete one's own manual mention; on a suggestion or a decision on one, it is a rejection."""
        with self._st.tx():
            return _entities.delete_entity(self._st, entity_id, annotator)

    def link_entity_actor(self, entity_id: int, actor_id: int | None, annotator: str) -> Change:
        with self._st.tx(pipelined=True):
            return _entities.decide_entity(self._st, entity_id, annotator, Action.LINK_ENTITY_ACTOR, actor=actor_id)

    def accept_all_suggestions(self, article_id: str, annotator: str) -> Change:
        """Accept every entity and claim suggestion of the article the annotator has not decided on yet."""
        with self._st.tx():
            return _claims.accept_all(self._st, article_id, annotator)

    # ---------------------------------------------------------------- claims
    def add_claim(
        self,
        article_id: str,
        annotator: str,
        *,
        cue: Sequence[Span] = (),
        content: Sequence[Span] = (),
        source: Sequence[Span] = (),
        kind: str | None = None,
        form: str | None = None,
        source_actor_id: int | None = None,
        addressee_id: int | None = None,
        issue: str | None = None,
        stance: int | None = None,
        note: str = "",
        variables: dict[str, Any] | None = None,
    ) -> Change:
        """A new claim in the annotator's layer (status manual); it needs at least one span.

        Without ``kind`` it is "other" when the codebook has it, else not coded; without ``form`` the codebook's
        first form.
        """
        attrs = {
            "kind": kind,
            "form": form,
            "source_actor_id": source_actor_id,
            "addressee_id": addressee_id,
            "issue": issue,
            "stance": stance,
            "note": note,
            "variables": dict(variables or {}),
        }
        with self._st.tx():
            return _claims.add_claim(
                self._st, article_id, annotator, {"source": source, "cue": cue, "content": content}, attrs
            )

    def set_claim_role(self, claim_id: int, role: str, spans: Sequence[Span], annotator: str) -> Change:
        """Replace the spans of one role (source / cue / content); empty spans clear it (source may be empty)."""
        with self._st.tx():
            return _claims.set_claim_role(self._st, claim_id, role, spans, annotator)

    def update_claim(self, claim_id: int, annotator: str, **attributes: Any) -> Change:
        """Set any of kind, form, issue, stance, note, source_actor_id, addressee_id, variables (validated).

        ``variables`` replaces the claim's custom variable values (name -> value; None leaves one unset).
        """
        with self._st.tx():
            return _claims.update_claim(self._st, claim_id, annotator, attributes)

    def accept_claim(self, claim_id: int, annotator: str) -> Change:
        with self._st.tx():
            return _claims.accept_claim(self._st, claim_id, annotator)

    def reject_claim(self, claim_id: int, annotator: str) -> Change:
        with self._st.tx():
            return _claims.reject_claim(self._st, claim_id, annotator)

    def delete_claim(self, claim_id: int, annotator: str) -> Change:
        """Soft-delete one's own manual claim; on a suggestion or a decision on one, it is a rejection."""
        with self._st.tx():
            return _claims.delete_claim(self._st, claim_id, annotator)

    # ---------------------------------------------------------------- actors
    def actors(self, query: str = "", limit: int | None = None) -> list[ActorView]:
        """Live actors whose name or an alias contains ``query`` (case-insensitive), by name."""
        with self._st.read():
            return _actors.actors(query, limit)

    def actor(self, actor_id: int) -> ActorView:
        with self._st.read():
            return _actors.actor(actor_id)

    def add_actor(
        self,
        name: str,
        kind: str,
        annotator: str,
        aliases: Iterable[str] = (),
        parent_id: int | None = None,
        notes: str = "",
    ) -> Change:
        with self._st.tx(exclusive="catalogue"):
            return _actors.add_actor(name, kind, annotator, aliases, parent_id, notes)

    def update_actor(self, actor_id: int, annotator: str, **attributes: Any) -> Change:
        """Set any of name, kind, aliases, parent_id, notes (validated; a parent may not make a cycle)."""
        with self._st.tx():
            return _actors.update_actor(actor_id, annotator, attributes)

    def merge_actors(self, keep_id: int, merge_id: int, annotator: str) -> Change:
        """Move every mention/claim link and alias of ``merge_id`` to ``keep_id``; ``merge_id`` is soft-deleted."""
        with self._st.tx(exclusive="catalogue"):
            return _actors.merge_actors(keep_id, merge_id, annotator)

    # ---------------------------------------------------------------- article state, sessions
    def article_status(self, article_id: str, annotator: str) -> ArticleStatus:
        with self._st.read():
            return _queries.article_status(self._st, article_id, annotator)

    def set_article_status(self, article_id: str, annotator: str, status: ArticleStatus) -> Change:
        with self._st.tx():
            return _queries.set_article_status(self._st, article_id, annotator, status)

    def time_spent(self, article_id: str, annotator: str) -> float:
        """Seconds the annotator has spent on the article so far (what ``add_time`` recorded; 0 if none)."""
        with self._st.read():
            return _queries.time_spent(self._st, article_id, annotator)

    def add_time(self, article_id: str, annotator: str, seconds: float) -> None:
        """Add time spent on the article (not audited, not undoable)."""
        with self._st.tx():
            _queries.add_time(self._st, article_id, annotator, seconds)

    def next_in_queue(self, annotator: str, after: str | None = None) -> str | None:
        """The next article (import order, after ``after`` if given, wrapping) this annotator has not done.

        Done and skipped articles are left out. The overlap setting is honoured: an article is offered only
        while fewer than ``overlap`` other annotators have started or finished it (or it is already this
        annotator's). A reviewer's queue is the review queue: articles ``overlap`` annotators have done that
        are not yet reviewed.
        """
        with self._st.read():
            return _queries.next_in_queue(self._st, annotator, after)

    def progress(self, annotator: str) -> tuple[int, int]:
        """(done, total). An annotator's total: the articles theirs or still open to them under the overlap;
        a reviewer's: (reviewed, articles ready for review)."""
        with self._st.read():
            return _queries.progress(self._st, annotator)

    def start_session(self, annotator: str) -> int:
        with self._st.tx():
            return _queries.start_session(self._st, annotator)

    def end_session(self, session_id: int, counts: dict[str, int] | None = None) -> None:
        with self._st.tx():
            _queries.end_session(session_id, counts)

    # ---------------------------------------------------------------- review (reviewer role only)
    def overlap(self) -> int:
        """How many annotators should code each article (setting ``overlap``, default 1)."""
        with self._st.read():
            return _review.overlap(self._st)

    def done_annotators(self, article_id: str) -> list[str]:
        """Annotators (role annotator) who marked the article done, by name."""
        with self._st.read():
            self._st.article_text(article_id)
            return _review.done_annotators(article_id)

    def review_layers(self, article_id: str) -> dict[str, tuple[list[EntityView], list[ClaimView]]]:
        """Each done annotator's live rows of the article (rejected dropped), keyed by name, sorted."""
        with self._st.read():
            return _review.review_layers(self._st, article_id)

    def adopt_entity(self, entity_id: int, reviewer: str, *, replace: Sequence[int] = ()) -> Change:
        """Copy an annotator's mention into gold (derived_from = it, status accepted).

        Idempotent: when gold already has a live mention with the same span and label, that row is kept
        (accepted again if it was rejected) and no row is added. ``replace``: gold rows of the same article
        this version supersedes (the other version of a disputed item), soft-deleted in the same event.
        """
        with self._st.tx(exclusive="review"):
            return _review.adopt(self._st, "entity", entity_id, reviewer, replace)

    def adopt_claim(self, claim_id: int, reviewer: str, *, replace: Sequence[int] = ()) -> Change:
        """As :meth:`adopt_entity` for a claim (key: its spans; re-adopting takes the version's attributes)."""
        with self._st.tx(exclusive="review"):
            return _review.adopt(self._st, "claim", claim_id, reviewer, replace)

    def adopt_agreed(self, article_id: str, reviewer: str, items: Iterable[tuple[str, int]]) -> Change:
        """Adopt many rows at once, one transaction and one event: ``items`` are ("entity" | "claim", row id)."""
        with self._st.tx(exclusive="review"):
            return _review.adopt_many(self._st, article_id, reviewer, items)

    def mark_reviewed(self, article_id: str, reviewer: str) -> Change:
        """The reviewer's verdict: the article's gold layer is final; it leaves every review queue."""
        with self._st.tx():
            return _review.mark_reviewed(self._st, article_id, reviewer)

    def reviewed_article_ids(self) -> list[str]:
        """Articles marked reviewed, in import order (what a gold export writes)."""
        with self._st.read():
            return _review.reviewed_article_ids()

    # ---------------------------------------------------------------- audit / undo
    def revert(self, event_id: int, annotator: str) -> Change:
        """Restore every row the event touched to its state before it; a new "revert" event (redo: revert it)."""
        with self._st.tx():
            self._st.check_acting_as(annotator)
            _check_event_owner(self._st, event_id, annotator)
            return _snapshots.revert(event_id, annotator)

    def events(self, article_id: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        """Newest first: {id, at, annotator, action, article_id, payload}."""
        with self._st.read():
            return _queries.events(article_id, limit)

    # ---------------------------------------------------------------- export / stats
    def layers(self) -> list[tuple[str, str]]:
        """(name, kind) of every layer."""
        with self._st.read():
            return _queries.layers()

    def export_rows(
        self, article_id: str, layer: str | None, statuses: Sequence[str] | None = None
    ) -> tuple[list[EntityView], list[ClaimView]]:
        """Rows for export. layer: 'suggestions', 'gold', an annotator name, or None for all layers.

        Live (not deleted) rows of that layer only, every status unless ``statuses`` is given.
        """
        with self._st.read():
            return _queries.export_rows(self._st, article_id, layer, statuses)

    def article_export_status(self, article_id: str) -> str:
        """reviewed if a reviewer marked it so, else done if any annotator is done, else in_progress, else
        skipped, else todo."""
        with self._st.read():
            return _queries.article_export_status(article_id)

    def stats(self) -> dict[str, Any]:
        """Counts by status and label.

        ``{'articles': {status: n}, 'layers': {layer: {label: {status: n}}}, 'claims': {layer: {status: n}}}``
        """
        with self._st.read():
            return _queries.stats(self._st)

    def article_id_for_text(self, text: str) -> str | None:
        """The id of the stored article with exactly this text (matched by SHA-256), or None."""
        sha = _ingest.text_sha256(text)
        with self._st.read():
            found = Article.select(Article.id).where(Article.text_sha256 == sha).scalar()
        return str(found) if found is not None else None

    def export_batch(
        self,
        article_ids: Sequence[str],
        layer: str | None,
        statuses: Sequence[str] | None = None,
        status_of: str | None = None,
    ) -> list[tuple[ArticleRecord, str, list[EntityView], list[ClaimView]]]:
        """One batch of articles for export: (article, status, entities, claims) in the order of ``article_ids``.

        Same rows as ``export_rows`` per article, read in a few queries for the whole batch. ``status_of``: report
        that annotator's own article status instead of the overall one.
        """
        with self._st.read():
            return _export.export_batch(self._st, article_ids, layer, statuses, status_of)

    # ---------------------------------------------------------------- trained models (issue 11)
    def models(self) -> list[TrainedModel]:
        """The project's trained models, oldest first."""
        with self._st.read():
            return _models.models()

    def model(self, name: str) -> TrainedModel:
        """One trained model; ``NotFoundError`` naming the known ones."""
        with self._st.read():
            return _models.model(name)

    def active_model(self) -> TrainedModel | None:
        """The model suggestions use, or None for the base pipeline."""
        with self._st.read():
            return _models.active_model()

    def add_model(self, model: TrainedModel, annotator: str | None = None) -> None:
        """Record a trained model (made active, the others inactive, when ``model.active``); audited."""
        with self._st.tx():
            _models.add_model(model, annotator)

    def use_model(self, name: str | None, annotator: str | None = None) -> None:
        """Make ``name`` the active model (None: the base pipeline again); audited."""
        with self._st.tx():
            _models.use_model(name, annotator)

    def remove_model(self, name: str, annotator: str | None = None) -> TrainedModel:
        """Forget a trained model (its folder is the caller's business); returns what it was. Audited."""
        with self._st.tx():
            return _models.remove_model(name, annotator)

def _check_event_owner(st: StoreContext, event_id: int, annotator: str) -> None:
    """On a team server, undoing someone else's decision is for admins only."""
    identity = st.team_identity()
    if identity is None or identity[1] == AnnotatorRole.ADMIN.value:
        return
    owner = Event.select(Event.annotator).where(Event.id == event_id).scalar()
    if owner is not None and owner != annotator:
        raise PermissionDeniedError(f"{annotator} may not undo {owner}'s decision")
