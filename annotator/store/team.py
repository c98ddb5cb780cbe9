"""The team server: one PostgreSQL database for a coding team, one login role per person.

``annotator server init`` (run by the database's owner) creates the schema, a group role for the team, the
grants and the row-level security policies; ``annotator server add-user NAME --role ROLE`` creates a person's
login role, makes them a member of the team and an annotator of the project. PostgreSQL itself then enforces
what the roles promise, whatever program connects:

* an annotator writes only their own layer (and the model's suggestions, by running ``suggest``);
* reviewers write the gold layer; admins write everything;
* only admins change the codebook, the annotators, the project settings and the articles;
* with blind coding on (project setting ``blind_coding``), an annotator reads only the suggestions and their own
  layer (rows, claim spans and history events); reviewers and admins read everything.

A person is known by their login: the ``annotator`` row whose name is ``current_user`` says their role. The
policies call small PL/pgSQL functions (``annotator_role()``, ``annotator_readable_layers()``, ...) that
PostgreSQL evaluates once per statement, so a policy costs one lookup, not one per row.

Every statement here is idempotent: ``init`` may run again after an upgrade (new tables get the admin-only
default policy) and ``add-user`` again to change someone's role or password.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import peewee
from peewee import Database, PostgresqlDatabase

from annotator.core.errors import ConfigError, PermissionDeniedError, ValidationError
from annotator.core.records import GOLD_LAYER, SUGGESTIONS_LAYER, AnnotatorRole, LayerKind
from annotator.store._context import TEAM_SERVER_KEY
from annotator.store._postgres import connect_or_explain, current_user, redact, refusal, sqlstate
from annotator.store.database import open_database
from annotator.store.migrations import migrate, schema_version
from annotator.store.models import Annotator, Layer, Setting, bound

BLIND_KEY = "blind_coding"
ROLES: tuple[str, ...] = tuple(role.value for role in AnnotatorRole)
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,62}$")

# ---------------------------------------------------------------------------------------------- SQL

# The policies call these once per statement (as ``(SELECT f())`` init plans). They are PL/pgSQL, not SQL: a
# SQL function that cannot be inlined is planned again on every call, and readable/writable layers, which call
# the others once per layer row, took 0.4-0.6 ms each that way; PL/pgSQL keeps its plans for the session, and
# each of them costs about 0.05 ms. An INSERT ... RETURNING checks three of them, so a decision spent more of
# the server's time in its policies than in its writes.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION annotator_role() RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT role FROM annotator WHERE name = current_user::text);
END $$;

CREATE OR REPLACE FUNCTION annotator_id() RETURNS integer LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT id FROM annotator WHERE name = current_user::text);
END $$;

CREATE OR REPLACE FUNCTION annotator_blind() RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce((SELECT value FROM setting WHERE key = 'setting:blind_coding') = 'true', false);
END $$;

CREATE OR REPLACE FUNCTION annotator_readable_layers() RETURNS integer[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  my_role text := (SELECT role FROM annotator WHERE name = current_user::text);
BEGIN
  IF my_role IN ('reviewer', 'admin') OR NOT annotator_blind() THEN
    RETURN (SELECT coalesce(array_agg(id), '{}') FROM layer);
  END IF;
  RETURN (SELECT coalesce(array_agg(l.id), '{}') FROM layer l LEFT JOIN annotator a ON a.id = l.annotator_id
          WHERE l.kind = 'model' OR a.name = current_user::text);
END $$;

CREATE OR REPLACE FUNCTION annotator_writable_layers() RETURNS integer[] LANGUAGE plpgsql STABLE AS $$
DECLARE
  my_role text := (SELECT role FROM annotator WHERE name = current_user::text);
BEGIN
  IF my_role IS NULL THEN
    RETURN '{}';
  END IF;
  RETURN (SELECT coalesce(array_agg(l.id), '{}') FROM layer l LEFT JOIN annotator a ON a.id = l.annotator_id
          WHERE my_role = 'admin' OR l.kind = 'model'
             OR (l.kind = 'annotator' AND a.name = current_user::text)
             OR (l.kind = 'gold' AND my_role = 'reviewer'));
END $$;
"""

