"""The ``server`` commands: run one PostgreSQL database as the team's server.

``annotator server init --db postgresql://admin@host/project`` (as the database's owner) creates the schema,
the team's group role, grants and row-level security; ``annotator server add-user NAME --role ROLE`` creates a
person's login. Passwords are never command-line arguments: the connecting password comes from ``PGPASSWORD`` or
``~/.pgpass``; a new person's password is asked on the terminal (twice) or read from standard input with
``--password-stdin``, and reaches the server only as a SCRAM hash.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from annotator.cli.common import EXIT_OK, EXIT_USAGE, Handler, SubParsers, add_db_option, db_command
from annotator.core.errors import ConfigError


def _location(args: argparse.Namespace) -> str:
    location = getattr(args, "db", None) or os.environ.get("ANNOTATOR_DB", "").strip()
    if not location:
        raise ConfigError("server commands need --db postgresql://user@host:port/database (or $ANNOTATOR_DB)")
    return str(location)


def _on_off(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("on", "true", "yes", "1"):
        return True
    if lowered in ("off", "false", "no", "0"):
        return False
    raise argparse.ArgumentTypeError(f"expected on or off, not {value!r}")


def register(sub: SubParsers) -> dict[str, Handler]:
    server = db_command(sub, "server", help="run a PostgreSQL database as the team's server (init, add-user, ...)")
    actions = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    p = actions.add_parser("init", help="create or upgrade the schema, roles, grants and row-level security "
                                        "(run as the database's owner)")
    add_db_option(p)
    p.add_argument("--blind-coding", type=_on_off, metavar="on|off",
                   help="annotators see only the suggestions and their own layer until review")

    p = db_command(actions, "add-user", help="create a person's login role (or change their role or password)")
    p.add_argument("name", metavar="NAME", help="their login, also their annotator name")
    p.add_argument("--role", required=True, choices=("annotator", "reviewer", "admin"))
    p.add_argument("--password-stdin", action="store_true",
                   help="read their password from the first line of standard input (for scripts)")
    p.add_argument("--no-password", action="store_true",
                   help="set no password (for servers that authenticate otherwise, e.g. peer or certificates)")

    p = db_command(actions, "blind-coding", help="turn blind coding on or off (admins)")
    p.add_argument("state", type=_on_off, metavar="on|off")

    p = db_command(actions, "status", help="who is on the team server, and its settings")
    return {"server": _cmd_server}


def _new_password(args: argparse.Namespace) -> str | None:
    if args.no_password:
        return None
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise ConfigError("--password-stdin: standard input held no password")
        return line
    if not sys.stdin.isatty():
        return None
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass(f"password for {args.name} (again): "):
        raise ConfigError("the two passwords differ; nothing was changed")
    return first


def _cmd_server(args: argparse.Namespace) -> int:
    from annotator.store.team import TeamServer

    location = _location(args)
    if args.server_command == "add-user" and args.password_stdin and args.no_password:
        print("annotator server add-user: --password-stdin and --no-password exclude each other", file=sys.stderr)
        return EXIT_USAGE
    password = _new_password(args) if args.server_command == "add-user" else None
    with TeamServer(location) as server:
        if args.server_command == "init":
            lines = server.init(blind_coding=args.blind_coding)
        elif args.server_command == "add-user":
            lines = server.add_user(args.name, args.role, password)
            if password is None and not args.no_password:
                lines.append(f"no password given: {args.name} logs in only where the server trusts them without "
                             "one; run add-user again on a terminal (or with --password-stdin) to set it")
        elif args.server_command == "blind-coding":
            server.set_blind_coding(args.state)
            lines = [f"blind coding is {'on' if args.state else 'off'}"]
        else:
            lines = server.status().lines()
    for line in lines:
        print(line)
    return EXIT_OK
