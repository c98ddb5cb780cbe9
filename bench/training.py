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
import subprocess
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


def bench_training(work: Path, tiny: bool, model_dir: Path | None = None, speed: bool = True) -> list[Row]:
    """Build the project, train claims on it, and measure (see the module docstring).

    Args:
        work: the benchmark's temporary folder.
        tiny: a few made-up articles instead of the corpus (a quick check of the code path).
        model_dir: where to save the trained pipeline (default: ``work/model``, deleted with ``work``); a folder
            outside the repository keeps the model for ``--model`` and ``annotator evaluate --pipeline``.
        speed: also measure the suggestion ratios with the trained pipeline (``--model``, in a fresh process).
    """
    from annotator.core.training_data import TAGGER_EPOCHS
    from annotator.jobs.training import train
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

    model = model_dir if model_dir is not None else work / "model"
    started, cpu_started = time.perf_counter(), time.process_time()
    # The corpus run trains as `annotator train` does, with the job's own limit on epochs (12, patience 3); until
    # session 9 it stopped at 8.
    result = train(repo, layers=[LAYER], what=["claims"], output=model, name="bench-claims",
                   eval_ids=[ids[i] for i in dev_ids], epochs=2 if tiny else TAGGER_EPOCHS, progress=report)
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
    if not speed:
        return rows
    # The suggestion ratios in a fresh process, as `annotator suggest` runs: this one now holds the training's
    # heap, whose garbage collections alone put the rules-only reference at 1.39 of the bare parse in CPU time
    # against 1.05-1.18 in a fresh process.
    out = work / "suggest-ratios.json"
    subprocess.run([sys.executable, "-m", "bench.training", "--model", str(model), "--articles",
                    str(6 if tiny else 200), "--json", str(out)], check=True)
    rows.extend((name, value, unit, target) for name, value, unit, target in json.loads(out.read_text()))
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
    bare, ours, bare_cpu, ours_cpu, parse_cpu, writer_cpu = [], [], [], [], [], []
    for r in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        list(base.nlp.pipe(texts, batch_size=32))
        bare.append(time.perf_counter() - start)
        bare_cpu.append(time.process_time() - cpu)
        repo = open_repository(str(work / f"suggest-{'trained' if model else 'rules'}-{r}.db"))
        for article in articles:
            repo.add_article(article)
        start, cpu = time.perf_counter(), time.process_time()
        summary = suggest(repo, loaded=trained)
        ours.append(time.perf_counter() - start)
        ours_cpu.append(time.process_time() - cpu)
        parse_cpu.append(summary.parse_cpu_seconds)
        writer_cpu.append(summary.writer_cpu_seconds)
        repo.close()
    which = "the trained pipeline" if model else "the base pipeline and the rules (reference)"
    return [
        (f"suggest with {which} / bare nlp.pipe (1 process)",
         statistics.median(ours) / statistics.median(bare), "ratio", 1.3 if model else None),
        (f"suggest with {which} / bare nlp.pipe, CPU time",
         statistics.median(ours_cpu) / statistics.median(bare_cpu), "ratio", None),
        # Where that CPU time went: the parse's thread (which the bare parse is all of) and the writer's.
        (f"suggest with {which}: CPU of the parse's thread / bare nlp.pipe",
         statistics.median(parse_cpu) / statistics.median(bare_cpu), "ratio", None),
        (f"suggest with {which}: CPU of the writer's thread / bare nlp.pipe",
         statistics.median(writer_cpu) / statistics.median(bare_cpu), "ratio", None),
    ]


