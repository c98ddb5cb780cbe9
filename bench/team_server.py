"""Team server benchmarks (issue 12): many annotators committing at once, and suggest into PostgreSQL vs SQLite.

A local PostgreSQL cluster is started for the run (``tests.postgres_server``) with its durable defaults (fsync
and synchronous commit on: a commit here costs what it costs on a real server's disk). Eight annotator
*processes*, each logged in as its own role through row-level security, decide 500 suggestions each at the same
moment (accept, reject and relabel in turn), every decision its own transaction; the time of each repository call
(its reads, the REPEATABLE READ transaction, the audit event and the commit, retries included) is the "commit"
latency. The run fails loudly if any decision raised. Each process also counts the retries of conflicting
transactions (the store logs each one) and, over a few more decisions after the timed ones, the round trips a
decision makes (a libpq protocol trace: not during the timed ones, whose latency the tracing would add to).

``python -m bench.team_server worker URL NAME N START`` is the annotator process (internal).
"""

from __future__ import annotations

import functools
import json
import logging
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
#: In the target's paced run every annotator decides at the same instants (0, 0.2 s, 0.4 s, ...): eight decisions
#: arrive together and queue for the two cores, the worst case. A second paced run puts annotator k ``k * STEP``
#: later, as people who do not press their keys in step would: what it saves is that queueing.
STEP = PACE / 8


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


#: Decisions after the timed ones whose round trips are counted (in a protocol trace).
TRACED = 6


