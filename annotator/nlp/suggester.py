"""Turn article texts into suggestions: entities, claims and actor links, one ``ArticleSuggestions`` each.

spaCy does the expensive part (the texts are streamed through the pipeline, optionally in several worker
processes). With one process our rules run here on the parsed docs; with several they run in the workers (which
get this suggester by fork) and only the suggestions come back.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from annotator.core.codebook import Codebook, Section
from annotator.core.records import ArticleSuggestions, ClaimSuggestion
from annotator.nlp.actors import ActorLexicon, link_actors, link_claim_sources
from annotator.nlp.claim_codes import code_claims, has_code_classifiers
from annotator.nlp.entities import LabelMap, entity_suggestions
from annotator.nlp.issues import IssueSuggester
from annotator.nlp.pipeline import LoadedPipeline, parse_stream
from annotator.nlp.workers import map_in_workers

R = TypeVar("R")

_CLAIMS_MODULE = "annotator.nlp.claims"


class _ClaimSuggester(Protocol):
    def suggest(self, doc: Any, text: str | None = None) -> list[ClaimSuggestion]: ...


def _has_parser(nlp: Any) -> bool:
    """Whether an enabled component assigns dependencies (claims are read off the parse)."""
    try:
        return any("token.dep" in nlp.get_pipe_meta(name).assigns for name in nlp.pipe_names)
    except (AttributeError, KeyError, ValueError):  # not a spaCy Language (a test double): let claims decide
        return True


def _trained_claim_components(nlp: Any) -> tuple[str, ...]:
    """The enabled components of our attribution factory, in pipeline order (none for a test double)."""
    from annotator.nlp.attribution_component import FACTORY  # spaCy-heavy: only for a real pipeline

    try:
        return tuple(name for name in nlp.pipe_names if nlp.get_pipe_meta(name).factory == FACTORY)
    except (AttributeError, KeyError, ValueError):
        return ()


def _pipeline_labels(nlp: Any) -> set[str]:
    """The entity labels the pipeline's recognisers can give (empty for a test double)."""
    labels: set[str] = set()
    for name in getattr(nlp, "pipe_names", []):
        pipe = nlp.get_pipe(name)
        if name == "ner" or "ner" in type(pipe).__name__.lower() or hasattr(pipe, "ent_ids"):
            labels.update(str(label) for label in getattr(pipe, "labels", ()))
    return labels


