"""``python -m bench.run --only training``: issue 11's quality and speed targets on the PolNeAR dev data.

The corpus is read from ``../shared/dev-data`` at run time (never copied into the repository). A project is built
in the benchmark's temporary folder the way an analyst's would be: the 840 articles of
``attribution_train.jsonl`` imported, their attributions added as one annotator's claims (``polnear``), every
article marked done. Then ``annotator train`` (the job) learns claims from that layer, holding back exactly the
154 articles of ``attribution_dev.jsonl`` as its evaluation share, and its report gives the figures: exact-match
F1 per role and the overlap claim F1, for the new model and for the rules (the base pipeline). The trained
pipeline goes to the temporary folder and is deleted with it.

Speed: the job's wall time (parsing the articles, training, measuring), and ``annotator suggest`` with the trained
pipeline over the bench corpus divided by the bare ``nlp.pipe`` of the base pipeline over the same texts.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import make_articles

DEV_DATA = Path(__file__).resolve().parents[2] / "shared" / "dev-data"
LAYER = "polnear"

Row = tuple[str, float, str, float | None]


def _spans(pairs: Any) -> list[Any]:
    from annotator.core.records import Span

    return [Span(int(s), int(e)) for s, e in (pairs or []) if int(e) > int(s)]


def build_project(repo: Any, records: list[dict[str, Any]]) -> dict[str, str]:
    """Import ``records`` with their attributions as the ``polnear`` layer; returns corpus id -> article id."""
    from annotator.core.records import ArticleIn, ArticleStatus

    repo.ensure_annotator(LAYER)
    ids: dict[str, str] = {}
    for record in records:
        result = repo.add_article(ArticleIn(text=record["text"], ext_id=record["id"],
                                            source=record.get("publisher", "")))
        article_id = result.article_id
        ids[record["id"]] = article_id
        for claim in record.get("claims", []):
            cue, content = _spans(claim.get("cue_spans")), _spans(claim.get("content_spans"))
            if not cue or not content:
                continue
            repo.add_claim(article_id, LAYER, cue=cue, content=content, source=_spans(claim.get("source_spans")),
                           kind="other")
        repo.set_article_status(article_id, LAYER, ArticleStatus.DONE)
    return ids


def _tiny_records() -> list[dict[str, Any]]:
    out = []
    for k in range(8):
        text = f"Senator Number{k} said that the plan {k} would fail. “It is late,” the mayor told reporters."
        said, told = text.index("said"), text.index("told")
        quote = (text.index("“"), text.index("”") + 1)
        out.append({"id": f"tiny-{k}", "publisher": "tiny", "text": text, "claims": [
            {"source_spans": [[0, said - 1]], "cue_spans": [[said, said + 4]],
             "content_spans": [[said + 5, text.index(".")]]},
            {"source_spans": [[text.index("the mayor"), told - 1]], "cue_spans": [[told, told + 4]],
             "content_spans": [list(quote)]},
        ]})
    return out


def bench_training(work: Path, tiny: bool) -> list[Row]:
    from annotator.jobs.suggesting import suggest
    from annotator.jobs.training import train
    from annotator.nlp.pipeline import load_pipeline
    from annotator.store import open_repository

    if tiny:
        records, dev_ids = _tiny_records(), {"tiny-6", "tiny-7"}
    else:
        train_file, dev_file = DEV_DATA / "attribution_train.jsonl", DEV_DATA / "attribution_dev.jsonl"
        if not train_file.is_file() or not dev_file.is_file():
            print(f"[bench] training: {DEV_DATA} not found; skipped", file=sys.stderr)
            return []
        records = [json.loads(line) for line in train_file.read_text(encoding="utf-8").splitlines() if line.strip()]
        dev_ids = {json.loads(line)["id"] for line in dev_file.read_text(encoding="utf-8").splitlines()
                   if line.strip()}
    repo = open_repository(str(work / "training.db"))
    started = time.perf_counter()
    ids = build_project(repo, records)
    print(f"[bench] training: project built in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    def report(p: Any) -> None:
        if p.total and (p.done % 50 == 0 or p.done == p.total):
            print(f"[bench]   {p.done / max(p.total, 1):.0%} {p.message}", file=sys.stderr, flush=True)

    started, cpu_started = time.perf_counter(), time.process_time()
    result = train(repo, layers=[LAYER], what=["claims"], output=work / "model", name="bench-claims",
                   eval_ids=[ids[i] for i in dev_ids], epochs=2 if tiny else 8, progress=report)
    train_seconds, train_cpu = time.perf_counter() - started, time.process_time() - cpu_started
    new, current = result.report["new"]["claims"], result.report["current"]["claims"]
    (work / "training-report.json").write_text(json.dumps(result.report, indent=2), encoding="utf-8")
    rows: list[Row] = [
        ("claims (trained) exact F1: source", new["exact"]["source"]["f1"], "F1", 0.75),
        ("claims (trained) exact F1: cue", new["exact"]["cue"]["f1"], "F1", 0.70),
        ("claims (trained) exact F1: content", new["exact"]["content"]["f1"], "F1", 0.60),
        ("claims (trained) overlap claim F1", new["overlap"]["f1"], "F1", 0.80),
        ("claims (trained) begin-match F1: source", new["begin"]["source"]["f1"], "F1", None),
        ("claims (trained) begin-match F1: cue", new["begin"]["cue"]["f1"], "F1", None),
        ("claims (trained) begin-match F1: content", new["begin"]["content"]["f1"], "F1", None),
        ("claims (rules) exact F1: source", current["exact"]["source"]["f1"], "F1", None),
        ("claims (rules) exact F1: cue", current["exact"]["cue"]["f1"], "F1", None),
        ("claims (rules) exact F1: content", current["exact"]["content"]["f1"], "F1", None),
        ("claims (rules) overlap claim F1", current["overlap"]["f1"], "F1", None),
        ("train claims on 686 articles (annotator train: parse, train, measure)", train_seconds / 60, "min", 20.0),
        ("train claims on 686 articles, CPU time of the process", train_cpu / 60, "min", None),
        ("load average (1 min) after training", _load(), "load", None),
    ]
    repo.close()
    rows.extend(_suggest_overhead(work, str(work / "model"), 6 if tiny else 200, load_pipeline, suggest))
    rows.extend(_suggest_overhead(work, None, 6 if tiny else 200, load_pipeline, suggest))
    rows.append(("load average (1 min) after the suggestion runs", _load(), "load", None))
    return rows


def _load() -> float:
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0.0


def _suggest_overhead(work: Path, model: str | None, n: int, load_pipeline: Any, suggest: Any) -> list[Row]:
    """``annotator suggest`` with the trained pipeline (``model``; None: the base pipeline with the rules, for
    reference) ÷ bare ``nlp.pipe`` of the base pipeline (medians of 3, alternating), in wall time and in CPU time
    (this process's, all threads: the store writes on a thread of its own; steadier on a shared machine)."""
    from annotator.store import open_repository

    base = load_pipeline(None)
    trained = load_pipeline(model) if model else base
    articles = list(make_articles(n, words=400, seed=11))
    texts = [a.text for a in articles]
    list(base.nlp.pipe(texts[:2]))
    bare, ours, bare_cpu, ours_cpu = [], [], [], []
    for r in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        list(base.nlp.pipe(texts, batch_size=32))
        bare.append(time.perf_counter() - start)
        bare_cpu.append(time.process_time() - cpu)
        repo = open_repository(str(work / f"suggest-{'trained' if model else 'rules'}-{r}.db"))
        for article in articles:
            repo.add_article(article)
        start, cpu = time.perf_counter(), time.process_time()
        suggest(repo, loaded=trained)
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - cpu)
        repo.close()
    which = "the trained pipeline" if model else "the base pipeline and the rules (reference)"
    return [
        (f"suggest with {which} / bare nlp.pipe (1 process)",
         statistics.median(ours) / statistics.median(bare), "ratio", 1.3 if model else None),
        (f"suggest with {which} / bare nlp.pipe, CPU time",
         statistics.median(ours_cpu) / statistics.median(bare_cpu), "ratio", None),
    ]