class _Retries(logging.Handler):
    """Counts the store's retries of conflicting transactions and the pauses before them."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0
        self.paused = 0.0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1
        self.paused += float(getattr(record, "pause", 0.0))


def _traced_round_trips(repo: Any, decide: Any, n: int) -> list[int]:
    """Round trips of each of ``n`` decisions (``decide(i)``), read from a libpq protocol trace."""
    from tests.postgres_server import round_trips

    conn = repo._st.db.connection()
    counts = []
    with tempfile.TemporaryDirectory(prefix="annotator-bench-trace-") as tmp:
        trace = Path(tmp) / "protocol.trace"
        for i in range(n):
            with trace.open("w") as out:
                conn.pgconn.trace(out.fileno())
                try:
                    decide(i)
                finally:
                    conn.pgconn.untrace()
            counts.append(round_trips(trace.read_text()))
    return counts


def worker(url: str, name: str, n: int, start_at: float, interval: float) -> dict[str, Any]:
    """Decide ``n`` suggestions as ``name``, one every ``interval`` seconds (0: back to back); returns the
    latencies (s), the errors, the retries and (over :data:`TRACED` more decisions) the round trips."""
    from annotator.store import open_repository

    retries = _Retries()
    retry_log = logging.getLogger("annotator.store.retries")
    retry_log.addHandler(retries)
    retry_log.setLevel(logging.DEBUG)
    repo = open_repository(url)
    ids = repo.article_ids()
    plan: list[tuple[str, int]] = []
    labels = repo.labels()
    for article_id in ids:
        for entity in repo.entities_for(article_id, annotator=name):
            if entity.status == "suggested":
                plan.append((article_id, entity.id))
    plan, extra = plan[:n], plan[n:n + TRACED]
    while time.time() < start_at:  # every process starts deciding at the same moment
        time.sleep(0.001)
    latencies: list[float] = []
    cpu: list[float] = []
    errors: list[str] = []
    clock = time.perf_counter()

    def decide(i: int, entity_id: int) -> None:
        if i % 3 == 0:
            repo.accept_entity(entity_id, name)
        elif i % 3 == 1:
            repo.reject_entity(entity_id, name)
        else:
            repo.relabel_entity(entity_id, labels[i % len(labels)], name)

    for i, (_article, entity_id) in enumerate(plan):
        if interval:
            pause = clock + i * interval - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
        began, began_cpu = time.perf_counter(), time.thread_time()
        try:
            decide(i, entity_id)
        except Exception as exc:  # counted: the figure is "0 errors"
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append(time.perf_counter() - began)
        cpu.append(time.thread_time() - began_cpu)
    timed_retries, timed_pauses = retries.count, retries.paused
    trips = _traced_round_trips(repo, lambda i: decide(i, extra[i][1]), len(extra))
    repo.close()
    return {"name": name, "latencies": latencies, "cpu": cpu, "errors": errors, "planned": len(plan),
            "retries": timed_retries, "retry_pauses": timed_pauses, "round_trips": trips}


def _server_cpu_seconds(server: Any) -> float:
    """CPU time (user + system) used so far by the cluster: the postmaster and every process it started.

    Linux only (``/proc``); 0.0 elsewhere. A backend that ended is counted in its parent's ``cutime``.
    """
    pid_file = Path(server.root) / "data" / "postmaster.pid"
    try:
        postmaster = int(pid_file.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        pid, ppid = int(stat.parent.name), int(fields[1])
        if pid == postmaster:
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        elif ppid == postmaster:
            total += int(fields[11]) + int(fields[12])
    return total / tick


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
        # The paced run, the paced run out of step, then the back-to-back one.
        n_articles = max(1, -(-3 * (decisions + TRACED) // per_article))
        admin = open_repository(url)
        for article in make_articles(n_articles, words=900, seed=21):
            article_id = admin.add_article(article).article_id
            text = admin.article(article_id).text
            admin.store_suggestions(synthetic_suggestions(article_id, text, per_article + 5, 3))
        admin.close()

        runs = {}
        for key, interval, step in (("paced", PACE, 0.0), ("out of step", PACE, STEP), ("flat out", 0.0, 0.0)):
            runs[key] = _decide_together(server, names, passwords, decisions, interval, step)
        ratio = _suggest_ratio(work, server, suggest_articles)
    label = f"{annotators} annotator processes x {decisions} decisions"

    def decided(run: Run) -> int:
        return max(1, len(run.latencies))

    paced, out_of_step, flat_out = runs["paced"], runs["out of step"], runs["flat out"]
    return [
        (f"team server: {label}, errors", float(sum(len(run.errors) for run in runs.values())), "errors", 0.0),
        (f"team server: {label}, one per {PACE:g} s each, commit p95", _p95(paced.latencies) * 1000, "ms", 20.0),
        (f"team server: {label}, one per {PACE:g} s each, commit median",
         statistics.median(paced.latencies) * 1000, "ms", None),
        # Where a decision's time goes: the client's own CPU (composing the statements, the audit snapshots) and
        # the server's CPU per decision; the rest of the latency is waiting (for the disk, and for a core).
        (f"team server: {label}, one per {PACE:g} s each, client CPU per decision, p95",
         _p95(paced.client_cpu) * 1000, "ms", None),
        (f"team server: {label}, one per {PACE:g} s each, server CPU per decision (mean)", paced.server_cpu * 1000,
         "ms", None),
        (f"team server: {label}, one per {PACE:g} s each, round trips per decision (mean)",
         statistics.mean(paced.round_trips) if paced.round_trips else 0.0, "round trips", None),
        (f"team server: {label}, one per {PACE:g} s each, retries per decision", paced.retries / decided(paced),
         "retries", None),
        (f"team server: {label}, back to back, retries per decision", flat_out.retries / decided(flat_out),
         "retries", None),
        # The machine's 1-minute load average as the paced run began and ended: on 2 cores, above 2 the
        # processes wait for a core, and the latency says more about the machine than about the store.
        (f"team server: {label}, one per {PACE:g} s each, load average as it began", paced.load[0], "load", None),
        (f"team server: {label}, one per {PACE:g} s each, load average as it ended", paced.load[1], "load", None),
        (f"team server: {label}, one per {PACE:g} s each, out of step, commit p95",
         _p95(out_of_step.latencies) * 1000, "ms", None),
        (f"team server: {label}, one per {PACE:g} s each, out of step, commit median",
         statistics.median(out_of_step.latencies) * 1000, "ms", None),
        (f"team server: {label}, back to back, commit p95", _p95(flat_out.latencies) * 1000, "ms", None),
        (f"team server: {label}, back to back, commit median", statistics.median(flat_out.latencies) * 1000, "ms",
         None),
        (f"team server: suggest {suggest_articles} articles into PostgreSQL / into SQLite", ratio, "ratio", None),
    ]


class Run:
    """What one run of the annotator processes measured."""

    def __init__(self, reports: list[dict[str, Any]], server_cpu: float, load: tuple[float, float]) -> None:
        self.latencies = [x for r in reports for x in r["latencies"]]
        self.client_cpu = [x for r in reports for x in r["cpu"]]
        self.errors = [e for r in reports for e in r["errors"]]
        #: Retries of conflicting transactions during the timed decisions, and the seconds paused before them.
        self.retries = sum(r["retries"] for r in reports)
        self.retry_pauses = sum(r["retry_pauses"] for r in reports)
        #: Round trips to the server of each traced decision (after the timed ones).
        self.round_trips = [x for r in reports for x in r["round_trips"]]
        #: Server CPU per decision (s): the cluster's CPU over the run divided by the decisions; it includes the
        #: connections' start and the plan reads, so it is an upper bound.
        self.server_cpu = server_cpu / max(1, len(self.latencies))
        #: The 1-minute load average when the decisions began and when they ended.
        self.load = load


def _decide_together(server: Any, names: list[str], passwords: dict[str, str], decisions: int,
                     interval: float, step: float) -> Run:
    """Run one annotator process per name, all starting at once (the k-th ``k * step`` later); their latencies,
    CPU and errors."""
    start_at = time.time() + 8.0  # time for every process to import, connect and read its plan
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.team_server", "worker", server.url("bench_team", name), name,
             str(decisions), repr(start_at + k * step), repr(interval)],
            cwd=ROOT, env={**os.environ, "PGPASSWORD": passwords[name]}, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
        )
        for k, name in enumerate(names)
    ]
    reports = []
    while time.time() < start_at:
        time.sleep(0.01)
    server_before, load_before = _server_cpu_seconds(server), os.getloadavg()[0]
    for proc in procs:
        out, err = proc.communicate(timeout=1800)
        if proc.returncode != 0:
            raise RuntimeError(f"bench.team_server worker failed:\n{err[-3000:]}")
        reports.append(json.loads(out.strip().splitlines()[-1]))
    run = Run(reports, _server_cpu_seconds(server) - server_before, (load_before, os.getloadavg()[0]))
    if run.errors:
        print(f"[bench] team: {len(run.errors)} errors, e.g. {run.errors[:3]}", file=sys.stderr)
    planned = sum(r["planned"] for r in reports)
    if planned < len(names) * decisions:
        raise RuntimeError(f"only {planned} of {len(names) * decisions} decisions could be planned")
    return run


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