def component_parts(model: str, n: int = 60) -> list[Row]:
    """Where the trained attribution component's time goes per document: each stage's CPU time (this thread)
    over ``n`` bench articles, divided by the CPU time of the parse it runs after (the pipeline without it)."""
    from annotator.core.resources import sample_codebook
    from annotator.nlp.attribution_component import decode_batch, write_claims
    from annotator.nlp.attribution_linking import link_claims
    from annotator.nlp.attribution_model import one_blas_thread
    from annotator.nlp.pipeline import load_pipeline
    from annotator.nlp.suggester import Suggester

    loaded = load_pipeline(model)
    suggester = Suggester(loaded, sample_codebook())
    names = suggester.deferred_components
    if not names:
        raise SystemExit(f"{model}: no trained attribution component in this pipeline")
    component = loaded.nlp.get_pipe(names[0])
    texts = [a.text for a in make_articles(n, words=400, seed=11)]
    clock = time.thread_time
    list(loaded.nlp.pipe(texts[:2]))
    start = clock()
    docs = list(loaded.nlp.pipe(texts, batch_size=32, disable=list(names)))
    parse = clock() - start
    parts = dict.fromkeys(("rules", "features", "network", "decode", "link", "write", "after"), 0.0)
    for k in range(0, n, 32):
        batch = docs[k : k + 32]
        t = clock()
        inputs, rule_claims = component.inputs(batch)  # the rules' claims and the feature columns
        t1 = clock()
        with one_blas_thread():
            probs = [component.model.ops.to_numpy(p) for p in component.model.predict(inputs)]
        t2 = clock()
        tags = decode_batch(probs)
        t3 = clock()
        piece_filter, edges = component.piece_filter, component.edge_chooser
        subjects = bool(component.cfg.get("subject_sources"))
        claims = [link_claims(d, tg, rc, component.cfg["mode"], probs=p, piece_filter=piece_filter, edges=edges,
                              subject_sources=subjects)
                  for d, tg, rc, p in zip(batch, tags, rule_claims, probs, strict=True)]
        t4 = clock()
        for doc, found in zip(batch, claims, strict=True):
            write_claims(doc, found)
        t5 = clock()
        for doc in batch:
            suggester.suggest_doc("bench", doc)
        t6 = clock()
        rules_start = clock()
        for doc in batch:
            component.rules.suggest_rules(doc)
        rules = clock() - rules_start
        parts["rules"] += rules
        parts["features"] += max(0.0, t1 - t - rules)
        parts["network"] += t2 - t1
        parts["decode"] += t3 - t2
        parts["link"] += t4 - t3
        parts["write"] += t5 - t4
        parts["after"] += t6 - t5
    labels = {"rules": "the rules' claims it reads", "features": "feature columns", "network": "network",
              "decode": "BIO decoding (Viterbi)", "link": "linking into claims", "write": "claims into doc.spans",
              "after": "then the suggester (entities, actors, sources) on the Doc"}
    rows: list[Row] = [(f"trained component, {labels[k]} / the parse (CPU)", v / parse, "ratio", None)
                       for k, v in parts.items()]
    rows.append(("the parse, CPU per article", 1000 * parse / n, "ms", None))
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.training --model DIR``: the suggestion ratios and the component's parts for a saved model
    (no training, no corpus: the bench articles), with the load average. ``--train DIR``: the whole training
    benchmark, keeping its model in ``DIR``."""
    import argparse
    import tempfile

    from annotator.jobs.suggesting import suggest
    from annotator.nlp.pipeline import load_pipeline

    parser = argparse.ArgumentParser(description=main.__doc__)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--model", help="a pipeline folder saved by `annotator train`")
    which.add_argument("--train", metavar="DIR",
                       help="train and measure quality as `bench.run --only training` does (without its suggestion "
                            "ratios: `--model DIR` measures those) and keep the model in DIR, a new folder outside "
                            "the repository")
    parser.add_argument("--tiny", action="store_true", help="with --train: a few made-up articles (a smoke test)")
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--json", help="also write the rows to this file (the benchmark group reads them)")
    parser.add_argument("--switch-interval", type=float, default=None,
                        help="sys.setswitchinterval for the runs, in seconds (default: Python's, 0.005)")
    args = parser.parse_args(argv)
    if args.switch_interval is not None:
        sys.setswitchinterval(args.switch_interval)
    if args.train:
        with tempfile.TemporaryDirectory() as tmp:
            _print(bench_training(Path(tmp), tiny=args.tiny, model_dir=Path(args.train), speed=False), args.json)
        return 0
    rows: list[Row] = [("load average (1 min) before the suggestion runs", _load(), "load", None)]
    with tempfile.TemporaryDirectory() as tmp:
        rows += _suggest_overhead(Path(tmp), args.model, args.articles, load_pipeline, suggest)
        rows += _suggest_overhead(Path(tmp), None, args.articles, load_pipeline, suggest)
    rows += component_parts(args.model, min(args.articles, 60))
    rows.append(("load average (1 min) after the suggestion runs", _load(), "load", None))
    _print(rows, args.json)
    return 0


def _print(rows: list[Row], json_path: str | None) -> None:
    for name, value, unit, target in rows:
        print(f"{name:80s} {value:8.3f} {unit}" + (f"  (target {target})" if target is not None else ""))
    if json_path:
        Path(json_path).write_text(json.dumps(rows), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