def _make_claim_suggester(
    nlp: Any, lexicon_path: str | Path | None, source_labels: frozenset[str]
) -> _ClaimSuggester | None:
    """The claim suggester, or None while ``annotator.nlp.claims`` does not exist.

    Imported lazily because it is developed separately; an ImportError *inside* that module is a bug and is
    raised, only the module's absence is tolerated.
    """
    try:
        module = importlib.import_module(_CLAIMS_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name == _CLAIMS_MODULE:
            return None
        raise
    path = Path(lexicon_path) if lexicon_path is not None else None
    suggester: _ClaimSuggester = module.ClaimSuggester(nlp, lexicon_path=path, source_labels=source_labels)
    return suggester


class Suggester:
    """Suggests entities, claims and actors for articles with one loaded pipeline.

    Args:
        loaded: the pipeline from :func:`annotator.nlp.pipeline.load_pipeline`.
        codebook: the project's codebook (``Repository.codebook()``): its label map and actor labels turn the
            pipeline's entities into the project's, its kinds and forms bound the claims', its issue keywords
            suggest issues.
        actor_lexicon: titles and known aliases; default ``resources/actor_aliases.json``.
        claim_lexicon_path: a cue lexicon for the claim suggester; None for its default.
    """

    def __init__(
        self,
        loaded: LoadedPipeline,
        codebook: Codebook,
        *,
        actor_lexicon: ActorLexicon | None = None,
        claim_lexicon_path: str | Path | None = None,
    ) -> None:
        self.loaded = loaded
        self.codebook = codebook
        self.label_map = LabelMap.from_codebook(codebook)
        self.actor_lexicon = actor_lexicon if actor_lexicon is not None else ActorLexicon.from_resource()
        candidates = _pipeline_labels(loaded.nlp) | set(self.label_map.mapping) | set(self.label_map.labels)
        source_labels = self.label_map.pipeline_actor_labels(candidates)
        # A pipeline without a parser (an NER-only custom one) still gives entities and actors; claims need
        # the parse, so they are left out rather than failing every article.
        self._claims = (
            _make_claim_suggester(loaded.nlp, claim_lexicon_path, source_labels) if _has_parser(loaded.nlp) else None
        )
        self._issues = IssueSuggester(loaded.nlp, codebook)
        self._codes = has_code_classifiers(loaded.nlp)
        self._deferred = _trained_claim_components(loaded.nlp)

    @property
    def origin(self) -> str:
        """The origin recorded on every suggestion, e.g. ``spacy:en_core_web_sm@3.8.0``."""
        return self.loaded.origin

    @property
    def suggests_claims(self) -> bool:
        """False without the claim module or a parser in the pipeline (then entities and actors only)."""
        return self._claims is not None

    @property
    def deferred_components(self) -> tuple[str, ...]:
        """Components a caller may leave out of the parse and run later with :meth:`finish_docs`: the trained
        attribution component, which reads only what the parse left on the Doc (the suggest job runs it on its
        writer thread, next to our rules, while the next texts are parsed)."""
        return self._deferred

    def finish_docs(self, docs: Sequence[Any]) -> list[Any]:
        """Run the :attr:`deferred_components` over ``docs`` parsed without them (one batch for the network)."""
        out = list(docs)
        for name in self._deferred:
            out = list(self.loaded.nlp.get_pipe(name).pipe(out, batch_size=max(1, len(out))))
        return out

    def suggest_doc(self, article_id: str, doc: Any, text: str | None = None) -> ArticleSuggestions:
        """Suggestions for one already parsed ``spacy.tokens.Doc`` of the article's text.

        ``text`` is the text ``doc`` was parsed from, when the caller has it: spaCy rebuilds ``Doc.text`` from
        every token on each read, about 0.3 ms for a news article.
        """
        text = doc.text if text is None else text
        entities = entity_suggestions(doc, self.label_map, text)
        types = self.label_map.actor_types
        entities, actors = link_actors(text, entities, self.actor_lexicon, types)
        claims: list[ClaimSuggestion] = []
        if self._claims is not None:
            found = [self._in_codebook(c) for c in self._claims.suggest(doc, text)]
            if self._codes:
                found = code_claims(self.loaded.nlp, doc, found)
            claims = link_claim_sources(text, found, entities, actors, self.actor_lexicon, types)
            if self._issues.active:
                claims = self._issues.suggest(doc, claims)
        return ArticleSuggestions(
            article_id=article_id, origin=self.origin, entities=entities, claims=claims, actors=actors
        )

    def _in_codebook(self, claim: ClaimSuggestion) -> ClaimSuggestion:
        """The rules' kind and form when the project's codebook has them, else not coded."""
        kind = claim.kind if claim.kind in self.codebook.names(Section.KIND) else ""
        form = claim.form if claim.form in self.codebook.names(Section.FORM) else ""
        return claim if (kind, form) == (claim.kind, claim.form) else replace(claim, kind=kind, form=form)

    def suggest_texts(
        self, items: Iterable[tuple[str, str]], batch_size: int = 32, n_process: int = 1, *,
        in_workers: bool = False, expected: int | None = None, background: bool = False,
    ) -> Generator[ArticleSuggestions, None, None]:
        """Stream suggestions for ``(article_id, text)`` pairs, one per article, in input order.

        Args:
            items: ``(article_id, text)`` pairs; consumed lazily, so a large corpus need not be in memory.
            batch_size: texts per spaCy batch.
            n_process: worker processes; each parses its texts and runs the rules on them. Close the iterator
                (or let it be collected) to stop early: the workers are then terminated.
            in_workers: parse and run the rules in worker processes even when ``n_process`` is 1, so that this
                process's interpreter stays free (the window: its key presses must not wait for spaCy).
            expected: how many items there will be, if known (the workers then share the last ones evenly).
            background: the workers run at a lower CPU priority than this process (the window's runs).

        Yields:
            One :class:`ArticleSuggestions` per item, offsets into the given text.
        """
        if n_process > 1 or in_workers:
            # The worker gets the text as context too (pickled once: the same object), so that it need not
            # rebuild it from the Doc.
            tasks = ((text, (article_id, text)) for article_id, text in items)
            # The rules run in the workers too: only the (small) suggestions come back, not the parsed Docs, so
            # this process does little more than store them (issue 15, point 33). Closing this generator early
            # (a cancelled job) stops the workers.
            for suggestions, _ in map_in_workers(self.loaded.nlp, tasks, batch_size=batch_size,
                                                 n_process=max(1, n_process), process=self._suggest_in_worker,
                                                 expected=expected, background=background):
                yield suggestions
            return
        pairs = ((text, article_id) for article_id, text in items)
        for doc, article_id in parse_stream(self.loaded.nlp, pairs, batch_size=batch_size):
            yield self.suggest_doc(article_id, doc)

    def suggest_then(
        self, items: Iterable[tuple[str, str]], then: Callable[[ArticleSuggestions], R], *, batch_size: int = 32,
        n_process: int = 1, expected: int | None = None, background: bool = False,
        stop: Callable[[], bool] | None = None,
    ) -> Iterator[R]:
        """Like ``suggest_texts`` in worker processes, with ``then`` run on each article's suggestions in one
        further process of its own (``map_in_workers``): what ``then`` returns is yielded, in input order.

        This process only sends the texts and receives ``then``'s results: the window stores its runs' suggestions
        so, and its own interpreter does none of that work while the analyst codes. ``then`` must be picklable.
        ``stop`` ends the run early; what ``then`` finished is still yielded (``map_in_workers``).
        """
        tasks = ((text, (article_id, text)) for article_id, text in items)
        for result, _ in map_in_workers(self.loaded.nlp, tasks, batch_size=batch_size, n_process=max(1, n_process),
                                        process=self._suggest_in_worker, expected=expected, background=background,
                                        then=then, stop=stop):
            yield result

    def _suggest_in_worker(self, doc: Any, context: tuple[str, str]) -> ArticleSuggestions:
        article_id, text = context
        return self.suggest_doc(article_id, doc, text)
