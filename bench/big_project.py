"""Build the big projects of the benchmark (100,000 and 1,000,000 articles) quickly, and measure them.

The articles are those of ``make_articles`` (recombined seed paragraphs, 120 words). The schema, the search index
and its triggers come from ``open_repository``, so the database is what the app makes; the rows go in through
``sqlite3`` in batches, about 20 times faster than ``Repository.add_article`` one by one (which would take half
an hour for a million), with the same values ``add_article`` writes for an article without annotations.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import statistics
import subprocess
import sys
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from bench.corpus import make_articles

#: Bump when the schema or the article recipe changes, so that a cached project is rebuilt.
RECIPE = "v3-fts"
_BATCH = 5000


def build(path: Path, n: int) -> None:
    """Create ``path`` holding ``n`` synthetic articles, unless it is cached already."""
    if path.exists():
        return
    from annotator.store import open_repository

    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    open_repository(str(tmp)).close()  # schema, migrations, the FTS5 index and its triggers
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA synchronous = OFF")  # a benchmark fixture: speed over durability while building
    stamp = datetime.now(UTC).isoformat(timespec="milliseconds")
    articles = iter(make_articles(n, words=120, seed=13))
    position = 0
    while batch := list(islice(articles, _BATCH)):
        rows = []
        for article in batch:
            position += 1
            sha = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
            rows.append((sha[:16], article.title, article.date, article.source, "", article.file, article.text,
                         sha, json.dumps(article.meta), stamp, position))
        con.executemany(
            "INSERT INTO article (id, title, date, source, url, file, text, text_sha256, meta, imported_at, position)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        con.commit()
    con.execute("INSERT INTO article_search (article_search) VALUES ('optimize')")
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    tmp.rename(path)


def measure(cache: Path, n: int, runs: int) -> list[dict[str, float]]:
    """Build (or reuse) the project of ``n`` articles and open the window on it ``runs`` times."""
    cache.mkdir(parents=True, exist_ok=True)
    db = cache / f"project_{n}_{RECIPE}.db"
    build(db, n)
    reports = []
    for _ in range(runs):
        proc = subprocess.run([sys.executable, "-m", "bench.gui_start", str(db)], capture_output=True, text=True,
                              env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"bench.gui_start failed:\n{proc.stderr}")
        reports.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return reports


def figures(label: str, reports: list[dict[str, float]], *, filter_target: float
            ) -> list[tuple[str, float, str, float | None]]:
    return [
        (f"{label} project: process start to first paint (median)",
         statistics.median(r["first_paint_s"] for r in reports), "s", 2.0),
        (f"{label} project: filter the article list, slowest of 6 filters (worst run)",
         max(r["filter_max_ms"] for r in reports), "ms", filter_target),
        (f"{label} project: filter the article list, median", statistics.median(r["filter_ms"] for r in reports),
         "ms", None),
        (f"{label} project: resident memory after first paint and filtering",
         max(r["rss_mb"] for r in reports), "MB", 500.0),
    ]
