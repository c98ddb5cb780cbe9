"""Actor linking within one article: mentions of the same person or organisation become one actor.

Which labels name actors, and of what type, comes from the project's codebook (``Label.actor``). Persons are
grouped by name containment ("Prime Minister Shinzo Abe", "Shinzo Abe", "Abe" -> "Shinzo Abe", the longest name
without titles). Organisations, places and groups are grouped by normalised name, by the alias table in
``resources/actor_aliases.json`` ("U.S." -> "United States") and by acronym
("LDP" -> "Liberal Democratic Party"). Keys are local to the article ("k1", "k2", ... in order of first
mention); the store links actors across articles by name and alias, so canonical names and aliases must be
consistent — nothing else is needed here.

This module works on text and offsets only (no spaCy), so it is cheap and testable without the pipeline.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from annotator.core.codebook import ActorType
from annotator.core.records import ActorSuggestion, ClaimSuggestion, EntitySuggestion, Span
from annotator.core.resources import load_json_resource

#: Label -> actor type, for the labels whose mentions name actors (``Codebook.actor_labels()``, in label order).
ActorTypes = Mapping[str, ActorType]
#: Words skipped when forming an acronym from a name ("Ministry of Foreign Affairs" -> "MFA").
_ACRONYM_STOPWORDS = frozenset({"of", "the", "and", "for", "on", "in", "&", "to", "at"})

_THE = re.compile(r"^the\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’]s|(?<=s)['’])$")
_SPACES = re.compile(r"\s+")


def _acronym_form(name: str) -> str | None:
    """``name`` without periods when it is written as an acronym ("U.S." -> "US"), else None."""
    bare = name.replace(".", "").replace(" ", "")
    if 2 <= len(bare) <= 6 and bare.isupper() and bare.isalnum():
        return bare
    return None


def _strip_article_possessive(name: str) -> str:
    name = _SPACES.sub(" ", name).strip()
    name = _THE.sub("", name)
    return _POSSESSIVE.sub("", name).strip()


def _group_key(name: str) -> str:
    """Key under which ORG/GPE/NORP names are grouped: acronyms keep their case ("US" is not "Us")."""
    acronym = _acronym_form(name)
    return f"ACR:{acronym}" if acronym else name.replace(".", "").casefold()


@dataclass(frozen=True)
class ActorLexicon:
    """Titles stripped from person names and the table of known short forms.

    Attributes:
        titles: title word sequences, casefolded, without final periods; longest first.
        aliases: group key of a known form -> (canonical name, kind or None).
    """

    titles: tuple[tuple[str, ...], ...] = ()
    aliases: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ActorLexicon:
        """Build from the ``actor_aliases.json`` structure (``{"titles": [...], "actors": [...]}``)."""
        titles = {tuple(w.rstrip(".").casefold() for w in str(t).split()) for t in data.get("titles", [])}
        aliases: dict[str, tuple[str, str | None]] = {}
        for entry in data.get("actors", []):
            name = str(entry["name"])
            kind = entry.get("kind")
            for form in [name, *entry.get("aliases", [])]:
                aliases[_group_key(_strip_article_possessive(str(form)))] = (name, kind)
        return cls(titles=tuple(sorted((t for t in titles if t), key=len, reverse=True)), aliases=aliases)

    @classmethod
    def from_resource(cls) -> ActorLexicon:
        """The project's default lexicon, ``resources/actor_aliases.json``."""
        return cls.from_json(load_json_resource("actor_aliases.json"))

    @classmethod
    def from_path(cls, path: str | Path) -> ActorLexicon:
        """A lexicon from a JSON file of the same shape (an analyst's extended copy)."""
        return cls.from_json(json.loads(Path(path).read_text(encoding="utf-8")))

    @cached_property
    def _titles_by_first_word(self) -> dict[str, tuple[tuple[str, ...], ...]]:
        """The titles by their first word, each list longest first as in ``titles`` (a person's name is
        compared only with the titles it could start with)."""
        out: dict[str, list[tuple[str, ...]]] = {}
        for title in self.titles:
            out.setdefault(title[0], []).append(title)
        return {first: tuple(titles) for first, titles in out.items()}

    def person_name(self, surface: str) -> str:
        """The proper-name part of a person mention: no article, possessive, titles or lowercase descriptors.

        "Prime Minister Shinzo Abe's" -> "Shinzo Abe"; "spokesman Dmitry Peskov" -> "Dmitry Peskov".
        """
        words = _strip_article_possessive(surface).split()
        changed = True
        while changed and words:
            changed = False
            folded = [w.rstrip(".").casefold() for w in words]
            for title in self._titles_by_first_word.get(folded[0], ()):
                if len(title) < len(words) and tuple(folded[: len(title)]) == title:
                    words = words[len(title) :]
                    changed = True
                    break
            # A leading lowercase word is a descriptor spaCy swept in ("spokesman", "former"), never a name.
            while len(words) > 1 and words[0][:1].islower():
                words = words[1:]
                changed = True
        return " ".join(words)


