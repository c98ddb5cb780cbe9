"""Where the time of `annotator suggest` goes, per article `python -m bench.suggest_breakdown`.

Measured in one process on the benchmark's synthetic articles: spaCy's parse, what sending a parsed Doc back from
a worker costs (``to_bytes`` there plus ``from_bytes`` here, and its size), our rules on the Doc, the pickled
size of the suggestions a worker sends instead, and storing them. With ``--processes 2`` before this change, the
parent rebuilt every Doc and ran the rules while the workers parsed, so it needed about as much CPU as a worker.
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.corpus import make_articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args(argv)
    from spacy.tokens import Doc

    from annotator.nlp.pipeline import load_pipeline
    from annotator.nlp.suggester import Suggester
    from annotator.store import open_repository

    loaded = load_pipeline(None)
    from annotator.core.resources import sample_codebook

    suggester = Suggester(loaded, sample_codebook())
    articles = list(make_articles(args.articles, words=400, seed=3))
    with tempfile.TemporaryDirectory() as tmp:
        repo = open_repository(str(Path(tmp) / "b.db"))
        ids = [repo.add_article(a).article_id for a in articles]
        parse, ship, rules, store, doc_bytes, result_bytes = [], [], [], [], [], []
        for article_id, article in zip(ids, articles, strict=True):
            t0 = time.perf_counter()
            doc = loaded.nlp(article.text)
            t1 = time.perf_counter()
            data = doc.to_bytes(exclude=["tensor", "user_data"])
            doc = Doc(loaded.nlp.vocab).from_bytes(data)
            t2 = time.perf_counter()
            suggestions = suggester.suggest_doc(article_id, doc)
            t3 = time.perf_counter()
            repo.store_suggestions(suggestions)
            t4 = time.perf_counter()
            parse.append(t1 - t0)
            ship.append(t2 - t1)
            rules.append(t3 - t2)
            store.append(t4 - t3)
            doc_bytes.append(len(data))
            result_bytes.append(len(pickle.dumps(suggestions)))
        repo.close()

    def ms(values: list[float]) -> str:
        return f"{1000 * statistics.median(values):7.1f} ms"

    print(f"per article (median of {len(articles)}, 400 words):")
    print(f"  spaCy parse                         {ms(parse)}")
    print(f"  Doc to_bytes + from_bytes (shipped) {ms(ship)}   {statistics.median(doc_bytes) / 1024:.0f} KB")
    print(f"  rules (entities, claims, actors)    {ms(rules)}")
    print(f"  suggestions pickled (shipped now)              {statistics.median(result_bytes) / 1024:.1f} KB")
    print(f"  store (one transaction)             {ms(store)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
