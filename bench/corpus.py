"""Synthetic corpora for the benchmarks, made by recombining paragraphs of the bundled seeds (nothing downloaded)."""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from pathlib import Path

from annotator.core.records import (
    ArticleIn,
    ArticleSuggestions,
    ClaimSuggestion,
    EntitySuggestion,
    Span,
)
from annotator.core.resources import seeds_dir


def seed_paragraphs() -> list[str]:
    """Paragraphs of the seed articles that read as body text (headers and short lines dropped)."""
    folder = seeds_dir()
    if folder is None:
        raise FileNotFoundError("the seeds folder is missing: the benchmarks build their corpora from it")
    paragraphs: list[str] = []
    for path in sorted(folder.glob("*.txt")):
        for block in path.read_text(encoding="utf-8").split("\n"):
            block = block.replace("\u00a0", " ").strip()
            if len(block.split()) >= 25:
                paragraphs.append(block)
    return paragraphs


def make_text(rng: random.Random, paragraphs: list[str], words: int) -> str:
    """A text of about ``words`` words: a title line, then recombined paragraphs."""
    out = [f"Synthetic report {rng.randrange(10**9):09d}", ""]
    count = 0
    while count < words:
        p = rng.choice(paragraphs)
        out.append(p)
        out.append("")
        count += len(p.split())
    return "\n".join(out)


def make_articles(n: int, words: int = 400, seed: int = 7) -> Iterator[ArticleIn]:
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    for i in range(n):
        yield ArticleIn(text=make_text(rng, paragraphs, words), title=f"Synthetic report {i}",
                        date="2016-05-13", source="bench", file=f"bench_{i:06d}.txt")


def write_text_files(folder: Path, n: int, words: int = 400, seed: int = 11) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, article in enumerate(make_articles(n, words, seed)):
        path = folder / f"{i:06d}.txt"
        path.write_text(f"5/13/2016\n\n{article.text}", encoding="utf-8")
        paths.append(path)
    return paths


_NAME = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)?\b")
_LABELS = ("PERSON", "GPE", "ORG", "NORP", "DATE")


def synthetic_suggestions(article_id: str, text: str, n_spans: int, n_claims: int,
                          origin: str = "spacy:bench@0") -> ArticleSuggestions:
    """Entity and claim suggestions at plausible places (capitalised words), without running spaCy."""
    matches = list(_NAME.finditer(text))
    step = max(1, len(matches) // max(1, n_spans))
    entities: list[EntitySuggestion] = []
    last_end = -1
    for i, m in enumerate(matches[::step]):
        if len(entities) >= n_spans:
            break
        if m.start() <= last_end:
            continue
        entities.append(EntitySuggestion(m.start(), m.end(), _LABELS[i % len(_LABELS)]))
        last_end = m.end()
    claims: list[ClaimSuggestion] = []
    sentences = [m for m in re.finditer(r"[^.\n]{40,}?\.", text)]
    for m in sentences[: n_claims]:
        s, e = m.start(), m.end()
        words = list(re.finditer(r"\w+", m.group(0)))
        if len(words) < 6:
            continue
        w0, w1, w2 = words[0], words[1], words[2]
        claims.append(ClaimSuggestion(
            source=(Span(s + w0.start(), s + w0.end()),),
            cue=(Span(s + w1.start(), s + w1.end()),),
            content=(Span(s + w2.start(), e),),
            kind="indirect", form="statement"))
    return ArticleSuggestions(article_id=article_id, origin=origin, entities=entities, claims=claims)
