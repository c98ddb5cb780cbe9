"""Team server benchmarks (issue 12): many annotators committing at once, and suggest into PostgreSQL vs SQLite.

A local PostgreSQL cluster is started for the run (``tests.postgres_server``) with its durable defaults (fsync
and synchronous commit on: a commit here costs what it costs on a real server's disk). Eight annotator
*processes*, each logged in as its own role through row-level security, decide 500 suggestions each at the same
moment (accept, reject and relabel in turn), every decision its own transaction; the time of each repository call
(its reads, the serializable transaction and the commit, retries included) is the "commit" latency. The run
fails loudly if any decision raised.

``python -m bench.team_server worker URL NAME N START`` is the annotator process (internal).
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import make_articles, synthetic_suggestions
from bench.postgres import local_server

ROOT = Path(__file__).resolve().parents[1]
#: Seconds between two decisions of one annotator in the paced run: five a second each, far faster than people
#: code (one every few seconds), so the server sees a heavy team; the back-to-back run shows the ceiling.
PACE = 0.2


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def worker(url: str, name: str, n: int, start_at: float, interval: float) -> dict[str, Any]:
    """Decide ``n`` suggestions as ``name``, one every ``interval`` seconds (0: back to back); returns the
    latencies (s) and the errors."""
    from annotator.store import open_repository

    repo = open_repository(url)
    ids = repo.article_ids()
    plan: list[tuple[str, int]] = []
    labels = repo.labels()
    for article_id in ids:
        for entity in repo.entities_for(article_id, annotator=name):
            if entity.status == "suggested":
                plan.append((article_id, entity.id))
    plan = plan[:n]
    while time.time() < start_at:  # every process starts deciding at the same moment
        time.sleep(0.001)
    latencies: list[float] = []
    errors: list[str] = []
    clock = time.perf_counter()
    for i, (_article, entity_id) in enumerate(plan):
        if interval:
            pause = clock + i * interval - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        began = time.perf_counter()
        try:
            if i % 3 == 0:
                repo.accept_entity(entity_id, name)
            elif i % 3 == 1:
                repo.reject_entity(entity_id, name)
            else:
                repo.relabel_entity(entity_id, labels[i % len(labels)], name)
        except Exception as exc:  # counted: the figure is "0 errors"
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append(time.perf_counter() - began)
    repo.close()
    return {"name": name, "latencies": latencies, "errors": errors, "planned": len(plan)}


def bench_team(work: Path, annotators: int, decisions: int, suggest_articles: int) -> list[tuple[str, float, str,
                                                                                                   float | None]]:
    from annotator.store import open_repository
    from annotator.store.team import TeamServer
    with local_server("the team server benchmark") as server:
        url = server.create_database("bench_team")
        names = [f"coder{i}" for i in range(annotators)]
        passwords = {name: f"{name}-bench-pw" for name in names}
        with TeamServer(url) as team:
            team.init()
            for name in names:
                team.add_user(name, "annotator", passwords[name])
        # Enough suggestions for both runs of decisions, on shared articles (everyone codes everything).
        per_article = 40
        n_articles = max(1, -(-2 * decisions // per_article))  # a paced run, then a back-to-back one
        admin = open_repository(url)
        for article in make_articles(n_articles, words=900, seed=21):
            article_id = admin.add_article(article).article_id
            text = admin.article(article_id).text
            admin.store_suggestions(synthetic_suggestions(article_id, text, per_article + 5, 3))
        admin.close()

        runs = {}
        for interval in (PACE, 0.0):
            runs[interval] = _decide_together(server, names, passwords, decisions, interval)
        ratio = _suggest_ratio(work, server, suggest_articles)
    label = f"{annotators} annotator processes x {decisions} decisions"
    paced, flat_out = runs[PACE], runs[0.0]
    return [
        (f"team server: {label}, errors", float(len(paced[1]) + len(flat_out[1])), "errors", 0.0),
        (f"team server: {label}, one per {PACE:g} s each, commit p95", _p95(paced[0]) * 1000, "ms", 20.0),
        (f"team server: {label}, one per {PACE:g} s each, commit median", statistics.median(paced[0]) * 1000,
         "ms", None),
        (f"team server: {label}, back to back, commit p95", _p95(flat_out[0]) * 1000, "ms", None),
        (f"team server: {label}, back to back, commit median", statistics.median(flat_out[0]) * 1000, "ms",
         None),
        (f"team server: suggest {suggest_articles} articles into PostgreSQL / into SQLite", ratio, "ratio", None),
    ]


def _decide_together(server: Any, names: list[str], passwords: dict[str, str], decisions: int,
                     interval: float) -> tuple[list[float], list[str]]:
    """Run one annotator process per name, all starting at once; their latencies and errors."""
    start_at = time.time() + 8.0  # time for every process to import, connect and read its plan
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.team_server", "worker", server.url("bench_team", name), name,
             str(decisions), repr(start_at), repr(interval)],
            cwd=ROOT, env={**os.environ, "PGPASSWORD": passwords[name]}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        )
        for name in names
    ]
    reports = []
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"bench.team_server worker failed:\n{err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    errors = [e for r in reports for e in r["errors"]]
    if errors:
        print(f"[bench] team: {len(errors)} errors, e.g. {errors[:3]}", file=sys.stderr)
    planned = sum(r["planned"] for r in reports)
    if planned < len(names) * decisions:
        raise RuntimeError(f"only {planned} of {len(names) * decisions} decisions could be planned")
    return [x for r in reports for x in r["latencies"]], errors


def _suggest_ratio(work: Path, server: Any, n: int) -> float:
    """``suggest`` of the same ``n`` articles into PostgreSQL ÷ into SQLite (same loaded pipeline, one process)."""
    from annotator.jobs.suggesting import suggest
    from annotator.nlp.pipeline import load_pipeline
    from annotator.store import open_repository

    loaded = load_pipeline(None)
    articles = list(make_articles(n, words=400, seed=3))
    times = {}
    for kind in ("sqlite", "postgresql"):
        location = str(work / "suggest_team.db") if kind == "sqlite" else server.create_database("bench_suggest")
        repo = open_repository(location)
        for article in articles:
            repo.add_article(article)
        started = time.perf_counter()
        suggest(repo, loaded=loaded)
        times[kind] = time.perf_counter() - started
        repo.close()
    return times["postgresql"] / times["sqlite"]


def main(argv: list[str]) -> int:
    if len(argv) == 6 and argv[0] == "worker":
        print(json.dumps(worker(argv[1], argv[2], int(argv[3]), float(argv[4]), float(argv[5]))))
        return 0
    with tempfile.TemporaryDirectory(prefix="annotator-bench-team-") as tmp:
        run = functools.partial(bench_team, Path(tmp))
        for name, value, unit, target in run(8, 500, 500):
            print(f"{name}: {value:.3f} {unit} (target {target})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