_READABLE = "layer_id = ANY ((SELECT annotator_readable_layers())::integer[])"
_WRITABLE = "layer_id = ANY ((SELECT annotator_writable_layers())::integer[])"
_MEMBER = "(SELECT annotator_role()) IS NOT NULL"
_ADMIN = "(SELECT annotator_role()) = 'admin'"
_OWN_ROWS = f"(annotator_id = (SELECT annotator_id()) OR {_ADMIN})"
_SPAN_READABLE = "EXISTS (SELECT 1 FROM claim c WHERE c.id = claim_id)"
_SPAN_WRITABLE = f"EXISTS (SELECT 1 FROM claim c WHERE c.id = claim_id AND c.{_WRITABLE})"
_EVENT_READABLE = (
    "(NOT (SELECT annotator_blind()) OR (SELECT annotator_role()) IN ('reviewer', 'admin') "
    "OR annotator IS NULL OR annotator = current_user::text)"
)
_EVENT_WRITABLE = f"({_MEMBER} AND (annotator IS NULL OR annotator = current_user::text OR {_ADMIN}))"


@dataclass(frozen=True)
class TablePolicy:
    """Who may read and write one table: privileges granted to the team, and the row conditions."""

    privileges: str
    read: str
    write: str


#: The tables whose rules are not "everyone reads, admins write" (the default, also for tables added later).
POLICIES: dict[str, TablePolicy] = {
    "entity": TablePolicy("SELECT, INSERT, UPDATE", _READABLE, _WRITABLE),
    "claim": TablePolicy("SELECT, INSERT, UPDATE", _READABLE, _WRITABLE),
    "claim_span": TablePolicy("SELECT, INSERT, UPDATE, DELETE", _SPAN_READABLE, _SPAN_WRITABLE),
    "actor": TablePolicy("SELECT, INSERT, UPDATE", "true", _MEMBER),
    "actor_name": TablePolicy("SELECT, INSERT, UPDATE, DELETE", "true", _MEMBER),
    "suggestion_run": TablePolicy("SELECT, INSERT, UPDATE", "true", _MEMBER),
    "article_state": TablePolicy("SELECT, INSERT, UPDATE", "true", _OWN_ROWS),
    "session": TablePolicy("SELECT, INSERT, UPDATE", "true", _OWN_ROWS),
    "event": TablePolicy("SELECT, INSERT", _EVENT_READABLE, _EVENT_WRITABLE),
}
DEFAULT_POLICY = TablePolicy("SELECT, INSERT, UPDATE, DELETE", "true", _ADMIN)


def team_role_name(database: str) -> str:
    """The group role every person of the database belongs to (``<database>_team``, at most 63 bytes)."""
    return re.sub(r"[^A-Za-z0-9_]", "_", database)[:58] + "_team"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class TeamStatus:
    """What ``annotator server status`` prints."""

    location: str
    login: str
    team_role: str
    schema_version: int
    initialised: bool
    blind_coding: bool
    people: list[tuple[str, str]]

    def lines(self) -> list[str]:
        state = "initialised" if self.initialised else "NOT initialised (run annotator server init)"
        out = [
            f"team server {redact(self.location)}: {state}, schema version {self.schema_version}",
            f"connected as {self.login}; group role {self.team_role}",
            f"blind coding: {'on' if self.blind_coding else 'off'}",
            f"{len(self.people)} people:",
        ]
        out += [f"  {name} ({role})" for name, role in self.people]
        return out


