"""Measure how often suggested claims name their actors: claimant linked, pronoun/title sources linked, addressees.

Usage::

    .venv/bin/python -m bench.eval_claim_actors [--gold PATH] [--seeds] [--show N]

Runs the whole suggester (entities, actor links, claims) in memory on the seeds and on the gold texts of
``dev-data`` (the texts only: the gold file has no actor links, so these are counts, not accuracies) and prints
per corpus: claims, claims with a source, claims whose claimant is linked to an actor, pronoun / title sources
("he", "the minister") and how many of those are linked, and claims with a suggested addressee. ``--show`` prints
that many addressee suggestions (cue, addressee) to check by eye.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from annotator.core.resources import sample_codebook, seeds_dir
from annotator.io import read_inputs
from annotator.nlp.pipeline import load_pipeline
from annotator.nlp.suggester import Suggester

DEFAULT_GOLD = Path(__file__).resolve().parents[2] / "shared" / "dev-data" / "attribution_dev.jsonl"
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "who", "which", "his", "her", "their", "its", "you"])


def _is_reference(source: str) -> bool:
    words = source.casefold().split()
    return bool(words) and (source.casefold() in PRONOUNS or words[0] in ("the", "a", "an", "its", "his", "her"))


def measure(suggester: Suggester, texts: list[str], show: int = 0) -> dict[str, int]:
    counts = dict.fromkeys(("articles", "claims", "with_source", "claimant_linked", "reference_sources",
                            "reference_linked", "addressees"), 0)
    shown = 0
    for n, text in enumerate(texts):
        suggestions = next(suggester.suggest_texts([(str(n), text)]))
        counts["articles"] += 1
        for claim in suggestions.claims:
            counts["claims"] += 1
            source = " ".join(text[s.start:s.end] for s in claim.source)
            counts["with_source"] += bool(claim.source)
            counts["claimant_linked"] += claim.source_actor_key is not None
            if claim.source and _is_reference(source):
                counts["reference_sources"] += 1
                counts["reference_linked"] += claim.source_actor_key is not None
            addressee = claim.addressee_actor_key
            if addressee is not None:
                counts["addressees"] += 1
                if shown < show:
                    shown += 1
                    cue = " ".join(text[s.start:s.end] for s in claim.cue)
                    actor = next((a.name for a in suggestions.actors if a.key == addressee), addressee)
                    print(f"  {source or '—'} | {cue} | addressee: {actor}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--show", type=int, default=0)
    args = parser.parse_args(argv)
    suggester = Suggester(load_pipeline(None), sample_codebook())
    seeds = seeds_dir()
    results = {}
    if seeds is not None:
        texts = [item.text for item in read_inputs([str(seeds)]) if hasattr(item, "text")]
        results["seeds"] = measure(suggester, texts, args.show)
    if args.gold.is_file():
        texts = [json.loads(line)["text"] for line in args.gold.read_text(encoding="utf-8").splitlines() if line]
        results["dev"] = measure(suggester, texts, args.show)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
