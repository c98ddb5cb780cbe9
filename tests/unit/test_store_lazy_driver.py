"""A SQLite project never loads PostgreSQL's driver; a PostgreSQL one loads it when it is opened (issue 15, 32).

peewee imports psycopg when it is imported itself (0.3 s of every start), so the store imports peewee with the
driver hidden (``annotator.store._driver``). Each case runs in a child interpreter: this test process may already
hold psycopg.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from annotator.core.records import ArticleIn
from annotator.store import open_repository

#: Modules that mean the PostgreSQL driver (or playhouse's PostgreSQL extensions, which import it) was loaded.
DRIVER_MODULES = ("psycopg", "psycopg2", "playhouse.postgres_ext")

SQLITE_START = """
import json, sys
from annotator.cli.main import main
code = main(sys.argv[1:])
print("LOADED " + json.dumps(sorted(name for name in {modules!r} if name in sys.modules)))
sys.exit(code or 0)
"""

POSTGRES_START = """
import json, sys
from annotator.core.records import ArticleIn
from annotator.store import open_repository
import peewee
hidden = peewee.psycopg is None  # peewee was imported without the driver, as in the app
with open_repository(sys.argv[1]) as repo:
    added = repo.add_article(ArticleIn(text="Abe met Putin in Sochi.", title="t"))
    found = [s.id for s in repo.article_summaries(text="sochi")]
print("RESULT " + json.dumps({{"hidden": hidden, "found": found == [added.article_id],
                               "loaded": "psycopg" in sys.modules}}))
"""


def _child(script: str, *args: str) -> tuple[str, str]:
    proc = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout, proc.stderr


def _tagged(stdout: str, tag: str) -> object:
    (line,) = [line for line in stdout.splitlines() if line.startswith(tag + " ")]
    return json.loads(line.removeprefix(tag + " "))


def test_a_sqlite_project_is_used_without_loading_the_postgresql_driver(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    with open_repository(str(path)) as repo:  # created here: a new project runs the migrations
        repo.add_article(ArticleIn(text="Abe met Putin in Sochi.", title="t"))
    for command in (["stats", "--db", str(path)], ["export", "--db", str(path), "-o", str(tmp_path / "out.json")]):
        stdout, _ = _child(SQLITE_START.format(modules=DRIVER_MODULES), *command)
        assert _tagged(stdout, "LOADED") == [], command


def test_a_postgresql_project_loads_the_driver_when_it_is_opened(pg_database: Callable[[], str]) -> None:
    stdout, _ = _child(POSTGRES_START.format(), pg_database())
    assert _tagged(stdout, "RESULT") == {"hidden": True, "found": True, "loaded": True}