@dataclass
class _Actor:
    name: str
    kind: str | None = None  # fixed by the alias table, else decided by the mentions' labels
    labels: Counter[str] = field(default_factory=Counter)
    mentions: list[int] = field(default_factory=list)  # indexes into the entity list


def _compatible(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Whether person name ``short`` can refer to ``long``.

    Same surname and the other words a subset: "Abe" and "Shinzo Abe" -> "Shinzo Abe".
    """
    if len(short) > len(long) or short[-1] != long[-1]:
        return False
    return set(short[:-1]) <= set(long[:-1])


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w.casefold() not in _ACRONYM_STOPWORDS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper() if len(words) >= 2 else ""


class _Linker:
    """One article's linking run (state kept in an object so the steps stay small functions)."""

    def __init__(
        self, text: str, entities: Sequence[EntitySuggestion], lexicon: ActorLexicon, types: ActorTypes
    ) -> None:
        self.text = text
        self.entities = entities
        self.lexicon = lexicon
        self.types = types
        self.actors: list[_Actor] = []
        self.assigned: dict[int, int] = {}  # entity index -> actor index
        self.groups: dict[str, int] = {}  # group key of a non-person actor -> actor index

    def surface(self, i: int) -> str:
        return self.text[self.entities[i].start : self.entities[i].end]

    def _new_actor(self, name: str, kind: str | None = None) -> int:
        self.actors.append(_Actor(name=name, kind=kind))
        return len(self.actors) - 1

    def _assign(self, i: int, actor: int) -> None:
        self.assigned[i] = actor
        self.actors[actor].mentions.append(i)
        self.actors[actor].labels[self.entities[i].label] += 1

    def link_groups(self) -> None:
        """Organisation, place and group mentions grouped by alias table or normalised name."""
        for i, ent in enumerate(self.entities):
            if self.types.get(ent.label) in (None, ActorType.PERSON):
                continue
            name = _strip_article_possessive(self.surface(i))
            if not name:
                continue
            key = _group_key(name)
            known = self.lexicon.aliases.get(key)
            if known is not None:
                key = _group_key(known[0])
            # The alias table's kind counts only when it is one of the project's labels.
            kind = known[1] if known and known[1] in self.types else None
            if key not in self.groups:
                self.groups[key] = self._new_actor(known[0] if known else name, kind)
            self._assign(i, self.groups[key])

    def merge_acronyms(self) -> None:
        """Fold an acronym group ("LDP") into the one long name with those initials in the article."""
        by_initials: dict[str, list[int]] = {}
        for key, actor in self.groups.items():
            if not key.startswith("ACR:"):
                by_initials.setdefault(_initials(self.actors[actor].name), []).append(actor)
        for key, actor in list(self.groups.items()):
            targets = by_initials.get(key[4:], []) if key.startswith("ACR:") else []
            if len(targets) == 1 and self.actors[actor].kind is None:
                self._move(actor, targets[0])

    def _move(self, source: int, target: int) -> None:
        for i in list(self.actors[source].mentions):
            self._assign(i, target)
        self.actors[source].mentions.clear()

    def link_persons(self) -> None:
        """Person mentions grouped by name containment, longest names first so they become canonical."""
        names: dict[int, tuple[str, ...]] = {}
        for i, ent in enumerate(self.entities):
            if self.types.get(ent.label) == ActorType.PERSON:
                name = self.lexicon.person_name(self.surface(i))
                if name:
                    names[i] = tuple(name.split())
        order = sorted(names, key=lambda i: (-len(names[i]), -len(" ".join(names[i])), i))
        persons: list[tuple[tuple[str, ...], int]] = []  # (casefolded canonical words, actor)
        for i in order:
            words = names[i]
            folded = tuple(w.casefold() for w in words)
            candidates = [actor for canon, actor in persons if _compatible(folded, canon)]
            if not candidates:
                actor = self._person_elsewhere(i, words, persons)
                if actor is None:
                    actor = self._new_actor(" ".join(words), self.entities[i].label)
                    persons.append((folded, actor))
                elif actor < 0:
                    continue  # a compound like "Abe-Putin": two actors, so none
            else:
                actor = self._closest(i, candidates)
            self._assign(i, actor)
        self._merge_surname_orgs(persons)
        self._drop_compounds(persons)

    def _person_elsewhere(
        self, i: int, words: tuple[str, ...], persons: list[tuple[tuple[str, ...], int]]
    ) -> int | None:
        """Actor for a person mention matching no longer name.

        Returns a place/organisation actor for a mislabelled mention, -1 for "A-B" compounds, else None.
        """
        if len(words) == 1:
            key = _group_key(words[0])
            if key in self.groups:  # "Sochi" tagged PERSON once and GPE elsewhere: it is the place
                return self.groups[key]
            parts = [p.casefold() for p in words[0].split("-")]
            if len(parts) > 1 and all(any(p == canon[-1] for canon, _ in persons) for p in parts):
                return -1
        return None

    def _closest(self, i: int, candidates: list[int]) -> int:
        """For an ambiguous surname: the candidate mentioned last before mention ``i``, else the first."""
        if len(candidates) == 1:
            return candidates[0]
        start = self.entities[i].start
        best, best_pos = candidates[0], -1
        for actor in candidates:
            before = [self.entities[m].start for m in self.actors[actor].mentions if self.entities[m].start < start]
            if before and max(before) > best_pos:
                best, best_pos = actor, max(before)
        return best

    def _merge_surname_orgs(self, persons: list[tuple[tuple[str, ...], int]]) -> None:
        # spaCy often tags a bare surname ("Lavrov") as an organisation; when it is exactly the surname of one
        # multi-word person of the article and not a known organisation, it is that person.
        for key, actor in self.groups.items():
            if self.actors[actor].kind is not None or " " in key or not self.actors[actor].mentions:
                continue
            if not all(
                self.types.get(self.entities[m].label) == ActorType.ORGANISATION for m in self.actors[actor].mentions
            ):
                continue
            matches = [p for canon, p in persons if len(canon) > 1 and canon[-1] == key]
            if len(matches) == 1:
                self._move(actor, matches[0])

    def _drop_compounds(self, persons: list[tuple[tuple[str, ...], int]]) -> None:
        # "the Abe-Putin summit": spaCy tags the compound ORG or PERSON; it names two actors, so link neither.
        surnames = {canon[-1] for canon, _ in persons}
        for key, actor in self.groups.items():
            parts = key.split("-")
            if len(parts) > 1 and all(part in surnames for part in parts):
                for m in self.actors[actor].mentions:
                    del self.assigned[m]
                self.actors[actor].mentions.clear()

    def result(self) -> tuple[list[EntitySuggestion], list[ActorSuggestion]]:
        used = sorted(
            (a for a in range(len(self.actors)) if self.actors[a].mentions),
            key=lambda a: min(self.entities[m].start for m in self.actors[a].mentions),
        )
        keys = {actor: f"k{n}" for n, actor in enumerate(used, start=1)}
        out_actors: list[ActorSuggestion] = []
        for actor in used:
            data = self.actors[actor]
            mentions = sorted(data.mentions, key=lambda m: self.entities[m].start)
            aliases: list[str] = []
            for m in mentions:
                surface = _SPACES.sub(" ", self.surface(m)).strip()
                if surface != data.name and surface not in aliases:
                    aliases.append(surface)
            kind = data.kind or data.labels.most_common(1)[0][0]
            out_actors.append(ActorSuggestion(key=keys[actor], name=data.name, kind=kind, aliases=tuple(aliases)))
        entities = [
            # Built directly: ``dataclasses.replace`` costs several times the constructor, once per entity.
            EntitySuggestion(ent.start, ent.end, ent.label, keys[self.assigned[i]] if i in self.assigned else None)
            for i, ent in enumerate(self.entities)
        ]
        return entities, out_actors


def link_actors(
    text: str, entities: Sequence[EntitySuggestion], lexicon: ActorLexicon, types: ActorTypes
) -> tuple[list[EntitySuggestion], list[ActorSuggestion]]:
    """Group an article's entity mentions into actors.

    Args:
        text: the article text the entity offsets point into.
        entities: the article's entity suggestions (any order; labels from our label set).
        lexicon: titles and known aliases (see :meth:`ActorLexicon.from_resource`).
        types: which labels name actors, and of what type (``Codebook.actor_labels()``).

    Returns:
        The entities in the same order with ``actor_key`` set (None for non-actor labels and unlinkable
        mentions), and the actors, keyed "k1", "k2", ... in order of first mention.
    """
    linker = _Linker(text, entities, lexicon, types)
    linker.link_groups()
    linker.merge_acronyms()
    linker.link_persons()
    return linker.result()


def link_claim_sources(
    text: str,
    claims: Iterable[ClaimSuggestion],
    entities: Sequence[EntitySuggestion],
    actors: Sequence[ActorSuggestion],
    lexicon: ActorLexicon,
    types: ActorTypes,
) -> list[ClaimSuggestion]:
    """Set ``source_actor_key`` on claims whose source (or resolved ``source_ref``) names a linked actor, and
    ``addressee_actor_key`` on claims whose ``addressee`` mention does.

    The named mention the claim suggester resolved (``source_ref``) is used first, then the source spans;
    each is matched by overlap with a linked entity mention, then by its text against the actors' names and
    aliases (a source spaCy did not tag, e.g. "Peskov"). Claims that already have a key are left as they are.
    """
    linked = [e for e in entities if e.actor_key is not None]
    by_name: dict[str, str | None] = {}
    for actor in actors:
        forms = [actor.name, *actor.aliases]
        if types.get(actor.kind) == ActorType.PERSON and " " in actor.name:
            forms.append(actor.name.split()[-1])
        for form in forms:
            folded = form.casefold()
            # A form shared by two actors (two Clintons' surname) identifies neither.
            by_name[folded] = actor.key if by_name.get(folded, actor.key) == actor.key else None
    def actor_of(spans: Sequence[Span]) -> str | None:
        for span in spans:
            key = _overlapping_actor(span, linked, text, types) or by_name.get(
                lexicon.person_name(span.slice(text)).casefold()
            )
            if key is not None:
                return key
        return None

    out: list[ClaimSuggestion] = []
    for claim in claims:
        key = claim.source_actor_key
        if key is None:
            key = actor_of(([claim.source_ref] if claim.source_ref is not None else []) + list(claim.source))
        addressee = claim.addressee_actor_key
        if addressee is None and claim.addressee is not None:
            addressee = actor_of([claim.addressee])
        if addressee is not None and addressee == key:
            addressee = None  # "Abe told himself": no one else is addressed
        if (key, addressee) != (claim.source_actor_key, claim.addressee_actor_key):
            claim = replace(claim, source_actor_key=key, addressee_actor_key=addressee)
        out.append(claim)
    return out


def _overlapping_actor(span: Span, linked: Sequence[EntitySuggestion], text: str, types: ActorTypes) -> str | None:
    hits = [e for e in linked if e.start < span.end and span.start < e.end]
    # A nationality or group before the real source ("Japanese Prime Minister") only modifies it: not the claimant.
    hits = [
        e for e in hits if types.get(e.label) != ActorType.GROUP or not any(c.isalnum() for c in text[e.end : span.end])
    ]
    if not hits:
        return None
    # Which mention wins when a source covers several: a person ("Japan's Prime Minister Abe"), then the
    # codebook's label order.
    order = {label: (kind != ActorType.PERSON, n) for n, (label, kind) in enumerate(types.items())}
    best = min(hits, key=lambda e: (order.get(e.label, (True, len(order))), -e.end))
    return best.actor_key
