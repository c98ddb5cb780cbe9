"""Build the big projects of the benchmark (100,000 and 1,000,000 articles) quickly, and measure them.

The articles are three recombined seed paragraphs (about 150 words) under a numbered title line. The schema, the
search index and its triggers come from ``open_repository`` and the store's own index function, so the database
is what the app makes; the rows are written by SQLite in one statement per 100,000 (``Repository.add_article``
one by one would take hours for a million), with the values ``add_article`` writes for an article without
annotations.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.corpus import seed_paragraphs

#: Bump when the schema or the article recipe changes, so that a cached project is rebuilt.
RECIPE = "v3-fts-p123"
_BATCH = 5000


def build(path: Path, n: int) -> None:
    """Create ``path`` holding ``n`` synthetic articles, unless it is cached already.

    The texts are put together by SQLite itself (three seed paragraphs picked at random per article, under a
    numbered title line), and the search index is built once at the end instead of row by row: a million
    articles take minutes, not the hours of ``add_article`` one by one.
    """
    if path.exists():
        return
    from peewee import SqliteDatabase

    from annotator.store import open_repository
    from annotator.store._search import SEARCH_TABLE, create_search_index

    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    open_repository(str(tmp)).close()  # schema and migrations, as the app makes them
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA synchronous = OFF")  # a benchmark fixture: speed over durability while building
    con.execute(f"DROP TRIGGER IF EXISTS {SEARCH_TABLE}_insert")  # indexed once, below
    con.create_function("sha256", 1, lambda text: hashlib.sha256(text.encode("utf-8")).hexdigest(),
                        deterministic=True)
    paragraphs = seed_paragraphs()
    con.execute("CREATE TEMP TABLE para (i INTEGER PRIMARY KEY, t TEXT)")
    con.executemany("INSERT INTO para (i, t) VALUES (?, ?)", enumerate(paragraphs))
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    count = len(paragraphs)
    # "+ 0 * k" makes each pick depend on the row, so SQLite draws it anew for every article.
    pick = f"(SELECT t FROM para WHERE i = (abs(random()) + 0 * k) % {count})"
    for first in range(1, n + 1, _BATCH * 20):
        last = min(n, first + _BATCH * 20 - 1)
        con.execute(
            f"""
            WITH RECURSIVE k(k) AS (SELECT {first} UNION ALL SELECT k + 1 FROM k WHERE k < {last}),
            texts(k, text) AS (
                SELECT k, 'Synthetic report ' || k || char(10) || char(10) || {pick} || char(10) || char(10)
                          || {pick} || char(10) || char(10) || {pick} || char(10) FROM k)
            INSERT INTO article (id, title, date, source, url, file, text, text_sha256, meta, imported_at,
                                 position)
            SELECT substr(sha256(text), 1, 16), 'Synthetic report ' || k, '2016-05-13', 'bench', '',
                   printf('bench_%07d.txt', k), text, sha256(text), '{{}}', '{stamp}', k
            FROM texts
            """
        )
        con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    db = SqliteDatabase(str(tmp), pragmas={"synchronous": "off"})
    create_search_index(db)  # the trigger back
    db.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('rebuild')")  # every article, one pass
    db.execute_sql(f"INSERT INTO {SEARCH_TABLE} ({SEARCH_TABLE}) VALUES ('optimize')")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(path)


def project_path(cache: Path, n: int) -> Path:
    """Where the project of ``n`` articles is cached (the folder is created)."""
    cache.mkdir(parents=True, exist_ok=True)
    return cache / f"project_{n}_{RECIPE}.db"


def measure(cache: Path, n: int, runs: int) -> list[dict[str, float]]:
    """Build (or reuse) the project of ``n`` articles and open the window on it ``runs`` times."""
    db = project_path(cache, n)
    build(db, n)
    reports = []
    with tempfile.TemporaryDirectory(prefix="annotator-bench-home-") as home:
        # The command's settings, crash log and error log go to a home of its own, not the user's.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": home, "XDG_CONFIG_HOME": f"{home}/config",
               "XDG_DATA_HOME": f"{home}/data", "XDG_CACHE_HOME": f"{home}/cache"}
        for _ in range(runs):
            reports.append(_child(db, env))
    return reports


def _child(db: Path, env: dict[str, str]) -> dict[str, float]:
    proc = subprocess.run([sys.executable, "-m", "bench.gui_start", str(db)], capture_output=True, text=True,
                          env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"bench.gui_start failed:\n{proc.stderr}")
    report: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return report


def figures(label: str, reports: list[dict[str, float]], *, filter_target: float
            ) -> list[tuple[str, float, str, float | None]]:
    return [
        (f"{label} project: process start to first paint (median)",
         statistics.median(r["first_paint_s"] for r in reports), "s", 2.0),
        (f"{label} project: filter the article list, slowest of 6 filters (worst run)",
         max(r["filter_max_ms"] for r in reports), "ms", filter_target),
        (f"{label} project: filter the article list, median", statistics.median(r["filter_ms"] for r in reports),
         "ms", None),
        # The CPU time of the child over the same stretches: on a shared machine the wall clock also counts the
        # time it waited for a core.
        (f"{label} project: process start to first paint, CPU time (median)",
         statistics.median(r["first_paint_cpu_s"] for r in reports), "s", None),
        (f"{label} project: filter the article list, slowest of 6, CPU time (worst run)",
         max(r["filter_max_cpu_ms"] for r in reports), "ms", None),
        # The icons follow the first frame (annotator/ui/shared/icons.py): when the window is complete.
        (f"{label} project: process start to the window complete, icons drawn (median)",
         statistics.median(r["complete_s"] for r in reports), "s", None),
        (f"{label} project: process start to the window complete, CPU time (median)",
         statistics.median(r["complete_cpu_s"] for r in reports), "s", None),
        (f"{label} project: resident memory after first paint and filtering",
         max(r["rss_mb"] for r in reports), "MB", 500.0),
    ]
