"""Shared state and helpers of one open repository: database routing, transactions, caches, validation."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from peewee import Database, SqliteDatabase

from annotator.core.codebook import EMPTY_CODEBOOK, Codebook
from annotator.core.errors import NotFoundError, PermissionDeniedError
from annotator.core.names import validate_annotator_name
from annotator.core.records import (
    GOLD_LAYER,
    SUGGESTIONS_LAYER,
    AnnotatorRole,
    LayerKind,
    Role,
    Span,
    role_reviews,
)
from annotator.core.validation import check_choice
from annotator.store._compiled import rows_for
from annotator.store._postgres import advisory_lock, current_user, is_postgres
from annotator.store._postgres import pipelined as pipelined_block
from annotator.store._write_gate import WriteGate
from annotator.store.models import Annotator, Article, Layer, ProjectCodebook, Setting, bound
from annotator.store.preflight import explain, is_database_failure

#: Setting written by ``annotator server init``: this PostgreSQL database enforces roles for its people.
TEAM_SERVER_KEY = "team_server"

#: Layer names that are not people.
RESERVED_NAMES = frozenset({SUGGESTIONS_LAYER, GOLD_LAYER})


def now() -> str:
    """The current UTC time as an ISO 8601 string (what every timestamp column holds)."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _codebook_text() -> Any:
    """The project's stored codebook, for :func:`rows_for`."""
    return ProjectCodebook.select(ProjectCodebook.data).where(ProjectCodebook.id == 1)


def _article_text(article_id: str) -> Any:
    return Article.select(Article.text).where(Article.id == article_id)


def _annotator_row(name: str) -> Any:
    return Annotator.select(Annotator.id, Annotator.role).where(Annotator.name == name)


