"""Load the claim cue lexicon (``resources/cues.json``) and rules (``resources/claim_patterns.json``).

Both files are meant to be edited by analysts, so every problem is reported as a ``ConfigError`` naming the
file and the entry, never as a ``KeyError`` deep inside the suggester.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.errors import ConfigError
from annotator.core.resources import resource_path

CUES_FILE = "cues.json"
PATTERNS_FILE = "claim_patterns.json"

#: Complement kinds a cue verb may take; they name the DependencyMatcher patterns in claim_patterns.json.
FRAMES = ("that", "to", "quote", "obj")


@dataclass(frozen=True)
class CueVerb:
    """A reporting, belief, intention or evaluation verb and the complements that carry its content."""

    lemma: str
    form: str
    that: bool = False
    to: bool = False
    quote: bool = False
    obj: bool = False
    preps: frozenset[str] = frozenset()
    particles: frozenset[str] = frozenset()  # non-empty: a cue only together with one of these particles

    def takes(self, frame: str) -> bool:
        """Whether this verb takes the complement ``frame`` (one of ``FRAMES``, or "prep")."""
        if frame == "prep":
            return bool(self.preps)
        return bool(getattr(self, frame, False))


@dataclass(frozen=True)
class CuePhrase:
    """A multi-word cue such as "according to" whose last word governs the source."""

    words: tuple[str, ...]
    kind: str
    form: str
    named_source: bool = False  # only with a name as source ("per Reuters", not "per capita")


@dataclass
class CueLexicon:
    """Everything the suggester reads from resources: cue words plus rule parameters."""

    verbs: dict[str, CueVerb]
    phrases: list[CuePhrase]
    nouns: dict[str, str]  # noun lemma -> form
    aliases: dict[str, str]  # lemmatiser slip -> lexicon lemma ("hop" for "hopes")
    patterns: dict[str, Any] = field(default_factory=dict)
    adjectives: dict[str, str] = field(default_factory=dict)  # "is convinced that": adjective lemma -> form
    raising: dict[str, str] = field(default_factory=dict)  # "X seems to": sourceless evidential verbs -> form

    def verb(self, lemma: str) -> CueVerb | None:
        """The cue verb for ``lemma`` (lower-cased), following aliases."""
        lemma = lemma.lower()
        return self.verbs.get(lemma) or self.verbs.get(self.aliases.get(lemma, ""))

    def lemmas_for(self, frame: str) -> list[str]:
        """Lemmas (aliases included) of the verbs taking complement ``frame``; fills pattern placeholders."""
        out = [v.lemma for v in self.verbs.values() if v.takes(frame)]
        out += [alias for alias, lemma in self.aliases.items() if self.verbs[lemma].takes(frame)]
        return sorted(out)

    def param(self, name: str) -> Any:
        """A rule parameter from claim_patterns.json (``ConfigError`` naming the file when absent)."""
        try:
            return self.patterns[name]
        except KeyError:
            raise ConfigError(f"{PATTERNS_FILE}: missing setting {name!r}") from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read cue resource {path}: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: malformed JSON: {exc.msg}") from exc


def _parse_verb(entry: Any, where: str) -> CueVerb:
    if not isinstance(entry, dict) or not isinstance(entry.get("lemma"), str) or not entry["lemma"].strip():
        raise ConfigError(f"{where}: a verb needs a non-empty 'lemma'")
    return CueVerb(
        lemma=entry["lemma"].strip().lower(),
        form=str(entry.get("form", "statement")),
        that=bool(entry.get("that", False)),
        to=bool(entry.get("to", False)),
        quote=bool(entry.get("quote", False)),
        obj=bool(entry.get("obj", False)),
        preps=frozenset(str(p).lower() for p in entry.get("prep", [])),
        particles=frozenset(str(p).lower() for p in entry.get("particle", [])),
    )


def load_lexicon(lexicon_path: Path | None = None, patterns_path: Path | None = None) -> CueLexicon:
    """Read and check the cue lexicon and the rule parameters.

    Args:
        lexicon_path: a cues.json to use instead of the bundled one (an analyst's extended copy).
        patterns_path: a claim_patterns.json to use instead of the bundled one.

    Returns:
        The lexicon.

    Raises:
        ConfigError: a file is missing or malformed; the message names the file and entry.
    """
    try:
        lex_file = lexicon_path or resource_path(CUES_FILE)
        pat_file = patterns_path or resource_path(PATTERNS_FILE)
    except FileNotFoundError as exc:  # an install without the resources folder
        raise ConfigError(f"claim cue resources not found: {exc}") from exc
    raw = _read_json(lex_file)
    patterns = _read_json(pat_file)
    if not isinstance(raw, dict) or not isinstance(patterns, dict):
        raise ConfigError(f"{lex_file} and {pat_file} must each hold a JSON object")
    verbs: dict[str, CueVerb] = {}
    for k, entry in enumerate(raw.get("verbs", [])):
        verb = _parse_verb(entry, f"{lex_file}: verbs[{k}]")
        verbs[verb.lemma] = verb
    aliases: dict[str, str] = {}
    for alias, lemma in dict(raw.get("aliases", {})).items():
        if str(lemma).lower() not in verbs:
            raise ConfigError(f"{lex_file}: alias {alias!r} points to unknown verb {lemma!r}")
        aliases[str(alias).lower()] = str(lemma).lower()
    phrases: list[CuePhrase] = []
    for k, entry in enumerate(raw.get("phrases", [])):
        text = str(entry.get("text", "")).strip().lower() if isinstance(entry, dict) else ""
        if not text:
            raise ConfigError(f"{lex_file}: phrases[{k}] needs a non-empty 'text'")
        phrases.append(
            CuePhrase(
                tuple(text.split()),
                str(entry.get("kind", "according-to")),
                str(entry.get("form", "statement")),
                bool(entry.get("named_source", False)),
            )
        )
    nouns, adjectives, raising = (_lemma_forms(raw, key, lex_file) for key in ("nouns", "adjectives", "raising"))
    return CueLexicon(
        verbs=verbs,
        phrases=phrases,
        nouns=nouns,
        aliases=aliases,
        patterns=patterns,
        adjectives=adjectives,
        raising=raising,
    )


def _lemma_forms(raw: dict[str, Any], key: str, lex_file: Path) -> dict[str, str]:
    """A list of ``{"lemma": ..., "form": ...}`` entries as a lemma -> form mapping."""
    out: dict[str, str] = {}
    for k, entry in enumerate(raw.get(key, [])):
        if not isinstance(entry, dict) or not isinstance(entry.get("lemma"), str):
            raise ConfigError(f"{lex_file}: {key}[{k}] needs a 'lemma'")
        out[entry["lemma"].lower()] = str(entry.get("form", "statement"))
    return out