class TeamServer:
    """Administration of one PostgreSQL database as a team server (the ``annotator server`` commands).

    Args:
        location: a ``postgresql://user@host:port/database`` URL (password from PGPASSWORD or ~/.pgpass).
    """

    def __init__(self, location: str) -> None:
        db = open_database(location)
        if not isinstance(db, PostgresqlDatabase):
            raise ConfigError(
                f"{location} is not a PostgreSQL database; a team server needs --db postgresql://user@host/db "
                "(a SQLite file is for one analyst: move layers with export and import)"
            )
        connect_or_explain(db, location)
        self.db: Database = db
        self.location = location
        self.database = str(db.database)
        self.team_role = team_role_name(self.database)
        with bound(db):
            self.user = current_user(db)

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> TeamServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ helpers
    def _sql(self, statement: str) -> Any:
        try:
            return self.db.execute_sql(statement)
        except peewee.DatabaseError as exc:
            if sqlstate(exc) == "42501":
                raise PermissionDeniedError(
                    f"{self.login()} may not administer {self.database}: {str(exc).splitlines()[0]}. Run "
                    "`annotator server init` as the database's owner (or a superuser), and give admins "
                    "`server add-user NAME --role admin`"
                ) from None
            raise

    def login(self) -> str:
        """The connected login (who runs the command)."""
        return self.user

    def _role_exists(self, name: str) -> bool:
        return bool(self.db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone())

    def _tables(self) -> list[str]:
        return list(self.db.get_tables())

    # ------------------------------------------------------------------ init
    def init(self, blind_coding: bool | None = None) -> list[str]:
        """Create or upgrade the schema, the team role, grants and policies; the login becomes an admin.

        Returns:
            What was done, one line each (for the CLI).
        """
        done: list[str] = []
        try:
            version = migrate(self.db)
        except peewee.DatabaseError as exc:
            if sqlstate(exc) == "42501":
                raise PermissionDeniedError(
                    f"{self.login()} may not create the schema of {self.database}: run server init as the "
                    "database's owner (createdb -O NAME) or a superuser"
                ) from None
            raise
        done.append(f"schema at version {version}")
        login = self.login()
        with self.db.atomic(), bound(self.db):
            if not self._role_exists(self.team_role):
                self._sql(f"CREATE ROLE {_ident(self.team_role)} NOLOGIN")
                done.append(f"created group role {self.team_role}")
            self._sql(f"REVOKE ALL ON DATABASE {_ident(self.database)} FROM PUBLIC")
            self._sql(f"GRANT CONNECT, TEMPORARY ON DATABASE {_ident(self.database)} TO {_ident(self.team_role)}")
            self._sql(f"GRANT USAGE ON SCHEMA public TO {_ident(self.team_role)}")
            self._sql(_FUNCTIONS)
            tables = self._tables()
            for table in tables:
                self._apply_policy(table, POLICIES.get(table, DEFAULT_POLICY))
            self._sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {_ident(self.team_role)}")
            # Tables a later upgrade creates are readable by the team at once (writes wait for the next init,
            # which gives them their policies): the app keeps working for everyone between the two.
            defaults = f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT %s TO {_ident(self.team_role)}"
            self._sql(defaults % "SELECT ON TABLES")
            self._sql(defaults % "USAGE, SELECT ON SEQUENCES")
            done.append(f"row-level security on {len(tables)} tables")
            for name, kind in ((SUGGESTIONS_LAYER, LayerKind.MODEL), (GOLD_LAYER, LayerKind.GOLD)):
                Layer.insert(name=name, kind=kind.value).on_conflict_ignore().execute()
            self._person(login, AnnotatorRole.ADMIN.value)
            self._set(TEAM_SERVER_KEY, True)
            if blind_coding is not None:
                self._set(BLIND_KEY, blind_coding)
        done.append(f"{login} is an admin of the project")
        done.append(f"blind coding is {'on' if self.blind_coding() else 'off'}")
        return done

    def _apply_policy(self, table: str, policy: TablePolicy) -> None:
        team, t = _ident(self.team_role), _ident(table)
        self._sql(f"REVOKE ALL ON {t} FROM {team}")
        self._sql(f"GRANT {policy.privileges} ON {t} TO {team}")
        self._sql(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
        for (name,) in self.db.execute_sql("SELECT policyname FROM pg_policies WHERE tablename = %s", (table,)):
            self._sql(f"DROP POLICY {_ident(name)} ON {t}")
        self._sql(f"CREATE POLICY team_read ON {t} FOR SELECT TO {team} USING ({policy.read})")
        grants = {p.strip() for p in policy.privileges.split(",")}
        if "INSERT" in grants:
            self._sql(f"CREATE POLICY team_insert ON {t} FOR INSERT TO {team} WITH CHECK ({policy.write})")
        if "UPDATE" in grants:
            self._sql(
                f"CREATE POLICY team_update ON {t} FOR UPDATE TO {team} USING ({policy.write}) "
                f"WITH CHECK ({policy.write})"
            )
        if "DELETE" in grants:
            self._sql(f"CREATE POLICY team_delete ON {t} FOR DELETE TO {team} USING ({policy.write})")

    @contextmanager
    def _refused_as_not_allowed(self) -> Iterator[None]:
        """PostgreSQL's "insufficient privilege" (42501) in the block becomes a refusal naming who is logged in."""
        try:
            yield
        except peewee.DatabaseError as exc:
            if sqlstate(exc) == "42501":
                raise refusal(self.login(), exc) from None
            raise

    def _set(self, key: str, value: Any) -> None:
        Setting.insert(key=f"setting:{key}", value=json.dumps(value)).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: json.dumps(value)}
        ).execute()

    def _person(self, name: str, role: str) -> None:
        """The project's annotator row and layer for a login (role updated when it exists)."""
        Annotator.insert(name=name, role=role).on_conflict(
            conflict_target=[Annotator.name], update={Annotator.role: role}
        ).execute()
        ann_id = Annotator.select(Annotator.id).where(Annotator.name == name).scalar()
        Layer.insert(name=name, kind=LayerKind.ANNOTATOR.value, annotator=ann_id).on_conflict_ignore().execute()

    def _require_init(self) -> None:
        with bound(self.db):
            ok = Setting.table_exists() and Setting.get_or_none(Setting.key == f"setting:{TEAM_SERVER_KEY}")
        if not ok:
            raise ConfigError(f"{redact(self.location)} is not a team server yet: run `annotator server init` first")

    # ------------------------------------------------------------------ people
    def add_user(self, name: str, role: str, password: str | None = None) -> list[str]:
        """Create (or update) a person's login role, team membership and annotator row.

        Args:
            name: the login, also their annotator name (letters, digits, ``_ . -``; not "gold"/"suggestions").
            role: annotator, reviewer or admin.
            password: their password, sent to the server only as a SCRAM hash; None leaves it unchanged (a
                new role without one can log in only where pg_hba.conf trusts it).
        """
        if not _NAME.match(name or ""):
            raise ValidationError(
                f"{name!r} is not a usable login: letters, digits, '_', '.', '-', starting with a letter"
            )
        if name.casefold() in (SUGGESTIONS_LAYER, GOLD_LAYER):
            raise ValidationError(f"{name!r} is a reserved layer name, not a person's name")
        if role not in ROLES:
            raise ValidationError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
        self._require_init()
        done: list[str] = []
        with self.db.atomic(), bound(self.db):
            person = _ident(name)
            if not self._role_exists(name):
                self._sql(f"CREATE ROLE {person} LOGIN")
                done.append(f"created login role {name}")
            if password is not None:
                self._sql(f"ALTER ROLE {person} PASSWORD {_literal(self._scram(name, password))}")
                done.append(f"set {name}'s password")
            admin = role == AnnotatorRole.ADMIN.value
            option = " WITH ADMIN OPTION" if admin else ""
            if not admin:
                self._sql(f"REVOKE ADMIN OPTION FOR {_ident(self.team_role)} FROM {person}")
            self._sql(f"GRANT {_ident(self.team_role)} TO {person}{option}")
            self._sql(f"ALTER ROLE {person} {'CREATEROLE' if admin else 'NOCREATEROLE'}")
            with self._refused_as_not_allowed():
                self._person(name, role)
        done.append(f"{name} is a{'n' if role[0] in 'aeiou' else ''} {role} of {self.database}")
        return done

    def _scram(self, name: str, password: str) -> str:
        """The SCRAM-SHA-256 verifier libpq computes for ``password`` (the password itself never leaves)."""
        if not password:
            raise ValidationError("an empty password is not allowed")
        conn = self.db.connection()
        return bytes(conn.pgconn.encrypt_password(password.encode(), name.encode(), b"scram-sha-256")).decode()

    def set_blind_coding(self, on: bool) -> None:
        """Turn blind coding on or off (admins only: PostgreSQL refuses anyone else)."""
        self._require_init()
        with self.db.atomic(), bound(self.db), self._refused_as_not_allowed():
            self._set(BLIND_KEY, on)

    def blind_coding(self) -> bool:
        with bound(self.db):
            row = Setting.get_or_none(Setting.key == f"setting:{BLIND_KEY}")
        return bool(row is not None and json.loads(row.value))

    def status(self) -> TeamStatus:
        with bound(self.db):
            version = schema_version(self.db)
            initialised = bool(version) and bool(Setting.get_or_none(Setting.key == f"setting:{TEAM_SERVER_KEY}"))
            people = (
                [(n, r) for n, r in Annotator.select(Annotator.name, Annotator.role).order_by(Annotator.name).tuples()]
                if version
                else []
            )
        return TeamStatus(self.location, self.login(), self.team_role, version, initialised,
                          self.blind_coding() if version else False, people)


__all__ = ["BLIND_KEY", "ROLES", "TeamServer", "TeamStatus", "team_role_name"]
