"""Benchmarks of issue 16: bulk JSONL import (plain and with 25 spans per article), a 500-article Nexis DOCX
import, and near-duplicate detection over 100,000 articles. Corpora are built in the work folder from the
seeds (``bench.corpus``) and from invented articles (``bench.exports``)."""

from __future__ import annotations

import functools
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bench.corpus import make_text, seed_paragraphs, synthetic_suggestions

Row = tuple[str, float, str, float | None]


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _open(path: Path) -> Any:
    from annotator.store import open_repository

    return open_repository(str(path))


def texts(n: int, words: int = 300, seed: int = 23) -> Iterator[str]:
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    for _ in range(n):
        yield make_text(rng, paragraphs, words)


def write_jsonl(path: Path, n: int, spans: int) -> Path:
    """``n`` JSONL records of ~300 words, each with ``spans`` entity spans (at capitalised words) when > 0."""
    with path.open("w", encoding="utf-8") as handle:
        for i, text in enumerate(texts(n)):
            record: dict[str, Any] = {"id": f"b{i:06d}", "title": f"Bench article {i}", "date": "2016-05-13",
                                      "text": text}
            if spans:
                suggestions = synthetic_suggestions(record["id"], text, spans, 0)
                record["entities"] = [{"start": e.start, "end": e.end, "label": e.label}
                                      for e in suggestions.entities]
            handle.write(json.dumps(record) + "\n")
    return path


def _import_times(work: Path, source: Path, runs: int, name: str, **options: Any
                  ) -> tuple[float, float, float, float]:
    """Median wall and CPU time (this process) of importing ``source`` into a new project, then the same of
    the search index catching up with what it stored (``catch_up_search``, what ``annotator import`` and the
    window run right after the import)."""
    from annotator.jobs.importing import catch_up_search, import_paths

    walls, cpus, index_walls, index_cpus = [], [], [], []
    for r in range(runs):
        repo = _open(work / f"{name}_{r}.db")
        try:
            wall, cpu = time.perf_counter(), time.process_time()
            summary = import_paths(repo, [source], **options)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            assert not summary.refused, summary.refused[:3]
            wall, cpu = time.perf_counter(), time.process_time()
            catch_up_search(repo)
            index_walls.append(time.perf_counter() - wall)
            index_cpus.append(time.process_time() - cpu)
        finally:
            repo.close()
    return (statistics.median(walls), statistics.median(cpus), statistics.median(index_walls),
            statistics.median(index_cpus))


