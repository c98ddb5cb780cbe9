"""A throw-away PostgreSQL server for the tests and the benchmarks: initdb in a temporary folder, 127.0.0.1 only.

PostgreSQL refuses to run as root, and CI runs as root: then the data folder is handed to an unprivileged system
user (``nobody``) and ``initdb`` / ``pg_ctl`` run as that user (``subprocess``'s ``user=`` / ``group=``).
Connections are TCP on a free port with password authentication (scram-sha-256), so the tests go through the
same path as a team's real server: the superuser's password is random and reaches libpq only via
``PGPASSWORD``-style keyword arguments, never a URL.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

#: Where the Debian packages put the binaries (``/usr/lib/postgresql/15/bin``); $ANNOTATOR_PG_BINDIR overrides.
BINDIR_ENV = "ANNOTATOR_PG_BINDIR"
SUPERUSER = "postgres"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``: $ANNOTATOR_PG_BINDIR, the newest Debian one, or $PATH."""
    env = os.environ.get(BINDIR_ENV)
    if env:
        return Path(env) if (Path(env) / "initdb").exists() else None
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def round_trips(trace: str) -> int:
    """How many times a client waited for the server, in a libpq protocol trace (``pgconn.trace``): the turns
    from messages sent (``F``) to answers read (``B``). Used by the tests and the team server benchmark."""
    turns, last = 0, ""
    for line in trace.splitlines():
        fields = line.split("\t")
        side = next((f for f in fields[:2] if f in ("F", "B")), "")  # "[timestamp]\tF|B\tlength\tmessage ..."
        if side == "B" and last == "F":
            turns += 1
        if side:
            last = side
    return turns


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


#: Written into each cluster's folder: the pid of the process that started it, so a later run can tell a cluster
#: whose owner was killed (``kill -9``, a cut CI job) from one still in use, and remove it.
OWNER_FILE = "owner.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_clusters(bindir: Path, tmp: Path | None = None) -> list[Path]:
    """Stop and delete the throw-away clusters whose owning process is gone; returns the folders removed.

    ``atexit`` does not run when a test run is killed, and a postgres server outlives its parent, so without this
    every killed run would leave a server holding memory and a port.
    """
    removed = []
    for root in Path(tmp or tempfile.gettempdir()).glob("annotator-pg-*"):
        owner = root / OWNER_FILE
        try:
            pid = int(owner.read_text().strip())
        except (OSError, ValueError):
            # No owner file: a cluster from before owner files, or one still being created.  Only the old ones
            # (no file for an hour) are swept.
            try:
                if time.time() - root.stat().st_mtime < 3600:
                    continue
            except OSError:
                continue
            pid = -1
        if pid > 0 and _alive(pid):
            continue
        if (root / "data" / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                subprocess.run([str(bindir / "pg_ctl"), "-D", str(root / "data"), "-m", "immediate", "-w",
                                "-t", "30", "stop"], capture_output=True, stdin=subprocess.DEVNULL, timeout=60,
                               check=False, **_run_as_owner(root))
        shutil.rmtree(root, ignore_errors=True)
        removed.append(root)
    return removed


def _run_as_owner(root: Path) -> dict[str, Any]:
    """pg_ctl must run as the cluster's owner; as root that is the folder's owner (``nobody``)."""
    if os.geteuid() != 0:
        return {}
    stat = root.stat()
    return {"user": stat.st_uid, "group": stat.st_gid, "extra_groups": []}


class LocalPostgres:
    """One PostgreSQL cluster in a temporary folder, started by :meth:`start` and removed by :meth:`stop`.

    Args:
        bindir: the PostgreSQL binaries (see :func:`find_bindir`).
        durable: keep fsync and synchronous commit on (the benchmarks measure real commits); the tests turn
            them off, which is safe for a cluster that is deleted afterwards.
    """

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        self.password = secrets.token_urlsafe(18)
        self.port = 0
        self.root: Path | None = None
        self._run_as: dict[str, Any] = {}

    # ------------------------------------------------------------------ lifecycle
    def _run(self, *args: str) -> None:
        assert self.root is not None
        proc = subprocess.run(
            [str(self.bindir / args[0]), *args[1:]], cwd=self.root, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=120, check=False, env={**os.environ, "LC_ALL": "C.UTF-8"},
            **self._run_as,
        )
        if proc.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{args[0]} failed ({proc.returncode}): {proc.stderr.strip()}\n{tail}")

    def start(self) -> LocalPostgres:
        sweep_stale_clusters(self.bindir)
        self.root = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        (self.root / OWNER_FILE).write_text(f"{os.getpid()}\n")
        if os.geteuid() == 0:
            # initdb and postgres refuse root; the cluster belongs to an unprivileged system user.
            user = pwd.getpwnam("nobody")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._run_as = {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
        os.chmod(self.root, 0o700)
        pwfile = self.root / "pw"
        pwfile.write_text(self.password + "\n")
        pwfile.chmod(0o600)
        if self._run_as:
            os.chown(pwfile, self._run_as["user"], self._run_as["group"])
        self._run("initdb", "-D", "data", "-U", SUPERUSER, "--pwfile", str(pwfile), "-E", "UTF8",
                  "--locale", "C.UTF-8", "--auth-host", "scram-sha-256", "--auth-local", "trust")
        pwfile.unlink()
        self.port = _free_port()
        options = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={self.root}",
                   "-c max_connections=200", "-c log_min_messages=warning"]
        if not self.durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run("pg_ctl", "-D", "data", "-l", "server.log", "-w", "-t", "60", "-o", " ".join(options), "start")
        atexit.register(self.stop)
        return self

    def stop(self) -> None:
        """Stop the server (fast shutdown) and delete its folder; safe to call twice."""
        if self.root is None:
            return
        with contextlib.suppress(Exception):
            self._run("pg_ctl", "-D", "data", "-m", "fast", "-w", "-t", "60", "stop")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    @contextlib.contextmanager
    def password_in_environ(self) -> Iterator[LocalPostgres]:
        """``PGPASSWORD`` is the superuser's password while the block runs (libpq and our URLs read it)."""
        previous = os.environ.get("PGPASSWORD")
        os.environ["PGPASSWORD"] = self.password
        try:
            yield self
        finally:
            if previous is None:
                os.environ.pop("PGPASSWORD", None)
            else:
                os.environ["PGPASSWORD"] = previous

    # ------------------------------------------------------------------ connections
    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """A password-free URL; libpq takes the password from PGPASSWORD (see :meth:`environ`)."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def environ(self) -> dict[str, str]:
        """Environment for a process connecting as the superuser."""
        return {"PGPASSWORD": self.password}

    def connect(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> Any:
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, dbname=database, user=user,
                               password=password or self.password, autocommit=True)

    def create_database(self, name: str, template: str | None = None) -> str:
        """CREATE DATABASE ``name`` (optionally from a template); returns its superuser URL."""
        from psycopg import sql

        with self.connect() as conn:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            conn.execute(statement)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