class StoreContext:
    """What the repository helpers share: the database, the layer cache, the project's codebook."""

    def __init__(self, db: Database, location: str) -> None:
        self.db = db
        self.location = location
        self._layers_by_name: dict[str, tuple[int, str]] = {}
        self._layers_by_id: dict[int, str] = {}
        # The layer cache is filled lazily from any thread; a lock keeps the two dicts consistent.
        self._lock = threading.Lock()
        # Settings read during one call (per thread): validation of 10,000 suggestions must not re-read the
        # label set 10,000 times, and a setting changed by another process is seen by the next call.
        self._local = threading.local()
        self.write_gate = WriteGate()
        self._search_index: bool | None = None
        # The parsed codebook and the JSON text it came from: each call reads the text (a few kilobytes) and
        # parses it again only when another call or process changed it.
        self._parsed: tuple[str, Codebook] | None = None
        self.is_postgres = is_postgres(db)
        self._server_user: str | None = None
        self._team_identity: tuple[str | None, ...] | None = None

    # ------------------------------------------------------------------ transactions
    @contextmanager
    def _call(self) -> Iterator[None]:
        """Bind the models to this database and give the call a fresh settings cache (outermost call only)."""
        outermost = getattr(self._local, "settings", None) is None
        if outermost:
            self._local.settings = {}
        try:
            with bound(self.db):
                yield
        except Exception as exc:
            # A damaged, read-only, locked or vanished database is the user's to fix: one clear line naming it
            # (a StorageError), not a traceback from deep in peewee. Integrity errors (bugs) stay as they are.
            # PostgreSQL's errors are the team server's to translate and retry (annotator.store._postgres).
            if outermost and not self.is_postgres and is_database_failure(exc):
                raise explain(self.location, exc) from exc
            raise
        finally:
            if outermost:
                self._local.settings = None

    @contextmanager
    def read(self) -> Iterator[None]:
        """Route the models to this database for the block."""
        with self._call():
            yield

    @contextmanager
    def tx(self, exclusive: str | None = None, *, pipelined: bool = False) -> Iterator[None]:
        """One write transaction; on SQLite it takes the write lock at BEGIN so busy_timeout applies.

        The outermost transaction of a thread waits for its turn at the process's :class:`WriteGate` first.
        On PostgreSQL it runs at REPEATABLE READ: a row another person changed since this transaction began
        cannot be overwritten (PostgreSQL aborts it and the repository runs it again on fresh data), so no
        update is lost. ``exclusive`` names work that reads before it inserts shared rows (suggestions and the
        actors they create, imports, gold adoptions): such transactions with the same name run one at a time,
        under an advisory lock taken *before* the snapshot, so each sees what the previous one committed.
        ``pipelined`` (PostgreSQL): the transaction's statements go to the server in psycopg's pipeline mode
        (``_postgres.pipelined``), for code written for it (an entity decision: ``_pg_decisions``).
        """
        with self._call():
            if self.db.transaction_depth() > 0:
                with self.db.atomic():
                    yield
                return
            try:
                with self.write_gate.turn():
                    if isinstance(self.db, SqliteDatabase):
                        with self.db.atomic("IMMEDIATE"):
                            yield
                    elif self.is_postgres:
                        with advisory_lock(self.db, exclusive), pipelined_block(self.db, pipelined), \
                                self.db.atomic("REPEATABLE READ"):
                            yield
                    else:
                        with self.db.atomic():
                            yield
            except BaseException:
                # A refused write rolls back layers it created; the cache must not keep their ids, or the next
                # write refers to a layer that is not there (FOREIGN KEY constraint failed).
                self._forget_layers()
                raise

    def has_search_index(self) -> bool:
        """Whether the text filter can use the FTS5 index (looked up once per repository)."""
        if self._search_index is None:
            from annotator.store._search import has_search_index

            self._search_index = has_search_index(self.db)
        return self._search_index

    # ------------------------------------------------------------------ who is connected (team server)
    def server_user(self) -> str | None:
        """The PostgreSQL login of this connection (None on SQLite)."""
        if not self.is_postgres:
            return None
        if self._server_user is None:
            with bound(self.db):
                self._server_user = current_user(self.db)
        return self._server_user

    def team_identity(self) -> tuple[str, str] | None:
        """(login, role) when this is an initialised team server and the login is one of its people, else None.

        The owner or a superuser who is not an annotator gets None: PostgreSQL does not restrict them either.
        """
        if not self.is_postgres:
            return None
        if self._team_identity is None:
            # Looked up once per repository: who is connected does not change, and the server enforces a role
            # changed meanwhile anyway (this copy only words the refusal before asking it).
            if not self.setting(TEAM_SERVER_KEY):
                self._team_identity = (None,)
                return None
            user = self.server_user()
            row = Annotator.select(Annotator.role).where(Annotator.name == user).scalar()
            self._team_identity = (None,) if row is None or user is None else (user, str(row))
        return None if self._team_identity[0] is None else (str(self._team_identity[0]), str(self._team_identity[1]))

    def check_acting_as(self, annotator: str) -> None:
        """On a team server, only admins act for someone else: "bob may not change alice's layer"."""
        identity = self.team_identity()
        if identity is None:
            return
        user, role = identity
        if annotator != user and role != AnnotatorRole.ADMIN.value:
            raise PermissionDeniedError(f"{user} may not change {annotator}'s layer")

    # ------------------------------------------------------------------ settings and vocabularies
    def setting(self, key: str, default: Any = None) -> Any:
        cache: dict[str, Any] | None = getattr(self._local, "settings", None)
        if cache is not None and key in cache:
            value = cache[key]
        else:
            row = Setting.select(Setting.value).where(Setting.key == f"setting:{key}").scalar()
            value = None if row is None else json.loads(row)
            if cache is not None:
                cache[key] = value
        return default if value is None else value

    def forget_setting(self, key: str) -> None:
        cache: dict[str, Any] | None = getattr(self._local, "settings", None)
        if cache is not None:
            cache.pop(key, None)

    def codebook(self) -> Codebook:
        """The project's codebook (read once per call; parsed again only when its stored text changed)."""
        cache: dict[str, Any] | None = getattr(self._local, "settings", None)
        if cache is not None and "_codebook" in cache:
            book: Codebook = cache["_codebook"]
            return book
        rows = rows_for(_codebook_text, ())  # read for every stored article of a suggestion run: composed once
        return self._parse_codebook(rows[0][0] if rows else None, cache)

    def _parse_codebook(self, text: str | None, cache: dict[str, Any] | None) -> Codebook:
        parsed = self._parsed
        if text is None:
            book = EMPTY_CODEBOOK
        elif parsed is not None and parsed[0] == text:
            book = parsed[1]
        else:
            book = Codebook.from_dict(json.loads(text))
            self._parsed = (str(text), book)
        if cache is not None:
            cache["_codebook"] = book
        return book

    def use_codebook_text(self, text: str | None) -> None:
        """The rest of the call codes with the codebook stored as ``text`` (read by the caller together with other
        rows: on a team server every read is a round trip)."""
        cache: dict[str, Any] | None = getattr(self._local, "settings", None)
        if cache is not None:
            self._parse_codebook(text, cache)

    def forget_codebook(self) -> None:
        """After writing the codebook: the rest of the call reads the new one."""
        cache: dict[str, Any] | None = getattr(self._local, "settings", None)
        if cache is not None:
            cache.pop("_codebook", None)

    def labels(self) -> list[str]:
        return list(self.codebook().label_names)

    # ------------------------------------------------------------------ validation
    def check_label(self, label: str) -> None:
        self.codebook().check_label(label)

    @staticmethod
    def span(start: Any, end: Any, text: str, what: str = "span") -> Span:
        """A validated span inside ``text`` (code points), or a ValidationError naming the offsets."""
        return Span.checked(start, end, len(text), what)

    def check_claim_attributes(self, attrs: dict[str, Any]) -> None:
        self.codebook().check_claim(attrs)

    @staticmethod
    def check_role(role: str) -> str:
        return check_choice(role, Role, "claim role").value

    # ------------------------------------------------------------------ rows
    @staticmethod
    def article_text(article_id: str) -> str:
        rows = rows_for(_article_text, (article_id,))
        if not rows:
            raise NotFoundError(f"unknown article {article_id!r}")
        return str(rows[0][0])

    @staticmethod
    def annotator(name: str) -> tuple[int, str]:
        """(id, role) of a known annotator."""
        rows = rows_for(_annotator_row, (name,))  # every decision asks: composed once (_compiled)
        if not rows:
            raise NotFoundError(f"unknown annotator {name!r}; start a session with that name first")
        return int(rows[0][0]), str(rows[0][1])

    # ------------------------------------------------------------------ layers
    def _forget_layers(self) -> None:
        with self._lock:
            self._layers_by_name = {}
            self._layers_by_id = {}

    def _load_layers(self) -> None:
        rows = list(Layer.select(Layer.id, Layer.name, Layer.kind).tuples())
        with self._lock:
            self._layers_by_name = {name: (lid, kind) for lid, name, kind in rows}
            self._layers_by_id = {lid: name for lid, name, _ in rows}

    def layer_id(self, name: str, create_kind: str | None = None, annotator_id: int | None = None) -> int:
        """Id of the layer ``name``; created with ``create_kind`` if given, else NotFoundError."""
        found = self._layers_by_name.get(name)
        if found is None:
            self._load_layers()
            found = self._layers_by_name.get(name)
        if found is not None:
            return found[0]
        if create_kind is None:
            raise NotFoundError(f"unknown layer {name!r}")
        Layer.insert(name=name, kind=create_kind, annotator=annotator_id).on_conflict_ignore().execute()
        self._load_layers()
        return self._layers_by_name[name][0]

    def find_layer_id(self, name: str) -> int | None:
        try:
            return self.layer_id(name)
        except NotFoundError:
            return None

    def wanted_layer_id(self, name: str) -> int | None:
        """The id to select layer ``name``'s rows by; None for a layer that has no rows yet (the suggestions,
        gold, or an annotator who has not decided anything).

        Raises:
            NotFoundError: no layer and no annotator has that name.
        """
        layer_id = self.find_layer_id(name)
        if layer_id is not None:
            return layer_id
        known = name in RESERVED_NAMES or Annotator.select().where(Annotator.name == name).exists()
        if not known:
            raise NotFoundError(f"unknown layer {name!r}; expected suggestions, gold or an annotator's name")
        return None

    def layer_name(self, layer_id: int) -> str:
        name = self._layers_by_id.get(layer_id)
        if name is None:
            self._load_layers()
            name = self._layers_by_id[layer_id]
        return name

    def suggestions_layer(self) -> int:
        return self.layer_id(SUGGESTIONS_LAYER, LayerKind.MODEL)

    def decision_layer(self, annotator: str) -> int:
        """The layer an annotator's decisions go to: the gold layer for reviewers, else their own."""
        self.check_acting_as(annotator)
        ann_id, role = self.annotator(annotator)
        return self.layer_for(annotator, ann_id, role)

    def layer_for(self, annotator: str, ann_id: int, role: str) -> int:
        """:meth:`decision_layer` for an annotator already looked up (id and role)."""
        if role_reviews(role):
            return self.layer_id(GOLD_LAYER, LayerKind.GOLD)
        return self.layer_id(annotator, LayerKind.ANNOTATOR, ann_id)

    def read_layer(self, annotator: str) -> int:
        """The annotator's decision layer for reads: never creates it (-1, matching no row, when absent)."""
        _, role = self.annotator(annotator)
        name = GOLD_LAYER if role_reviews(role) else annotator
        found = self.find_layer_id(name)
        return -1 if found is None else found

    def item_layer(self, name: str | None) -> int:
        """Layer for an imported item: 'suggestions', 'gold' or an annotator name (created if new)."""
        if not name or name == SUGGESTIONS_LAYER:
            return self.suggestions_layer()
        if name == GOLD_LAYER:
            identity = self.team_identity()
            if identity is not None and not role_reviews(identity[1]):
                raise PermissionDeniedError(f"{identity[0]} may not change the gold layer: reviewers and admins do")
            return self.layer_id(GOLD_LAYER, LayerKind.GOLD)
        # The rule `annotators add` applies: an imported file must not slip in "=HYPERLINK(..)", "Gold" or NUL.
        name = validate_annotator_name(name)
        self.check_acting_as(name)
        if self.team_identity() is None:  # on a team server only admins add people (server add-user)
            Annotator.insert(name=name, role=AnnotatorRole.ANNOTATOR.value).on_conflict_ignore().execute()
        ann_id, _ = self.annotator(name)
        return self.layer_id(name, LayerKind.ANNOTATOR, ann_id)