def _command_times(work: Path, source: Path, runs: int, name: str) -> tuple[float, float]:
    """Median wall and CPU time of ``annotator import --no-near-duplicates SOURCE`` into a new project, as a user
    runs it: a fresh process (start-up), the import, and the search index catching up before it ends. The CPU
    time is the child's own (user and system, from the kernel's accounting of waited-for children)."""
    walls, cpus = [], []
    for r in range(runs):
        db = work / f"{name}_{r}.db"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "annotator", "import", "--no-near-duplicates", "--db", str(db),
                               str(source)], capture_output=True, text=True, stdin=subprocess.DEVNULL, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode != 0:
            raise RuntimeError(f"annotator import failed:\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def bench_import_command(work: Path, articles: int) -> list[Row]:
    """Issue 16, point 8, as the user meets it: the ``annotator import`` command of the plain file, end to end
    (median of 3), and the same command on a one-line file (what start-up and opening a project cost)."""
    plain = work / "plain.jsonl"
    if not plain.exists():
        write_jsonl(plain, articles, 0)
    one = work / "one.jsonl"
    one.write_text(plain.read_text(encoding="utf-8").split("\n", 1)[0] + "\n", encoding="utf-8")
    runs = 3 if articles > 100 else 1
    wall, cpu = _command_times(work, plain, runs, "command")
    start_wall, start_cpu = _command_times(work, one, runs, "command_one")
    what = f"the command: annotator import --no-near-duplicates of {articles:,} plain JSONL articles"
    return [
        (f"{what}, start-up and the search index's catch-up included (median)", wall, "s", None),
        (f"{what}: CPU time of the process (median)", cpu, "s", None),
        ("the command: annotator import --no-near-duplicates of a one-line file (start-up; median)", start_wall, "s",
         None),
        ("the command: annotator import --no-near-duplicates of a one-line file: CPU time (median)", start_cpu, "s",
         None),
    ]


def bench_ingest(work: Path, articles: int) -> list[Row]:
    """Point 8: JSONL import into a new project, duplicate check and audit kept (median of 3).

    The CPU time of the process is reported beside the wall time: on a machine shared with other work the
    wall time also counts the time the process waited for a core.
    """
    runs = 3 if articles > 100 else 1
    plain = write_jsonl(work / "plain.jsonl", articles, 0)
    spans = write_jsonl(work / "spans.jsonl", articles, 25)
    plain_wall, plain_cpu, index_wall, index_cpu = _import_times(work, plain, runs, "plain",
                                                                 near_duplicate_threshold=None)
    spans_wall, spans_cpu, _, _ = _import_times(work, spans, runs, "spans", near_duplicate_threshold=None)
    near_wall, _, _, _ = _import_times(work, plain, 1, "near")
    return [
        (f"import {articles:,} JSONL articles of ~300 words, plain (median)", plain_wall, "s", 1.0),
        (f"import {articles:,} JSONL articles of ~300 words, plain: CPU time (median)", plain_cpu, "s", None),
        (f"import {articles:,} JSONL articles with 25 spans each (median)", spans_wall, "s", 5.0),
        (f"import {articles:,} JSONL articles with 25 spans each: CPU time (median)", spans_cpu, "s", None),
        (f"then the text filter's index catching up with {articles:,} articles (median)", index_wall, "s", None),
        (f"then the text filter's index catching up with {articles:,} articles: CPU time", index_cpu, "s", None),
        (f"import {articles:,} JSONL articles, plain, near-duplicate check on (default)", near_wall, "s", None),
        *bench_import_command(work, articles),
    ]


def bench_ingest_postgres(work: Path, articles: int) -> list[Row]:
    """The same two imports into a new project on a local PostgreSQL server (durable: fsync and synchronous
    commit on), one run each; the CPU time is this process's (the client), the server's is not counted."""
    from annotator.jobs.importing import import_paths
    from annotator.store import open_repository
    from bench.postgres import local_server

    rows: list[Row] = []
    with local_server("the PostgreSQL import benchmark") as server:
        for spans, label in ((0, "plain"), (25, "with 25 spans each")):
            source = work / ("plain.jsonl" if not spans else "spans.jsonl")
            if not source.exists():
                write_jsonl(source, articles, spans)
            repo = open_repository(server.create_database(f"bench_import_{spans}"))
            try:
                wall, cpu = time.perf_counter(), time.process_time()
                summary = import_paths(repo, [source], near_duplicate_threshold=None)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                assert summary.imported == articles and not summary.refused, summary.lines()[:3]
            finally:
                repo.close()
            rows.append((f"PostgreSQL: import {articles:,} JSONL articles, {label}", wall, "s", None))
            rows.append((f"PostgreSQL: import {articles:,} JSONL articles, {label}: client CPU time", cpu, "s", None))
    return rows


def bench_sources(work: Path, nexis_articles: int, near_articles: int) -> list[Row]:
    """The 500-article Nexis DOCX import (default options) and near-duplicates over 100,000 articles."""
    from annotator.jobs.importing import import_paths
    from annotator.jobs.near_duplicates import NearDuplicateIndex
    from bench import exports

    docx = exports.write_nexis_docx(work / "nexis.docx", exports.fake_articles(nexis_articles, seed=8))
    repo = _open(work / "nexis.db")
    try:
        result: list[Any] = []
        t_nexis = _timed(functools.partial(lambda: result.append(import_paths(repo, [docx]))))
        assert result[0].imported == nexis_articles, result[0].lines()[:5]
    finally:
        repo.close()

    corpus = list(texts(near_articles, seed=31))

    def detect() -> None:
        index = NearDuplicateIndex()
        for i, text in enumerate(corpus):
            sig = index.signature(text)
            index.query(sig)
            index.add(i, sig)

    cpu = time.process_time()
    t_near = _timed(detect)
    cpu_near = time.process_time() - cpu
    return [
        (f"import a {nexis_articles}-article Nexis Uni DOCX (near-duplicate check on)", t_nexis, "s", 20.0),
        (f"near-duplicate detection over {near_articles:,} articles of ~300 words", t_near, "s", 60.0),
        (f"near-duplicate detection over {near_articles:,} articles: CPU time", cpu_near, "s", None),
    ]
